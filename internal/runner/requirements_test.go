package runner_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	docplannerfeatures "github.com/accord-harness/accord/features/docplanner"
	"github.com/accord-harness/accord/internal/requirements"
	"github.com/accord-harness/accord/internal/runner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// TestARequirementsTagSelectsItsScenariosAndFillsTheTable: godog's tag
// filter takes @req:DP-MAP-1 whole (it splits only on "&&" and ","), so it
// runs exactly the scenarios that trace to the requirement; the run's
// summary and report then give every requirement of the catalogue its
// verdict: those the run checked, those it left out, those checked by hand.
func TestARequirementsTagSelectsItsScenariosAndFillsTheTable(t *testing.T) {
	all, err := requirements.Scenarios(docplannerfeatures.FS)
	require.NoError(t, err)
	var want []string
	for _, s := range all {
		if slices.Contains(s.Tags, "@req:DP-MAP-1") {
			want = append(want, s.Name)
		}
	}
	require.NotEmpty(t, want)

	dir := t.TempDir()
	sum, err := runner.Run(context.Background(), docplannersteps.Platform{}, runner.Options{Tags: "@req:DP-MAP-1", ReportDir: dir})
	require.NoError(t, err)
	var ran []string
	for _, s := range sum.Scenarios {
		ran = append(ran, s.Name)
		assert.Contains(t, s.Requirements, "DP-MAP-1")
	}
	assert.ElementsMatch(t, want, ran)

	verdicts := map[string]string{}
	for _, r := range sum.Requirements {
		verdicts[r.ID] = r.Verdict
	}
	assert.Equal(t, map[string]string{"DP-MAP-1": "passed", "DP-BKG-1": "not run", "DP-PROC-1": "manual"},
		map[string]string{"DP-MAP-1": verdicts["DP-MAP-1"], "DP-BKG-1": verdicts["DP-BKG-1"], "DP-PROC-1": verdicts["DP-PROC-1"]})
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), `<tr id="req-DP-MAP-1" data-verdict="passed">`)
	assert.Contains(t, string(html), `<tr id="req-DP-PROC-1" data-verdict="manual">`)
}
