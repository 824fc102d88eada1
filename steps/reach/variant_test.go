package reach_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// TestChoicesOfTheAlternativeBuildPassEverything: the alternative build of the reference partner
// (another base path and OAuth server path, lists in another order with an extra field, explicit
// zero lines, newest-first summaries, gzip and indented JSON, 404 for a foreign company, no
// Retry-After, 20-minute tokens and a kept refresh token, slower answers within the budget) is a
// bundle of choices Reach leaves open, so it must pass every scenario with no answer breaking the
// document. It is a TestChoices… test because make mutants kills a mutant with those: the
// alternative build's own code runs nowhere else. A failure here means a scenario leans on the
// first partner's incidental behaviour.
func TestChoicesOfTheAlternativeBuildPassEverything(t *testing.T) {
	racedetector.SkipRepeat(t, "the alternative build, beside the nightly sync on twenty-minute tokens (TestNoVerdictDependsOnWhenTheRunStarts),")
	// Its extra fields are ones Reach ignores: warnings, listed, never a failure.
	sum := suitetest.PassesEverything(t, reachsteps.Platform{Variant: reachpartner.VariantAlt}, suitetest.Correct{
		Verdict: runner.VerdictPassedWithWarnings, Clean: clean, Options: runner.Options{ReportDir: t.TempDir()}})
	require.Contains(t, sum.Partner, "alternative build")
	for _, w := range sum.Warnings {
		require.Equal(t, "not in the specification; Reach ignores it", w.Message, "%+v", w)
	}
}

func TestAnUnknownVariantIsRefused(t *testing.T) {
	suitetest.UnknownVariantIsRefused(t, reachsteps.Platform{Variant: "beta"}, "beta")
}
