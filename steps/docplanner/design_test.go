package docplanner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/suitetest"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// designedScenarios reads the scenarios the test design names: the
// back-quoted names in the "scenarios" column of its tables.
func designedScenarios(doc string) []string {
	var out []string
	for _, cell := range suitetest.Column(doc, "scenarios") {
		out = append(out, suitetest.Backticked(cell)...)
	}
	return out
}

// TestTestDesignNamesRealScenarios: docs/test-design-docplanner.md lists,
// flow by flow, the dimensions that matter and the scenarios that try each.
// Every scenario it names must exist, and every scenario must be named, so
// the design and the features cannot drift apart.
func TestTestDesignNamesRealScenarios(t *testing.T) {
	suitetest.TestDesignNamesRealScenarios(t, docplannersteps.Platform{}, suitetest.Design{
		Doc:       "../../docs/test-design-docplanner.md",
		Scenarios: designedScenarios,
		Keys:      func(s suitetest.Scenario) []string { return []string{s.Name} },
		Whole:     true,
	})
}

func TestDesignedScenariosAreReadFromTheScenariosColumn(t *testing.T) {
	got := designedScenarios("| a | b |\n|---|---|\n| `x` | y |\n\n| dimension | scenarios |\n|---|---|\n| `code` | `One`; `Two` |\n| z | every check |\n")
	require.Equal(t, []string{"One", "Two"}, got)
}
