package reach_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/reach/refpartner"
	"github.com/accord-harness/accord/steps/reach"
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
	sum, err := runner.Run(context.Background(), reach.Platform{Variant: refpartner.VariantAlt}, runner.Options{ReportDir: t.TempDir()})
	require.NoError(t, err)
	require.Contains(t, sum.Partner, "alternative build")
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	// Its extra fields are ones Reach ignores: warnings, listed, never a failure.
	require.Equal(t, runner.VerdictPassedWithWarnings, sum.Verdict)
	require.NotEmpty(t, sum.Warnings)
	for _, w := range sum.Warnings {
		require.Equal(t, "not in the specification; Reach ignores it", w.Message, "%+v", w)
	}
	require.Equal(t, len(scenarios), sum.Counts.Passed, "every scenario ran and passed")
	require.Equal(t, 0, sum.Extras["violations"], "%v", sum.Extras["violation_samples"])
}

func TestAnUnknownVariantIsRefused(t *testing.T) {
	_, err := runner.Run(context.Background(), reach.Platform{Variant: "beta"}, runner.Options{})
	require.ErrorContains(t, err, `unknown variant "beta"`)
}
