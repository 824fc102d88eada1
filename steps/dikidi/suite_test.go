package dikidi_test

import (
	"context"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/steps/dikidi"
)

// TestReferencePartnerPassesEverything runs every DIKIDI feature against the
// correct reference partner: each scenario is a subtest.
func TestReferencePartnerPassesEverything(t *testing.T) {
	sum, err := runner.Run(context.Background(), dikidi.Platform{}, runner.Options{
		TestingT: t,
		Console:  os.Stdout,
		NoColors: true,
	})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s / %s failed at %q: %s", f.Feature, f.Name, f.FailedStep, f.Reason)
	}
	require.Equal(t, "passed", sum.Verdict)
	require.Equal(t, len(scenarios(t)), sum.Counts.Scenarios)
	require.Equal(t, 0, sum.Extras["mock_violations"], "every answer and event of the mock obeys its own document: %v", sum.Extras["mock_violation_samples"])
}

// TestVerdictsDoNotDependOnWhenTheRunStarts runs every scenario with the run
// clock started at hours and dates that trip clocks: early morning UTC
// (already later in Moscow) the day before Europe changes to summer time
// (Moscow itself keeps UTC+3 all year), minutes before midnight of a Sunday
// in the salon's zone, and the last evening of a month and of a year.
func TestVerdictsDoNotDependOnWhenTheRunStarts(t *testing.T) {
	moscow, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	for _, start := range []time.Time{
		time.Date(2027, 3, 27, 1, 55, 0, 0, time.UTC), // Europe's clocks go forward at 01:00 UTC on the 28th
		time.Date(2026, 12, 6, 23, 58, 0, 0, moscow),  // a Sunday
		time.Date(2026, 12, 31, 23, 30, 0, 0, moscow),
	} {
		t.Run(start.Format("Mon 2006-01-02 15:04 MST"), func(t *testing.T) {
			racedetector.SkipRepeat(t, "the reference partner's suite, from the real clock's start,")
			sum, err := runner.Run(context.Background(), dikidi.Platform{}, runner.Options{Config: runner.Config{ClockStart: start}})
			require.NoError(t, err)
			for _, f := range sum.Failed() {
				t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
			}
			require.Equal(t, len(scenarios(t)), sum.Counts.Passed)
		})
	}
}

// TestChoicesDIKIDILeavesOpenAreNotApplicable: DIKIDI's key leaves the Path
// optional, so a partner may take no events and read DIKIDI instead
// (capability events=none; the bundled partner then polls every ten seconds
// of the run clock). It passes every scenario but those about events at a
// Path, which are not applicable and say why.
func TestChoicesDIKIDILeavesOpenAreNotApplicable(t *testing.T) {
	aboutThePath := regexp.MustCompile(`^(the network loses (the next|the partner's answer)|DIKIDI delivered the|the partner's Path starts failing|the business entered the e-mail)`)
	want := map[string]bool{}
	for _, sc := range scenarios(t) {
		for _, st := range sc.Steps {
			if aboutThePath.MatchString(st.Text) {
				want[sc.Name] = true
			}
		}
	}
	require.NotEmpty(t, want)
	sum, err := runner.Run(context.Background(), dikidi.Platform{}, runner.Options{Config: runner.Config{Capabilities: map[string]string{"events": "none"}}})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	got := map[string]bool{}
	for _, na := range sum.NotApplicable() {
		got[na.Name] = true
		assert.Contains(t, na.Reason, "capability events: none")
	}
	assert.Equal(t, want, got)
	assert.Equal(t, len(scenarios(t))-len(want), sum.Counts.Passed)
	assert.Zero(t, sum.Extras["event_deliveries"], "no Path, no event")
}
