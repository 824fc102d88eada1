// Package blackbox holds the godog steps of features/blackbox: the platform's
// liveness monitor of live partner endpoints, run on a virtual clock against
// a loopback partner and a real in-process SMTP server.
//
// Each scenario gets its own world (partner, relay, state file, fake clock,
// monitor); nothing is shared between scenarios.
package blackbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/monitor/monitortest"
	"github.com/accord-harness/accord/internal/monitor/smtptest"
)

// Settings are what the scenario's Given steps configure.
type Settings struct {
	Name         string
	To           []string
	Interval     time.Duration
	Timeout      time.Duration
	Threshold    int
	Reminder     time.Duration
	SendRecovery bool
}

// Fault deliberately breaks one rule of the monitor, through its
// configuration or its constructor, to show that the features catch it.
type Fault struct {
	Name string
	// Settings edits the configuration just before the monitor starts.
	Settings func(*Settings)
	// Env edits the monitor's constructor options (verdict, rules, notifier)
	// or how the test environment keeps state.
	Env func(*monitortest.Env, Settings)
}

// world is one scenario's state.
type world struct {
	fault    *Fault
	env      *monitortest.Env
	settings Settings
	started  bool
	path     string

	firstFailure time.Time // virtual time of the check that opened the streak
}

const endpointPath = "/partner/health"

// InitializeScenario registers the steps; fault is nil for the correct monitor.
func InitializeScenario(sc *godog.ScenarioContext, fault *Fault) {
	w := &world{fault: fault, path: endpointPath}
	sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
		env, err := monitortest.NewEnv()
		if err != nil {
			return ctx, err
		}
		w.env = env
		w.settings = Settings{Interval: 5 * time.Minute, Timeout: 10 * time.Second, Threshold: 3, SendRecovery: true}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		if w.env != nil {
			return ctx, errors.Join(err, w.env.Close())
		}
		return ctx, err
	})
	registerWorld(sc, w)
	registerLiveness(sc, w)
	registerAlerting(sc, w)
	registerDurability(sc, w)
}

func registerWorld(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^a partner endpoint "([^"]*)" alerting "([^"]*)"$`, w.partnerEndpoint)
	sc.Step(`^the monitor checks it every (\d+) minutes and alerts after (\d+) failures in a row$`, w.checksEvery)
	sc.Step(`^the partner answers (\d+)$`, func(status int) error { return w.answers(status, "") })
	sc.Step(`^the partner answers (\d+) with body "([^"]*)"$`, w.answers)
	sc.Step(`^(\d+) minutes pass$`, w.minutesPass)
	sc.Step(`^the endpoint was checked (\d+) times?$`, w.checkedTimes)
	sc.Step(`^the endpoint is (up|down|alerting) with (\d+) failures? in a row$`, w.endpointIs)
	sc.Step(`^no e-mail has been sent$`, func() error { return w.mailsSent(0) })
	sc.Step(`^exactly (\d+) e-mails? (?:has|have) been sent$`, w.mailsSent)
	sc.Step(`^it was sent to "([^"]*)"$`, w.sentTo)
	sc.Step(`^its subject contains "([^"]*)"$`, w.subjectContains)
	sc.Step(`^its body contains "([^"]*)"$`, w.bodyContains)
}

func (w *world) partnerEndpoint(name, to string) error {
	w.settings.Name, w.settings.To = name, []string{to}
	return nil
}

func (w *world) checksEvery(minutes, threshold int) error {
	w.settings.Interval, w.settings.Threshold = time.Duration(minutes)*time.Minute, threshold
	return nil
}

func (w *world) answers(status int, body string) error {
	w.env.Partner.Set(w.path, monitortest.Behavior{Status: status, Body: body})
	return nil
}

