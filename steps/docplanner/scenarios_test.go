package docplanner_test

import (
	"testing"

	"github.com/accord-harness/accord/internal/suitetest"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// TestScenariosThatChangeAnythingEndWithTheWholeState: a check of the one
// item a step names lets a bug in the second object, another field or
// another day pass; every scenario that does something (has a When step)
// ends by holding both sides whole against each other. A scenario whose
// point is that the sides must not agree says so with @sides-differ
// and a comment giving the reason.
func TestScenariosThatChangeAnythingEndWithTheWholeState(t *testing.T) {
	suitetest.EveryChangeEndsWithTheWholeState(t, docplannersteps.Platform{}, suitetest.WholeState{
		Step:     "Docplanner and the partner's system agree on every booking, break and free slot of the horizon",
		Explored: "both sides agreed on their whole state after every step",
		Exempt:   "@sides-differ",
	})
}

// TestScenarioNamesAreUnique: reports, the fault table and the test design
// name scenarios; an outline's title must name its columns so rows differ.
func TestScenarioNamesAreUnique(t *testing.T) {
	suitetest.NamesAreUnique(t, docplannersteps.Platform{})
}
