package dikidi_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/suitetest"
	dikidipartner "github.com/accord-harness/accord/mocks/dikidi/refpartner"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// TestChoicesOfTheAlternativeBuildPassEverything: the alternative build of
// the reference partner (events answered 204 and applied afterwards, reverse
// and sliced reads, whole-week free-time refreshes, optional fields filled,
// other ids and view orders) is a bundle of choices DIKIDI leaves open, so it
// must pass every scenario. It is a TestChoices… test because make mutants
// kills a mutant with those: the alternative build's own code runs nowhere
// else. A failure here means a scenario leans on the first partner's
// incidental behaviour. Its own concurrency (events applied after the answer)
// stays under the race detector.
func TestChoicesOfTheAlternativeBuildPassEverything(t *testing.T) {
	suitetest.PassesEverything(t, dikidisteps.Platform{Variant: dikidipartner.VariantAlt}, suitetest.Correct{Clean: clean})
}

// TestADifferentCorrectPartnerPassesEverything: both builds of the reference
// partner on a grown salon (seven masters, 135 clients, 67 records) must pass
// every scenario.
func TestADifferentCorrectPartnerPassesEverything(t *testing.T) {
	racedetector.SkipRepeat(t, "the suite on the smaller salon, with both builds,")
	large, err := dikidifixture.SalonLarge()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		p    dikidisteps.Platform
	}{
		{"larger salon", dikidisteps.Platform{Fixture: large}},
		{"alternative partner, larger salon", dikidisteps.Platform{Variant: dikidipartner.VariantAlt, Fixture: large}},
	} {
		t.Run(tc.name, func(t *testing.T) { suitetest.PassesEverything(t, tc.p, suitetest.Correct{Clean: clean}) })
	}
}

func TestAnUnknownVariantIsRefused(t *testing.T) {
	suitetest.UnknownVariantIsRefused(t, dikidisteps.Platform{Variant: "beta"}, "beta")
}
