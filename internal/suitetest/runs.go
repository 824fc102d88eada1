package suitetest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
)

// Run runs p: the run itself must not fail, and every scenario that failed
// fails t with its step and reason.
func Run(t *testing.T, p runner.Platform, opts runner.Options) *runner.Summary {
	t.Helper()
	sum, err := runner.Run(context.Background(), p, opts)
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s / %s failed at %q: %s", f.Feature, f.Name, f.FailedStep, f.Reason)
	}
	return sum
}

// Correct is what the run of a correct partner shows.
type Correct struct {
	Options runner.Options
	// Verdict is runner.VerdictPassed unless said; a run passed with
	// warnings must list them.
	Verdict string
	// Clean are extras that must be zero: what broke the platform's
	// document ("mock_violations"), each shown with its samples.
	Clean []string
	// Subtests: each scenario is a subtest of t, printed as it runs.
	Subtests bool
}

// samples is the extra that shows what a counted extra counted:
// mock_violations → mock_violation_samples.
func samples(extra string) string { return strings.TrimSuffix(extra, "s") + "_samples" }

// PassesEverything runs p and wants every scenario its features have
// (under the options' tags) run and passed, with c's verdict and nothing
// counted in c.Clean. The summary is for the platform's own checks.
func PassesEverything(t *testing.T, p runner.Platform, c Correct) *runner.Summary {
	t.Helper()
	opts := c.Options
	if c.Subtests {
		opts.TestingT, opts.Console, opts.NoColors = t, os.Stdout, true
	}
	sum := Run(t, p, opts)
	want := c.Verdict
	if want == "" {
		want = runner.VerdictPassed
	}
	require.Equal(t, want, sum.Verdict)
	if want == runner.VerdictPassedWithWarnings {
		require.NotEmpty(t, sum.Warnings, "a run passed with warnings lists them")
	}
	scenarios := len(Scenarios(t, p, opts.Tags))
	require.Equal(t, scenarios, sum.Counts.Scenarios, "every scenario of the features ran")
	require.Equal(t, scenarios, sum.Counts.Passed, "every scenario of the features passed")
	for _, extra := range c.Clean {
		require.Equal(t, 0, sum.Extras[extra], "%s: %v", extra, sum.Extras[samples(extra)])
	}
	return sum
}

// Choice is a choice the platform leaves open, made by a correct partner.
type Choice struct {
	Name         string
	Capabilities map[string]string
	// Tags narrows the run (none: every feature).
	Tags string
	// OutOfScope tells, from a scenario's steps, that it checks another
	// choice.
	OutOfScope func(Scenario) bool
	// Verdict is runner.VerdictPassed unless said: a choice that leaves a
	// whole flow unchecked makes the run incomplete.
	Verdict string
	// Then holds the run to what else the choice means.
	Then func(t *testing.T, sum *runner.Summary)
}

// HasStep is OutOfScope for the scenarios with a step of that text.
func HasStep(text string) func(Scenario) bool {
	return func(s Scenario) bool { return s.Has(text) }
}

// ChoicesAreNotApplicable runs p as a correct partner that made each
// choice: it passes every scenario that applies to it, and exactly the
// scenarios about another choice (read from the features) are reported not
// applicable, each naming the capability that rules it out.
func ChoicesAreNotApplicable(t *testing.T, p runner.Platform, choices ...Choice) {
	t.Helper()
	for _, c := range choices {
		if c.Name == "" {
			choice(t, p, c)
			continue
		}
		t.Run(c.Name, func(t *testing.T) { choice(t, p, c) })
	}
}

func choice(t *testing.T, p runner.Platform, c Choice) {
	t.Helper()
	selected := Scenarios(t, p, c.Tags)
	var want []string
	for _, s := range selected {
		if c.OutOfScope(s) {
			want = append(want, s.Name)
		}
	}
	require.NotEmpty(t, want, "no scenario of the features is about another choice than %v", c.Capabilities)
	sum := Run(t, p, runner.Options{Tags: c.Tags, Config: runner.Config{Capabilities: c.Capabilities}})
	verdict := c.Verdict
	if verdict == "" {
		verdict = runner.VerdictPassed
	}
	require.Equal(t, verdict, sum.Verdict)
	var got []string
	for _, na := range sum.NotApplicable() {
		got = append(got, na.Name)
		for k, v := range c.Capabilities {
			assert.Contains(t, na.Reason, "capability "+k+": "+v, na.Name)
		}
	}
	assert.ElementsMatch(t, want, got)
	assert.Equal(t, len(want), sum.Counts.NotApplicable)
	assert.Equal(t, len(selected), sum.Counts.Scenarios)
	assert.Equal(t, len(selected)-len(want), sum.Counts.Passed)
	if verdict == runner.VerdictPassed {
		assert.Contains(t, sum.VerdictNote, "do not apply")
	} else {
		assert.NotEmpty(t, sum.VerdictNote, "the run says why it is %s", verdict)
	}
	if c.Then != nil {
		c.Then(t, sum)
	}
}

