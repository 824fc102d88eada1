package stepkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/runner"
)

// Base is what every platform's run holds: embedded in the platform's own
// run, it answers the runner's PartnerName, Secrets and Close.
type Base struct {
	Clock   *clock.Run
	Journal *journal.Journal
	Servers Servers
	// Driver is the partner under test, held to the driver contract.
	Driver driver.Driver
	// Waiter paces the waits: it advances the run clock for the bundled
	// partner, and waits in real time for a partner of its own.
	Waiter clock.Waiter
	// Budget is how long a change may take to reach the other side.
	Budget time.Duration
	// Caps are the partner's choices (the platform's capabilities).
	Caps map[string]string
	// Explore is accord explore's plan over the features'.
	Explore explore.Plan
	// Bundled: the partner under test is the bundled reference partner,
	// which lives on the run clock.
	Bundled bool

	partner string

	mu        sync.Mutex
	latencies []Latency
	secrets   []string
	explored  []explore.Record
	patterns  map[string]*regexp.Regexp
}

// Latency is one wait that ended in time: how long it took on the run clock.
type Latency struct {
	Scenario string  `json:"scenario"`
	What     string  `json:"what"`
	Seconds  float64 `json:"seconds"`
	// Limit is the wait's own bound (the run's latency budget, or a
	// scenario's longer one), so a report can tell a slow answer from one a
	// scenario allows.
	Limit float64 `json:"limit_seconds"`
}

// Init readies a run for the config: a run clock from where the config
// starts it, an empty journal, and the latency budget (defaultBudget unless
// the config sets one).
func (b *Base) Init(cfg runner.Config, defaultBudget time.Duration) {
	b.Clock, b.Journal = clock.NewAt(cfg.ClockStart), journal.New()
	b.Budget, b.Caps, b.Explore = cfg.LatencyBudget, cfg.Capabilities, cfg.Explore
	if b.Budget <= 0 {
		b.Budget = defaultBudget
	}
}

// PartnerName is the partner's name, as its driver or its config gives it.
func (b *Base) PartnerName() string { return b.partner }

// OwnJournal is the run's exchanges, for the report.
func (b *Base) OwnJournal() *journal.Journal { return b.Journal }

// Close shuts the run's servers down.
func (b *Base) Close() error {
	b.Servers.Close()
	return nil
}

// AddSecrets remembers secrets the run handed out, so no output shows them.
func (b *Base) AddSecrets(secrets ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.secrets = append(b.secrets, secrets...)
}

// Secrets are every secret the run handed out.
func (b *Base) Secrets() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.secrets...)
}

// RecordLatency keeps a wait's outcome for summary.json.
func (b *Base) RecordLatency(l Latency) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.latencies = append(b.latencies, l)
}

// Latencies are the waits so far and the longest of them, in seconds.
func (b *Base) Latencies() ([]Latency, float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	longest := 0.0
	for _, l := range b.latencies {
		longest = max(longest, l.Seconds)
	}
	return append([]Latency{}, b.latencies...), longest
}

// RecordExploration keeps an @explore scenario's plan and verdict.
func (b *Base) RecordExploration(r explore.Record) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.explored = append(b.explored, r)
}

// Explorations are the @explore scenarios' plans and verdicts so far.
func (b *Base) Explorations() []explore.Record {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]explore.Record{}, b.explored...)
}

// Pattern is a step pattern, compiled the first time the run meets it
// rather than once a scenario.
func (b *Base) Pattern(p string) *regexp.Regexp {
	b.mu.Lock()
	defer b.mu.Unlock()
	re, ok := b.patterns[p]
	if !ok {
		if b.patterns == nil {
			b.patterns = map[string]*regexp.Regexp{}
		}
		re = regexp.MustCompile(p)
		b.patterns[p] = re
	}
	return re
}

// ServeMock serves the platform's mock where the config says (loopback by
// default) and returns its URL, and the URL the partner is to reach it by
// (the config's, when the partner reaches it through a proxy or a
// container's gateway).
func (b *Base) ServeMock(cfg runner.Config, h http.Handler) (served, forPartner string, err error) {
	listen := "127.0.0.1:0"
	if cfg.Partner != nil && cfg.Partner.MockListen != "" {
		listen = cfg.Partner.MockListen
	}
	addr, err := b.Servers.Serve(listen, h)
	if err != nil {
		return "", "", fmt.Errorf("mock platform cannot listen on %s: %w", listen, err)
	}
	served = "http://" + addr
	forPartner = served
	if cfg.Partner != nil && cfg.Partner.MockURL != "" {
		forPartner = strings.TrimRight(cfg.Partner.MockURL, "/")
	}
	return served, forPartner, nil
}

// Partner is how a platform starts the partner under test.
type Partner struct {
	// Bundled builds the bundled reference partner on the run clock, with
	// the config's faults and Variant; its driver is served on loopback and
	// then told its public URL.
	Bundled func() (driver http.Handler, setPublicURL func(string), err error)
	// Variant is the bundled partner's build asked for ("" the default).
	Variant string
	// Tick is how often a wait looks again at a partner of its own, in real
	// time (0: a second).
	Tick time.Duration
	// Staff is what a joint session's operator is asked to do for the partner.
	Staff runner.Staff
}

// ErrFaultOfOwnPartner and ErrVariantOfOwnPartner refuse what only the
// bundled reference partner can take.
var (
	ErrFaultOfOwnPartner   = errors.New("--fault starts the bundled reference partner with a fault; it cannot apply to a partner named in a config file")
	ErrVariantOfOwnPartner = errors.New("is a build of the bundled reference partner; it cannot apply to a partner named in a config file")
)

// StartPartner starts the bundled reference partner, or reaches the partner
// the config names, and checks its driver at once, so a partner that is not
// there is named before any scenario runs.
func (b *Base) StartPartner(ctx context.Context, cfg runner.Config, p Partner) error {
	var url string
	if cfg.Partner == nil {
		h, setURL, err := p.Bundled()
		if err != nil {
			return err
		}
		addr, err := b.Servers.Serve("127.0.0.1:0", h)
		if err != nil {
			return err
		}
		url = "http://" + addr
		if setURL != nil {
			setURL(url)
		}
		// The bundled partner shares the run clock, so waiting advances it.
		b.Waiter, b.Bundled = clock.Waiter{Clock: b.Clock, Virtual: true}, true
	} else {
		if len(cfg.Faults) > 0 {
			return ErrFaultOfOwnPartner
		}
		if p.Variant != "" {
			return fmt.Errorf("variant %q %w", p.Variant, ErrVariantOfOwnPartner)
		}
		url = cfg.Partner.DriverURL
		b.Waiter = clock.Waiter{Clock: b.Clock, Tick: p.Tick}
	}
	d, name, err := dial(ctx, url, cfg, p.Staff)
	if err != nil {
		return err
	}
	b.Driver, b.partner = d, name
	return nil
}
