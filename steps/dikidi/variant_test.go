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

// TestADifferentCorrectPartnerPassesEverything: the alternative build of the
// reference partner (events answered 204 and applied afterwards, reverse and
// sliced reads, whole-week free-time refreshes, optional fields filled, other
// ids and view orders), and both partners on a grown salon (seven masters,
// 135 clients, 67 records), must pass every scenario. A failure here means a
// scenario leans on the first partner's incidental behaviour.
func TestADifferentCorrectPartnerPassesEverything(t *testing.T) {
	large, err := dikidifixture.SalonLarge()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		p    dikidi.Platform
	}{
		{"alternative partner", dikidi.Platform{Variant: refpartner.VariantAlt}},
		{"larger salon", dikidi.Platform{Fixture: large}},
		{"alternative partner, larger salon", dikidi.Platform{Variant: refpartner.VariantAlt, Fixture: large}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.p.Fixture != nil {
				// The alternative build's own concurrency (events applied after the answer) stays under the detector.
				racedetector.SkipRepeat(t, "the suite on the smaller salon, with both builds,")
			}
			sum, err := runner.Run(context.Background(), tc.p, runner.Options{})
			require.NoError(t, err)
			for _, f := range sum.Failed() {
				t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
			}
			require.Equal(t, len(scenarios(t)), sum.Counts.Scenarios)
			require.Equal(t, "passed", sum.Verdict)
			require.Equal(t, 0, sum.Extras["mock_violations"], "%v", sum.Extras["mock_violation_samples"])
		})
	}
}
