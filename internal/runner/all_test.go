package runner_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

func TestRunAllCombinesReports(t *testing.T) {
	dir := t.TempDir()
	sum, err := runner.RunAll(context.Background(), []runner.Platform{docplannersteps.Platform{}}, runner.Options{ReportDir: dir, Tags: "@mapping"})
	require.NoError(t, err)
	assert.Equal(t, "passed", sum.Verdict)
	assert.Equal(t, 1, sum.Counts.Scenarios)
	for _, f := range []string{"summary.json", "report.html", "docplanner/report.html", "docplanner/traffic.har", "docplanner/junit.xml"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	var top runner.Summary
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &top))
	assert.Equal(t, "docplanner / Mapping of all resources", top.Scenarios[0].Feature)
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), `href="docplanner/report.html"`)
}