// start runs the monitor the first time the scenario needs it, so that all
// Given steps have configured it.
func (w *world) start() error {
	if w.started {
		return nil
	}
	s := w.settings
	if w.fault != nil && w.fault.Settings != nil {
		w.fault.Settings(&s)
	}
	if w.fault != nil && w.fault.Env != nil {
		w.fault.Env(w.env, s)
	}
	cfg := fmt.Sprintf(`interval: %s
timeout: %s
threshold: %d
reminder: %s
send_recovery: %t
endpoints:
  - name: %q
    url: "{{partner}}%s"
    alert_to: [%s]
`, s.Interval, s.Timeout, s.Threshold, s.Reminder, s.SendRecovery, s.Name, w.path, strings.Join(s.To, ", "))
	if err := w.env.Start(cfg); err != nil {
		return err
	}
	w.started = true
	return nil
}

// minutesPass advances the virtual clock one interval at a time, letting the
// monitor finish each round, as real time would.
func (w *world) minutesPass(minutes int) error {
	if err := w.start(); err != nil {
		return err
	}
	left := time.Duration(minutes) * time.Minute
	for left > 0 {
		step := min(left, w.settings.Interval)
		if err := w.env.Advance(step); err != nil {
			return err
		}
		left -= step
		if st := w.status(); st.Consecutive == 0 {
			w.firstFailure = time.Time{}
		} else if w.firstFailure.IsZero() {
			w.firstFailure = st.LastCheck
		}
	}
	return nil
}

func (w *world) status() statusRow {
	for _, e := range w.env.Monitor.Status().Endpoints {
		if e.Name == w.settings.Name {
			return statusRow{State: e.State, Consecutive: e.ConsecutiveFailures, LastCheck: e.LastCheck, LastResult: e.LastResult}
		}
	}
	return statusRow{}
}

type statusRow struct {
	State       string
	Consecutive int
	LastCheck   time.Time
	LastResult  string
}

func (w *world) checkedTimes(n int) error {
	if err := w.start(); err != nil {
		return err
	}
	if got := w.env.Partner.Hits(w.path); got != n {
		return fmt.Errorf("the partner was checked %d times, want %d", got, n)
	}
	return nil
}

func (w *world) endpointIs(state string, failures int) error {
	if err := w.start(); err != nil {
		return err
	}
	st := w.status()
	if st.State != state || st.Consecutive != failures {
		return fmt.Errorf("the endpoint is %s with %d failures in a row (last result %q), want %s with %d",
			st.State, st.Consecutive, st.LastResult, state, failures)
	}
	return nil
}

func (w *world) mails() []smtptest.Mail { return w.env.SMTP.Mails() }

func (w *world) mailsSent(n int) error {
	if err := w.start(); err != nil {
		return err
	}
	got := w.mails()
	if len(got) != n {
		return fmt.Errorf("%d e-mails were sent, want %d%s", len(got), n, describe(got))
	}
	return nil
}

func describe(ms []smtptest.Mail) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "\n  to %v: %s", m.To, m.Subject)
	}
	return b.String()
}

func (w *world) last() (smtptest.Mail, error) {
	ms := w.mails()
	if len(ms) == 0 {
		return smtptest.Mail{}, errors.New("no e-mail was sent")
	}
	return ms[len(ms)-1], nil
}

func (w *world) sentTo(addr string) error {
	m, err := w.last()
	if err != nil {
		return err
	}
	if len(m.To) != 1 || m.To[0] != addr {
		return fmt.Errorf("the e-mail went to %v, want exactly [%s]", m.To, addr)
	}
	if !strings.Contains(m.Header.Get("To"), addr) {
		return fmt.Errorf("the To header %q does not name %s", m.Header.Get("To"), addr)
	}
	return nil
}

func (w *world) subjectContains(s string) error {
	m, err := w.last()
	if err != nil {
		return err
	}
	if !strings.Contains(m.Subject, s) {
		return fmt.Errorf("subject %q does not contain %q", m.Subject, s)
	}
	return nil
}

func (w *world) bodyContains(s string) error {
	m, err := w.last()
	if err != nil {
		return err
	}
	if !strings.Contains(m.Body, s) {
		return fmt.Errorf("body does not contain %q:\n%s", s, m.Body)
	}
	return nil
}
