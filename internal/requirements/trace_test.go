package requirements_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blackboxfeatures "github.com/accord-harness/accord/features/blackbox"
	dikidifeatures "github.com/accord-harness/accord/features/dikidi"
	docplannerfeatures "github.com/accord-harness/accord/features/docplanner"
	reachfeatures "github.com/accord-harness/accord/features/reach"
	"github.com/accord-harness/accord/internal/requirements"
)

// platforms are every catalogue beside its features, as the binary embeds them.
var platforms = []struct {
	name string
	fsys fs.FS
}{
	{"docplanner", docplannerfeatures.FS},
	{"dikidi", dikidifeatures.FS},
	{"reach", reachfeatures.FS},
	{"blackbox", blackboxfeatures.FS},
}

// TestEveryRequirementIsTracedAndEveryScenarioTracesToOne: a requirement no
// scenario checks must say what the specialist checks by hand, and every
// scenario of every .feature file (whatever files there are, @explore ones
// included) traces to a requirement its platform's catalogue lists.
func TestEveryRequirementIsTracedAndEveryScenarioTracesToOne(t *testing.T) {
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			cat, err := requirements.Load(p.fsys, "features/"+p.name+"/"+requirements.FileName)
			require.NoError(t, err)
			require.NotNil(t, cat, "features/%s has no %s", p.name, requirements.FileName)
			assert.Equal(t, p.name, cat.Platform)
			scenarios, err := requirements.Scenarios(p.fsys)
			require.NoError(t, err)
			require.NotEmpty(t, scenarios)
			for _, problem := range cat.Trace(scenarios) {
				t.Error(problem)
			}
			automated, manual := cat.Counts(scenarios)
			t.Logf("%s: %d requirements, %d checked by scenarios, %d by hand only; %d scenarios", p.name, len(cat.Requirements), automated, manual, len(scenarios))
		})
	}
}

// TestRequirementIdsAreUniqueAcrossPlatforms: a combined run's table holds
// every platform's rows, so no two catalogues may share a prefix.
func TestRequirementIdsAreUniqueAcrossPlatforms(t *testing.T) {
	owner := map[string]string{}
	for _, p := range platforms {
		cat, err := requirements.Load(p.fsys, p.name)
		require.NoError(t, err)
		if prev, ok := owner[cat.Prefix]; ok {
			t.Errorf("%s and %s both use the prefix %s", prev, p.name, cat.Prefix)
		}
		owner[cat.Prefix] = p.name
	}
}

const catalogue = `platform: demo
prefix: DM
documents:
  - {id: seed, title: The seed, where: seeds/x.txt}
requirements:
  - id: DM-A-1
    requirement: checked by a scenario
    source: seed § One
  - id: DM-A-2
    requirement: checked by hand
    source: [seed § Two]
    manual: the specialist looks
  - id: DM-A-3
    requirement: checked by nothing
    source: seed § Three
`

func TestTraceNamesEveryBreak(t *testing.T) {
	cat, err := requirements.Parse("demo.yaml", []byte(catalogue))
	require.NoError(t, err)
	problems := cat.Trace([]requirements.Scenario{
		{Name: "traced", Location: "a.feature:3", Tags: []string{"@demo", "@req:DM-A-1"}},
		{Name: "untraced", Location: "a.feature:9", Tags: []string{"@demo"}},
		{Name: "unknown", Location: "b.feature:4", Tags: []string{"@req:DM-B-7"}},
	})
	assert.Equal(t, []string{
		`a.feature:9: scenario "untraced" traces to no requirement (tag it @req:DM-AREA-N)`,
		`b.feature:4: scenario "unknown" traces to DM-B-7, which demo.yaml does not list`,
		`demo.yaml:13: DM-A-3 has no scenario and is not marked manual (what the specialist checks by hand)`,
	}, problems)
}

