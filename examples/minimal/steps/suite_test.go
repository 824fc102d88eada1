package steps_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/examples/minimal/steps"
	"github.com/accord-harness/accord/internal/runner"
)

func TestTheReferencePartnerPassesEverything(t *testing.T) {
	sum, err := runner.Run(context.Background(), steps.Platform{}, runner.Options{ReportDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, "passed", sum.Verdict, "%+v", sum.Failed())
	assert.Positive(t, sum.Counts.Scenarios)
}

// Every fault of the catalogue fails the whole-state check, and only it.
func TestEveryFaultIsCaught(t *testing.T) {
	for _, f := range (steps.Platform{}).Faults() {
		t.Run(f.Name, func(t *testing.T) {
			sum, err := runner.Run(context.Background(), steps.Platform{}, runner.Options{ReportDir: t.TempDir(), Config: runner.Config{Faults: []string{f.Name}}})
			require.NoError(t, err)
			require.Equal(t, "failed", sum.Verdict)
			require.NotEmpty(t, sum.Failed())
			for _, s := range sum.Failed() {
				assert.Equal(t, "Then within the latency budget the platform and the partner hold the same bookings", s.FailedStep)
				assert.Contains(t, s.Reason, "the platform []")
			}
		})
	}
}
