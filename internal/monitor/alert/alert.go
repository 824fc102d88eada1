// Package alert turns rule events into e-mails and delivers them.
//
// As in Gatus, delivery sits behind one small interface (Notifier) so the
// monitor does not care how a message leaves; SMTP is the provider the
// platform uses.
package alert

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/monitor/rules"
)

// Message is one e-mail, complete and ready to send. It is stored in the
// outbox as is, so a retry after a restart sends exactly the same text.
type Message struct {
	Endpoint string     `json:"endpoint"`
	Kind     rules.Kind `json:"kind"`
	To       []string   `json:"to"`
	Subject  string     `json:"subject"`
	Body     string     `json:"body"`
	Created  time.Time  `json:"created"`
	// ID is unique per outbox entry; it becomes the Message-ID, so a receiver
	// can recognise the (rare) duplicate of a send whose acknowledgement was lost.
	ID string `json:"id"`
}

// Notifier delivers a message. An error means "not delivered, try again
// later" unless it is Permanent.
type Notifier interface {
	Send(ctx context.Context, m Message) error
}

// PermanentError marks a failure that retrying cannot fix (a rejected
// recipient, say); the outbox parks such messages instead of retrying forever.
type PermanentError struct{ Err error }

func (e PermanentError) Error() string { return e.Err.Error() }
func (e PermanentError) Unwrap() error { return e.Err }

// Endpoint is what an e-mail says about the endpoint.
type Endpoint struct {
	Name      string
	URL       string // already safe to show (no credentials)
	To        []string
	Threshold int
}

// Compose writes the e-mail for an event.
func Compose(ep Endpoint, e rules.Event) Message {
	m := Message{Endpoint: ep.Name, Kind: e.Kind, To: append([]string(nil), ep.To...), Created: e.At}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }

	switch e.Kind {
	case rules.Alert:
		m.Subject = fmt.Sprintf("[accord monitor] DOWN: %s failed %d checks in a row", ep.Name, e.Consecutive)
		line("The partner endpoint %q is DOWN.", ep.Name)
	case rules.Reminder:
		m.Subject = fmt.Sprintf("[accord monitor] STILL DOWN: %s, down since %s", ep.Name, ts(e.FirstFailure))
		line("The partner endpoint %q is STILL DOWN.", ep.Name)
	case rules.Recovery:
		m.Subject = fmt.Sprintf("[accord monitor] RECOVERED: %s is alive again", ep.Name)
		line("The partner endpoint %q is alive again.", ep.Name)
	}
	line("")
	line("Endpoint:       %s", ep.Name)
	line("URL:            %s", ep.URL)
	line("First failure:  %s", ts(e.FirstFailure))
	if e.Kind == rules.Recovery {
		line("Recovered at:   %s (%s, outage lasted %s)", ts(e.At), e.Last.Reason, e.At.Sub(e.FirstFailure).Round(time.Second))
		line("Failed checks:  %d in a row", e.Consecutive)
	} else {
		line("Failed checks:  %d in a row (alert threshold %d)", e.Consecutive, ep.Threshold)
	}
	line("")
	line("Failures (oldest first):")
	if e.Omitted > 0 {
		line("  ... %d earlier failures not shown", e.Omitted)
	}
	for i, f := range e.Failures {
		line("  %d. %s  %s  (%s)", e.Omitted+i+1, ts(f.At), f.Reason, latency(f.LatencyNS))
	}
	line("")
	if lr := e.LastResponse; lr != nil {
		line("Last response:  HTTP %d at %s", lr.Status, ts(lr.At))
		if lr.Excerpt != "" {
			line("Body excerpt:   %s", lr.Excerpt)
		} else {
			line("Body excerpt:   (empty)")
		}
	} else {
		line("Last response:  none (no HTTP answer during this outage)")
	}
	line("")
	line("-- ")
	line("accord blackbox monitor. A check is alive on any HTTP status below 500;")
	line("5xx, timeouts, refused connections, DNS and TLS errors count as failures.")
	m.Body = b.String()
	return m
}

func latency(d time.Duration) string {
	if d < time.Millisecond {
		return "<1ms"
	}
	return d.Round(time.Millisecond).String()
}
