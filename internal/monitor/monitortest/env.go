package monitortest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/monitor"
	"github.com/accord-harness/accord/internal/monitor/config"
	"github.com/accord-harness/accord/internal/monitor/smtptest"
	"github.com/accord-harness/accord/internal/monitor/store"
)

// Epoch is where every manual clock starts, so that runs are repeatable.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Env is one monitor under test with its partner, its mail relay, its state
// directory and its manual clock. It needs no *testing.T, so a godog suite run
// outside `go test` reporting (the broken-rule check) can use it too.
type Env struct {
	Clock   *clock.Manual
	Partner *Partner
	SMTP    *smtptest.Server
	Dir     string
	Config  *config.Config
	// Options are handed to every monitor this Env starts (Store and Clock
	// are filled in); a test sets Verdict, Rules or Notifier to break a rule.
	Options monitor.Options
	// OnOpen, when set, runs on the state file each time it is opened, before
	// the monitor reads it; a test uses it to tamper with what was persisted.
	OnOpen func(*store.Store) error
	// FreshState makes every start use a new, empty state file: the monitor
	// then behaves as one that keeps its state in memory only.
	FreshState bool
	Monitor    *monitor.Monitor

	runs int

	store  *store.Store
	cancel context.CancelFunc
	done   chan error
}

// NewEnv starts a partner and an SMTP relay and makes a state directory.
func NewEnv() (*Env, error) {
	dir, err := os.MkdirTemp("", "accord-monitor-")
	if err != nil {
		return nil, err
	}
	relay, err := smtptest.Start(smtptest.Options{})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return &Env{Clock: clock.NewManual(Epoch), Partner: NewPartner(), SMTP: relay, Dir: dir}, nil
}

// ConfigYAML completes a config body (interval, endpoints, ...) with the
// SMTP relay and state file of this Env. In the body, {{partner}} stands for
// the partner's base URL.
func (e *Env) ConfigYAML(body string) string {
	body = strings.ReplaceAll(body, "{{partner}}", strings.TrimSuffix(e.Partner.URL(""), "/"))
	host, port, _ := strings.Cut(e.SMTP.Addr(), ":")
	return fmt.Sprintf("listen: \"off\"\nstate: %s\nsmtp:\n  host: %s\n  port: %s\n  from: monitor@platform.test\n  starttls: false\n%s",
		filepath.Join(e.Dir, "monitor.db"), host, port, body)
}

// Start parses the config (see ConfigYAML) and runs a monitor on it.
func (e *Env) Start(body string) error {
	cfg, err := config.Parse(filepath.Join(e.Dir, "monitor.yaml"), []byte(e.ConfigYAML(body)), func(string) (string, bool) { return "", false })
	if err != nil {
		return err
	}
	e.Config = cfg
	return e.run()
}

func (e *Env) run() error {
	path := e.Config.State
	if e.FreshState {
		path = fmt.Sprintf("%s.%d", path, e.runs)
	}
	e.runs++
	st, err := store.Open(path)
	if err != nil {
		return err
	}
	if e.OnOpen != nil {
		if err := e.OnOpen(st); err != nil {
			_ = st.Close()
			return err
		}
	}
	opts := e.Options
	opts.Store, opts.Clock = st, e.Clock
	m, err := monitor.New(e.Config, opts)
	if err != nil {
		_ = st.Close()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.store, e.Monitor, e.cancel, e.done = st, m, cancel, make(chan error, 1)
	go func() { e.done <- m.Run(ctx) }()
	return e.Settle()
}

// Stop ends the running monitor as SIGTERM would and closes its state file.
func (e *Env) Stop() error {
	if e.cancel == nil {
		return nil
	}
	e.cancel()
	var err error
	select {
	case err = <-e.done:
	case <-time.After(10 * time.Second):
		err = errors.New("monitor did not stop within 10s of cancellation")
	}
	e.cancel = nil
	return errors.Join(err, e.store.Close())
}

// Restart stops the monitor and starts a new one on the same state file, as
// a deploy or a crash-and-restart would.
func (e *Env) Restart() error {
	if err := e.Stop(); err != nil {
		return err
	}
	return e.run()
}

// Advance moves the manual clock and waits until the monitor has done all it
// had to, so that assertions see the outcome.
func (e *Env) Advance(d time.Duration) error {
	e.Clock.Advance(d)
	return e.Settle()
}

// Settle waits (in real time, briefly) until the monitor is idle. A probe the
// partner holds unanswered is given its timeout on the manual clock, which is
// the only way it can end without real waiting.
func (e *Env) Settle() error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if e.Monitor.Idle() {
			return nil
		}
		if e.Partner.Hanging() > 0 {
			e.Clock.Advance(e.Config.Timeout)
			// Wait for the hung request to be released before looking again.
			for e.Partner.Hanging() > 0 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			continue
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("monitor did not settle within 10s")
}

// Close stops everything and removes the state directory.
func (e *Env) Close() error {
	err := e.Stop()
	e.Partner.Close()
	e.SMTP.Stop()
	return errors.Join(err, os.RemoveAll(e.Dir))
}
