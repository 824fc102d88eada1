// Package docplanner holds the step definitions of the Docplanner
// acceptance features and the wiring of a run: the mock platform, and the
// partner under test reached through its driver.
package docplanner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	features "github.com/accord-harness/accord/features/docplanner"
	fixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/wiring"
	mock "github.com/accord-harness/accord/mocks/docplanner"
	"github.com/accord-harness/accord/mocks/docplanner/apispec"
	"github.com/accord-harness/accord/mocks/docplanner/refpartner"
)

// DefaultLatencyBudget is how long a change may take to reach the other side.
const DefaultLatencyBudget = 30 * time.Second

// Platform is Docplanner for the runner. Its zero value starts a mock per
// run; with Shared set, runs share one mock, as partners share the platform.
type Platform struct {
	Shared *Shared
	// Fixture replaces the bundled clinic (it must keep the calendars the
	// features name); nil means fixture.Clinic().
	Fixture *fixture.Fixture
	// Variant starts the bundled reference partner's alternative build
	// (refpartner.VariantAlt): correct, but different in every incidental way.
	Variant string
	// WritesPerMinute raises the sandbox's write limit (Docplanner raises it
	// per client on request); 0 keeps the documented 40.
	WritesPerMinute int
	// WriteWindow shortens the window WritesPerMinute counts in; 0 keeps the
	// documented minute. Only tests of a partner that waits in real time
	// shorten it.
	WriteWindow time.Duration
}

// Shared is one mock platform that several runs use at once: each run has
// its own client credentials (tenants), so none sees another's data.
type Shared struct {
	clock   *clock.Run
	journal *journal.Journal
	mock    *mock.Mock
	url     string
	srv     *http.Server
}

// NewShared serves a mock platform on loopback.
func NewShared() (*Shared, error) {
	sh := &Shared{clock: clock.New(), journal: journal.New()}
	// Every partner's waits move the one run clock for all of them, about an
	// hour of run time per real second with fifty at once: a one-hour token
	// could die between its issue and its first use. The token-expiry
	// scenario expires tokens explicitly, so it loses nothing.
	m, err := mock.New(mock.Options{Clock: sh.clock, Journal: sh.journal, TokenLifetime: 24 * time.Hour})
	if err != nil {
		return nil, err
	}
	sh.mock = m
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sh.url = "http://" + ln.Addr().String()
	sh.srv = &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = sh.srv.Serve(ln) }()
	return sh, nil
}

// Mock is the shared platform, for checks across runs.
func (sh *Shared) Mock() *mock.Mock { return sh.mock }

// Close stops the shared mock.
func (sh *Shared) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return sh.srv.Shutdown(ctx)
}

func (Platform) Name() string { return "docplanner" }

// Title is how people write the platform's name.
func (Platform) Title() string { return "Docplanner" }

var (
	_ runner.Platform = Platform{}
	_ runner.Titled   = Platform{}
)

func (Platform) Features() fs.FS { return features.FS }

// Documents are the API documents a Docplanner run relies on.
func (Platform) Documents() map[string][]byte {
	return map[string][]byte{
		"mocks/docplanner/apispec/openapi.yaml": apispec.Document(),
		"internal/driver/openapi.yaml":          driver.Document(),
	}
}

func (Platform) Faults() []runner.Fault { return refpartner.Faults() }

// Capabilities are what Docplanner leaves to the partner. The callback URL
// is asked for only "in case of using PUSH communication method", and the
// real-time checks are enabled on the partner's request.
func (Platform) Capabilities() []runner.Capability {
	return []runner.Capability{
		{Name: capNotifications, Values: []string{"both", mock.ModelPush, mock.ModelPull},
			About: "how the partner takes Docplanner's notifications: by PUSH to its callback URL, by PULL from the queue, or either, as each clinic is set up"},
		{Name: capRealTime, Values: []string{"on", "off"},
			About: "whether the partner asks Docplanner for the blocking slot-booking and booking-moving checks"},
	}
}

const (
	capNotifications = "notification_model"
	capRealTime      = "real_time_checks"
)

// session is one run: a mock platform and a partner.
type session struct {
	// rateLimitsOff: the run lifted the mock's rate limits (--rate-limits off).
	rateLimitsOff bool
	clock         *clock.Run
	journal       *journal.Journal
	mock          *mock.Mock
	mockURL       string
	driver        driver.Driver
	partner       string
	fixture       *fixture.Fixture
	loc           *time.Location // the fixture's zone, loaded once
	waiter        clock.Waiter
	budget        time.Duration
	// model is how scenarios take notifications unless they say: the
	// partner's own choice, PUSH for a partner that does both.
	model   string
	caps    map[string]string
	servers wiring.Servers

	run       string // tells this run's tenants from other runs' on a shared mock
	shared    bool
	mu        sync.Mutex
	patterns  map[string]*regexp.Regexp
	seq       int
	latencies []latency
	secrets   []string
	timeline  []timelineRow
	// screenURL is where this run's own mock serves the sandbox ("" on a
	// shared mock), operatorKey the secret that opens every scenario's clinic.
	screenURL, operatorKey string
	// explore is accord explore's plan over the features' (runner.Config).
	explore  explore.Plan
	explored []exploration
}

