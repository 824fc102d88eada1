package alert

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/monitor/rules"
	"github.com/accord-harness/accord/internal/monitor/smtptest"
)

var t0 = time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC)

func alertEvent() rules.Event {
	fail := func(i int, status int, reason, body string) rules.Check {
		return rules.Check{At: t0.Add(time.Duration(i) * 5 * time.Minute), Status: status, Reason: reason, Excerpt: body, LatencyNS: 12 * time.Millisecond}
	}
	last := fail(2, 0, "timeout: no answer within 10s", "")
	lr := fail(1, 503, "HTTP 503 Service Unavailable", "db down")
	return rules.Event{
		Kind: rules.Alert, At: last.At, FirstFailure: t0, Consecutive: 3, Last: last, LastResponse: &lr,
		Failures: []rules.Check{fail(0, 503, "HTTP 503 Service Unavailable", "db down"), lr, last},
	}
}

func TestCompose(t *testing.T) {
	ep := Endpoint{Name: "acme", URL: "https://acme.test/health", To: []string{"ops@acme.test"}, Threshold: 3}
	tests := []struct {
		name    string
		event   rules.Event
		subject string
		body    []string
	}{
		{"alert", alertEvent(), "[accord monitor] DOWN: acme failed 3 checks in a row", []string{
			"Endpoint:       acme", "URL:            https://acme.test/health",
			"First failure:  2026-03-02T09:05:00Z", "Failed checks:  3 in a row (alert threshold 3)",
			"  1. 2026-03-02T09:05:00Z  HTTP 503 Service Unavailable  (12ms)",
			"  3. 2026-03-02T09:15:00Z  timeout: no answer within 10s",
			"Last response:  HTTP 503 at 2026-03-02T09:10:00Z", "Body excerpt:   db down",
		}},
		{"reminder", func() rules.Event { e := alertEvent(); e.Kind = rules.Reminder; return e }(),
			"[accord monitor] STILL DOWN: acme, down since 2026-03-02T09:05:00Z", []string{"STILL DOWN"}},
		{"recovery", func() rules.Event {
			e := alertEvent()
			e.Kind, e.At = rules.Recovery, t0.Add(20*time.Minute)
			e.Last = rules.Check{At: e.At, Alive: true, Status: 200, Reason: "HTTP 200 OK"}
			return e
		}(), "[accord monitor] RECOVERED: acme is alive again", []string{"Recovered at:   2026-03-02T09:25:00Z (HTTP 200 OK, outage lasted 20m0s)"}},
		{"no HTTP answer at all", func() rules.Event { e := alertEvent(); e.LastResponse = nil; return e }(),
			"", []string{"Last response:  none (no HTTP answer during this outage)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Compose(ep, tc.event)
			if tc.subject != "" && m.Subject != tc.subject {
				t.Errorf("subject %q, want %q", m.Subject, tc.subject)
			}
			for _, w := range tc.body {
				if !strings.Contains(m.Body, w) {
					t.Errorf("body lacks %q:\n%s", w, m.Body)
				}
			}
			if len(m.To) != 1 || m.To[0] != "ops@acme.test" || m.Kind != tc.event.Kind {
				t.Errorf("%+v", m)
			}
		})
	}
}

func TestRenderCannotBeInjected(t *testing.T) {
	m := Message{Endpoint: "evil\r\nBcc: x@evil.test", Subject: "DOWN: evil\r\nBcc: x@evil.test", Body: "line\n",
		To: []string{"ops@acme.test"}, ID: "1\r\nX: y", Created: t0, Kind: rules.Alert}
	raw, err := Render(m, "monitor@platform.test")
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "X:") {
			t.Errorf("injected header line %q in\n%s", line, head)
		}
	}
	if _, err := Render(Message{}, "monitor@platform.test"); err == nil {
		t.Error("a message without recipients rendered")
	}
}

func send(t *testing.T, n *SMTP, to ...string) error {
	t.Helper()
	m := Compose(Endpoint{Name: "acme", URL: "http://x", To: to, Threshold: 3}, alertEvent())
	m.ID = "accord-monitor.1.1"
	return n.Send(context.Background(), m)
}

func TestSMTPPlain(t *testing.T) {
	relay, err := smtptest.Start(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Stop()
	n := &SMTP{Addr: relay.Addr(), From: "accord monitor <monitor@platform.test>", Timeout: 5 * time.Second}
	if err := send(t, n, "ops@acme.test", "noc@platform.test"); err != nil {
		t.Fatal(err)
	}
	mails := relay.Mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	got := mails[0]
	if got.From != "monitor@platform.test" || strings.Join(got.To, ",") != "ops@acme.test,noc@platform.test" {
		t.Errorf("envelope from=%q to=%v", got.From, got.To)
	}
	if got.Subject != "[accord monitor] DOWN: acme failed 3 checks in a row" || !strings.Contains(got.Body, "Body excerpt:   db down") {
		t.Errorf("subject %q body:\n%s", got.Subject, got.Body)
	}
	if got.Header.Get("Message-Id") != "<accord-monitor.1.1@platform.test>" {
		t.Errorf("message-id %q", got.Header.Get("Message-Id"))
	}
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	srvTLS, pool, _, err := smtptest.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	relay, err := smtptest.Start(smtptest.Options{TLS: srvTLS, Username: "monitor", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Stop()
	base := SMTP{Addr: relay.Addr(), From: "monitor@platform.test", StartTLS: true, TLS: &tls.Config{RootCAs: pool}, Timeout: 5 * time.Second}

	t.Run("delivered over TLS with AUTH", func(t *testing.T) {
		n := base
		n.Username, n.Password = "monitor", "s3cret"
		if err := send(t, &n, "ops@acme.test"); err != nil {
			t.Fatal(err)
		}
		if relay.Authenticated() != 1 || relay.TLSSessions() != 1 || len(relay.Mails()) != 1 {
			t.Errorf("auth=%d tls=%d mails=%d", relay.Authenticated(), relay.TLSSessions(), len(relay.Mails()))
		}
	})
	t.Run("wrong password is retried later, not dropped", func(t *testing.T) {
		n := base
		n.Username, n.Password = "monitor", "wrong"
		err := send(t, &n, "ops@acme.test")
		var perm PermanentError
		if err == nil || errors.As(err, &perm) {
			t.Errorf("got %v, want a temporary error", err)
		}
	})
	t.Run("untrusted certificate is refused", func(t *testing.T) {
		n := base
		n.TLS = nil
		if err := send(t, &n, "ops@acme.test"); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("got %v", err)
		}
	})
}

func TestSMTPFailures(t *testing.T) {
	relay, err := smtptest.Start(smtptest.Options{Reject: "gone@acme.test"})
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Stop()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	down := l.Addr().String()
	l.Close()

	var perm PermanentError
	if err := send(t, &SMTP{Addr: down, From: "m@p.test", Timeout: time.Second}, "ops@acme.test"); err == nil || errors.As(err, &perm) {
		t.Errorf("relay down: got %v, want a temporary error", err)
	}
	if err := send(t, &SMTP{Addr: relay.Addr(), From: "m@p.test", Timeout: time.Second}, "gone@acme.test"); !errors.As(err, &perm) {
		t.Errorf("rejected recipient: got %v, want permanent", err)
	}
	if err := send(t, &SMTP{Addr: relay.Addr(), From: "m@p.test", StartTLS: true, Timeout: time.Second}, "ops@acme.test"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("starttls required but not offered: got %v", err)
	}
}
