package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/redact"
	"github.com/accord-harness/accord/internal/requirements"
	"github.com/accord-harness/accord/internal/version"
	"github.com/accord-harness/accord/internal/waivers"
	"github.com/accord-harness/accord/reports"
)

// Options shape one run.
type Options struct {
	Config Config
	// Tags is a godog tag expression, e.g. "@bookings && ~@slow".
	Tags string
	// ReportDir receives cucumber.json, junit.xml and summary.json, and
	// report.html and traffic.har for a reader; empty means a temporary
	// directory that is removed afterwards, where the last two, a third of a
	// run's work after its scenarios and read by nobody, are not written.
	ReportDir string
	// Console shows each scenario as it runs, a line each (with Verbose,
	// every step and its location); nil shows nothing.
	Console  io.Writer
	Verbose  bool
	NoColors bool
	// TestingT makes each scenario a subtest, for `go test`.
	TestingT *testing.T
	// Progress follows the run step by step; nil shows nothing more.
	Progress Progress
	// Waivers are a specialist's accepted deviations (--waivers); nil is none.
	Waivers *waivers.Set
}

// Report file names inside the report directory.
const (
	CucumberFile = "cucumber.json"
	JUnitFile    = "junit.xml"
	SummaryFile  = "summary.json"
)

// ErrNoScenarios means the tag expression selected nothing: a run that checks
// nothing must not pass.
var ErrNoScenarios = errors.New("no scenario matched")

// Run starts the platform's session, runs its features and writes the report.
func Run(ctx context.Context, p Platform, opts Options) (*Summary, error) {
	l, err := Open(ctx, p, opts)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	return l.Run(ctx)
}

// Live is a run that stays open between passes over the features: a joint
// session runs them all, then re-runs single scenarios against the same
// platform and partner. The report directory is rewritten after every pass,
// so it always holds the latest result of every scenario and nothing is lost
// when the session ends abruptly.
type Live struct {
	p        Platform
	opts     Options
	dir      string
	cleanup  func()
	stage    Stage
	started  time.Time
	secrets  func() []string
	console  io.Writer
	compact  *console // the default console, when not verbose
	progress Progress
	features []map[string]json.RawMessage // every pass's cucumber.json, merged
	skips    map[string]string            // scenario key → the operator's reason
	outOf    map[string]string            // scenario key → why it is not applicable
	notRun   map[string]string            // scenario key → where the run was ended
	attempts map[string]int
	judged   map[string][2]int64 // scenario key → the journal's seqs around its failing step
	passes   int
	broken   bool // godog failed for a reason no scenario shows
}

// Open starts the platform's session; Run then runs scenarios on it.
func Open(ctx context.Context, p Platform, opts Options) (*Live, error) {
	l := &Live{p: p, opts: opts, dir: opts.ReportDir, cleanup: func() {}, skips: map[string]string{}, outOf: map[string]string{}, notRun: map[string]string{}, attempts: map[string]int{}, judged: map[string][2]int64{}}
	if err := checkTags(opts.Tags); err != nil {
		return nil, err
	}
	if err := checkWaivers(p, opts.Waivers); err != nil {
		return nil, err
	}
	if opts.Config.Partner != nil && !opts.Config.ClockStart.IsZero() {
		return nil, errors.New("the run clock can start elsewhere only for a bundled partner: an external partner lives on its own clock")
	}
	caps, err := declaredCapabilities(p, opts.Config)
	if err != nil {
		return nil, err
	}
	l.opts.Config.Capabilities = caps
	if l.dir == "" {
		tmp, err := os.MkdirTemp("", "accord-report-")
		if err != nil {
			return nil, err
		}
		l.dir, l.cleanup = tmp, func() { os.RemoveAll(tmp) }
	}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		l.cleanup()
		return nil, fmt.Errorf("report directory %s: %w", l.dir, err)
	}
	l.started = time.Now()
	l.opts.Config.ReportDir = l.dir
	stage, err := p.Start(ctx, l.opts.Config)
	if err != nil {
		l.cleanup()
		return nil, err
	}
	l.stage = stage
	l.secrets = func() []string { return nil }
	if tr, ok := stage.(Traffic); ok {
		l.secrets = tr.Secrets
	}
	l.console = io.Discard
	l.progress = opts.Progress
	if opts.Console != nil {
		l.console = &consoleWriter{w: opts.Console, secrets: l.secrets, noColors: opts.NoColors}
		if !opts.Verbose {
			l.compact = &console{w: l.console}
			l.progress = l.compact
			if opts.Progress != nil {
				l.progress = progresses{opts.Progress, l.compact}
			}
		}
	}
	return l, nil
}

