package docplanner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	docplannerpartner "github.com/accord-harness/accord/mocks/docplanner/refpartner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// TestChoicesOfTheAlternativeBuildPassEverything: the alternative build of
// the reference partner (updates sent after answering, reverse order, one day
// per replaceSlots, optional fields, updateOrCreate, multipart sign-in, paged
// reads) is a bundle of choices Docplanner leaves open, so it must pass every
// scenario. It is a TestChoices… test because make mutants kills a mutant
// with those: the alternative build's own code runs nowhere else. A failure
// here means a scenario leans on the first partner's incidental behaviour.
// Its own concurrency (updates sent after answering) stays under the race
// detector.
func TestChoicesOfTheAlternativeBuildPassEverything(t *testing.T) {
	runCorrectPartner(t, docplannersteps.Platform{Variant: docplannerpartner.VariantAlt})
}

// TestADifferentCorrectPartnerPassesEverything: both builds of the reference
// partner on a larger clinic must pass every scenario.
func TestADifferentCorrectPartnerPassesEverything(t *testing.T) {
	racedetector.SkipRepeat(t, "the suite on the smaller clinic, with both builds,")
	large, err := docplannerfixture.ClinicLarge()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		p    docplannersteps.Platform
	}{
		{"larger clinic", docplannersteps.Platform{Fixture: large}},
		{"alternative partner, larger clinic", docplannersteps.Platform{Variant: docplannerpartner.VariantAlt, Fixture: large}},
	} {
		t.Run(tc.name, func(t *testing.T) { runCorrectPartner(t, tc.p) })
	}
}

func TestAnUnknownVariantIsRefused(t *testing.T) {
	suitetest.UnknownVariantIsRefused(t, docplannersteps.Platform{Variant: "beta"}, "beta")
}

// runCorrectPartner runs every scenario against p, a correct partner, and
// wants them all passed with no mock violation.
func runCorrectPartner(t *testing.T, p docplannersteps.Platform) {
	t.Helper()
	if p.Variant != docplannerpartner.VariantAlt {
		suitetest.PassesEverything(t, p, suitetest.Correct{Clean: []string{"mock_violations"}})
		return
	}
	// It clears days the official SDK's way: let pass, with a warning.
	sum := suitetest.PassesEverything(t, p, suitetest.Correct{Clean: []string{"mock_violations"}, Verdict: runner.VerdictPassedWithWarnings})
	require.Positive(t, sum.Extras["mock_warnings"], "the alternative partner's date-time {date} shows as a warning")
}
