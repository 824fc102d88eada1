package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/redact"
	"github.com/accord-harness/accord/internal/version"
)

// Options shape one run.
type Options struct {
	Config Config
	// Tags is a godog tag expression, e.g. "@bookings && ~@slow".
	Tags string
	// ReportDir receives cucumber.json, junit.xml and summary.json; empty
	// means a temporary directory that is removed afterwards.
	ReportDir string
	// Console shows each scenario as it runs; nil shows nothing.
	Console  io.Writer
	NoColors bool
	// TestingT makes each scenario a subtest, for `go test`.
	TestingT *testing.T
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
	dir := opts.ReportDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "accord-report-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report directory %s: %w", dir, err)
	}
	started := time.Now()
	opts.Config.ReportDir = dir
	session, err := p.Start(ctx, opts.Config)
	if err != nil {
		return nil, err
	}
	defer session.Close()
	secrets := func() []string { return nil }
	if tr, ok := session.(Traffic); ok {
		secrets = tr.Secrets
	}
	var console io.Writer = io.Discard
	if opts.Console != nil {
		console = &redactingWriter{w: opts.Console, secrets: secrets}
	}

	suite := godog.TestSuite{
		Name:                p.Name(),
		ScenarioInitializer: session.InitializeScenario,
		Options: &godog.Options{
			Format:         fmt.Sprintf("pretty,cucumber:%s,junit:%s", filepath.Join(dir, CucumberFile), filepath.Join(dir, JUnitFile)),
			Output:         console,
			FS:             p.Features(),
			Paths:          []string{"."},
			Tags:           opts.Tags,
			Strict:         true,
			NoColors:       opts.NoColors,
			Concurrency:    1,
			TestingT:       opts.TestingT,
			DefaultContext: ctx,
		},
	}
	status := suite.Run()
	red := redact.New(secrets()...)
	// godog's own reports carry failure messages: scrub them like the rest.
	for _, name := range []string{CucumberFile, JUnitFile} {
		if err := scrubFile(filepath.Join(dir, name), red); err != nil {
			return nil, err
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, CucumberFile))
	if err != nil {
		return nil, fmt.Errorf("godog wrote no cucumber report (status %d): %w", status, err)
	}
	sum, err := summarize(raw)
	if err != nil {
		return nil, err
	}
	sum.Platform = p.Name()
	sum.Partner = session.PartnerName()
	sum.Started = started
	sum.DurationSeconds = time.Since(started).Seconds()
	sum.Version = version.Version
	if sum.Inputs, err = inputs(p); err != nil {
		return nil, err
	}
	sum.Extras = session.Extras()
	if status != 0 && sum.Verdict == "passed" {
		// godog failed for a reason no scenario shows (an option error).
		sum.Verdict = "failed"
	}
	out, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	out = []byte(red.String(string(out)))
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), out, 0o644); err != nil {
		return nil, fmt.Errorf("report directory %s: %w", dir, err)
	}
	if err := writeReports(dir, sum, session, red); err != nil {
		return nil, fmt.Errorf("report directory %s: %w", dir, err)
	}
	if sum.Counts.Scenarios == 0 {
		return sum, fmt.Errorf("%w the tags %q", ErrNoScenarios, opts.Tags)
	}
	return sum, nil
}

// Summary is summary.json.
type Summary struct {
	Platform string `json:"platform"`
	Partner  string `json:"partner"`
	Version  string `json:"accord_version"`
	// Inputs are the SHA-256 of every feature file and document the run used.
	Inputs          map[string]string `json:"inputs"`
	Verdict         string            `json:"verdict"`
	Started         time.Time         `json:"started"`
	DurationSeconds float64           `json:"duration_seconds"`
	Counts          Counts            `json:"counts"`
	Scenarios       []ScenarioResult  `json:"scenarios"`
	Extras          map[string]any    `json:"extras,omitempty"`
}

// Counts of scenarios.
type Counts struct {
	Scenarios int `json:"scenarios"`
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
}

// ScenarioResult is one scenario's outcome.
type ScenarioResult struct {
	Feature         string       `json:"feature"`
	Name            string       `json:"name"`
	Status          string       `json:"status"`
	DurationSeconds float64      `json:"duration_seconds"`
	FailedStep      string       `json:"failed_step,omitempty"`
	Reason          string       `json:"reason,omitempty"`
	Steps           []StepResult `json:"steps"`
}

// StepResult is one step's outcome.
type StepResult struct {
	Keyword string `json:"keyword"`
	Text    string `json:"text"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
}

// Failed lists the names of failed scenarios.
func (s *Summary) Failed() []ScenarioResult {
	var out []ScenarioResult
	for _, r := range s.Scenarios {
		if r.Status != "passed" {
			out = append(out, r)
		}
	}
	return out
}

type cucumberFeature struct {
	Name     string `json:"name"`
	Elements []struct {
		Name  string `json:"name"`
		Type  string `json:"type"`
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
			r := ScenarioResult{Feature: f.Name, Name: el.Name, Status: "passed"}
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
