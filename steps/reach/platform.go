// Package reach holds the step definitions of the Reach acceptance features and the wiring of a run:
// Reach's sync client (mocks/reach) and the partner under test, which hosts the Reach API and is
// reached through its driver.
package reach

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/cucumber/godog"

	reachfeatures "github.com/accord-harness/accord/features/reach"
	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/stepkit"
	reachmock "github.com/accord-harness/accord/mocks/reach"
	reachapi "github.com/accord-harness/accord/mocks/reach/apispec"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
)

// DashboardFile is the dashboard's name in the report directory.
const DashboardFile = "reach-dashboard.html"

// books are the fixture's companies and what a whole-state reading of them must find.
type books struct {
	set    *reachfixture.Set
	expect *reachmock.State
}

// bundled derives the books once a process, as mocks/reach parses its document once: both are
// read-only, and every run (a fault's, a start hour's) would derive the same again.
var bundled = sync.OnceValues(func() (books, error) {
	set, err := reachfixture.LoadSet()
	if err != nil {
		return books{}, err
	}
	return books{set: set, expect: reachmock.ExpectedState(set)}, nil
})

// Platform is Reach for the runner.
type Platform struct {
	// Variant starts the bundled reference partner's alternative build
	// (refpartner.VariantAlt): correct, but different in every incidental way.
	Variant string
}

func (Platform) Name() string { return "reach" }

// Title is how people write the platform's name.
func (Platform) Title() string { return "Reach" }

var (
	_ runner.Platform = Platform{}
	_ runner.Titled   = Platform{}
)

func (Platform) Features() fs.FS { return reachfeatures.FS }

// Documents are what a Reach run relies on: the specification, the driver contract and the books.
func (Platform) Documents() map[string][]byte {
	docs := reachfixture.Documents()
	docs["mocks/reach/apispec/openapi.yaml"] = reachapi.Document()
	docs["internal/driver/openapi.yaml"] = driver.Document()
	return docs
}

func (Platform) Faults() []runner.Fault { return reachpartner.Faults() }

// CapOAuth is the one choice Reach's documents leave to the partner that changes which scenarios
// apply: whether it runs an OAuth 2.0 authorization server for Reach (the developer portal's
// authentication pages, RFC 6749) or hands Reach long-lived static tokens only (the implementation
// process: "Must secure endpoints using supported authentication (e.g., token-based)", "Access
// token or other credentials"; the go-live checklist: tokens "long-lived or auto-renewable").
// Whether refresh tokens rotate is left open too (RFC 6749 §6), but no scenario depends on it: the
// two reference partners make both choices and pass the same scenarios.
const CapOAuth = "oauth"

// Capabilities are the choices Reach leaves to the partner.
func (Platform) Capabilities() []runner.Capability {
	return []runner.Capability{{Name: CapOAuth, Values: []string{"on", "off"},
		About: "on: the partner runs an OAuth 2.0 server for Reach (discovery, authorization code, refresh tokens); off: it hands Reach long-lived static tokens only"}}
}

// stage is one run: Reach's sync client and the partner under test.
type stage struct {
	stepkit.Base
	reach     *reachmock.Reach
	set       *reachfixture.Set // the customer's companies, every one read by the customer's token
	expect    *reachmock.State  // the whole books, as the fixture calls for them
	reportDir string
	timeout   time.Duration // of one call to the partner, Reach's or the customer's browser's

	mu        sync.Mutex
	seq       int
	syncs     []syncRow
	dashboard string
	shelves   map[string]*shelved // the books explorations loaded, by shelf
}

type syncRow struct {
	Scenario   string   `json:"scenario"`
	Kind       string   `json:"kind"`
	Connection string   `json:"connection"`
	Exchanges  int      `json:"exchanges"`
	Seconds    float64  `json:"seconds"` // on the run clock
	Completed  bool     `json:"completed"`
	Problems   []string `json:"problems,omitempty"`
}

