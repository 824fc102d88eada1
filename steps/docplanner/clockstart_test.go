package docplanner_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/steps/docplanner"
)

// TestNoVerdictDependsOnWhenTheRunStarts runs the whole suite against the
// correct reference partner with the run clock started at awkward moments:
// just before midnight in the clinic's zone and in UTC, on the eve of
// either change of summer time (so the horizon spans it), on a Sunday (so
// "next Monday" is tomorrow), on the last day of a month and of a year.
func TestNoVerdictDependsOnWhenTheRunStarts(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	for _, tt := range []struct {
		name  string
		start time.Time
	}{
		{"01:55 UTC", time.Date(2027, 2, 10, 1, 55, 0, 0, time.UTC)},
		{"23:55 in the clinic, the eve of the change to summer time", time.Date(2027, 3, 27, 23, 55, 0, 0, warsaw)},
		{"the eve of the change to winter time", time.Date(2027, 10, 30, 12, 0, 0, 0, warsaw)},
		{"a Sunday, the last day of a month", time.Date(2027, 2, 28, 9, 0, 0, 0, warsaw)},
		{"New Year's Eve, 23:30 in the clinic", time.Date(2027, 12, 31, 23, 30, 0, 0, warsaw)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			racedetector.SkipRepeat(t, "the reference partner's suite, from the real clock's start,")
			sum, err := runner.Run(context.Background(), docplanner.Platform{}, runner.Options{Config: runner.Config{ClockStart: tt.start}})
			require.NoError(t, err)
			for _, f := range sum.Failed() {
				t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
			}
			require.Equal(t, "passed", sum.Verdict)
		})
	}
}
