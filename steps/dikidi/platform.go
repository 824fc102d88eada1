// Package dikidi holds the step definitions of the DIKIDI acceptance
// features and the wiring of a run: the mock platform, a real SMTP server for
// its e-mails, a relay in front of the partner's Path, and the partner under
// test reached through its driver.
package dikidi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	dikidifeatures "github.com/accord-harness/accord/features/dikidi"
	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/monitor/smtptest"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/stepkit"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
	dikidiapi "github.com/accord-harness/accord/mocks/dikidi/apispec"
	dikidipartner "github.com/accord-harness/accord/mocks/dikidi/refpartner"
)

// DefaultLatencyBudget is how long a change may take to reach the other side.
const DefaultLatencyBudget = 30 * time.Second

// Platform is DIKIDI for the runner. Its zero value runs the bundled salon
// against the bundled reference partner (unless the config names another).
type Platform struct {
	// Fixture replaces the bundled salon (it must keep the company name,
	// masters, services and hours the features name); nil means
	// dikidifixture.Salon().
	Fixture *dikidifixture.Fixture
	// Variant starts the bundled reference partner's alternative build
	// (refpartner.VariantAlt): correct, but different in every incidental way.
	Variant string

	// wrap, for tests, stands in front of the bundled partner's driver (to
	// rewrite its views into other shapes the contract allows, say).
	wrap func(http.Handler) http.Handler
}

func (Platform) Name() string { return "dikidi" }

// Title is how people write the platform's name.
func (Platform) Title() string { return "DIKIDI" }

var (
	_ runner.Platform = Platform{}
	_ runner.Titled   = Platform{}
)

func (Platform) Features() fs.FS { return dikidifeatures.FS }

// Documents are the API documents a DIKIDI run relies on.
func (Platform) Documents() map[string][]byte {
	return map[string][]byte{
		"mocks/dikidi/apispec/openapi.yaml": dikidiapi.Document(),
		"internal/driver/openapi.yaml":      driver.Document(),
	}
}

func (Platform) Faults() []runner.Fault { return dikidipartner.Faults() }

// Capabilities are what DIKIDI leaves to the partner: the key's Path is
// optional (seed 003: only the name and the access type are required, and
// ProDoctorov's own instructions fill in neither Path nor e-mail), so a
// partner may take no events and read DIKIDI instead.
func (Platform) Capabilities() []runner.Capability {
	return []runner.Capability{
		{Name: capEvents, Values: []string{eventsAtPath, eventsNone},
			About: "whether the partner takes DIKIDI's events at a Path entered on the key, or gives no Path and reads DIKIDI instead"},
	}
}

const (
	capEvents    = "events"
	eventsAtPath = "path"
	eventsNone   = "none"
	// pollEvery is how often the bundled partner without a Path reads DIKIDI
	// (on the run clock, well within the default latency budget).
	pollEvery = 10 * time.Second
)

// stage is one run: a mock platform, its SMTP server, the Path relay and a partner.
type stage struct {
	stepkit.Base
	mock    *dikidimock.Mock
	mockURL string
	// screenURL is where the run's mock serves the business panel.
	screenURL string
	smtp      *smtptest.Server
	relay     *relay
	views     *views                 // the driver's views, checked against the contract
	fixture   *dikidifixture.Fixture // the salon's horizon, placed after the run clock's now
	loc       *time.Location         // the salon's zone

	mu  sync.Mutex
	seq int64
}

// withPath reports whether the partner takes events at a Path (the default).
func (s *stage) withPath() bool { return s.Caps[capEvents] != eventsNone }

// Secrets are the access keys, partner keys and the owner panel's token the
// run used, so that no output shows one (keys travel in ?token=).
func (s *stage) Secrets() []string {
	return append([]string{s.mock.OwnerToken()}, s.Base.Secrets()...)
}