// Start starts the bundled reference partner on loopback unless the config names another partner,
// and Reach's sync client on the run clock.
func (pl Platform) Start(ctx context.Context, cfg runner.Config) (runner.Stage, error) {
	s := &stage{reportDir: cfg.ReportDir}
	s.Init(cfg, reachmock.DefaultLatencyBudget)
	// Reach validates and checks every answer whole before journaling it; the journal keeps the
	// first 16 KiB of a body, enough to show what an answer was, while a run's statements over
	// three companies' books would otherwise fill the report with megabytes of figures.
	s.Journal.MaxBody = 16 << 10
	b, err := bundled()
	if err != nil {
		return nil, err
	}
	s.set, s.expect = b.set, b.expect
	err = s.StartPartner(ctx, cfg, stepkit.Partner{
		Bundled: func() (http.Handler, func(string), error) {
			ref, err := reachpartner.New(reachpartner.Options{Clock: s.Clock, Faults: cfg.Faults, Variant: pl.Variant,
				// The embedded partner lives on the run clock: the time it takes is the clock's.
				Wait: func(_ context.Context, d time.Duration) { s.Clock.Advance(d) }})
			return ref, nil, err
		},
		Variant: pl.Variant, Staff: runner.Staff{Instructions: instructions},
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	timeout := reachmock.DefaultTimeout
	if cfg.Partner != nil && cfg.Partner.Timeout > 0 {
		timeout = cfg.Partner.Timeout
	}
	s.timeout = timeout
	if s.reach, err = reachmock.New(reachmock.Options{Clock: s.Clock, Virtual: s.Bundled, Journal: s.Journal, Timeout: timeout, LatencyBudget: s.Budget}); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *stage) nextConnection() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("reach-%03d", s.seq)
}

func (s *stage) recordSync(scenario string, r *reachmock.SyncResult) {
	row := syncRow{Scenario: scenario, Kind: string(r.Kind), Connection: r.Conn, Exchanges: len(r.Trace.Entries()),
		Seconds: r.Finished.Sub(r.Started).Seconds(), Completed: r.Completed()}
	for _, p := range r.Problems {
		row.Problems = append(row.Problems, p.String())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncs = append(s.syncs, row)
}

var indices = regexp.MustCompile(`\.\d+(\.|$)`)

// Extras are the API coverage, the latencies on the run clock, the extra-field warnings, the syncs
// and where the dashboard went.
func (s *stage) Extras() map[string]any {
	var calls stepkit.Tally
	type warning struct {
		Operation string `json:"operation"`
		Field     string `json:"field"`
		Message   string `json:"message"`
		Count     int    `json:"count"`
	}
	warnings := map[[2]string]*warning{}
	for _, rec := range s.reach.Records("") {
		calls.Add(rec.Operation, rec.Status)
		for _, w := range rec.Warnings {
			field := indices.ReplaceAllString(w.Field, "[]$1")
			k := [2]string{rec.Operation, field}
			if warnings[k] == nil {
				warnings[k] = &warning{Operation: rec.Operation, Field: field, Message: w.Message}
			}
			warnings[k].Count++
		}
	}
	cov := stepkit.Coverage(s.reach.SpecDoc().Operations(), func(op spec.Operation) bool { return op.Required }, calls)
	ws := make([]warning, 0, len(warnings))
	for _, w := range warnings {
		ws = append(ws, *w)
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].Operation+ws[i].Field < ws[j].Operation+ws[j].Field })
	// Answers that break the document anywhere in the run, probes included: the scenarios judge only
	// the answers they look at, and a correct partner has none at all.
	violations, samples := 0, []string{}
	for _, e := range s.Journal.Select(func(e journal.Entry) bool { return len(e.ResponseViolations) > 0 }) {
		violations++
		if len(samples) < 5 {
			samples = append(samples, stepkit.Describe(e))
		}
	}
	s.mu.Lock()
	syncs := append([]syncRow{}, s.syncs...)
	dashboard := s.dashboard
	s.mu.Unlock()
	out := map[string]any{
		"api_coverage":           cov,
		"latencies":              s.reach.Latencies(),
		"latency_budget_seconds": s.Budget.Seconds(),
		"warnings":               ws,
		"syncs":                  syncs,
		"exchanges":              s.Journal.Len(),
		"validation":             s.reach.Stats(),
		"violations":             violations,
		"violation_samples":      samples,
		"explorations":           s.Explorations(),
	}
	if dashboard != "" {
		out["dashboard"] = dashboard
	}
	return out
}

// InitializeScenario gives every scenario its own world and connection.
func (s *stage) InitializeScenario(sc *godog.ScenarioContext) {
	w := &world{s: s}
	sc.Before(func(ctx context.Context, scn *godog.Scenario) (context.Context, error) {
		return ctx, w.begin(ctx, scn.Name)
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		w.end()
		return ctx, nil
	})
	registerConnection(sc, w)
	registerAuth(sc, w)
	registerSchedule(sc, w)
	registerAccuracy(sc, w)
	registerFormatting(sc, w)
	registerPagination(sc, w)
	registerReliability(sc, w)
	registerDashboard(sc, w)
	registerBooks(sc, w)
	registerExplore(sc, w)
}
