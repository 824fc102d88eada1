package reach_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accord-harness/accord/internal/suitetest"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// exemptTag lets a scenario with a When step end without the whole-books step; a comment line
// "# @books-unchanged: <reason>" right above the tags that carry it must say why.
const exemptTag = "@books-unchanged"

// TestScenariosThatActEndWithTheWholeBooks: a scenario with a When step ends comparing the whole
// books, or says why its When changes nothing the comparison would see.
func TestScenariosThatActEndWithTheWholeBooks(t *testing.T) {
	suitetest.EveryChangeEndsWithTheWholeState(t, reachsteps.Platform{}, suitetest.WholeState{
		Step: reachsteps.WholeBooksStep, Explored: reachsteps.ExploredStep, Exempt: exemptTag, TaggedReason: true})
	ending := 0
	for _, sc := range suitetest.Scenarios(t, reachsteps.Platform{}, "") {
		if sc.Last().Text == reachsteps.WholeBooksStep {
			ending++
		}
	}
	assert.GreaterOrEqual(t, ending, 2, "the whole-books scenario and the OAuth scenario end with it")
}

var (
	namedTag  = regexp.MustCompile("`(@[a-z0-9-]+)`")
	namedTest = regexp.MustCompile(`\b(Test[A-Z][A-Za-z]+)\b`)
)

// TestTheTestDesignNamesRealScenarios: docs/test-design-reach.md names scenarios by their tags;
// every tag it names is a scenario of features/reach, and every scenario is named there.
func TestTheTestDesignNamesRealScenarios(t *testing.T) {
	suitetest.TestDesignNamesRealScenarios(t, reachsteps.Platform{}, suitetest.Design{
		Doc: "../../docs/test-design-reach.md",
		Scenarios: func(doc string) []string {
			var out []string
			for _, m := range namedTag.FindAllStringSubmatch(doc, -1) {
				if m[1] != exemptTag && !slices.Contains(out, m[1]) {
					out = append(out, m[1])
				}
			}
			return out
		},
		Keys:     func(sc suitetest.Scenario) []string { return []string{ownTag(t, sc)} },
		Whole:    true,
		Tests:    func(doc string) []string { return namedTest.FindAllString(doc, -1) },
		TestDirs: []string{".", "../../mocks/reach", "../../mocks/reach/refpartner", "../../mocks/reach/apispec", "../../fixtures/reach"},
	})
}

// TestScenarioNamesAreUnique: reports and the fault table name scenarios.
func TestScenarioNamesAreUnique(t *testing.T) {
	suitetest.NamesAreUnique(t, reachsteps.Platform{})
}
