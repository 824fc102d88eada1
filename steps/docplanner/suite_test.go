package docplanner_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/steps/docplanner"
)

// TestReferencePartnerPassesEverything runs every Docplanner feature against
// the correct reference partner: each scenario is a subtest.
func TestReferencePartnerPassesEverything(t *testing.T) {
	sum, err := runner.Run(context.Background(), docplanner.Platform{}, runner.Options{
		TestingT: t,
		Console:  os.Stdout,
		NoColors: true,
	})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s / %s failed at %q: %s", f.Feature, f.Name, f.FailedStep, f.Reason)
	}
	require.Equal(t, "passed", sum.Verdict)
	require.Equal(t, 0, sum.Extras["mock_violations"], "every answer and notification of the mock obeys its own document: %v", sum.Extras["mock_violation_samples"])
	require.Equal(t, 0, sum.Extras["mock_warnings"], "the reference partner sends what the document asks for: %v", sum.Extras["mock_warning_samples"])
}

// TestChoicesTheProtocolLeavesOpenAreNotApplicable: a partner that declares
// a choice Docplanner leaves open is not tested on the other choice, and the
// run says which scenarios it left out and why.
func TestChoicesTheProtocolLeavesOpenAreNotApplicable(t *testing.T) {
	tests := []struct {
		name         string
		capabilities map[string]string
		tags         string
		outOfScope   string
	}{
		{"PUSH only", map[string]string{"notification_model": "push"}, "@bookings", "A visit booked by a patient on Docplanner reaches the partner by PULL"},
		{"no real-time checks", map[string]string{"real_time_checks": "off"}, "@bookings", "A patient cannot take a time the clinic has already filled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := runner.Run(context.Background(), docplanner.Platform{}, runner.Options{
				Tags: tt.tags, Config: runner.Config{Capabilities: tt.capabilities}})
			require.NoError(t, err)
			require.Empty(t, sum.Failed())
			require.Equal(t, "passed", sum.Verdict)
			na := sum.NotApplicable()
			require.Len(t, na, 1)
			require.Equal(t, tt.outOfScope, na[0].Name)
			require.Contains(t, na[0].Reason, "capability")
			require.Equal(t, 1, sum.Counts.NotApplicable)
			require.Equal(t, sum.Counts.Scenarios-1, sum.Counts.Passed)
		})
	}
}
