// Package reach is accord's mock of Reach (Reach Reporting) for the reversed direction: the partner
// hosts an API built to Reach's specification (apispec/openapi.yaml) and Reach pulls from it. This
// package plays Reach's sync client: it discovers the companies a token can read, reads company
// information, pages through every reference list, pulls the three statements for a rolling window
// aligned on the fiscal year for both accounting bases, and pulls metric values, nightly and on demand,
// on the run's clock. Every answer is validated against the specification and recorded in the journal
// with its violations (field and rule); extra fields are kept as warnings. Every call is bounded
// (internal/boundedhttp), so a partner that hangs, floods or talks nonsense ends a sync with a clear
// error, never a hang or a panic.
package reach

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
	reachapi "github.com/accord-harness/accord/mocks/reach/apispec"
)

// SpecBase is the specification's first server: internal/spec routes on it, so every partner URL
// is mapped onto it before validation.
const SpecBase = "/reach"

// Defaults.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultLatencyBudget = 2 * time.Second // "answers within 2 seconds"
	DefaultPageSize      = 20
	DefaultNightlyAt     = 2 * time.Hour // 02:00 UTC, off-hours
	DefaultDailyOnDemand = 5             // sync-button presses per connection per UTC day
	DefaultHistoryMonths = 24            // the rolling window reaches this far back, aligned on a fiscal year
	MaxPageSize          = 1000
	DefaultLimit         = 100 // the limit a list applies when Reach leaves it out
)

// Options configure Reach.
type Options struct {
	// Clock is the run clock; nil means a fresh one at real time.
	Clock *clock.Run
	// Virtual is true when every party lives on Clock (the embedded reference partner): backoff waits
	// then advance the clock instead of sleeping. A partner in real time gets real waits.
	Virtual bool
	Journal *journal.Journal
	// Timeout bounds each call in real time; 0 means DefaultTimeout.
	Timeout time.Duration
	// BodyLimit caps each answer; 0 means boundedhttp.DefaultLimit.
	BodyLimit int64
	// LatencyBudget is the longest an answer may take on the run clock; 0 means 2 s.
	LatencyBudget time.Duration
	// PageSize is the limit the sync asks reference lists for; 0 means DefaultPageSize.
	PageSize int
	// NightlyAt is the UTC time of day of the nightly sync; 0 means 02:00.
	NightlyAt time.Duration
	// DailyOnDemand caps on-demand syncs per connection per UTC day; 0 means 5.
	DailyOnDemand int
	// HistoryMonths is how far back the rolling window of later syncs reaches; 0 means 24. A
	// connection's first sync reads everything since the company's BooksStartDate.
	HistoryMonths int
	Retry         Retry
	// SkipValidation is for the benchmark that measures validation's cost.
	SkipValidation bool
	// NoValidationCache validates every answer afresh, even one Reach has validated before.
	NoValidationCache bool
}

// Retry shapes the exponential backoff on 503 and 429 (github.com/cenkalti/backoff/v4, on the run clock).
type Retry struct {
	Initial     time.Duration // first wait; 0 means 1 s
	Max         time.Duration // longest wait; 0 means 30 s
	MaxElapsed  time.Duration // give up after this long on the run clock; 0 means 10 min
	MaxAttempts int           // attempts per call; 0 means 6
	// MaxRetryAfter caps a partner's Retry-After; 0 means 5 min.
	MaxRetryAfter time.Duration
}

// Reach is the sync client. It is safe for concurrent use by many connections.
type Reach struct {
	opts Options
	spec *spec.Spec
	http *http.Client

	cache *validationCache

	mu      sync.Mutex
	records []Record
	stats   Stats
}

// Stats are counters over every exchange.
type Stats struct {
	Requests   int           `json:"requests"`
	Validated  int           `json:"validated"`
	Validation time.Duration `json:"validation_ns"` // real time spent validating answers
}

// Spec is the loaded Reach document, parsed once per process: it is read-only.
var Spec = sync.OnceValues(func() (*spec.Spec, error) { return spec.Load(reachapi.Document()) })

