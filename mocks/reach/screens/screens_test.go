package screens_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/mocks/reach"
	"github.com/accord-harness/accord/mocks/reach/refpartner"
	"github.com/accord-harness/accord/mocks/reach/screens"
)

const (
	email       = "customer@reach.example"
	password    = "correct horse"
	staticToken = "tok-static-customer-9431"
	oauthSecret = "client-s3cret-7781"
)

// site is Reach's screens beside the reference partner on one server, as `accord mock reach` serves
// them, everyone on one run clock.
type site struct {
	clock *clock.Run
	base  string
}

// theBooks are the fixture's three companies, parsed once: the reference partner never writes to
// them, and parsing is most of a site's cost under the race detector.
var theBooks = sync.OnceValues(reachfixture.LoadSet)

// siteOptions shape a site: partner (nil: the reference partner, with OAuth, committing faults, over
// the first companies of the books, or all of them).
type siteOptions struct {
	partner   http.Handler
	faults    []string
	companies int
}

func newSite(t *testing.T, o siteOptions) site {
	t.Helper()
	clk := clock.New()
	r, err := reach.New(reach.Options{Clock: clk, Virtual: true})
	require.NoError(t, err)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p := screens.Partner{Name: "Lantern Books", BaseURL: srv.URL + refpartner.APIBase}
	partner := o.partner
	if partner == nil {
		ref, err := refpartner.New(refpartner.Options{Clock: clk, Faults: o.faults})
		require.NoError(t, err)
		oauth := refpartner.OAuthClient{ClientID: "reach", ClientSecret: oauthSecret, RedirectURI: "https://app.reach.example/oauth/callback"}
		require.NoError(t, ref.Reset(refpartner.Settings{AccessToken: staticToken, OAuth: &oauth}))
		books, err := theBooks()
		require.NoError(t, err)
		if o.companies > 0 {
			books = &reachfixture.Set{Companies: books.Companies[:o.companies]}
		}
		require.NoError(t, ref.Load(books))
		partner = ref
		p.OAuth = &reach.OAuthClient{ClientID: oauth.ClientID, ClientSecret: oauth.ClientSecret, RedirectURI: oauth.RedirectURI}
		p.Driver, err = driver.New(srv.URL, 5*time.Second)
		require.NoError(t, err)
	}
	mux.Handle("/", partner)
	s, err := screens.New(screens.Options{Reach: r, Partner: p, Email: email, Password: password})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	s.Mount(mux)
	return site{clock: clk, base: srv.URL}
}

// customer is one browser: its own cookies, never following a redirect on its own.
type customer struct {
	t     *testing.T
	c     *http.Client
	base  string
	token string // the form token of the session
}

