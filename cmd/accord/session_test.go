package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/container/containertest"
	"github.com/accord-harness/accord/internal/pagetest"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/syncbuf"
)

// screen is what a person at the terminal sees, as it arrives.
type screen struct {
	t *testing.T
	syncbuf.Buffer
	seen int // where the next expect starts looking; only expect moves it
}

// expect waits for re to appear after what was already matched and returns
// its submatches; the deadline only bounds a broken session.
func (s *screen) expect(re string) []string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		text := s.String()[s.seen:]
		if loc := rx.FindStringSubmatchIndex(text); loc != nil {
			m := rx.FindStringSubmatch(text)
			s.seen += loc[1]
			return m
		}
		time.Sleep(20 * time.Millisecond) // polling a pty: there is no event to wait on
	}
	s.t.Fatalf("the terminal never showed %q; it shows:\n%s", re, s.String())
	return nil
}

// scenarioAt is a Docplanner scenario's location (file:line), as the
// session's menu and the report name it.
func scenarioAt(t *testing.T, file, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "features", "docplanner", file))
	require.NoError(t, err)
	for i, line := range strings.Split(string(raw), "\n") {
		if strings.TrimSpace(line) == "Scenario: "+name {
			return fmt.Sprintf("%s:%d", file, i+1)
		}
	}
	t.Fatalf("%s has no scenario %q", file, name)
	return ""
}

// TestSessionThroughATerminal plays the operator of a joint session on a
// pseudo-terminal: one action done by hand in the partner's system (through
// the driver address the instruction shows, as the partner's own tooling
// would) with its id typed in, one skipped with a reason, a note, and the
// skipped scenario re-run from the menu, this time letting the driver act.
func TestSessionThroughATerminal(t *testing.T) {
	bin := containertest.Binary(t, t.TempDir())
	dir := t.TempDir()
	booked := scenarioAt(t, "bookings.feature", "A visit booked by the receptionist reaches Docplanner")
	cancelled := scenarioAt(t, "bookings.feature", "A cancellation by the receptionist reaches Docplanner")
	cmd := exec.Command(bin, "session", "--platform", "docplanner", "--report-dir", dir, booked, cancelled)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 160})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = tty.Close() })
	scr := &screen{t: t}
	go func() { _, _ = io.Copy(scr, tty) }()
	typeLine := func(s string) {
		t.Helper()
		_, err := tty.Write([]byte(s + "\r"))
		require.NoError(t, err)
	}

	// Scenario 1: the receptionist's booking, done by hand.
	scr.expect(`▶ 1 · bookings.feature · A visit booked by the receptionist reaches Docplanner`)
	scr.expect(`ACTION in the partner's system`)
	scr.expect(`book a visit: [^(]+ \(service svc-\w+\) on [^(]+ at Centrum \(calendar anna-centrum\), Mon \d+ \w+ \d{4} 11:00 \(UTC\+0[12]:00\)`)
	call := scr.expect(`as a driver call: POST (http://127\.0\.0\.1:\d+/actions) (\{.*?\})\x1b\[0m`)
	scr.expect(`\n> `)
	typeLine("n the receptionist used the new booking screen")
	scr.expect(`noted\.`)
	resp, err := http.Post(call[1], "application/json", strings.NewReader(call[2]))
	require.NoError(t, err)
	var done struct {
		Result struct {
			BookingID string `json:"booking_id"`
		} `json:"result"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&done))
	resp.Body.Close()
	require.NotEmpty(t, done.Result.BookingID)
	typeLine("")
	scr.expect(`The visit's id in the clinic's system \(booking_id\)\?`)
	typeLine("no-such-visit") // mistyped: said at once, and asked again
	scr.expect(`the partner's bookings view has no id "no-such-visit" \(\d+ items there\): check it and type it again`)
	scr.expect(`The visit's id in the clinic's system \(booking_id\)\?`)
	typeLine(done.Result.BookingID)
	scr.expect(`\r\x1b\[K  … within the latency budget Docplanner shows a booking`) // the live status line
	scr.expect(`✓.*Docplanner no longer offers "anna-centrum" next Monday at 11:00`)
	scr.expect(`PASSED`)

	// Scenario 2: the booking it needs is skipped, with the reason.
	scr.expect(`▶ 2 · bookings.feature · A cancellation by the receptionist reaches Docplanner`)
	scr.expect(`ACTION in the partner's system`)
	scr.expect(`\n> `)
	typeLine("s the front desk is busy")
	scr.expect(`skipped:.*the front desk is busy`)
	scr.expect(`SKIPPED`)

	// The menu offers the skipped scenario again; this time the driver acts.
	scr.expect(`1 of 2 scenarios did not pass:`)
	scr.expect(`1\. \[skipped\] Synchronising all bookings, both ways / A cancellation by the receptionist reaches Docplanner \(` + regexp.QuoteMeta(cancelled) + `\)`)
	scr.expect(`Number to run that scenario again`)
	typeLine("1")
	scr.expect(`▶ 3 · bookings.feature · A cancellation by the receptionist reaches Docplanner`)
	for range 2 { // book, then cancel
		scr.expect(`ACTION in the partner's system`)
		scr.expect(`\n> `)
		typeLine("a")
	}
	scr.expect(`PASSED`)
	scr.expect(`docplanner: passed against .* 2 scenarios, 2 passed, 0 failed; 1 notes; report in`)
	require.NoError(t, cmd.Wait(), scr.String())

	raw, err := os.ReadFile(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, err)
	var sum runner.Summary
	require.NoError(t, json.Unmarshal(raw, &sum))
	assert.Equal(t, "passed", sum.Verdict)
	require.Len(t, sum.Scenarios, 2)
	assert.Equal(t, cancelled, sum.Scenarios[1].Location)
	assert.Equal(t, 2, sum.Scenarios[1].Attempts)
	require.Len(t, sum.Notes, 1)
	assert.Contains(t, sum.Notes[0], "A visit booked by the receptionist reaches Docplanner · the receptionist used the new booking screen")
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(html), "the receptionist used the new booking screen"), "report.html shows the note")
	assert.True(t, strings.Contains(string(html), "attempt 2"), "report.html shows the re-run")
}

