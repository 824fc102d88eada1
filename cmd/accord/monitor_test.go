package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/monitor/smtptest"
	"github.com/accord-harness/accord/internal/syncbuf"
)

func partnerServer(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			w.WriteHeader(http.StatusNotFound)
		case "/503":
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("maintenance until 10:00"))
		case "/hang":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		case "/needs-key":
			if r.Header.Get("X-Key") != "k" || r.Method != http.MethodHead {
				w.WriteHeader(http.StatusBadGateway)
			}
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

func TestProbeCommand(t *testing.T) {
	srv := partnerServer(t)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + l.Addr().String() + "/"
	l.Close()

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"200 alive", []string{"probe", srv.URL + "/"}, exitOK, "alive: HTTP 200 OK (latency ", ""},
		{"404 alive", []string{"probe", srv.URL + "/404"}, exitOK, "alive: HTTP 404 Not Found", ""},
		{"503 down with body", []string{"probe", srv.URL + "/503"}, exitFailed, "down: HTTP 503 Service Unavailable (latency ", ""},
		{"503 body excerpt", []string{"probe", srv.URL + "/503"}, exitFailed, "body: maintenance until 10:00", ""},
		{"timeout down", []string{"probe", "--timeout", "100ms", srv.URL + "/hang"}, exitFailed, "down: timeout: no answer within 100ms", ""},
		{"refused down", []string{"probe", refused}, exitFailed, "down: connection refused", ""},
		{"method and header", []string{"probe", "-X", "HEAD", "-H", "X-Key: k", srv.URL + "/needs-key"}, exitOK, "alive: HTTP 200 OK", ""},
		{"no URL", []string{"probe"}, exitUsage, "", "exactly one URL is needed"},
		{"two URLs", []string{"probe", srv.URL, srv.URL}, exitUsage, "", "exactly one URL is needed"},
		{"not a URL", []string{"probe", "example.com/health"}, exitUsage, "", `"example.com/health" is not an absolute http:// or https:// URL`},
		{"bad timeout", []string{"probe", "--timeout", "soon", srv.URL}, exitUsage, "", "invalid argument"},
		{"zero timeout", []string{"probe", "--timeout", "0s", srv.URL}, exitUsage, "", "--timeout must be positive"},
		{"bad header", []string{"probe", "-H", "nocolon", srv.URL}, exitUsage, "", `--header "nocolon" is not "Name: value"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantRun(t, tc.args, tc.code, tc.stdout, tc.stderr)
		})
	}
}

// wantRun runs accord with args and wants its exit code, stdout holding
// stdout and stderr each of stderr; it gives what stderr held.
func wantRun(t *testing.T, args []string, code int, stdout string, stderr ...string) string {
	t.Helper()
	got, out, errs := accord(t, args...)
	if got != code {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", got, code, out, errs)
	}
	if !strings.Contains(out, stdout) {
		t.Errorf("stdout %q lacks %q", out, stdout)
	}
	for _, w := range stderr {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr\n%s\nlacks\n%s", errs, w)
		}
	}
	return errs
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "monitor.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMonitorCommandConfigErrors(t *testing.T) {
	good := writeConfig(t, `smtp: {host: 127.0.0.1, from: m@p.test, starttls: false}
endpoints:
  - {name: acme, url: "http://127.0.0.1:9/", alert_to: [ops@acme.test]}
`)
	broken := writeConfig(t, `interval: 5m
timeout: 10m
smtp: {host: 127.0.0.1, from: m@p.test, starttls: false, password: "${ACCORD_TEST_UNSET_SECRET}"}
endpoints:
  - name: acme
    url: "ftp://acme.test/"
    alert_to: [ops@acme.test]
`)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr []string
	}{
		{"no --config", []string{"monitor"}, exitUsage, "", []string{"--config is required"}},
		{"missing file", []string{"monitor", "--config", filepath.Join(t.TempDir(), "nope.yaml")}, exitUsage, "", []string{"nope.yaml: cannot read: no such file or directory"}},
		{"broken file names file, line, field, problem", []string{"monitor", "--config", broken}, exitUsage, "", []string{
			broken + ":2: timeout: must be shorter than the interval (5m0s), got 10m0s",
			broken + ":3: smtp.password: environment variable ACCORD_TEST_UNSET_SECRET is not set",
			broken + `:6: endpoints[0].url: must be an absolute http:// or https:// URL, got "ftp://acme.test/"`,
		}},
		{"--check on a good file", []string{"monitor", "--config", good, "--check"}, exitOK, "OK: 1 endpoints, checked every 5m0s (timeout 10s), alert after 3 failures in a row", nil},
		{"unknown flag", []string{"monitor", "--confg", good}, exitUsage, "", []string{"unknown flag: --confg"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if errs := wantRun(t, tc.args, tc.code, tc.stdout, tc.stderr...); strings.Contains(errs, "panic") {
				t.Errorf("panic: %s", errs)
			}
		})
	}
}

// TestMonitorCommandRunsUntilSIGTERM runs the real command on the real clock
// with a 1s interval: it checks the partner, alerts over SMTP, serves
// /status, and stops cleanly on SIGTERM.
func TestMonitorCommandRunsUntilSIGTERM(t *testing.T) {
	srv := partnerServer(t)
	relay, err := smtptest.Start(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Stop()
	host, port, _ := net.SplitHostPort(relay.Addr())
	t.Setenv("ACCORD_TEST_PARTNER", srv.URL)
	cfg := writeConfig(t, `interval: 1s
timeout: 500ms
threshold: 1
listen: 127.0.0.1:0
smtp: {host: `+host+`, port: `+port+`, from: monitor@platform.test, starttls: false}
endpoints:
  - {name: acme, url: "${ACCORD_TEST_PARTNER}/503", alert_to: [ops@acme.test]}
  - {name: other, url: "${ACCORD_TEST_PARTNER}/404", alert_to: [ops@other.test]}
`)
	var stdout, stderr syncbuf.Buffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"monitor", "--config", cfg}, &stdout, &stderr) }()

	addr := waitFor(t, func() string {
		m := regexp.MustCompile(`status on http://([0-9.:]+)/status.html`).FindStringSubmatch(stdout.String())
		if m == nil {
			return ""
		}
		return m[1]
	})
	waitFor(t, func() string {
		if len(relay.Mails()) == 0 {
			return ""
		}
		return "mailed"
	})
	resp, err := http.Get("http://" + addr + "/status")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Endpoints []struct{ Name, State string }
	}
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil || len(st.Endpoints) != 2 || st.Endpoints[0].State != "alerting" {
		t.Errorf("status %+v err %v", st, err)
	}
	if m := relay.Mails()[0]; m.To[0] != "ops@acme.test" || !strings.Contains(m.Subject, "DOWN: acme") {
		t.Errorf("mail to %v: %s", m.To, m.Subject)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("monitor did not stop within 10s of SIGTERM")
	}
	if !strings.Contains(stdout.String(), "accord monitor: stopped") {
		t.Errorf("stdout %q", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "monitor.db")); err != nil {
		t.Errorf("no state file next to the config: %v", err)
	}
	// The state file is released: a second run can open it at once.
	var out2, err2 bytes.Buffer
	if code := run([]string{"monitor", "--config", cfg, "--check"}, &out2, &err2); code != exitOK {
		t.Errorf("check after stop: exit %d %s", code, err2.String())
	}
}

func waitFor(t *testing.T, f func() string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s := f(); s != "" {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("timed out waiting")
	return ""
}
