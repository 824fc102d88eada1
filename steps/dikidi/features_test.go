package dikidi_test

import (
	"strings"
	"testing"

	"github.com/accord-harness/accord/internal/suitetest"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// TestEveryChangeEndsWithTheWholeState: a scenario that changes anything
// (it has a When step) ends by comparing the whole state of both sides, so a
// bug in an object or a field the scenario does not name still fails it. A
// scenario whose point is that the sides must differ says so with the tag
// @sides-differ and a comment giving the reason. An @explore scenario
// compares the whole state after every step it explores.
func TestEveryChangeEndsWithTheWholeState(t *testing.T) {
	suitetest.EveryChangeEndsWithTheWholeState(t, dikidisteps.Platform{}, suitetest.WholeState{
		Step: dikidisteps.WholeStateStep, Explored: dikidisteps.ExploredStep, Exempt: "@sides-differ"})
}

// TestScenarioNamesAreUnique: reports, the fault table and the test design
// name scenarios; an outline's title must name its columns so rows differ.
func TestScenarioNamesAreUnique(t *testing.T) {
	suitetest.NamesAreUnique(t, dikidisteps.Platform{})
}

// TestTestDesignNamesScenariosThatExist: every scenario and test the test
// design (docs/test-design-dikidi.md) names in its tables' last column
// exists, so the design cannot claim coverage the features do not have.
func TestTestDesignNamesScenariosThatExist(t *testing.T) {
	lastColumn := func(doc string, want func(string) bool) []string {
		var out []string
		for _, cell := range suitetest.Column(doc, "") {
			for _, name := range suitetest.Backticked(cell) {
				if want(name) {
					out = append(out, name)
				}
			}
		}
		return out
	}
	isTest := func(name string) bool { return strings.HasPrefix(name, "Test") }
	suitetest.TestDesignNamesRealScenarios(t, dikidisteps.Platform{}, suitetest.Design{
		Doc: "../../docs/test-design-dikidi.md",
		Scenarios: func(doc string) []string {
			return lastColumn(doc, func(name string) bool { return !isTest(name) && strings.Contains(name, " ") })
		},
		Keys:     func(s suitetest.Scenario) []string { return []string{s.Name, s.Title} },
		Tests:    func(doc string) []string { return lastColumn(doc, isTest) },
		TestDirs: []string{"."},
	})
}
