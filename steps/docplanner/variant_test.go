package docplanner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/docplanner/refpartner"
	"github.com/accord-harness/accord/steps/docplanner"
)

// TestADifferentCorrectPartnerPassesEverything: the alternative build of the
// reference partner (updates sent after answering, reverse order, one day
// per replaceSlots, optional fields, updateOrCreate, multipart sign-in,
// paged reads) on a larger clinic must pass every scenario. A failure here
// means a scenario leans on the first partner's incidental behaviour.
func TestADifferentCorrectPartnerPassesEverything(t *testing.T) {
	large, err := fixture.ClinicLarge()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		p    docplanner.Platform
	}{
		{"alternative partner", docplanner.Platform{Variant: refpartner.VariantAlt}},
		{"larger clinic", docplanner.Platform{Fixture: large}},
		{"alternative partner, larger clinic", docplanner.Platform{Variant: refpartner.VariantAlt, Fixture: large}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.p.Fixture != nil {
				// The alternative build's own concurrency (updates sent after answering) stays under the detector.
				racedetector.SkipRepeat(t, "the suite on the smaller clinic, with both builds,")
			}
			sum, err := runner.Run(context.Background(), tc.p, runner.Options{})
			require.NoError(t, err)
			for _, f := range sum.Failed() {
				t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
			}
			require.Equal(t, 0, sum.Extras["mock_violations"], "%v", sum.Extras["mock_violation_samples"])
			if tc.p.Variant == refpartner.VariantAlt {
				// It clears days the official SDK's way: let pass, with a warning.
				require.Positive(t, sum.Extras["mock_warnings"], "the alternative partner's date-time {date} shows as a warning")
				require.Equal(t, runner.VerdictPassedWithWarnings, sum.Verdict)
				require.NotEmpty(t, sum.Warnings)
			} else {
				require.Equal(t, runner.VerdictPassed, sum.Verdict)
			}
		})
	}
}