// Screens are the platform's own pages the session's mock serves, if any.
func (l *Live) Screens() []Screen {
	if sc, ok := l.stage.(Screens); ok {
		return sc.Screens()
	}
	return nil
}

// Stage is the mock platform and partner the session started, for a test
// to read what they handed out and kept.
func (l *Live) Stage() Stage { return l.stage }

// Close ends the session (and removes a temporary report directory).
func (l *Live) Close() error {
	err := l.stage.Close()
	l.cleanup()
	return err
}

// Run runs the scenarios at paths ("bookings.feature:24"; none means every
// feature, filtered by the tags) and rewrites the report directory with the
// latest result of every scenario run so far.
func (l *Live) Run(ctx context.Context, paths ...string) (*Summary, error) {
	first := l.passes == 0
	l.passes++
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if err := l.checkPaths(paths); err != nil {
		return nil, err
	}
	tags := l.opts.Tags
	if !first {
		tags = "" // a scenario named by its line runs whatever its tags
	}
	pass, err := os.CreateTemp("", "accord-pass-*.json")
	if err != nil {
		return nil, err
	}
	pass.Close()
	defer os.Remove(pass.Name())
	format := "cucumber:" + pass.Name()
	if l.opts.Console != nil && l.opts.Verbose {
		format = "pretty," + format
	}
	if l.compact != nil && first {
		l.compact.header(l.p.Name(), l.stage.PartnerName())
	}
	suite := godog.TestSuite{
		Name:                l.p.Name(),
		ScenarioInitializer: l.initializeScenario,
		Options: &godog.Options{
			Format: format,
			Output: l.console,
			FS:     l.p.Features(),
			Paths:  paths,
			Tags:   tags,
			Strict: true,
			// The console writer takes the colours out (see consoleWriter).
			NoColors:       false,
			Concurrency:    1,
			TestingT:       l.opts.TestingT,
			DefaultContext: ctx,
		},
	}
	status := suite.Run()
	red := redact.New(l.secrets()...)
	raw, err := os.ReadFile(pass.Name())
	if err != nil || len(raw) == 0 {
		return nil, fmt.Errorf("godog wrote no cucumber report (status %d): %v", status, err)
	}
	if err := l.merge([]byte(red.String(string(raw)))); err != nil {
		return nil, err
	}
	merged, err := json.MarshalIndent(l.features, "", "    ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(l.dir, CucumberFile), merged, 0o644); err != nil {
		return nil, fmt.Errorf("report directory %s: %w", l.dir, err)
	}
	sum, err := summarize(merged)
	if err != nil {
		return nil, err
	}
	l.broken = l.broken || (first && status != 0 && sum.Verdict == "passed")
	if err := l.complete(sum, red); err != nil {
		return nil, err
	}
	if sum.Counts.Scenarios == 0 {
		return sum, fmt.Errorf("%w the tags %q", ErrNoScenarios, l.opts.Tags)
	}
	return sum, nil
}

// complete fills in what the cucumber report does not know and writes
// summary.json, report.html, traffic.har and, after a re-run, junit.xml.
func (l *Live) complete(sum *Summary, red *redact.Redactor) error {
	p := l.p
	sum.Platform = p.Name()
	sum.Title = Title(p)
	sum.Partner = l.stage.PartnerName()
	sum.Started = l.started
	sum.DurationSeconds = time.Since(l.started).Seconds()
	sum.Version = version.Version
	var err error
	if sum.Inputs, err = inputs(p); err != nil {
		return err
	}
	sum.Extras = l.stage.Extras()
	sum.Capabilities = l.opts.Config.Capabilities
	sum.applyOutcomes(l.skips, l.outOf, l.notRun, l.attempts)
	if l.opts.Waivers != nil {
		sum.applyWaivers(l.opts.Waivers, l.started)
		sum.applyOutcomes(l.skips, l.outOf, l.notRun, l.attempts)
		if note := sum.waiverNote(); note != "" {
			sum.VerdictNote = strings.TrimPrefix(sum.VerdictNote+"; "+note, "; ")
		}
	}
	if l.broken && sum.Verdict == "passed" {
		// godog failed for a reason no scenario shows (an option error).
		sum.Verdict = "failed"
	}
	sum.applyWarnings(warningsOf(l.stage))
	if sum.Requirements, err = requirementsTable(p, sum.Scenarios); err != nil {
		return err
	}
	if op := l.opts.Config.Operator; op != nil {
		for _, n := range op.Notes() {
			sum.Notes = append(sum.Notes, red.String(n))
		}
	}
	out, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	out = []byte(red.String(string(out)))
	if err := os.WriteFile(filepath.Join(l.dir, SummaryFile), out, 0o644); err != nil {
		return fmt.Errorf("report directory %s: %w", l.dir, err)
	}
	// godog's own junit.xml knows neither a re-run nor why a scenario did not
	// apply, so it is written again from the summary.
	if err := writeJUnit(filepath.Join(l.dir, JUnitFile), sum); err != nil {
		return fmt.Errorf("report directory %s: %w", l.dir, err)
	}
	if l.opts.ReportDir == "" {
		return nil
	}
	if err := writeReports(l.dir, sum, l.stage, red, l.judged); err != nil {
		return fmt.Errorf("report directory %s: %w", l.dir, err)
	}
	return nil
}

