package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/syncbuf"
)

// startMock runs `accord mock docplanner` with args until the test ends and
// returns its base URL and its stdout.
func startMock(t *testing.T, args ...string) (string, *syncbuf.Buffer, func() error) {
	t.Helper()
	return startMockOf(t, "docplanner", args...)
}

// startMockOf runs `accord mock <platform>` with args until the test ends.
func startMockOf(t *testing.T, platform string, args ...string) (string, *syncbuf.Buffer, func() error) {
	t.Helper()
	out := &syncbuf.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := newRootCmd(out, out)
	cmd.SetArgs(append([]string{"mock", platform, "--addr", "127.0.0.1:0"}, args...))
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var stopped error
	stop := sync.OnceValue(func() error {
		cancel()
		select {
		case stopped = <-done:
		case <-time.After(10 * time.Second):
			t.Error("the mock did not stop")
		}
		return stopped
	})
	t.Cleanup(func() { _ = stop() })
	listening := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)
	require.Eventually(t, func() bool { return listening.MatchString(out.String()) }, 10*time.Second, 10*time.Millisecond, "stdout: %s", out)
	return "http://" + listening.FindStringSubmatch(out.String())[1], out, stop
}

func sandboxToken(t *testing.T, base string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"integration"}}
	req, err := http.NewRequest(http.MethodPost, base+"/oauth/v2/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.SetBasicAuth("accord-sandbox", "accord-sandbox-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
	return tok.AccessToken
}

func getFacilities(t *testing.T, base, tok string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/v3/integration/facilities", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res
}

// TestStandaloneMockKeepsABoundedJournal: `accord mock docplanner` keeps the
// newest --journal-limit exchanges per client, counts what it dropped (the
// admin API and the last line say so), and prints each exchange beside the
// server unless --quiet.
func TestStandaloneMockKeepsABoundedJournal(t *testing.T) {
	for _, tc := range []struct {
		name  string
		quiet bool
	}{{"printing", false}, {"quiet", true}} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--journal-limit", "3", "--rate-limits", "off"}
			if tc.quiet {
				args = append(args, "--quiet")
			}
			base, out, stop := startMock(t, args...)
			tok := sandboxToken(t, base)
			for range 6 {
				require.Equal(t, http.StatusOK, getFacilities(t, base, tok).StatusCode)
			}
			res, err := http.Get(base + "/_accord/journal?client=accord-sandbox")
			require.NoError(t, err)
			var kept []journal.Entry
			require.NoError(t, json.NewDecoder(res.Body).Decode(&kept))
			res.Body.Close()
			assert.Len(t, kept, 3, "the newest three of the client's exchanges")
			assert.Equal(t, "3", res.Header.Get("X-Accord-Journal-Limit"))
			// The token request and the six GETs are the sandbox client's.
			assert.Equal(t, "4", res.Header.Get("X-Accord-Journal-Dropped"))
			jar, _ := cookiejar.New(nil)
			page, err := (&http.Client{Jar: jar}).PostForm(base+"/sandbox/login", url.Values{"client_id": {"accord-sandbox"}, "client_secret": {"accord-sandbox-secret"}})
			require.NoError(t, err)
			body, _ := io.ReadAll(page.Body)
			page.Body.Close()
			assert.Contains(t, string(body), "Clinica Sol", "the sandbox signs the client in and shows its clinic")

			require.NoError(t, stop())
			lines := strings.Count(out.String(), "(getFacilities)")
			if tc.quiet {
				assert.Zero(t, lines, "stdout: %s", out)
			} else {
				assert.Equal(t, 6, lines, "every exchange printed, dropped from the journal or not; stdout: %s", out)
			}
			assert.Contains(t, out.String(), "journal: the 4 oldest exchanges were dropped (--journal-limit 3 per client)")
		})
	}
}

