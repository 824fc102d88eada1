// Package monitor keeps checking that live partner endpoints answer, and
// e-mails the partner's operators when one stops answering.
//
// The pieces each have one job: probe observes one endpoint, rules decides
// when observations add up to an alert, alert writes and sends the e-mail,
// store makes state and the outbox survive restarts, config reads the file.
// This package schedules probes across the interval, runs them with bounded
// concurrency, drains the outbox, and exposes /metrics and /status.
package monitor

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/monitor/config"
	"github.com/accord-harness/accord/internal/monitor/probe"
	"github.com/accord-harness/accord/internal/monitor/rules"
	"github.com/accord-harness/accord/internal/monitor/store"
)

// Options are the monitor's collaborators. Only Store is required; the rest
// default to the real thing built from the configuration. Tests replace them
// to run on a manual clock, or to inject a deliberately broken rule.
type Options struct {
	Store    *store.Store   // required; the caller opens and closes it
	Clock    clock.Clock    // the wall clock when nil
	Notifier alert.Notifier // SMTP from the config when nil
	Client   *http.Client   // probe.NewClient(cfg.Concurrency) when nil
	Verdict  probe.Verdict  // probe.Alive when nil
	Rules    rules.Rules    // rules.Policy from the config when nil
	Logger   *slog.Logger   // discards when nil
}

// Monitor watches the configured endpoints. Create it with New, start it with
// Run; Handler serves its /metrics and /status.
type Monitor struct {
	cfg      *config.Config
	clock    clock.Clock
	store    *store.Store
	notifier alert.Notifier
	prober   *probe.Prober
	verdict  probe.Verdict
	rules    rules.Rules
	log      *slog.Logger
	targets  []*target
	byName   map[string]*target
	reg      *prometheus.Registry
	met      *metrics

	mu         sync.Mutex // guards the schedule and the activity fields below
	queue      schedule
	inflight   int
	schedSleep bool      // the scheduler waits on its timer
	schedWake  time.Time // ... until then (zero: nothing scheduled)
	mailSleep  bool
	mailWake   time.Time
	mailKick   bool // a message was queued since the deliverer last looked
	relayFails int  // consecutive failed deliveries, for back-off
	relayUntil time.Time
	started    bool

	kick    chan struct{}
	gate    *gate          // probes on the network
	records chan struct{}  // checks answered and waiting for the state file
	workers *workers       // run them
	wg      sync.WaitGroup // checks not yet recorded

	snapMu sync.RWMutex // guards every target's snap
}

// target is one endpoint's place in the schedule plus the little of its
// state kept in memory; the rest lives in the store, so a monitor of 100,000
// endpoints stays small.
type target struct {
	ep      *config.Endpoint
	display string        // the URL as e-mails and the status page show it
	phase   time.Duration // offset of its slot within the interval
	due     time.Time
	index   int  // in the heap
	busy    bool // a probe is in flight; its next slot is skipped if still so
	snap    snapshot
}

type snapshot struct {
	checked     bool
	alive       bool
	alerting    bool
	status      int32
	consecutive int32
	alertsSent  int32
	at          time.Time
	latency     time.Duration
	downSince   time.Time // the first failure of the current streak
	reason      string    // kept unless it is just "HTTP <status>", rebuilt on demand
}