func (s site) customer(t *testing.T) *customer {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &customer{t: t, base: s.base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	code     int
	location string
	body     string
}

func (c *customer) do(method, path string, form url.Values) answer {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	require.NoError(c.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.c.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if strings.HasPrefix(path, screens.Prefix) && res.StatusCode != http.StatusForbidden {
		assert.Contains(c.t, res.Header.Get("Content-Security-Policy"), "default-src 'none'", "no page may run script: %s", path)
	}
	loc, _ := res.Location()
	a := answer{code: res.StatusCode, body: string(b)}
	if loc != nil {
		a.location = loc.RequestURI()
	}
	return a
}

// follow gets where a form's answer sends the browser.
func (c *customer) follow(a answer) answer {
	c.t.Helper()
	require.Equal(c.t, http.StatusSeeOther, a.code, "a form answers with a redirect: %s", a.body)
	return c.do(http.MethodGet, a.location, nil)
}

var tokenField = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

func (c *customer) signIn() {
	c.t.Helper()
	home := c.follow(c.do(http.MethodPost, "/reach/login", url.Values{"email": {email}, "password": {password}}))
	m := tokenField.FindStringSubmatch(home.body)
	require.NotNil(c.t, m, "signed in, the home page has forms: %s", home.body)
	c.token = m[1]
}

func (c *customer) post(path string, form url.Values) answer {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["token"]; !ok {
		form.Set("token", c.token)
	}
	return c.do(http.MethodPost, path, form)
}

var stateField = regexp.MustCompile(`name="state" value="([0-9a-f]+)"`)

// consentPage presses Connect and returns the consent page's state.
func (c *customer) consentPage() string {
	c.t.Helper()
	page := c.follow(c.post("/reach/connect", url.Values{"how": {"oauth"}}))
	require.Equal(c.t, http.StatusOK, page.code, page.body)
	require.Contains(c.t, page.body, "Connect Lantern Books to Reach")
	return stateField.FindStringSubmatch(page.body)[1]
}

// TestACustomerConnectsSyncsAndReadsTheDashboard walks the screens as a customer does: signs in,
// connects on the consent page, presses Sync now, reads the sync and its dashboard; then connects
// again with the partner's static token, and once more but denies.
func TestACustomerConnectsSyncsAndReadsTheDashboard(t *testing.T) {
	s := newSite(t, siteOptions{})
	c := s.customer(t)

	a := c.do(http.MethodGet, "/reach/", nil)
	assert.Contains(t, a.body, `name="password"`)
	a = c.do(http.MethodPost, "/reach/login", url.Values{"email": {email}, "password": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, a.code)
	assert.Contains(t, a.body, "Unknown e-mail or wrong password")
	c.signIn()

	state := c.consentPage()
	a = c.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}})
	require.Equal(t, "/reach/connections/customer-1", strings.Split(a.location, "?")[0], a.body)
	a = c.follow(a)
	assert.Contains(t, a.body, "Connected Lantern Books")
	assert.Contains(t, a.body, "with OAuth")
	assert.Contains(t, a.body, "No sync yet")

	a = c.follow(c.post("/reach/connections/customer-1/sync", nil))
	assert.Contains(t, a.body, "Sync 1 completed; companies read: 3.")
	assert.Contains(t, a.body, `<tr class="sync"><td><a href="/reach/connections/customer-1/syncs/1">1</a> on-demand`)
	assert.Contains(t, a.body, "Lantern Physiotherapy Pty Ltd")

	a = c.do(http.MethodGet, "/reach/connections/customer-1/syncs/1", nil)
	assert.Equal(t, http.StatusOK, a.code)
	assert.Contains(t, a.body, "Nothing.", "the reference partner's sync finds nothing wrong")
	a = c.do(http.MethodGet, "/reach/connections/customer-1/syncs/1/dashboard", nil)
	assert.Equal(t, http.StatusOK, a.code)
	assert.Contains(t, a.body, "<h1>Fernhill Veterinary Clinic Limited</h1>", "the mock's dashboard, one section a company")
	assert.Contains(t, a.body, "Profit and loss by month")
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, "/reach/connections/customer-1/syncs/2/dashboard", nil).code)

	a = c.follow(c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}}))
	assert.Contains(t, a.body, "Connected Lantern Books with your API token (…9431)")
	assert.NotContains(t, a.body, staticToken, "the token is masked")

	state = c.consentPage()
	a = c.follow(c.post("/reach/consent", url.Values{"state": {state}, "allow": {"no"}}))
	assert.Contains(t, a.body, "Not connected: you did not allow Reach")
	home := c.do(http.MethodGet, "/reach/", nil)
	assert.Equal(t, 2, strings.Count(home.body, `class="connection"`), "the denied consent connected nothing")
	for _, secret := range []string{staticToken, oauthSecret} {
		assert.NotContains(t, home.body, secret)
	}
}