// Summary is summary.json.
type Summary struct {
	Platform string `json:"platform"`
	// Title is the platform's name as people write it.
	Title   string `json:"platform_title,omitempty"`
	Partner string `json:"partner"`
	Version string `json:"accord_version"`
	// Inputs are the SHA-256 of every feature file and document the run used.
	Inputs          map[string]string `json:"inputs"`
	Verdict         string            `json:"verdict"`
	Started         time.Time         `json:"started"`
	DurationSeconds float64           `json:"duration_seconds"`
	Counts          Counts            `json:"counts"`
	Scenarios       []ScenarioResult  `json:"scenarios"`
	Extras          map[string]any    `json:"extras,omitempty"`
	// Capabilities are the partner's choices the run assumed (declared or
	// the platform's defaults).
	Capabilities map[string]string `json:"capabilities,omitempty"`
	// VerdictNote says why a verdict is what it is when counts alone do not
	// (a flow no scenario of which applied to the partner).
	VerdictNote string `json:"verdict_note,omitempty"`
	// Notes are the operator's, in a joint session.
	Notes []string `json:"notes,omitempty"`
	// Requirements are the platform's requirements, each with the scenarios
	// of the run that trace to it and its verdict.
	Requirements []requirements.Row `json:"requirements,omitempty"`
	// Warnings are what the platform let pass that breaks its document; a
	// run that passed with any is "passed with warnings".
	Warnings []reports.Warning `json:"warnings,omitempty"`
	// Waivers are the run's waivers (--waivers), each applied, expired or stale.
	Waivers []WaiverResult `json:"waivers,omitempty"`
}

// Counts of scenarios.
type Counts struct {
	Scenarios int `json:"scenarios"`
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
	// Skipped scenarios were stopped by the operator of a joint session.
	Skipped int `json:"skipped,omitempty"`
	// NotApplicable scenarios check a choice the partner did not make
	// (its capabilities); each says which.
	NotApplicable int `json:"not_applicable,omitempty"`
	// NotRun scenarios were cut off or never started because the run was
	// ended (an operator's q, a signal).
	NotRun int `json:"not_run,omitempty"`
	// Waived scenarios failed, and a specialist's valid waiver accepts it
	// for now (--waivers); each says why and until when.
	Waived int `json:"waived,omitempty"`
}

// ScenarioResult is one scenario's outcome.
type ScenarioResult struct {
	Feature string `json:"feature"`
	Name    string `json:"name"`
	// Location is the scenario's feature file and line ("bookings.feature:24").
	Location        string       `json:"location"`
	Status          string       `json:"status"`
	DurationSeconds float64      `json:"duration_seconds"`
	FailedStep      string       `json:"failed_step,omitempty"`
	Reason          string       `json:"reason,omitempty"`
	Steps           []StepResult `json:"steps"`
	// Attempts counts runs of the scenario in a joint session, when over one.
	Attempts int `json:"attempts,omitempty"`
	// Requirements are the ids of the requirements the scenario traces to
	// (its @req: tags).
	Requirements []string `json:"requirements,omitempty"`
}