// TestSessionWithoutATerminal: in a CI log the session writes plain lines,
// and a question nobody can answer ends the session instead of hanging.
func TestSessionWithoutATerminal(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"plain lines", []string{scenarioAt(t, "bookings.feature", "A visit booked by a patient on Docplanner reaches the partner by PUSH")}, exitOK,
			[]string{"▶ 1 · bookings.feature · A visit booked by a patient on Docplanner reaches the partner by PUSH", "✓ a patient books", "PASSED", "1 passed, 0 failed; 0 notes"}},
		{"a failure is listed for a re-run", []string{"--fault", "ignores-platform-cancellations", scenarioAt(t, "bookings.feature", "A cancellation on Docplanner frees the time in the partner's system")}, exitFailed,
			[]string{"✗ failed: within the latency budget the partner's system shows no booked visit", "1 of 1 scenarios did not pass", "1. [failed]", "docplanner: failed"}},
		{"an action with nobody to answer ends the session", []string{scenarioAt(t, "bookings.feature", "A visit booked by the receptionist reaches Docplanner")}, exitFailed,
			[]string{"ACTION in the partner's system", "(the operator's input ended)", "the session was ended before every scenario ran", "docplanner: incomplete", "1 not run", "verdict incomplete: the run was ended before 1 scenarios ran"}},
		{"q ends the session: what did not run is not run, not failed", []string{"--input", "q\n",
			scenarioAt(t, "bookings.feature", "A visit booked by the receptionist reaches Docplanner"),
			scenarioAt(t, "bookings.feature", "A cancellation by the receptionist reaches Docplanner")}, exitFailed,
			[]string{"docplanner: incomplete", "0 failed, 2 not run", "verdict incomplete: the run was ended before 2 scenarios ran"}},
		{"one platform at a time", []string{"--platform", "all"}, exitUsage, []string{"a session runs one platform at a time"}},
		{"DIKIDI's business panel is named", []string{"--platform", "dikidi", "--tags", "@no-such-tag"}, exitUsage,
			[]string{"DIKIDI Business panel, to show the platform's side in a browser: http://127.0.0.1:", "/panel/\n  sign in: company 48213001 for the first scenario to start, 48213002 for the second"}},
		{"a feature the platform does not have", []string{"nosuch.feature:3"}, exitUsage, []string{"docplanner has no feature file nosuch.feature (it has activation.feature"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			root := newRootCmd(&out, &errb)
			args, input := tt.args, "" // the operator is not there
			if len(args) > 1 && args[0] == "--input" {
				args, input = args[2:], args[1]
			}
			root.SetIn(strings.NewReader(input))
			root.SetArgs(append([]string{"session", "--report-dir", t.TempDir()}, args...))
			code := exitOK
			if err := root.Execute(); err != nil {
				code = exitUsage
				var fe failedError
				if errors.As(err, &fe) {
					code = exitFailed
				}
				errb.WriteString(err.Error())
			}
			all := out.String() + errb.String()
			assert.Equal(t, tt.code, code, all)
			for _, c := range tt.contains {
				assert.Contains(t, all, c)
			}
			assert.NotContains(t, all, "\x1b[", "no terminal escapes in a log")
		})
	}
}