// TestDikidiMockServesTheBusinessPanel: `accord mock dikidi` prints the
// panel's address, and the owner signs in there and finds the key made at
// start awaiting activation.
func TestDikidiMockServesTheBusinessPanel(t *testing.T) {
	base, out, _ := startMockOf(t, "dikidi", "--owner-token", "owner-of-the-test", "--quiet")
	assert.Contains(t, out.String(), "web panel:   "+base+"/panel/  (in a browser; sign in with company 48213 and the owner token)")
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	res, err := browser.PostForm(base+"/panel/login", url.Values{"company_id": {"48213"}, "owner_token": {"owner-of-the-test"}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, err = browser.Get(base + "/panel/settings/integration")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(body), "Partner connector")
	assert.Contains(t, string(body), "Awaiting activation of the key")
	res, err = http.Get(base + "/api/partner/company")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the partner API is still served beside the panel")
}

// TestReachMockServesTheScreensBesideThePartner: `accord mock reach` prints where Reach's screens
// are, they sign the customer in with what it printed and connect the partner it serves, whose API
// still answers under the same /reach.
func TestReachMockServesTheScreensBesideThePartner(t *testing.T) {
	base, out, _ := startMockOf(t, "reach", "--serve-partner", "--quiet")
	screens := regexp.MustCompile(`screens: (\S+) \(.*sign in as (\S+), password (\S+)\)`)
	require.Eventually(t, func() bool { return screens.MatchString(out.String()) }, 10*time.Second, 10*time.Millisecond, "stdout: %s", out)
	line := screens.FindStringSubmatch(out.String())
	assert.Equal(t, base+"/reach/", line[1])
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	read := func(res *http.Response, err error) string {
		t.Helper()
		require.NoError(t, err)
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return string(body)
	}
	home := read(browser.PostForm(line[1]+"login", url.Values{"email": {line[2]}, "password": {line[3]}}))
	token := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindStringSubmatch(home)
	require.NotNil(t, token, home)
	page := read(browser.PostForm(line[1]+"connect", url.Values{"token": {token[1]}, "how": {"token"}, "access_token": {"accord-reach-sandbox-token"}}))
	assert.Contains(t, page, "Connected accord reference partner (Reach) with your API token")
	discovery := read(http.Get(base + "/reach/auth/oauth-discovery"))
	assert.Contains(t, discovery, "static bearer tokens", "the partner's API answers beside the screens")
}

func TestMockFlagsSayWhatIsWrong(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		contains string
	}{
		{[]string{"mock", "docplanner", "--rate-limits", "sometimes"}, `--rate-limits must be on or off, got "sometimes"`},
		{[]string{"mock", "docplanner", "--journal-limit", "-1"}, "--journal-limit must be 0 or more, got -1"},
		{[]string{"mock", "dikidi", "--journal-limit", "-5"}, "--journal-limit must be 0 or more, got -5"},
		{[]string{"mock", "reach", "--serve-partner", "--journal-limit", "-5"}, "--journal-limit must be 0 or more, got -5"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := accord(t, tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, out+errs, tc.contains)
		})
	}
}

func TestConsoleSaysWhenItFellBehind(t *testing.T) {
	j := journal.NewBounded(0)
	feed := j.Follow(2)
	for _, op := range []string{"getFacilities", "getSlots", "bookSlot", "getBooking"} {
		j.Add(journal.Entry{Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Method: "GET", URL: "http://mock/x?token=secret", Status: 200, Operation: op})
	}
	j.Unfollow(feed)
	var out bytes.Buffer
	printExchanges(feed, &out, func(e journal.Entry) string { return exchangeLine(e, true) })
	assert.Equal(t, "09:00:00 GET http://mock/x → 200 (getFacilities)\n09:00:00 GET http://mock/x → 200 (getSlots)\n"+
		"… 2 exchanges not printed: the console fell behind (the journal has them; --quiet prints none)\n", out.String())
}

func TestExchangeLine(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		e         journal.Entry
		hideQuery bool
		want      string
	}{
		{journal.Entry{Time: at, Method: "GET", URL: "http://m/slots?start=a", Status: 200, Operation: "getSlots"}, false,
			"09:00:00 GET http://m/slots?start=a → 200 (getSlots)"},
		{journal.Entry{Time: at, Method: "GET", URL: "http://m/api/partner?token=k", Status: 400,
			RequestViolations: []journal.Violation{{In: "query", Field: "date", Rule: "format", Message: "bad"}}}, true,
			"09:00:00 GET http://m/api/partner → 400 violations: query date: format: bad"},
		{journal.Entry{Time: at, Direction: journal.Outbound, Method: "POST", URL: "http://p/cb", Error: "connection refused", Operation: "event:record.created"}, false,
			"09:00:00 outbound POST http://p/cb → connection refused (event:record.created)"},
		{journal.Entry{Time: at, Method: "PUT", URL: "http://m/slots", Status: 200, Warnings: []journal.Violation{{In: "body", Message: "date without zone"}}}, false,
			"09:00:00 PUT http://m/slots → 200 warning: body: date without zone"},
	} {
		assert.Equal(t, tc.want, exchangeLine(tc.e, tc.hideQuery))
	}
}