// StepResult is one step's outcome.
type StepResult struct {
	Keyword string `json:"keyword"`
	Text    string `json:"text"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
}

// Failed lists the scenarios that did not pass (failed or skipped); those
// not applicable to the partner, not run or waived are not listed.
func (s *Summary) Failed() []ScenarioResult {
	var out []ScenarioResult
	for _, r := range s.Scenarios {
		if r.Status != "passed" && r.Status != "not_applicable" && r.Status != "not_run" && r.Status != "waived" {
			out = append(out, r)
		}
	}
	return out
}

// Waived lists the failed scenarios a valid waiver covers, each with its
// reason.
func (s *Summary) Waived() []ScenarioResult { return s.withStatus("waived") }

// NotApplicable lists the scenarios that do not apply to the partner's
// choices, each with its reason.
func (s *Summary) NotApplicable() []ScenarioResult { return s.withStatus("not_applicable") }

func (s *Summary) withStatus(status string) []ScenarioResult {
	var out []ScenarioResult
	for _, r := range s.Scenarios {
		if r.Status == status {
			out = append(out, r)
		}
	}
	return out
}

type cucumberFeature struct {
	URI      string `json:"uri"`
	Name     string `json:"name"`
	Elements []struct {
		Name string `json:"name"`
		Line int    `json:"line"`
		Type string `json:"type"`
		// Tags are the feature's, the scenario's and its examples'.
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
		Steps []struct {
			Keyword string `json:"keyword"`
			Name    string `json:"name"`
			Result  struct {
				Status   string `json:"status"`
				Duration int64  `json:"duration"`
				Error    string `json:"error_message"`
			} `json:"result"`
		} `json:"steps"`
	} `json:"elements"`
}

// summarize reads godog's cucumber JSON: the one record of what ran.
func summarize(raw []byte) (*Summary, error) {
	var features []cucumberFeature
	if err := json.Unmarshal(raw, &features); err != nil {
		return nil, fmt.Errorf("reading godog's cucumber report: %w", err)
	}
	sum := &Summary{Verdict: "passed", Scenarios: []ScenarioResult{}}
	for _, f := range features {
		for _, el := range f.Elements {
			if el.Type != "scenario" {
				continue
			}
			r := ScenarioResult{Feature: f.Name, Name: el.Name, Status: "passed", Location: fmt.Sprintf("%s:%d", featureFile(f.URI), el.Line)}
			var tags []string
			for _, tg := range el.Tags {
				tags = append(tags, tg.Name)
			}
			r.Requirements = requirements.Traces(tags)
			var ns int64
			for _, st := range el.Steps {
				ns += st.Result.Duration
				r.Steps = append(r.Steps, StepResult{Keyword: strings.TrimSpace(st.Keyword), Text: st.Name, Status: st.Result.Status, Error: st.Result.Error})
				if st.Result.Status == "passed" || r.Status != "passed" {
					continue
				}
				r.Status = "failed"
				r.FailedStep = strings.TrimSpace(st.Keyword) + " " + st.Name
				r.Reason = st.Result.Error
				if r.Reason == "" {
					r.Reason = "step " + st.Result.Status
				}
			}
			r.DurationSeconds = float64(ns) / 1e9
			sum.Scenarios = append(sum.Scenarios, r)
			sum.Counts.Scenarios++
			if r.Status == "passed" {
				sum.Counts.Passed++
			} else {
				sum.Counts.Failed++
				sum.Verdict = "failed"
			}
		}
	}
	return sum, nil
}

// checkPaths refuses a feature file or scenario line the platform does not
// have, naming the files it has: godog would only say it wrote no report.
func (l *Live) checkPaths(paths []string) error {
	features := l.p.Features()
	var names []string
	_ = fs.WalkDir(features, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".feature") {
			names = append(names, path)
		}
		return nil
	})
	for _, p := range paths {
		file := featureFile(p)
		if file == "." {
			continue
		}
		if _, err := fs.Stat(features, file); err != nil {
			return fmt.Errorf("%s has no feature file %s (it has %s)", l.p.Name(), file, strings.Join(names, ", "))
		}
	}
	return nil
}

// requirementsTable is the run's requirements table, from the catalogue
// beside the platform's features (none without one): every requirement, the
// scenarios of the run that trace to it, and its verdict.
func requirementsTable(p Platform, scenarios []ScenarioResult) ([]requirements.Row, error) {
	cat, err := requirements.Load(p.Features(), path.Join("features", p.Name(), requirements.FileName))
	if cat == nil || err != nil {
		return nil, err
	}
	features, err := requirements.Scenarios(p.Features())
	if err != nil {
		return nil, err
	}
	results := make([]requirements.Result, 0, len(scenarios))
	for _, s := range scenarios {
		results = append(results, requirements.Result{Name: s.Name, Location: s.Location, Status: s.Status, Requirements: s.Requirements})
	}
	return cat.Table(features, results), nil
}
