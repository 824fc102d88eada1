package dikidi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/dikidi/refpartner"
	"github.com/accord-harness/accord/steps/dikidi"
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
	runCorrectPartner(t, dikidi.Platform{Variant: refpartner.VariantAlt})
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
		p    dikidi.Platform
	}{
		{"larger salon", dikidi.Platform{Fixture: large}},
		{"alternative partner, larger salon", dikidi.Platform{Variant: refpartner.VariantAlt, Fixture: large}},
	} {
		t.Run(tc.name, func(t *testing.T) { runCorrectPartner(t, tc.p) })
	}
}

// runCorrectPartner runs every scenario against p, a correct partner, and
// wants them all passed with no mock violation.
func runCorrectPartner(t *testing.T, p dikidi.Platform) {
	t.Helper()
	sum, err := runner.Run(context.Background(), p, runner.Options{})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	require.Equal(t, len(scenarios(t)), sum.Counts.Scenarios)
	require.Equal(t, "passed", sum.Verdict)
	require.Equal(t, 0, sum.Extras["mock_violations"], "%v", sum.Extras["mock_violation_samples"])
}