// TestFormsNeedTheSessionsToken: a form posted without this session's token, or from another site's
// page (posting with the customer's cookie), changes nothing.
func TestFormsNeedTheSessionsToken(t *testing.T) {
	s := newSite(t, siteOptions{})
	c := s.customer(t)
	c.signIn()
	other := s.customer(t)
	other.signIn()
	c.follow(c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}}))
	state := c.consentPage()

	for _, tc := range []struct {
		name, token string
	}{
		{"no token", ""},
		{"another session's token", other.token},
		{"a made-up token", strings.Repeat("ab", 32)},
	} {
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{"/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}}},
			{"/reach/consent", url.Values{"state": {state}, "allow": {"yes"}}},
			{"/reach/connections/customer-1/sync", url.Values{}},
		} {
			t.Run(tc.name+" "+post.path, func(t *testing.T) {
				post.form.Set("token", tc.token)
				a := c.do(http.MethodPost, post.path, post.form)
				assert.Equal(t, http.StatusForbidden, a.code)
				assert.Contains(t, a.body, "the form's token is not this session's")
			})
		}
	}
	t.Run("another site's page", func(t *testing.T) {
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{"/reach/login", url.Values{"email": {email}, "password": {password}}},
			{"/reach/logout", url.Values{}},
			{"/reach/connect", url.Values{"token": {c.token}, "how": {"token"}, "access_token": {staticToken}}},
		} {
			req, err := http.NewRequest(http.MethodPost, c.base+post.path, strings.NewReader(post.form.Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			res, err := c.c.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusForbidden, res.StatusCode, post.path)
		}
	})
	home := c.do(http.MethodGet, "/reach/", nil)
	assert.Equal(t, 1, strings.Count(home.body, `class="connection"`), "no refused form connected anything")
	assert.Contains(t, home.body, "<span class=\"muted\">none</span>", "no refused form started a sync")
	a := c.follow(c.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}}))
	assert.Contains(t, a.body, "Connected Lantern Books", "the consent page still waits for its own session's answer")
}

// TestSessionsAndConsentPagesExpire on Reach's clock. The cases share one site: each signs in
// afresh, so the time earlier cases let pass does not count against it.
func TestSessionsAndConsentPagesExpire(t *testing.T) {
	s := newSite(t, siteOptions{})
	for _, tc := range []struct {
		name string
		wait time.Duration
		// answer is the customer allowing on the consent page after the wait.
		answerCode int
		answerSays string
	}{
		{"consent page expired", screens.DefaultConsentTTL + time.Second, http.StatusSeeOther, "this consent page expired"},
		{"session ended", screens.DefaultSessionTTL + time.Second, http.StatusForbidden, "your session has ended"},
		{"in time", screens.DefaultConsentTTL - time.Minute, http.StatusSeeOther, "Connected Lantern Books"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := s.customer(t)
			c.signIn()
			state := c.consentPage()
			s.clock.Advance(tc.wait)
			a := c.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}})
			require.Equal(t, tc.answerCode, a.code, a.body)
			if a.code == http.StatusSeeOther {
				a = c.follow(a)
			}
			assert.Contains(t, a.body, tc.answerSays)
		})
	}
	t.Run("a signed-out page asks to sign in", func(t *testing.T) {
		c := s.customer(t)
		c.signIn()
		s.clock.Advance(screens.DefaultSessionTTL + time.Second)
		a := c.follow(c.do(http.MethodGet, "/reach/connections/customer-1", nil))
		assert.Contains(t, a.body, `name="password"`)
	})
	t.Run("another session's consent page", func(t *testing.T) {
		c, other := s.customer(t), s.customer(t)
		c.signIn()
		other.signIn()
		state := c.consentPage()
		a := other.follow(other.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}}))
		assert.Contains(t, a.body, "this consent page is unknown or was answered already")
	})
}

