package reach_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/steps/reach"
)

// TestReferencePartnerPassesEverything runs every Reach feature against the correct reference
// partner: each scenario is a subtest. The dashboard lands in the report directory.
func TestReferencePartnerPassesEverything(t *testing.T) {
	dir := t.TempDir()
	sum, err := runner.Run(context.Background(), reach.Platform{}, runner.Options{
		TestingT:  t,
		Console:   os.Stdout,
		NoColors:  true,
		ReportDir: dir,
	})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s / %s failed at %q: %s", f.Feature, f.Name, f.FailedStep, f.Reason)
	}
	require.Equal(t, "passed", sum.Verdict)
	require.Equal(t, 0, sum.Extras["violations"], "%v", sum.Extras["violation_samples"])
	page, err := os.ReadFile(filepath.Join(dir, reach.DashboardFile))
	require.NoError(t, err)
	require.True(t, strings.Contains(string(page), "Lantern Physiotherapy Pty Ltd"), "the dashboard names the company")
}

// TestChoicesReachLeavesOpenAreNotApplicable: a partner that hands Reach static tokens only
// (capability oauth: off) is not tried on OAuth; the run names the scenarios it left out and why,
// and every other authentication scenario passes.
func TestChoicesReachLeavesOpenAreNotApplicable(t *testing.T) {
	sum, err := runner.Run(context.Background(), reach.Platform{}, runner.Options{Tags: "@auth",
		Config: runner.Config{Capabilities: map[string]string{reach.CapOAuth: "off"}}})
	require.NoError(t, err)
	require.Empty(t, sum.Failed())
	require.Equal(t, "passed", sum.Verdict)
	var names []string
	for _, na := range sum.NotApplicable() {
		names = append(names, na.Name)
		require.Contains(t, na.Reason, "capability oauth: off")
	}
	require.ElementsMatch(t, []string{scenarios["@oauth"], scenarios["@expired-token"]}, names)
	require.Equal(t, sum.Counts.Scenarios-len(names), sum.Counts.Passed)
}
