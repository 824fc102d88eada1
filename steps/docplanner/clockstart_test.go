package docplanner_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/suitetest"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// TestNoVerdictDependsOnWhenTheRunStarts runs the whole suite against the
// correct reference partner with the run clock started at awkward moments:
// just before midnight in the clinic's zone and in UTC, on the eve of
// either change of summer time (so the horizon spans it), on a Sunday (so
// "next Monday" is tomorrow), on the last day of a month and of a year.
func TestNoVerdictDependsOnWhenTheRunStarts(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	suitetest.NoVerdictDependsOnWhenTheRunStarts(t, suitetest.Starts{Platform: docplannersteps.Platform{}, At: []suitetest.Start{
		{Name: "01:55 UTC", At: time.Date(2027, 2, 10, 1, 55, 0, 0, time.UTC)},
		{Name: "23:55 in the clinic, the eve of the change to summer time", At: time.Date(2027, 3, 27, 23, 55, 0, 0, warsaw)},
		{Name: "the eve of the change to winter time", At: time.Date(2027, 10, 30, 12, 0, 0, 0, warsaw)},
		{Name: "a Sunday, the last day of a month", At: time.Date(2027, 2, 28, 9, 0, 0, 0, warsaw)},
		{Name: "New Year's Eve, 23:30 in the clinic", At: time.Date(2027, 12, 31, 23, 30, 0, 0, warsaw)},
	}})
}