func TestSecretEnvValuesAreScrubbedFromTheContainerLog(t *testing.T) {
	got := secretEnv(map[string]string{"PARTNER_API_KEY": "k1", "db_password": "p1", "ACCORD_FAULT": "no-reauth", "AUTH_TOKEN": "", "CLIENT_SECRET": "s1"})
	assert.ElementsMatch(t, []string{"k1", "p1", "s1"}, got)
}

// TestSessionPrintsTheSandboxTheOperatorOpens: the session names the
// sandbox's address and key; while a scenario waits for the operator, the
// sandbox shows that scenario's clinic to whoever has the key.
func TestSessionPrintsTheSandboxTheOperatorOpens(t *testing.T) {
	in, typed := io.Pipe()
	out := &syncbuf.Buffer{}
	root := newRootCmd(out, out)
	root.SetIn(in)
	scenario := "A visit booked by the receptionist reaches Docplanner"
	root.SetArgs([]string{"session", "--report-dir", t.TempDir(), scenarioAt(t, "bookings.feature", scenario)})
	done := make(chan error, 1)
	go func() { done <- root.Execute() }()
	shown := regexp.MustCompile(`Docplanner sandbox, to show the platform's side in a browser: (http://127\.0\.0\.1:\d+/sandbox/)\n  sign in: leave the client id empty, secret ([0-9a-f]{32}); then pick the scenario`)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "ACTION in the partner's system") }, 60*time.Second, 20*time.Millisecond, "%s", out)
	m := shown.FindStringSubmatch(out.String())
	require.NotNil(t, m, "%s", out)

	b := pagetest.New(t, strings.TrimSuffix(m[1], "/sandbox/"))
	code, page := b.Post("/sandbox/login", url.Values{"client_id": {""}, "client_secret": {m[2]}})
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, scenario, "the running scenario is listed")
	_, page = b.Post(regexp.MustCompile(`action="(/sandbox/clients/[^"]+/open)"`).FindStringSubmatch(page)[1], url.Values{"token": {pagetest.FormToken(page)}})
	assert.Contains(t, page, "Clinica Sol", "its clinic opens")

	_, _ = typed.Write([]byte("q\n"))
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the session did not end on q")
	}
	_ = typed.Close()
}