// Start serves the mock and the relay on loopback (or where the config says),
// starts an SMTP server for DIKIDI's e-mails, and starts the bundled
// reference partner unless the config names another one.
func (p Platform) Start(ctx context.Context, cfg runner.Config) (runner.Stage, error) {
	s := &stage{}
	s.Init(cfg, DefaultLatencyBudget)
	var err error
	base := p.Fixture
	if base == nil {
		if base, err = dikidifixture.Salon(); err != nil {
			return nil, err
		}
	}
	if s.fixture, err = base.WeekAfter(s.Clock.Now()); err != nil {
		return nil, err
	}
	if s.loc, err = s.fixture.Location(); err != nil {
		return nil, err
	}
	if s.smtp, err = smtptest.Start(smtptest.Options{}); err != nil {
		return nil, fmt.Errorf("cannot start the SMTP server for DIKIDI's e-mails: %w", err)
	}
	mailer := &alert.SMTP{Addr: s.smtp.Addr(), From: "DIKIDI Business <noreply@dikidi.test>", Timeout: 10 * time.Second}
	if s.mock, err = dikidimock.New(dikidimock.Options{Clock: s.Clock, Journal: s.Journal, Mailer: mailer}); err != nil {
		s.Close()
		return nil, err
	}
	if s.screenURL, s.mockURL, err = s.ServeMock(cfg, s.withPanel()); err != nil {
		s.Close()
		return nil, err
	}
	s.relay = newRelay()
	raddr, err := s.Servers.Serve("127.0.0.1:0", s.relay)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.relay.base = "http://" + raddr
	err = s.StartPartner(ctx, cfg, stepkit.Partner{
		Bundled: func() (http.Handler, func(string), error) {
			opts := dikidipartner.Options{Clock: s.Clock, Faults: cfg.Faults, Variant: p.Variant}
			if !s.withPath() {
				opts.Poll = pollEvery
			}
			ref, err := dikidipartner.New(opts)
			if err != nil {
				return nil, nil, err
			}
			var h http.Handler = ref
			if p.wrap != nil {
				h = p.wrap(ref)
			}
			return h, ref.SetPublicURL, nil
		},
		Variant: p.Variant, Tick: 100 * time.Millisecond, Staff: staff(s.fixture),
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	s.views = newViews(s.Driver)
	return s, nil
}

func (s *stage) Close() error {
	_ = s.Base.Close()
	if s.smtp != nil {
		s.smtp.Stop()
	}
	return nil
}

// Extras are the API coverage table, the measured latencies, and the mock's
// own breaches of its document (answers and events).
func (s *stage) Extras() map[string]any {
	var calls stepkit.Tally
	mockViolations := 0
	var samples []string
	events := 0
	for _, e := range s.Journal.Select(nil) {
		vs := e.RequestViolations
		if e.Direction == journal.Inbound {
			if !strings.HasSuffix(e.Tenant, "/owner") {
				calls.Add(e.Operation, e.Status)
			}
			vs = e.ResponseViolations
		} else {
			events++
		}
		mockViolations += len(vs)
		if len(vs) > 0 && len(samples) < 5 {
			u, _, _ := strings.Cut(e.URL, "?") // the query carries the access key
			samples = append(samples, fmt.Sprintf("%s %s (%s, %d): %s", e.Method, u, e.Operation, e.Status, spec.Summary(vs)))
		}
	}
	var ops []spec.Operation
	for _, op := range s.mock.SpecDoc().Operations() {
		if !strings.HasPrefix(op.Path, "/owner/") { // the business's panel, not the partner's API
			ops = append(ops, op)
		}
	}
	coverage := stepkit.Coverage(ops, func(op spec.Operation) bool { return op.Required }, calls)
	lat, maxLatency := s.Latencies()
	explored := s.Explorations()
	return map[string]any{
		"api_coverage":           coverage,
		"latencies":              lat,
		"max_latency_seconds":    maxLatency,
		"latency_budget_seconds": s.Budget.Seconds(),
		"exchanges":              s.Journal.Len(),
		"event_deliveries":       events,
		"emails_received":        len(s.smtp.Mails()),
		"mock_violations":        mockViolations,
		"mock_violation_samples": samples,
		"explorations":           explored,
	}
}

// nextCompany gives every scenario its own salon.
func (s *stage) nextCompany() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.fixture.Company.ID*1000 + s.seq
}

// InitializeScenario gives every scenario its own world and salon.
func (s *stage) InitializeScenario(sc *godog.ScenarioContext) {
	w := &world{s: s}
	sc.Before(func(ctx context.Context, scn *godog.Scenario) (context.Context, error) {
		return ctx, w.begin(ctx, scn.Name)
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		w.end()
		return ctx, nil
	})
	registerActivation(sc, w)
	registerPermissions(sc, w)
	registerRecords(sc, w)
	registerSchedule(sc, w)
	registerPause(sc, w)
	registerDeletion(sc, w)
	registerDelivery(sc, w)
	registerState(sc, w)
	registerTries(sc, w)
	registerExplore(sc, w)
}

// relay stands in front of each scenario's Path: DIKIDI posts to the relay,
// which forwards to the partner's own Path, or fails like a broken endpoint
// when a scenario says so.
type relay struct {
	base   string
	client *http.Client

	mu      sync.Mutex
	targets map[string]string // company -> the partner's Path
	failing map[string]bool
}

func newRelay() *relay {
	return &relay{client: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		targets: map[string]string{}, failing: map[string]bool{}}
}

// path is the URL the business enters as the key's Path.
func (r *relay) path(company int64) string { return fmt.Sprintf("%s/path/%d", r.base, company) }

func (r *relay) set(company int64, target string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.targets[fmt.Sprint(company)] = target
}

func (r *relay) fail(company int64, on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing[fmt.Sprint(company)] = on
}

func (r *relay) forget(company int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.targets, fmt.Sprint(company))
	delete(r.failing, fmt.Sprint(company))
}

func (r *relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	company := strings.TrimPrefix(req.URL.Path, "/path/")
	r.mu.Lock()
	target, failing := r.targets[company], r.failing[company]
	r.mu.Unlock()
	switch {
	case target == "":
		http.Error(w, "no Path behind this relay", http.StatusNotFound)
		return
	case failing:
		http.Error(w, "the partner's endpoint is failing (accord relay)", http.StatusServiceUnavailable)
		return
	}
	// The document says the Path gets every POST unchanged: a plain body
	// with its Content-Length, as DIKIDI sent it, never re-chunked (a plain
	// HTTP server that reads Content-Length would read an empty event).
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "cannot read the event: "+err.Error(), http.StatusBadRequest)
		return
	}
	out, err := http.NewRequestWithContext(req.Context(), http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, vs := range req.Header {
		if k == "Content-Type" || strings.HasPrefix(k, "X-Dikidi-") {
			out.Header[k] = vs
		}
	}
	res, err := r.client.Do(out)
	if err != nil {
		http.Error(w, "the partner's Path did not answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(res.StatusCode)
	_, _ = io.Copy(w, io.LimitReader(res.Body, 64<<10))
}
