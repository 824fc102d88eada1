package reach_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// TestNoVerdictDependsOnWhenTheRunStarts runs every scenario with the run clock started at hours and
// dates where a habit of the harness could show: minutes before the nightly sync (02:00 UTC), so
// that the OAuth scenario's moves past the token's life, or a sync's own time on the clock, set off
// the nightly sync of the same connection; 23:55 in Sydney on the last day of a month and of a
// year; the night summer time starts in Sydney, where the first company keeps its books. The bundled partner, and its alternative build
// with twenty-minute tokens and answers that take time on the clock, must pass everything at every
// start. Where the nightly sync runs beside the steps on twenty-minute tokens (the most renewals),
// the race detector watches them share the connection.
func TestNoVerdictDependsOnWhenTheRunStarts(t *testing.T) {
	sydney, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	alt := reachsteps.Platform{Variant: reachpartner.VariantAlt}
	suitetest.NoVerdictDependsOnWhenTheRunStarts(t, suitetest.Starts{
		Platform: reachsteps.Platform{}, Correct: suitetest.Correct{Clean: clean}, Parallel: true, ReportDir: true,
		At: []suitetest.Start{
			{Name: "01:55 UTC on a Sunday", At: time.Date(2027, 1, 3, 1, 55, 0, 0, time.UTC)},
			{Name: "01:30 UTC, an hour's token life across the nightly sync", At: time.Date(2026, 12, 2, 1, 30, 0, 0, time.UTC)},
			// Its extra fields are ones Reach ignores: passed with warnings.
			{Name: "01:45 UTC, twenty-minute tokens across the nightly sync, alternative build", At: time.Date(2026, 12, 2, 1, 45, 0, 0, time.UTC),
				Platform: alt, Verdict: runner.VerdictPassedWithWarnings, UnderRace: true},
			{Name: "23:55 in Sydney on the last day of the year", At: time.Date(2026, 12, 31, 23, 55, 0, 0, sydney)},
			{Name: "the night summer time starts in Sydney", At: time.Date(2026, 10, 4, 1, 55, 0, 0, sydney)},
		}})
}