// TestScenariosReadsOutlinesAndTagsAsGodogDoes: each example row is a
// scenario, with the tags of its feature, its outline and its examples.
func TestScenariosReadsOutlinesAndTagsAsGodogDoes(t *testing.T) {
	fsys := fstest.MapFS{"x.feature": {Data: []byte(`@f
Feature: f

  @req:DM-A-1
  Scenario: plain
    Then it works

  @req:DM-A-2
  Scenario Outline: row <n>
    Then it works

    Examples:
      | n |
      | 1 |

    @pull @req:DM-A-1
    Examples:
      | n |
      | 2 |
`)}, "notes.txt": {Data: []byte("not a feature")}}
	got, err := requirements.Scenarios(fsys)
	require.NoError(t, err)
	assert.Equal(t, []requirements.Scenario{
		{Name: "plain", Location: "x.feature:5", Tags: []string{"@f", "@req:DM-A-1"}},
		{Name: "row 1", Location: "x.feature:14", Tags: []string{"@f", "@req:DM-A-2"}},
		{Name: "row 2", Location: "x.feature:19", Tags: []string{"@f", "@req:DM-A-2", "@pull", "@req:DM-A-1"}},
	}, got)
	assert.Equal(t, []string{"DM-A-2", "DM-A-1"}, requirements.Traces(got[2].Tags))
}

func TestTableGivesEachRequirementItsVerdict(t *testing.T) {
	cat, err := requirements.Parse("demo.yaml", []byte(strings.Replace(catalogue, "checked by nothing\n", "checked by nothing\n    manual: by hand\n", 1)))
	require.NoError(t, err)
	features := []requirements.Scenario{
		{Name: "s1", Tags: []string{"@req:DM-A-1"}},
		{Name: "s3", Tags: []string{"@req:DM-A-3"}},
	}
	tests := []struct {
		name     string
		statuses []string // of the run's scenarios tracing to DM-A-1
		want     string
	}{
		{"all passed", []string{"passed", "passed"}, requirements.Passed},
		{"one failed", []string{"passed", "failed"}, requirements.Failed},
		{"an undefined step fails", []string{"undefined"}, requirements.Failed},
		{"a failure beats a skip", []string{"skipped", "failed"}, requirements.Failed},
		{"skipped", []string{"passed", "skipped"}, requirements.Incomplete},
		{"cut off", []string{"not_run"}, requirements.Incomplete},
		{"waived", []string{"passed", "waived"}, requirements.Waived},
		{"a failure beats a waiver", []string{"waived", "failed"}, requirements.Failed},
		{"none applied", []string{"not_applicable", "not_applicable"}, requirements.NotApplicable},
		{"one applied and passed", []string{"not_applicable", "passed"}, requirements.Passed},
		{"left out by --tags", nil, requirements.NotRun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var results []requirements.Result
			for i, s := range tt.statuses {
				results = append(results, requirements.Result{Name: "s", Location: "a.feature:" + string(rune('1'+i)), Status: s, Requirements: []string{"DM-A-1"}})
			}
			rows := cat.Table(features, results)
			require.Len(t, rows, 3)
			assert.Equal(t, tt.want, rows[0].Verdict)
			assert.Len(t, rows[0].Scenarios, len(tt.statuses))
			assert.Equal(t, "The seed § One", rows[0].Source)
			assert.Equal(t, requirements.Manual, rows[1].Verdict, "no scenario traces to it")
			assert.Equal(t, "the specialist looks", rows[1].Manual)
			assert.Equal(t, requirements.NotRun, rows[2].Verdict, "manual too, but a scenario traces to it")
		})
	}
}

// TestBlocksAreTheScenariosAsWritten: an outline is one block with its
// examples; tags and the comments between scenarios are left out.
func TestBlocksAreTheScenariosAsWritten(t *testing.T) {
	fsys := fstest.MapFS{"x.feature": {Data: []byte(`@f
Feature: f

  Background:
    Given a clinic

  @req:DM-A-1
  Scenario: plain
    Then within the latency budget it works

  # why the next one
  @req:DM-A-2
  Scenario Outline: row <n>
    Then within the latency budget it works <n>
    And within 2 minutes it is done

    Examples:
      | n |
      | 1 |
      | 2 |
`)}}
	got, err := requirements.Blocks(fsys)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, requirements.Block{Feature: "f", Location: "x.feature:8", Name: "plain", Tags: []string{"@f", "@req:DM-A-1"},
		Background: "Background:\n  Given a clinic", Text: "Scenario: plain\n  Then within the latency budget it works", Runs: 1, Waits: 1}, got[0])
	assert.Equal(t, "Scenario Outline: row <n>\n  Then within the latency budget it works <n>\n  And within 2 minutes it is done\n\n  Examples:\n    | n |\n    | 1 |\n    | 2 |", got[1].Text)
	assert.Equal(t, 2, got[1].Runs)
	assert.Equal(t, 2, got[1].Waits)
	assert.Equal(t, 4*time.Minute, got[1].Limits)
}