// exploration is one @explore scenario's plan and outcome, for summary.json.
type exploration struct {
	Scenario  string `json:"scenario"`
	Model     string `json:"notification_model"`
	Seed      uint64 `json:"seed"`
	Sequences int    `json:"sequences"`
	Steps     int    `json:"steps"`
	Failed    bool   `json:"failed"`
}

func (s *session) recordExploration(e exploration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.explored = append(s.explored, e)
}

// Journal is the run's traffic, for the report. On a shared mock it holds
// only this run's tenants, so a report never shows another partner's data.
func (s *session) Journal() *journal.Journal {
	if !s.shared {
		return s.journal
	}
	own := journal.New()
	prefix := "accord-" + s.run + "-"
	labels := s.journal.Labels()
	for _, e := range s.journal.Select(func(e journal.Entry) bool { return strings.HasPrefix(e.Tenant, prefix) }) {
		own.Add(e)
		own.Label(e.Tenant, labels[e.Tenant])
	}
	return own
}

// Secrets are the client secrets handed out, so no output shows them.
func (s *session) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.secrets...)
}

func (s *session) addSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, secret)
}

type latency struct {
	Scenario string  `json:"scenario"`
	What     string  `json:"what"`
	Seconds  float64 `json:"seconds"`
	// Limit is the wait's own bound (the run's latency budget, or a
	// scenario's longer one such as PULL's), so a report can tell a slow
	// answer from one a scenario allows.
	Limit float64 `json:"limit_seconds"`
}

