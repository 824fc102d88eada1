package docplanner_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var backticked = regexp.MustCompile("`([^`]+)`")

// designedScenarios reads the scenarios the test design names: the
// back-quoted names in the "scenarios" column of its tables.
func designedScenarios(t *testing.T, doc string) []string {
	t.Helper()
	var out []string
	column := -1
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			column = -1
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case column < 0:
			column = slices.Index(cells, "scenarios")
			if column < 0 {
				column = len(cells) // a table without scenarios: skip it
			}
		case column < len(cells):
			for _, m := range backticked.FindAllStringSubmatch(cells[column], -1) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// TestTestDesignNamesRealScenarios: docs/test-design-docplanner.md lists,
// flow by flow, the dimensions that matter and the scenarios that try each.
// Every scenario it names must exist, and every scenario must be named, so
// the design and the features cannot drift apart.
func TestTestDesignNamesRealScenarios(t *testing.T) {
	doc, err := os.ReadFile("../../docs/test-design-docplanner.md")
	require.NoError(t, err)
	named := designedScenarios(t, string(doc))
	require.NotEmpty(t, named)
	var exist []string
	for _, s := range readScenarios(t) {
		exist = append(exist, s.Name)
	}
	for _, n := range named {
		if !slices.Contains(exist, n) {
			t.Errorf("the test design names %q, which no feature has", n)
		}
	}
	for _, n := range exist {
		if !slices.Contains(named, n) {
			t.Errorf("scenario %q is in no row of the test design", n)
		}
	}
}

func TestDesignedScenariosAreReadFromTheScenariosColumn(t *testing.T) {
	got := designedScenarios(t, "| a | b |\n|---|---|\n| `x` | y |\n\n| dimension | scenarios |\n|---|---|\n| `code` | `One`; `Two` |\n| z | every check |\n")
	require.Equal(t, []string{"One", "Two"}, got)
}
