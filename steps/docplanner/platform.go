// Package docplanner holds the step definitions of the Docplanner
// acceptance features and the wiring of a run: the mock platform, and the
// partner under test reached through its driver.
package docplanner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	docplannerfeatures "github.com/accord-harness/accord/features/docplanner"
	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/stepkit"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
	docplannerapi "github.com/accord-harness/accord/mocks/docplanner/apispec"
	docplannerpartner "github.com/accord-harness/accord/mocks/docplanner/refpartner"
)

// DefaultLatencyBudget is how long a change may take to reach the other side.
const DefaultLatencyBudget = 30 * time.Second

// Platform is Docplanner for the runner. Its zero value starts a mock per
// run; with Shared set, runs share one mock, as partners share the platform.
type Platform struct {
	Shared *Shared
	// Fixture replaces the bundled clinic (it must keep the calendars the
	// features name); nil means fixture.Clinic().
	Fixture *docplannerfixture.Fixture
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
	mock    *docplannermock.Mock
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
	m, err := docplannermock.New(docplannermock.Options{Clock: sh.clock, Journal: sh.journal, TokenLifetime: 24 * time.Hour})
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
func (sh *Shared) Mock() *docplannermock.Mock { return sh.mock }

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

func (Platform) Features() fs.FS { return docplannerfeatures.FS }

// Documents are the API documents a Docplanner run relies on.
func (Platform) Documents() map[string][]byte {
	return map[string][]byte{
		"mocks/docplanner/apispec/openapi.yaml": docplannerapi.Document(),
		"internal/driver/openapi.yaml":          driver.Document(),
	}
}

func (Platform) Faults() []runner.Fault { return docplannerpartner.Faults() }

// Capabilities are what Docplanner leaves to the partner. The callback URL
// is asked for only "in case of using PUSH communication method", and the
// real-time checks are enabled on the partner's request.
func (Platform) Capabilities() []runner.Capability {
	return []runner.Capability{
		{Name: capNotifications, Values: []string{"both", docplannermock.ModelPush, docplannermock.ModelPull},
			About: "how the partner takes Docplanner's notifications: by PUSH to its callback URL, by PULL from the queue, or either, as each clinic is set up"},
		{Name: capRealTime, Values: []string{"on", "off"},
			About: "whether the partner asks Docplanner for the blocking slot-booking and booking-moving checks"},
	}
}

const (
	capNotifications = "notification_model"
	capRealTime      = "real_time_checks"
)

// stage is one run: a mock platform and a partner.
type stage struct {
	stepkit.Base
	// rateLimitsOff: the run lifted the mock's rate limits (--rate-limits off).
	rateLimitsOff bool
	mock          *docplannermock.Mock
	mockURL       string
	fixture       *docplannerfixture.Fixture
	loc           *time.Location // the fixture's zone, loaded once
	// model is how scenarios take notifications unless they say: the
	// partner's own choice, PUSH for a partner that does both.
	model string

	run      string // tells this run's tenants from other runs' on a shared mock
	shared   bool
	mu       sync.Mutex
	seq      int
	timeline []timelineRow
	// screenURL is where this run's own mock serves the sandbox ("" on a
	// shared mock), operatorKey the secret that opens every scenario's clinic.
	screenURL, operatorKey string
	explored               []exploration
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

func (s *stage) recordExploration(e exploration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.explored = append(s.explored, e)
}

// OwnJournal is the run's traffic, for the report. On a shared mock it holds
// only this run's tenants, so a report never shows another partner's data.
func (s *stage) OwnJournal() *journal.Journal {
	if !s.shared {
		return s.Journal
	}
	own := journal.New()
	prefix := "accord-" + s.run + "-"
	labels := s.Journal.Labels()
	for _, e := range s.Journal.Select(func(e journal.Entry) bool { return strings.HasPrefix(e.Tenant, prefix) }) {
		own.Add(e)
		own.Label(e.Tenant, labels[e.Tenant])
	}
	return own
}

// Start serves the mock on loopback (or where the config says), and starts
// the bundled reference partner unless the config names another one.
func (p Platform) Start(ctx context.Context, cfg runner.Config) (runner.Stage, error) {
	s := &stage{run: randomHex(3), model: docplannermock.ModelPush}
	s.Init(cfg, DefaultLatencyBudget)
	if s.Caps[capNotifications] == docplannermock.ModelPull {
		s.model = docplannermock.ModelPull
	}
	f := p.Fixture
	if f == nil {
		var err error
		if f, err = docplannerfixture.Clinic(); err != nil {
			return nil, err
		}
	}
	s.fixture, s.loc = f, f.Location()
	if p.Shared != nil {
		s.Clock, s.Journal, s.mock, s.mockURL = p.Shared.clock, p.Shared.journal, p.Shared.mock, p.Shared.url
		s.shared = true
	} else {
		opts := docplannermock.Options{Clock: s.Clock, Journal: s.Journal, WritesPerMinute: p.WritesPerMinute, WriteWindow: p.WriteWindow, RateLimitsOff: cfg.RateLimitsOff}
		s.rateLimitsOff = cfg.RateLimitsOff
		if cfg.Partner != nil {
			// A partner of its own lives in real time while the scenarios
			// move the run clock: what it reads is on its own clock.
			opts.PartnerClock = clock.Wall{}
		}
		var err error
		if s.mock, err = docplannermock.New(opts); err != nil {
			return nil, err
		}
		if s.screenURL, s.mockURL, err = s.ServeMock(cfg, s.withSandbox()); err != nil {
			s.Close()
			return nil, err
		}
	}
	clk := s.Clock
	err := s.StartPartner(ctx, cfg, stepkit.Partner{
		Bundled: func() (http.Handler, func(string), error) {
			ref, err := docplannerpartner.New(docplannerpartner.Options{Clock: clk, Faults: cfg.Faults, Variant: p.Variant,
				// Waiting out a rate limit moves the shared run clock: the partner
				// works on it, so time passes for the platform too.
				Wait: func(_ context.Context, d time.Duration) error { clk.Skip(d); return nil }})
			if err != nil {
				return nil, nil, err
			}
			return ref, ref.SetPublicURL, nil
		},
		Variant: p.Variant, Tick: 250 * time.Millisecond, Staff: staff(s.fixture),
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Extras are the API coverage table and the measured latencies.
func (s *stage) Extras() map[string]any {
	var calls stepkit.Tally
	// The mock's own mistakes: answers (or notifications it sent) that break
	// its document. A run reports them; the test suite demands none.
	mockViolations := 0
	var samples []string
	// What the mock let pass with a warning (as the real platform takes
	// what its official client sends): shown, never a failure.
	mockWarnings := 0
	var warningSamples []string
	own := s.OwnJournal()
	for _, e := range own.Select(nil) {
		mockWarnings += len(e.Warnings)
		if len(e.Warnings) > 0 && len(warningSamples) < 5 {
			warningSamples = append(warningSamples, fmt.Sprintf("%s %s (%s): %s", e.Method, e.URL, e.Operation, spec.Summary(e.Warnings)))
		}
		vs := e.RequestViolations
		if e.Direction == journal.Inbound {
			calls.Add(e.Operation, e.Status)
			vs = e.ResponseViolations
		}
		mockViolations += len(vs)
		if len(vs) > 0 && len(samples) < 5 {
			samples = append(samples, fmt.Sprintf("%s %s (%s, %d): %s", e.Method, e.URL, e.Operation, e.Status, spec.Summary(vs)))
		}
	}
	coverage := stepkit.Coverage(s.mock.SpecDoc().Operations(), func(op spec.Operation) bool { return s.required(op, s.model) }, calls)
	s.mu.Lock()
	timeline := append([]timelineRow{}, s.timeline...)
	explored := append([]exploration{}, s.explored...)
	s.mu.Unlock()
	lat, maxLatency := s.Latencies()
	return map[string]any{
		"api_coverage":           coverage,
		"latencies":              lat,
		"max_latency_seconds":    maxLatency,
		"latency_budget_seconds": s.Budget.Seconds(),
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

func (s *stage) nextTenant() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("accord-%s-%03d", s.run, s.seq)
}

// InitializeScenario gives every scenario its own world and platform tenant.
func (s *stage) InitializeScenario(sc *godog.ScenarioContext) {
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
func (w *world) re(pattern string) *regexp.Regexp { return w.s.Pattern(pattern) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