// Start serves the mock on loopback (or where the config says), and starts
// the bundled reference partner unless the config names another one.
func (p Platform) Start(ctx context.Context, cfg runner.Config) (runner.Session, error) {
	s := &session{clock: clock.NewAt(cfg.ClockStart), journal: journal.New(), budget: cfg.LatencyBudget, caps: cfg.Capabilities, run: randomHex(3), explore: cfg.Explore}
	s.model = mock.ModelPush
	if s.caps[capNotifications] == mock.ModelPull {
		s.model = mock.ModelPull
	}
	if s.budget <= 0 {
		s.budget = DefaultLatencyBudget
	}
	f := p.Fixture
	if f == nil {
		var err error
		if f, err = fixture.Clinic(); err != nil {
			return nil, err
		}
	}
	s.fixture, s.loc = f, f.Location()
	var err error
	if p.Shared != nil {
		s.clock, s.journal, s.mock, s.mockURL = p.Shared.clock, p.Shared.journal, p.Shared.mock, p.Shared.url
		s.shared = true
	} else {
		opts := mock.Options{Clock: s.clock, Journal: s.journal, WritesPerMinute: p.WritesPerMinute, WriteWindow: p.WriteWindow, RateLimitsOff: cfg.RateLimitsOff}
		s.rateLimitsOff = cfg.RateLimitsOff
		if cfg.Partner != nil {
			// A partner of its own lives in real time while the scenarios
			// move the run clock: what it reads is on its own clock.
			opts.PartnerClock = clock.Wall{}
		}
		if s.mock, err = mock.New(opts); err != nil {
			return nil, err
		}
		listen := "127.0.0.1:0"
		if cfg.Partner != nil && cfg.Partner.MockListen != "" {
			listen = cfg.Partner.MockListen
		}
		addr, err := s.servers.Serve(listen, s.withSandbox())
		if err != nil {
			return nil, fmt.Errorf("mock platform cannot listen on %s: %w", listen, err)
		}
		s.mockURL = "http://" + addr
		s.screenURL = s.mockURL
	}
	var driverURL string
	if cfg.Partner == nil {
		clk := s.clock
		p, err := refpartner.New(refpartner.Options{Clock: clk, Faults: cfg.Faults, Variant: p.Variant,
			// Waiting out a rate limit moves the shared run clock: the partner
			// works on it, so time passes for the platform too.
			Wait: func(_ context.Context, d time.Duration) error { clk.Skip(d); return nil }})
		if err != nil {
			s.Close()
			return nil, err
		}
		paddr, err := s.servers.Serve("127.0.0.1:0", p)
		if err != nil {
			s.Close()
			return nil, err
		}
		driverURL = "http://" + paddr
		p.SetPublicURL(driverURL)
		// The embedded partner shares the run clock, so waiting advances it.
		s.waiter = clock.Waiter{Clock: s.clock, Virtual: true}
	} else {
		if len(cfg.Faults) > 0 {
			s.Close()
			return nil, errors.New("--fault starts the bundled reference partner with a fault; it cannot apply to a partner named in a config file")
		}
		if cfg.Partner.MockURL != "" {
			s.mockURL = strings.TrimRight(cfg.Partner.MockURL, "/")
		}
		driverURL = cfg.Partner.DriverURL
		s.waiter = clock.Waiter{Clock: s.clock, Tick: 250 * time.Millisecond}
	}
	if s.driver, s.partner, err = wiring.Partner(ctx, driverURL, cfg, staff(s.fixture)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *session) PartnerName() string { return s.partner }

func (s *session) Close() error {
	s.servers.Close()
	return nil
}

// Extras are the API coverage table and the measured latencies.
func (s *session) Extras() map[string]any {
	calls := map[string]int{}
	// The mock's own mistakes: answers (or notifications it sent) that break
	// its document. A run reports them; the test suite demands none.
	mockViolations := 0
	var samples []string
	// What the mock let pass with a warning (as the real platform takes
	// what its official client sends): shown, never a failure.
	mockWarnings := 0
	var warningSamples []string
	own := s.Journal()
	for _, e := range own.Select(nil) {
		mockWarnings += len(e.Warnings)
		if len(e.Warnings) > 0 && len(warningSamples) < 5 {
			warningSamples = append(warningSamples, fmt.Sprintf("%s %s (%s): %s", e.Method, e.URL, e.Operation, spec.Summary(e.Warnings)))
		}
		vs := e.RequestViolations
		if e.Direction == journal.Inbound {
			calls[e.Operation]++
			vs = e.ResponseViolations
		}
		mockViolations += len(vs)
		if len(vs) > 0 && len(samples) < 5 {
			samples = append(samples, fmt.Sprintf("%s %s (%s, %d): %s", e.Method, e.URL, e.Operation, e.Status, spec.Summary(vs)))
		}
	}
	type row struct {
		Operation string `json:"operation"`
		Flow      string `json:"flow"`
		Required  bool   `json:"required"`
		Calls     int    `json:"calls"`
	}
	var coverage []row
	for _, op := range s.mock.SpecDoc().Operations() {
		coverage = append(coverage, row{op.ID, op.Flow, s.required(op, s.model), calls[op.ID]})
	}
	sort.Slice(coverage, func(i, j int) bool {
		if coverage[i].Flow != coverage[j].Flow {
			return coverage[i].Flow < coverage[j].Flow
		}
		return coverage[i].Operation < coverage[j].Operation
	})
	s.mu.Lock()
	lat := append([]latency{}, s.latencies...)
	timeline := append([]timelineRow{}, s.timeline...)
	explored := append([]exploration{}, s.explored...)
	s.mu.Unlock()
	maxLatency := 0.0
	for _, l := range lat {
		maxLatency = max(maxLatency, l.Seconds)
	}
	return map[string]any{
		"api_coverage":           coverage,
		"latencies":              lat,
		"max_latency_seconds":    maxLatency,
		"latency_budget_seconds": s.budget.Seconds(),
		"exchanges":              own.Len(),
		"mock_violations":        mockViolations,
		"activation_timeline":    timeline,
		"mock_violation_samples": samples,
		"mock_warnings":          mockWarnings,
		"mock_warning_samples":   warningSamples,
		"explorations":           explored,
		"rate_limits_off":        s.rateLimitsOff,
	}
}

func (s *session) recordLatency(l latency) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies = append(s.latencies, l)
}

func (s *session) nextTenant() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("accord-%s-%03d", s.run, s.seq)
}

// InitializeScenario gives every scenario its own world and platform tenant.
func (s *session) InitializeScenario(sc *godog.ScenarioContext) {
	w := &world{s: s, model: s.model}
	sc.Before(func(ctx context.Context, scn *godog.Scenario) (context.Context, error) {
		return ctx, w.begin(ctx, scn.Name)
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		return ctx, w.s.mock.Retire(w.clientID)
	})
	registerAuth(sc, w)
	registerActivation(sc, w)
	registerMapping(sc, w)
	registerBookings(sc, w)
	registerSchedule(sc, w)
	registerStatus(sc, w)
	registerBreaks(sc, w)
	registerSummerTime(sc, w)
	registerCoverage(sc, w)
	registerWholeState(sc, w)
	registerExplore(sc, w)
	registerFailures(sc, w)
}

// re is a step pattern, compiled once a run rather than once a scenario.
func (w *world) re(pattern string) *regexp.Regexp { return w.s.pattern(pattern) }

// pattern is a step pattern, compiled the first time the run meets it.
func (s *session) pattern(p string) *regexp.Regexp {
	s.mu.Lock()
	defer s.mu.Unlock()
	re, ok := s.patterns[p]
	if !ok {
		if s.patterns == nil {
			s.patterns = map[string]*regexp.Regexp{}
		}
		re = regexp.MustCompile(p)
		s.patterns[p] = re
	}
	return re
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