// hostile is a partner that puts markup in what it sends and echoes the customer's token back.
func hostile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/oauth2/user-info") {
			fmt.Fprint(w, `{"UserId":"u-1","Name":"Ann","Email":"ann@example.com","Companies":[{"CompanyId":"c-1","CompanyName":"<script>alert(1)</script>"}]}`)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"errors":[{"message":"<script>alert(2)</script> you sent %s"}]}`, r.Header.Get("Authorization"))
	})
}

// TestPartnerContentIsTextAndSecretsMasked: what a partner sent shows as text, and the token it
// echoed does not show at all.
func TestPartnerContentIsTextAndSecretsMasked(t *testing.T) {
	s := newSite(t, siteOptions{partner: hostile()})
	c := s.customer(t)
	c.signIn()
	c.follow(c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}}))
	a := c.follow(c.post("/reach/connections/customer-1/sync", nil))
	assert.Contains(t, a.body, "sync 1 did not complete")
	for _, path := range []string{"/reach/", "/reach/connections/customer-1", "/reach/connections/customer-1/syncs/1"} {
		t.Run(path, func(t *testing.T) {
			page := c.do(http.MethodGet, path, nil).body
			assert.NotContains(t, page, "<script>", "partner markup is escaped")
			assert.NotContains(t, page, staticToken, "the echoed token is scrubbed")
		})
	}
	home := c.do(http.MethodGet, "/reach/", nil).body
	assert.Contains(t, home, "&lt;script&gt;alert(1)&lt;/script&gt;", "the company name shows as text")
	sync := c.do(http.MethodGet, "/reach/connections/customer-1/syncs/1", nil).body
	assert.Contains(t, sync, "&lt;script&gt;alert(2)&lt;/script&gt;", "the partner's error shows as text")
	assert.Contains(t, sync, "[REDACTED]", "where the token was")
	assert.Contains(t, sync, `<tr class="finding"><td>problem</td>`)
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, "/reach/connections/customer-1/syncs/1/dashboard", nil).code,
		"Reach shows no figures from a sync that did not complete")
}

// TestASyncShowsWhatItFoundWrong: each kind of finding the mock records reaches the sync's page (a
// problem: TestPartnerContentIsTextAndSecretsMasked).
func TestASyncShowsWhatItFoundWrong(t *testing.T) {
	for _, tc := range []struct {
		fault    string
		findings []string
	}{
		{"pl-totals-off", []string{"<td>check</td><td>cmp-lantern</td><td>ACCRUAL P&amp;L"}},
		{"no-company-list", []string{"<td>violation</td><td>#1 getUserInfo (200)</td><td>Companies property &#34;Companies&#34; is missing (required)",
			"<td>ignored</td><td>#1 getUserInfo (200)</td><td>companies not in the specification"}},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			s := newSite(t, siteOptions{faults: []string{tc.fault}, companies: 1})
			c := s.customer(t)
			c.signIn()
			c.follow(c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}}))
			c.follow(c.post("/reach/connections/customer-1/sync", nil))
			page := c.do(http.MethodGet, "/reach/connections/customer-1/syncs/1", nil).body
			for _, f := range tc.findings {
				assert.True(t, strings.Contains(page, `<tr class="finding">`+f), "the sync's page lists %s; it lists:\n%s", f, firstFindings(page))
			}
		})
	}
}

// firstFindings are the first rows of a sync's findings, to say what a page lists instead.
func firstFindings(page string) string {
	rows := regexp.MustCompile(`<tr class="finding">.*?</tr>`).FindAllString(page, 5)
	return strings.Join(rows, "\n")
}

// TestSyncNowKeepsToTheDailyLimit: the sync button works a few times a UTC day on Reach's clock.
func TestSyncNowKeepsToTheDailyLimit(t *testing.T) {
	s := newSite(t, siteOptions{partner: hostile()}) // its syncs end at once
	c := s.customer(t)
	c.signIn()
	c.follow(c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}}))
	for i := 1; i <= reach.DefaultDailyOnDemand; i++ {
		a := c.follow(c.post("/reach/connections/customer-1/sync", nil))
		require.Contains(t, a.body, fmt.Sprintf("sync %d did not complete", i))
	}
	a := c.follow(c.post("/reach/connections/customer-1/sync", nil))
	assert.Contains(t, a.body, "the daily limit of on-demand syncs is reached")
	s.clock.Skip(24 * time.Hour) // the nightly sync's timer stays put: it would number a sync of its own
	c.signIn()                   // the day outlived the session
	a = c.follow(c.post("/reach/connections/customer-1/sync", nil))
	assert.Contains(t, a.body, fmt.Sprintf("sync %d did not complete", reach.DefaultDailyOnDemand+1), "a new day, a new allowance")
}

// TestTheConnectFormSaysWhatIsMissing: an OAuth connection with a partner Reach has
// no OAuth client for, and a token left empty, say so.
func TestTheConnectFormSaysWhatIsMissing(t *testing.T) {
	s := newSite(t, siteOptions{partner: hostile()})
	c := s.customer(t)
	c.signIn()
	for _, tc := range []struct {
		form url.Values
		says string
	}{
		{url.Values{"how": {"oauth"}}, "Lantern Books hands out API tokens: Reach was issued no OAuth client for it"},
		{url.Values{"how": {"token"}, "access_token": {""}}, "paste the API token"},
	} {
		a := c.follow(c.post("/reach/connect", tc.form))
		assert.Contains(t, a.body, tc.says)
	}
	assert.NotContains(t, c.do(http.MethodGet, "/reach/", nil).body, `class="connection"`)
}
