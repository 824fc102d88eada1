package dikidi_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/steps/dikidi"
)

// TestReferencePartnerPassesEverything runs every DIKIDI feature against the
// correct reference partner: each scenario is a subtest.
func TestReferencePartnerPassesEverything(t *testing.T) {
	sum, err := runner.Run(context.Background(), dikidi.Platform{}, runner.Options{
		TestingT: t,
		Console:  os.Stdout,
		NoColors: true,
	})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s / %s failed at %q: %s", f.Feature, f.Name, f.FailedStep, f.Reason)
	}
	require.Equal(t, "passed", sum.Verdict)
	require.Equal(t, len(scenarios(t)), sum.Counts.Scenarios)
	require.Equal(t, 0, sum.Extras["mock_violations"], "every answer and event of the mock obeys its own document: %v", sum.Extras["mock_violation_samples"])
}
