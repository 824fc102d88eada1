package docplanner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/docplanner/refpartner"
	"github.com/accord-harness/accord/steps/docplanner"
)

// TestCorrectPartnersAgreeThroughEveryExploredSequence: the reference
// partner, its alternative build and a partner that only pulls keep both
// sides in agreement through the @explore scenarios' sequences.
func TestCorrectPartnersAgreeThroughEveryExploredSequence(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    docplanner.Platform
		caps map[string]string
	}{
		{"reference partner", docplanner.Platform{}, nil},
		{"alternative partner", docplanner.Platform{Variant: refpartner.VariantAlt}, nil},
		{"PULL only", docplanner.Platform{}, map[string]string{"notification_model": "pull"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := runner.Run(context.Background(), tc.p, runner.Options{Tags: "@explore", Config: runner.Config{Capabilities: tc.caps}})
			require.NoError(t, err)
			for _, f := range sum.Failed() {
				t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
			}
			require.Equal(t, "passed", sum.Verdict)
		})
	}
}