// New builds a monitor over cfg. It loads the persisted state so that
// /status and the failure counts continue where the last run stopped.
func New(cfg *config.Config, opts Options) (*Monitor, error) {
	if opts.Store == nil {
		return nil, errors.New("monitor: no store")
	}
	m := &Monitor{
		cfg:      cfg,
		clock:    opts.Clock,
		store:    opts.Store,
		notifier: opts.Notifier,
		verdict:  opts.Verdict,
		rules:    opts.Rules,
		log:      opts.Logger,
		byName:   make(map[string]*target, len(cfg.Endpoints)),
		kick:     make(chan struct{}, 1),
		gate:     newGate(cfg.Concurrency, len(cfg.Endpoints), cfg.Interval),
		records:  make(chan struct{}, 2*opts.Store.BatchSize()),
		workers:  newWorkers(),
	}
	if m.clock == nil {
		m.clock = clock.Wall{}
	}
	if m.notifier == nil {
		m.notifier = SMTPNotifier(cfg.SMTP)
	}
	if m.verdict == nil {
		m.verdict = probe.Alive
	}
	if m.rules == nil {
		m.rules = rules.Policy{Threshold: cfg.Threshold, Reminder: cfg.Reminder, SendRecovery: cfg.SendRecovery}
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	client := opts.Client
	if client == nil {
		client = probe.NewClient(cfg.Concurrency, nil)
	}
	m.prober = &probe.Prober{Client: client, Clock: m.clock, Timeout: cfg.Timeout}

	m.targets = make([]*target, len(cfg.Endpoints))
	for i := range cfg.Endpoints {
		ep := &cfg.Endpoints[i]
		t := &target{ep: ep, display: DisplayURL(ep.URL), phase: phaseOf(ep.Name, cfg.Interval)}
		m.targets[i] = t
		m.byName[t.ep.Name] = t
	}
	err := m.store.States(func(name string, st rules.State) {
		if t, ok := m.byName[name]; ok && st.Checks > 0 {
			t.snap = snapshotOf(st)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("monitor: loading state: %w", err)
	}
	m.reg, m.met = newMetrics(m)
	return m, nil
}

// SMTPNotifier builds the SMTP provider from the config.
func SMTPNotifier(s config.SMTP) *alert.SMTP {
	n := &alert.SMTP{
		Addr: alert.Addr(s.Host, s.Port), From: s.From, Username: s.Username,
		Password: s.Password, StartTLS: s.StartTLS, Timeout: s.Timeout,
	}
	if s.RootCAs != nil {
		n.TLS = tlsWithRoots(s.RootCAs)
	}
	return n
}

// phaseOf spreads endpoints over the interval by a hash of the name, so the
// slots do not all fall on second 0, and stay put across restarts and edits
// of other endpoints.
func phaseOf(name string, interval time.Duration) time.Duration {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return time.Duration(h.Sum64() % uint64(interval))
}

// nextSlot is the first slot of the endpoint strictly after now.
func nextSlot(now time.Time, interval, phase time.Duration) time.Time {
	t := now.Truncate(interval).Add(phase)
	for !t.After(now) {
		t = t.Add(interval)
	}
	return t
}

// Run checks every endpoint once per interval, in its own slot, and drains
// the outbox, until ctx ends. In-flight probes are then abandoned without
// being counted (a shutdown is no verdict on the partner) and every store
// write has either happened whole or not at all.
func (m *Monitor) Run(ctx context.Context) error {
	m.mu.Lock()
	if m.started {
		m.mu.Unlock()
		return errors.New("monitor: Run called twice")
	}
	m.started = true
	now := m.clock.Now()
	for _, t := range m.targets {
		t.due = nextSlot(now, m.cfg.Interval, t.phase)
	}
	m.queue = schedule(append([]*target(nil), m.targets...))
	m.queue.init()
	m.mu.Unlock()

	m.log.Info("monitor started", "endpoints", len(m.targets), "interval", m.cfg.Interval,
		"timeout", m.cfg.Timeout, "threshold", m.cfg.Threshold, "concurrency", m.cfg.Concurrency,
		"in_flight_now", m.gate.Limit())
	var loops sync.WaitGroup
	loops.Go(func() { m.deliverLoop(ctx) })
	m.scheduleLoop(ctx)
	m.wg.Wait()
	m.workers.close()
	loops.Wait()
	m.log.Info("monitor stopped")
	return nil
}

func (m *Monitor) scheduleLoop(ctx context.Context) {
	var due []*target
	for {
		m.mu.Lock()
		now := m.clock.Now()
		due = due[:0]
		for len(m.queue) > 0 && !m.queue[0].due.After(now) {
			t := m.queue[0]
			// The next slot is counted from now, not from the missed one: a
			// monitor that was paused checks once, not once per missed slot.
			t.due = nextSlot(now, m.cfg.Interval, t.phase)
			m.queue.fix(0)
			if t.busy {
				m.met.skipped.Inc()
				continue
			}
			t.busy = true
			m.inflight++
			due = append(due, t)
		}
		var wake time.Time
		if len(m.queue) > 0 {
			wake = m.queue[0].due
		}
		m.mu.Unlock()

		for i, t := range due {
			if !m.gate.acquire(ctx) {
				m.release(due[i:]...)
				return
			}
			m.wg.Add(1)
			m.workers.run(func() {
				defer m.wg.Done()
				m.checkAndRelease(ctx, t)
			})
		}

		// The timer is set before the monitor says it sleeps: a test that
		// sees it idle then advances the clock past a timer already set,
		// never under one about to be set (which would then fire late).
		tick, timer := m.alarm(wake)
		m.mu.Lock()
		m.schedSleep, m.schedWake = true, wake
		m.mu.Unlock()
		select {
		case <-tick:
		case <-ctx.Done():
			stop(timer)
			return
		}
		m.mu.Lock()
		m.schedSleep = false
		m.mu.Unlock()
	}
}

// alarm returns a channel closed when the clock reaches wake, and the timer
// that closes it; for a zero wake, neither (a nil channel never fires).
func (m *Monitor) alarm(wake time.Time) (<-chan struct{}, clock.Timer) {
	if wake.IsZero() {
		return nil, nil
	}
	ring := make(chan struct{})
	return ring, m.clock.AfterFunc(wake.Sub(m.clock.Now()), func() { close(ring) })
}

// stop stops an alarm's timer, if it has one.
func stop(t clock.Timer) {
	if t != nil {
		t.Stop()
	}
}

func (m *Monitor) release(ts ...*target) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range ts {
		t.busy = false
		m.inflight--
	}
}

// Cycle checks every endpoint once, now, as many at once as the gate lets,
// and returns when all are recorded: the unit of work the benchmark
// measures. Run does the same, spread over the interval.
func (m *Monitor) Cycle(ctx context.Context) {
	var wg sync.WaitGroup
	for _, t := range m.targets {
		m.mu.Lock()
		if t.busy {
			m.mu.Unlock()
			continue
		}
		t.busy = true
		m.inflight++
		m.mu.Unlock()
		if !m.gate.acquire(ctx) {
			m.release(t)
			wg.Wait()
			return
		}
		wg.Add(1)
		m.workers.run(func() {
			defer wg.Done()
			m.checkAndRelease(ctx, t)
		})
	}
	wg.Wait()
}

// checkAndRelease runs one check, which holds a token of the gate while it
// probes, and lets the endpoint be scheduled again once it is recorded.
func (m *Monitor) checkAndRelease(ctx context.Context, t *target) {
	m.check(ctx, t)
	m.release(t)
}

// check probes one endpoint and records the outcome: state, e-mails to send,
// metrics, snapshot. The gate's token is given back as soon as the answer
// is in (the gate bounds what is on the network and is sized from its
// latency); recording then waits for the state file's next batch (10 ms at
// most), among at most two batches' worth of others.
func (m *Monitor) check(ctx context.Context, t *target) {
	at := m.clock.Now()
	res := m.prober.Probe(ctx, probe.Target{
		URL: t.ep.URL, Method: t.ep.Method, Headers: t.ep.Headers, BearerToken: t.ep.BearerToken,
	})
	m.gate.release(res.Latency)
	select {
	case m.records <- struct{}{}:
		defer func() { <-m.records }()
	case <-ctx.Done():
		return
	}
	if res.Kind == probe.KindAborted || ctx.Err() != nil {
		return // shutting down: this is no observation of the partner
	}
	c := rules.Check{At: at, Alive: m.verdict(res), Status: res.Status, Reason: res.Reason, LatencyNS: res.Latency}
	if !c.Alive {
		// A healthy body is of no interest; a failing one goes into the alert.
		c.Excerpt = res.Excerpt
	}
	m.met.observe(c)
	ep := alert.Endpoint{Name: t.ep.Name, URL: t.display, To: t.ep.AlertTo, Threshold: m.cfg.Threshold}
	st, queued, err := m.store.Update(t.ep.Name, func(s rules.State) (rules.State, []alert.Message) {
		next, events := m.rules.Next(s, c)
		var msgs []alert.Message
		for _, e := range events {
			msgs = append(msgs, alert.Compose(ep, e))
		}
		return next, msgs
	})
	if err != nil {
		m.log.Error("cannot record check; it will not count", "endpoint", t.ep.Name, "err", err)
		m.met.storeErrors.Inc()
		return
	}
	m.snapMu.Lock()
	t.snap = snapshotOf(st)
	m.snapMu.Unlock()
	if !c.Alive {
		m.log.Warn("check failed", "endpoint", t.ep.Name, "reason", c.Reason, "consecutive", st.Consecutive)
	}
	for _, q := range queued {
		m.log.Warn("notification queued", "endpoint", t.ep.Name, "kind", q.Kind, "to", q.To)
		if q.Kind != rules.Recovery {
			m.met.alerts.Inc()
		}
	}
	if len(queued) > 0 {
		m.kickMail()
	}
}

func snapshotOf(st rules.State) snapshot {
	s := snapshot{
		checked: st.Checks > 0, alerting: st.Alerting,
		consecutive: int32(st.Consecutive), alertsSent: int32(st.AlertsSent),
	}
	if st.Consecutive > 0 {
		s.downSince = st.FirstFailure
	}
	if n := len(st.Recent); n > 0 {
		last := st.Recent[n-1]
		s.alive, s.status, s.at, s.latency = last.Alive, int32(last.Status), last.At, last.LatencyNS
		if !last.Alive || last.Status == 0 {
			s.reason = last.Reason
		}
	}
	return s
}

func (s snapshot) Reason() string {
	if s.reason != "" || !s.checked {
		return s.reason
	}
	return probe.StatusReason(int(s.status))
}

// InFlightLimit is the number of checks the monitor lets probe at once now.
func (m *Monitor) InFlightLimit() int { return m.gate.Limit() }

// Idle reports whether the monitor has nothing to do before the clock moves
// on: no probe in flight, nothing due, no e-mail waiting to be tried. Tests on
// a manual clock wait for it after every Advance.
func (m *Monitor) Idle() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	later := func(t time.Time) bool { return t.IsZero() || t.After(now) }
	return m.started && m.inflight == 0 &&
		m.schedSleep && later(m.schedWake) &&
		m.mailSleep && !m.mailKick && later(m.mailWake)
}

// DisplayURL is the URL without credentials or query, fit for e-mails and
// the status page: partners put API keys in both.
func DisplayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.Fragment = ""
	return u.String()
}
