package reach_test

import (
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	features "github.com/accord-harness/accord/features/reach"
	"github.com/accord-harness/accord/steps/reach"
)

// exemptTag lets a scenario with a When step end without the whole-books step; a comment line
// "# @books-unchanged: <reason>" right above the tags that carry it must say why.
const exemptTag = "@books-unchanged"

// scenario is one scenario of a feature file, as far as these tests need it.
type scenario struct {
	file, name string
	tags       []string // its own and its feature's
	reason     string   // the comment that justifies exemptTag, if any
	steps      []string // keyword and text, Background left out
}

// parseScenarios reads the scenarios of feature files' text.
func parseScenarios(files map[string]string) []scenario {
	var out []scenario
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, file := range names {
		var featureTags, tags []string
		var featureReason, reason, comment string
		var cur *scenario
		inBackground, inComment := false, false
		flush := func() {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
		}
		for _, line := range strings.Split(files[file], "\n") {
			line = strings.TrimSpace(line)
			wasComment := inComment
			inComment = strings.HasPrefix(line, "#")
			switch {
			case inComment:
				text := strings.TrimSpace(strings.TrimPrefix(line, "#"))
				if wasComment {
					text = comment + " " + text
				}
				comment = text
			case strings.HasPrefix(line, "@"):
				tags = strings.Fields(line)
				reason, comment = comment, ""
			case strings.HasPrefix(line, "Feature:"):
				featureTags, featureReason, tags, reason = tags, reason, nil, ""
			case strings.HasPrefix(line, "Background:"):
				flush()
				inBackground, tags, reason = true, nil, ""
			case strings.HasPrefix(line, "Scenario:"), strings.HasPrefix(line, "Scenario Outline:"):
				flush()
				inBackground = false
				_, name, _ := strings.Cut(line, ":")
				all := append(slices.Clone(featureTags), tags...)
				why := reason
				if !slices.Contains(tags, exemptTag) {
					why = featureReason
				}
				cur = &scenario{file: file, name: strings.TrimSpace(name), tags: all, reason: why}
				tags, reason = nil, ""
			case cur != nil && !inBackground && stepLine.MatchString(line):
				cur.steps = append(cur.steps, line)
			}
		}
		flush()
	}
	return out
}

var stepLine = regexp.MustCompile(`^(Given|When|Then|And|But) `)

// wholeBooksViolations lists the scenarios that act (a When step) but neither end with the
// whole-books step nor say, with exemptTag and a reason, why they need not.
func wholeBooksViolations(scs []scenario) []string {
	var bad []string
	for _, sc := range scs {
		acts := slices.ContainsFunc(sc.steps, func(s string) bool { return strings.HasPrefix(s, "When ") })
		if !acts {
			continue
		}
		last := sc.steps[len(sc.steps)-1]
		_, text, _ := strings.Cut(last, " ")
		if text == reach.WholeBooksStep || text == reach.ExploredStep {
			continue // an exploration compares after every step
		}
		if slices.Contains(sc.tags, exemptTag) {
			if !strings.HasPrefix(sc.reason, exemptTag+":") || len(strings.TrimSpace(strings.TrimPrefix(sc.reason, exemptTag+":"))) == 0 {
				bad = append(bad, sc.file+": "+sc.name+" is tagged "+exemptTag+" without a comment saying why")
			}
			continue
		}
		bad = append(bad, sc.file+": "+sc.name+" acts but does not end with the whole-books step")
	}
	return bad
}

func featureFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, fs.WalkDir(features.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".feature" {
			return err
		}
		b, err := fs.ReadFile(features.FS, name)
		out[name] = string(b)
		return err
	}))
	return out
}

// TestScenariosThatActEndWithTheWholeBooks: a scenario with a When step ends comparing the whole
// books, or says why its When changes nothing the comparison would see.
func TestScenariosThatActEndWithTheWholeBooks(t *testing.T) {
	scs := parseScenarios(featureFiles(t))
	require.NotEmpty(t, scs)
	assert.Empty(t, wholeBooksViolations(scs))
	ending := 0
	for _, sc := range scs {
		if strings.HasSuffix(sc.steps[len(sc.steps)-1], reach.WholeBooksStep) {
			ending++
		}
	}
	assert.GreaterOrEqual(t, ending, 2, "the whole-books scenario and the OAuth scenario end with it")

	t.Run("the rule catches what it must", func(t *testing.T) {
		const feature = "Feature: F\n  Background:\n    Given the partner serves\n"
		for _, tc := range []struct {
			name, text string
			bad        bool
		}{
			{"acts and ends with the whole books", "  Scenario: A\n    When x\n    Then " + reach.WholeBooksStep + "\n", false},
			{"acts and ends elsewhere", "  Scenario: A\n    When x\n    Then y\n", true},
			{"exempt with a reason", "  # @books-unchanged: x reads only\n  @a @books-unchanged\n  Scenario: A\n    When x\n    Then y\n", false},
			{"exempt without a reason", "  @a @books-unchanged\n  Scenario: A\n    When x\n    Then y\n", true},
			{"only looks", "  Scenario: A\n    Then y\n", false},
			{"explores", "  Scenario: A\n    When x\n    Then " + reach.ExploredStep + "\n", false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := wholeBooksViolations(parseScenarios(map[string]string{"f.feature": feature + tc.text}))
				assert.Equal(t, tc.bad, len(got) > 0, "%v", got)
			})
		}
		exemptFeature := "# @books-unchanged: the feature reads only\n@f @books-unchanged\n" + feature + "  Scenario: A\n    When x\n    Then y\n"
		assert.Empty(t, wholeBooksViolations(parseScenarios(map[string]string{"f.feature": exemptFeature})), "a feature's tag and reason cover its scenarios")
	})
}

// TestTheTestDesignNamesRealScenarios: docs/test-design-reach.md names scenarios by their tags;
// every tag it names is a scenario of features/reach, and every scenario is named there.
func TestTheTestDesignNamesRealScenarios(t *testing.T) {
	doc, err := os.ReadFile("../../docs/test-design-reach.md")
	require.NoError(t, err)
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`(@[a-z0-9-]+)`").FindAllStringSubmatch(string(doc), -1) {
		named[m[1]] = true
	}
	own := featureScenarios(t)
	for tag := range named {
		if tag == exemptTag {
			continue
		}
		_, ok := own[tag]
		assert.True(t, ok, "docs/test-design-reach.md names %s, which is no scenario's tag in features/reach", tag)
	}
	for tag, name := range own {
		assert.True(t, named[tag], "docs/test-design-reach.md does not name %s (%s)", tag, name)
	}
	for _, test := range regexp.MustCompile(`\b(Test[A-Z][A-Za-z]+)\b`).FindAllString(string(doc), -1) {
		assert.True(t, testExists(t, test), "docs/test-design-reach.md names %s, which no test file of the repository defines", test)
	}
}

// testExists looks for a Go test function of that name in the Reach packages.
func testExists(t *testing.T, name string) bool {
	t.Helper()
	for _, dir := range []string{".", "../../mocks/reach", "../../mocks/reach/refpartner", "../../mocks/reach/apispec", "../../fixtures/reach"} {
		files, err := fs.Glob(os.DirFS(dir), "*_test.go")
		require.NoError(t, err)
		for _, f := range files {
			b, err := os.ReadFile(path.Join(dir, f))
			require.NoError(t, err)
			if strings.Contains(string(b), "func "+name+"(") {
				return true
			}
		}
	}
	return false
}