// New builds Reach.
func New(opts Options) (*Reach, error) {
	if opts.Clock == nil {
		opts.Clock = clock.New()
	}
	if opts.Journal == nil {
		opts.Journal = journal.New()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.BodyLimit <= 0 {
		opts.BodyLimit = boundedhttp.DefaultLimit
	}
	if opts.LatencyBudget <= 0 {
		opts.LatencyBudget = DefaultLatencyBudget
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.PageSize > MaxPageSize {
		return nil, fmt.Errorf("reach: page size %d is over the specification's limit of %d", opts.PageSize, MaxPageSize)
	}
	if opts.NightlyAt <= 0 {
		opts.NightlyAt = DefaultNightlyAt
	}
	if opts.NightlyAt >= 24*time.Hour {
		return nil, fmt.Errorf("reach: nightly sync at %s is not a time of day", opts.NightlyAt)
	}
	if opts.DailyOnDemand <= 0 {
		opts.DailyOnDemand = DefaultDailyOnDemand
	}
	if opts.HistoryMonths <= 0 {
		opts.HistoryMonths = DefaultHistoryMonths
	}
	r := &opts.Retry
	if r.Initial <= 0 {
		r.Initial = time.Second
	}
	if r.Max <= 0 {
		r.Max = 30 * time.Second
	}
	if r.MaxElapsed <= 0 {
		r.MaxElapsed = 10 * time.Minute
	}
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 6
	}
	if r.MaxRetryAfter <= 0 {
		r.MaxRetryAfter = 5 * time.Minute
	}
	sp, err := Spec()
	if err != nil {
		return nil, err
	}
	return &Reach{opts: opts, spec: sp, http: boundedhttp.NewClient(opts.Timeout), cache: newValidationCache(opts.NoValidationCache)}, nil
}

// SpecDoc is the document Reach validates against.
func (r *Reach) SpecDoc() *spec.Spec { return r.spec }

// Journal holds every exchange.
func (r *Reach) Journal() *journal.Journal { return r.opts.Journal }

// Clock is the run clock.
func (r *Reach) Clock() *clock.Run { return r.opts.Clock }

// LatencyBudget is the budget answers are held to.
func (r *Reach) LatencyBudget() time.Duration { return r.opts.LatencyBudget }

// Stats returns the counters so far.
func (r *Reach) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Record is what Reach keeps about one exchange beside its journal entry.
type Record struct {
	Seq       int64         `json:"seq"`
	Conn      string        `json:"connection"`
	Operation string        `json:"operation"`
	Status    int           `json:"status"`
	Attempt   int           `json:"attempt"`
	Took      time.Duration `json:"took_ns"` // on the run clock
	// Warnings are fields the specification does not have: Reach ignores them, and says so.
	Warnings []journal.Violation `json:"warnings,omitempty"`
}

// Records returns the records of one connection ("" for all), in order.
func (r *Reach) Records(conn string) []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Record, 0, len(r.records))
	for _, rec := range r.records {
		if conn == "" || rec.Conn == conn {
			out = append(out, rec)
		}
	}
	return out
}

func (r *Reach) addRecord(rec Record, validated bool, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec)
	r.stats.Requests++
	if validated {
		r.stats.Validated++
		r.stats.Validation += took
	}
}

// LatencyRow summarises one operation's answers on the run clock.
type LatencyRow struct {
	Operation   string  `json:"operation"`
	Calls       int     `json:"calls"`
	MaxSeconds  float64 `json:"max_seconds"`
	MeanSeconds float64 `json:"mean_seconds"`
	OverBudget  int     `json:"over_budget"`
}

// Latencies summarises every answer per operation.
func (r *Reach) Latencies() []LatencyRow {
	rows := map[string]*LatencyRow{}
	for _, rec := range r.Records("") {
		if rec.Status == 0 {
			continue
		}
		row := rows[rec.Operation]
		if row == nil {
			row = &LatencyRow{Operation: rec.Operation}
			rows[rec.Operation] = row
		}
		s := rec.Took.Seconds()
		row.Calls++
		row.MaxSeconds = max(row.MaxSeconds, s)
		row.MeanSeconds += s
		if rec.Took > r.opts.LatencyBudget {
			row.OverBudget++
		}
	}
	out := make([]LatencyRow, 0, len(rows))
	for _, row := range rows {
		row.MeanSeconds /= float64(row.Calls)
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Operation < out[j].Operation })
	return out
}
