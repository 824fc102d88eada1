// Package runner runs one platform's acceptance features against a partner
// and writes the report directory. It knows no platform: each platform
// supplies its features, its faults and a Stage that sets the scene.
package runner

import (
	"context"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/faults"
	"github.com/accord-harness/accord/internal/journal"
)

// Platform is one booking platform accord can run acceptance for.
type Platform interface {
	Name() string
	// Features are the platform's .feature files.
	Features() fs.FS
	// Faults lists the named faults of the platform's reference partner.
	Faults() []Fault
	// Start brings up the mock platform and the partner under test.
	Start(ctx context.Context, cfg Config) (Stage, error)
}

// Staff is what the operator of a joint session needs to stand in for the
// partner's staff: what to do, in the words the staff use, and how to tell
// a mistyped answer at once.
type Staff struct {
	// Instructions: action → text/template of its params; "action.field" →
	// the question asking for a field of the action's result.
	Instructions map[string]string
	// Names: "kind id" → what people call it ("master 201" → "Anna
	// Smirnova"), for {{name "master" .master_id}} in an instruction.
	Names map[string]string
	// Checks: "action.field" → "view.key": an answer must be the key of an
	// item of that partner view (the id a booking got), or it is asked again.
	Checks map[string]string
}

// Unnamed lists the instructions that show one of fields bare ({{.master_id}}
// where {{name "master" .master_id}} belongs): an operator reads names.
func (s Staff) Unnamed(fields ...string) []string {
	bare := regexp.MustCompile(`\{\{-?\s*\.(` + strings.Join(fields, "|") + `)\s*-?\}\}`)
	var out []string
	for action, text := range s.Instructions {
		for _, m := range bare.FindAllStringSubmatch(text, -1) {
			out = append(out, action+" shows "+m[1]+" bare")
		}
	}
	sort.Strings(out)
	return out
}

// Titled is a platform whose name people write differently from its id
// ("DIKIDI" for dikidi): reports say "partner → DIKIDI".
type Titled interface {
	Title() string
}

// Title is how people write a platform's name.
func Title(p Platform) string {
	if t, ok := p.(Titled); ok {
		return t.Title()
	}
	return p.Name()
}

// Fault is one realistic mistake the reference partner can make.
type Fault = faults.Fault

// Config is what a run is told.
type Config struct {
	// Faults start the bundled reference partner with these faults.
	Faults []string
	// Partner is the partner under test; nil means the bundled reference partner.
	Partner *PartnerConfig
	// LatencyBudget bounds how long a change may take to show on the other side.
	LatencyBudget time.Duration
	// ReportDir is the run's report directory, filled in by Run, for sessions
	// that write report files of their own (a platform's dashboard, say).
	ReportDir string
	// Operator is the person at the terminal in a joint session; nil is an
	// automated run.
	Operator Operator
	// Capabilities are the partner's choices where the platform leaves one
	// (see Capability): declared with --capability or in the config file's
	// partner.capabilities. Open fills in every default, so a platform's
	// Start finds each of its capabilities here.
	Capabilities map[string]string
	// ClockStart is where the run clock starts (zero: now). Only a bundled
	// partner can follow it: an external partner lives on its own clock.
	ClockStart time.Time
	// Explore overrides what the @explore scenarios say (accord explore):
	// a seed, a number of sequences, steps in each; zero fields keep the
	// feature file's.
	Explore explore.Plan
	// RateLimitsOff: the mock platform counts and announces its rate limits
	// but never refuses a call for them (accord run --rate-limits off), as
	// when the platform raises a client's limits on request: a partner in
	// real time then never waits out a write window.
	RateLimitsOff bool
}

// Operator carries out, in the partner's own system, the staff actions a
// scenario asks for (accord session; internal/operator). Everything else,
// scenarios and checks alike, is the same as in an automated run.
type Operator interface {
	// Manual puts the operator in front of the partner's driver for the
	// actions the staff's instructions name.
	Manual(d driver.Driver, staff Staff) driver.Driver
	// TakeSkip reports an action skipped since the last call, and why.
	TakeSkip() (reason string, ok bool)
	// Notes are what the operator wrote down, for the report.
	Notes() []string
}

// Progress follows a run step by step (a live terminal display).
type Progress interface {
	ScenarioStarted(feature, name string)
	StepStarted(text string)
	StepDone(text, status string, err error)
	ScenarioDone(name, status string)
}

// Stage is one run's mock platform and partner under test, set up by the
// platform's Start. ("Session" is the joint acceptance session alone.)
type Stage interface {
	InitializeScenario(*godog.ScenarioContext)
	// PartnerName is shown in reports.
	PartnerName() string
	// Extras go into summary.json: API coverage, measured latencies.
	Extras() map[string]any
	Close() error
}

// Traffic is implemented by sessions whose exchanges belong in the report
// (report.html, traffic.har). Secrets lists every secret value the session
// handed out (client secrets, keys), so that no output of the run shows one.
type Traffic interface {
	// OwnJournal is the run's own exchanges: on a mock several runs share,
	// only this run's.
	OwnJournal() *journal.Journal
	Secrets() []string
}

// Screen is a page of the platform's own that a person opens in a browser
// while a run goes on (Docplanner's sandbox, DIKIDI's business panel), so
// a specialist can show the platform's side beside the partner's.
type Screen struct {
	Name, URL string
	// SignIn says how to get in.
	SignIn string
}

// Screens is a Stage whose mock serves the platform's own screens.
type Screens interface {
	Screens() []Screen
}

// Documented is implemented by platforms that name the documents a run
// relies on (OpenAPI documents, the driver contract), so a sign-off can bind
// their exact bytes.
type Documented interface {
	Documents() map[string][]byte
}
