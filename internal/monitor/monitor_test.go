package monitor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/monitor/monitortest"
)

func newEnv(t *testing.T, body string) *monitortest.Env {
	t.Helper()
	e, err := monitortest.NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := e.Start(body); err != nil {
		t.Fatal(err)
	}
	return e
}

func advance(t *testing.T, e *monitortest.Env, d time.Duration, times int) {
	t.Helper()
	for range times {
		if err := e.Advance(d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSmokeAlertAfterThreeFailures(t *testing.T) {
	e := newEnv(t, `
endpoints:
  - name: acme
    url: "{{partner}}/health"
    alert_to: [ops@acme.test]
`)
	e.Partner.Set("/health", monitortest.Behavior{Status: 503, Body: "<h1>maintenance</h1>"})
	advance(t, e, 5*time.Minute, 2)
	if n := len(e.SMTP.Mails()); n != 0 {
		t.Fatalf("after 2 failures: %d mails, want 0", n)
	}
	advance(t, e, 5*time.Minute, 1)
	mails := e.SMTP.Mails()
	if len(mails) != 1 {
		t.Fatalf("after 3 failures: %d mails, want 1", len(mails))
	}
	t.Log(mails[0].Subject)
	t.Log(mails[0].Body)
	if !strings.Contains(mails[0].Body, "HTTP 503") {
		t.Error("no status in body")
	}
	if got := e.Partner.Hits("/health"); got != 3 {
		t.Errorf("hits = %d, want 3", got)
	}
}
