package reach_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// TestTheDashboardIsThereWhenItsFiguresAreWrong: a specialist opens the
// dashboard first when a figure on it fails, so it is written as soon as it
// is built, not only once every figure passed.
func TestTheDashboardIsThereWhenItsFiguresAreWrong(t *testing.T) {
	dir := t.TempDir()
	sum, err := runner.Run(context.Background(), reachsteps.Platform{}, runner.Options{
		Config: runner.Config{Faults: []string{"calendar-fiscal-year"}}, Tags: "@dashboard-figures", ReportDir: dir,
	})
	require.NoError(t, err)
	require.Equal(t, "failed", sum.Verdict, "the fault breaks the dashboard's figures")
	_, err = os.Stat(filepath.Join(dir, reachsteps.DashboardFile))
	assert.NoError(t, err, "the dashboard is in the report directory")
	assert.Equal(t, filepath.Join(dir, reachsteps.DashboardFile), sum.Extras["dashboard"])
}
