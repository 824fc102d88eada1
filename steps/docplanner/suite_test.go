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

// TestChoicesTheProtocolLeavesOpenAreNotApplicable: a correct partner that
// made one of the choices Docplanner leaves open (PULL only, PUSH only, no
// real-time checks) passes every scenario that applies to it, and exactly
// the scenarios about the other choice (those whose Given step asks for
// it, read from the features) are reported not applicable, each with the
// capability that rules it out.
func TestChoicesTheProtocolLeavesOpenAreNotApplicable(t *testing.T) {
	scenarios := readScenarios(t)
	tests := []struct {
		name         string
		capabilities map[string]string
		// outOfScope is the step that makes a scenario need another choice.
		outOfScope string
	}{
		{"PULL only", map[string]string{"notification_model": "pull"}, "the partner receives notifications by PUSH"},
		{"PUSH only", map[string]string{"notification_model": "push"}, "the partner receives notifications by PULL"},
		{"no real-time checks", map[string]string{"real_time_checks": "off"}, "real-time booking checks are on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, s := range scenarios {
				if s.has(tt.outOfScope) {
					want = append(want, s.Name)
				}
			}
			require.NotEmpty(t, want)
			sum, err := runner.Run(context.Background(), docplanner.Platform{}, runner.Options{Config: runner.Config{Capabilities: tt.capabilities}})
			require.NoError(t, err)
			for _, f := range sum.Failed() {
				t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
			}
			require.Equal(t, "passed", sum.Verdict)
			var got []string
			for _, na := range sum.NotApplicable() {
				got = append(got, na.Name)
				for k, v := range tt.capabilities {
					require.Contains(t, na.Reason, "capability "+k+": "+v, na.Name)
				}
			}
			require.ElementsMatch(t, want, got)
			require.Equal(t, len(want), sum.Counts.NotApplicable)
			require.Equal(t, sum.Counts.Scenarios-len(want), sum.Counts.Passed)
			require.Contains(t, sum.VerdictNote, "do not apply")
		})
	}
}