// Start is a moment the run clock starts at.
type Start struct {
	Name string
	At   time.Time
	// Platform, when set, runs instead of the suite's (another build).
	Platform runner.Platform
	// Verdict, when set, is this start's instead of the suite's.
	Verdict string
	// UnderRace: this start runs under the race detector too; the others
	// repeat the reference suite, which already does.
	UnderRace bool
}

// Starts are a suite's runs from awkward moments.
type Starts struct {
	Platform runner.Platform
	Correct  Correct
	// Parallel runs the starts side by side.
	Parallel bool
	// ReportDir gives each run a report directory of its own.
	ReportDir bool
	At        []Start
}

// NoVerdictDependsOnWhenTheRunStarts runs the whole suite from each start
// of the run clock and wants the correct partner's run every time.
func NoVerdictDependsOnWhenTheRunStarts(t *testing.T, s Starts) {
	t.Helper()
	for _, st := range s.At {
		t.Run(st.Name, func(t *testing.T) {
			if !st.UnderRace {
				racedetector.SkipRepeat(t, "the reference partner's suite, from the real clock's start,")
			}
			if s.Parallel {
				t.Parallel()
			}
			p, c := s.Platform, s.Correct
			if st.Platform != nil {
				p = st.Platform
			}
			if st.Verdict != "" {
				c.Verdict = st.Verdict
			}
			c.Options.Config.ClockStart = st.At
			if s.ReportDir {
				c.Options.ReportDir = t.TempDir()
			}
			PassesEverything(t, p, c)
		})
	}
}

// UnreachablePartnerIsNamedAtStart: a partner whose driver does not answer
// stops the run before any scenario, naming the URL it tried.
func UnreachablePartnerIsNamedAtStart(t *testing.T, p runner.Platform) {
	t.Helper()
	refused(t, p, runner.Config{Partner: &runner.PartnerConfig{DriverURL: "http://127.0.0.1:1", Timeout: time.Second}},
		"http://127.0.0.1:1/health", "not answering")
}

// FaultWithExternalPartnerIsRefused: a fault is a switch of the bundled
// reference partner; asked of a partner outside, the run refuses at once.
func FaultWithExternalPartnerIsRefused(t *testing.T, p runner.Platform) {
	t.Helper()
	faults := p.Faults()
	require.NotEmpty(t, faults)
	refused(t, p, runner.Config{Faults: []string{faults[0].Name}, Partner: &runner.PartnerConfig{DriverURL: "http://127.0.0.1:1"}}, "--fault")
}

// UnknownFaultIsRefused: a fault the catalogue does not have is refused,
// with the names it has.
func UnknownFaultIsRefused(t *testing.T, p runner.Platform) {
	t.Helper()
	faults := p.Faults()
	require.NotEmpty(t, faults)
	refused(t, p, runner.Config{Faults: []string{"no-such-fault"}}, `unknown fault "no-such-fault"`, faults[0].Name)
}

// UnknownVariantIsRefused: p asks for a build of the reference partner
// there is none of, named variant; the run refuses it by that name.
func UnknownVariantIsRefused(t *testing.T, p runner.Platform, variant string) {
	t.Helper()
	refused(t, p, runner.Config{}, `unknown variant "`+variant+`"`)
}

func refused(t *testing.T, p runner.Platform, cfg runner.Config, want ...string) {
	t.Helper()
	_, err := runner.Run(context.Background(), p, runner.Options{Config: cfg})
	require.Error(t, err)
	for _, w := range want {
		assert.Contains(t, err.Error(), w)
	}
}

// BenchmarkRun is one full run of p per iteration against its bundled
// reference partner, reports included: what `make bench` measures of each
// platform's suite.
func BenchmarkRun(b *testing.B, p runner.Platform) {
	b.Helper()
	for b.Loop() {
		sum, err := runner.Run(context.Background(), p, runner.Options{ReportDir: b.TempDir()})
		if err != nil || sum.Verdict != runner.VerdictPassed {
			b.Fatalf("run: %v %+v", err, sum.Failed())
		}
		b.ReportMetric(float64(sum.Counts.Scenarios), "scenarios/run")
	}
}
