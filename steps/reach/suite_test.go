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
