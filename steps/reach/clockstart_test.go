package reach_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/reach/refpartner"
	"github.com/accord-harness/accord/steps/reach"
)

// TestNoVerdictDependsOnWhenTheRunStarts runs every scenario with the run clock started at hours and
// dates where a habit of the harness could show: minutes before the nightly sync (02:00 UTC), so
// that the OAuth scenario's moves past the token's life, or a sync's own time on the clock, set off
// the nightly sync of the same connection; 23:55 in Sydney on the last day of a month and of a
// year; the night summer time starts in Sydney, where the first company keeps its books. The bundled partner, and its alternative build
// with twenty-minute tokens and answers that take time on the clock, must pass everything at every
// start.
func TestNoVerdictDependsOnWhenTheRunStarts(t *testing.T) {
	sydney, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	starts := []struct {
		name       string
		at         time.Time
		variant    string
		concurrent bool // the nightly sync and the scenario's steps share the connection at once
	}{
		{"01:55 UTC on a Sunday", time.Date(2027, 1, 3, 1, 55, 0, 0, time.UTC), "", false},
		{"01:30 UTC, an hour's token life across the nightly sync", time.Date(2026, 12, 2, 1, 30, 0, 0, time.UTC), "", true},
		{"01:45 UTC, twenty-minute tokens across the nightly sync, alternative build", time.Date(2026, 12, 2, 1, 45, 0, 0, time.UTC), refpartner.VariantAlt, true},
		{"23:55 in Sydney on the last day of the year", time.Date(2026, 12, 31, 23, 55, 0, 0, sydney), "", false},
		{"the night summer time starts in Sydney", time.Date(2026, 10, 4, 1, 55, 0, 0, sydney), "", false},
	}
	for _, st := range starts {
		t.Run(st.name, func(t *testing.T) {
			if !st.concurrent || st.variant != refpartner.VariantAlt {
				// Where the nightly sync runs beside the steps on twenty-minute tokens (the most renewals),
				// the detector watches them share the connection.
				racedetector.SkipRepeat(t, "the reference partner's suite, and the alternative build where the nightly sync runs beside the steps,")
			}
			t.Parallel()
			sum, err := runner.Run(context.Background(), reach.Platform{Variant: st.variant}, runner.Options{
				Config: runner.Config{ClockStart: st.at}, ReportDir: t.TempDir()})
			require.NoError(t, err)
			for _, f := range sum.Failed() {
				t.Errorf("run clock from %s: %s failed at %q: %s", st.at.UTC().Format(time.RFC3339), f.Name, f.FailedStep, f.Reason)
			}
			want := runner.VerdictPassed
			if st.variant == refpartner.VariantAlt {
				want = runner.VerdictPassedWithWarnings // its extra fields, which Reach ignores
			}
			require.Equal(t, want, sum.Verdict)
			require.Equal(t, 0, sum.Extras["violations"], "%v", sum.Extras["violation_samples"])
		})
	}
}
