package suitetest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
)

// ExploreTag marks the features whose scenarios explore random sequences.
const ExploreTag = "@explore"

// WholeState is the rule that a scenario which changes anything (has a When
// step) ends by holding both sides whole against each other: a check of the
// one item a step names lets a bug in another object, field or day pass.
type WholeState struct {
	// Step is the comparison of the whole state; Explored ends an
	// exploration (ExploreTag), which compares after every step.
	Step, Explored string
	// Exempt tags a scenario, or a feature, whose point is that the sides
	// differ or whose action changes nothing the comparison would see; the
	// comment right above the tags must say why.
	Exempt string
	// TaggedReason: that comment starts with "<Exempt>: ".
	TaggedReason bool
}

// Violations lists the scenarios that break the rule, each with its file.
func (w WholeState) Violations(scs []Scenario) []string {
	var bad []string
	for _, s := range scs {
		if w.Exempt != "" && s.Tagged(w.Exempt) {
			why := s.FeatureComment
			if slices.Contains(s.Own, w.Exempt) {
				why = s.Comment
			}
			if w.TaggedReason {
				var ok bool
				why, ok = strings.CutPrefix(why, w.Exempt+":")
				if !ok {
					why = ""
				}
			}
			if strings.TrimSpace(why) == "" {
				bad = append(bad, s.File+": "+s.Name+" is tagged "+w.Exempt+" without a comment saying why")
			}
			continue
		}
		if !s.Acts() {
			continue
		}
		want := w.Step
		if s.Tagged(ExploreTag) {
			want = w.Explored
		}
		if last := s.Last().Text; last != want {
			bad = append(bad, s.File+": "+s.Name+" changes things but ends with "+strconvQuote(last)+", not "+strconvQuote(want))
		}
	}
	return bad
}

func strconvQuote(s string) string { return `"` + s + `"` }

// EveryChangeEndsWithTheWholeState holds p's features to the rule, and
// wants it to have held something.
func EveryChangeEndsWithTheWholeState(t *testing.T, p runner.Platform, w WholeState) {
	t.Helper()
	scs := Scenarios(t, p, "")
	for _, v := range w.Violations(scs) {
		t.Error(v)
	}
	require.True(t, slices.ContainsFunc(scs, func(s Scenario) bool { return s.Acts() && s.Last().Text == w.Step }),
		"no scenario ends with the whole state")
}

// NamesAreUnique: reports, fault tables and test designs name scenarios;
// an outline's title must name its columns so that its rows differ.
func NamesAreUnique(t *testing.T, p runner.Platform) {
	t.Helper()
	seen := map[string]string{}
	for _, s := range Scenarios(t, p, "") {
		if prev, dup := seen[s.Name]; dup {
			t.Errorf("scenario %q is in %s and %s", s.Name, prev, s.File)
		}
		seen[s.Name] = s.File
	}
}

// Design is how a platform's test design (docs/test-design-<platform>.md)
// names the scenarios and tests that try each dimension.
type Design struct {
	// Doc is the design's path.
	Doc string
	// Scenarios are the scenarios the design names, read from its text.
	Scenarios func(doc string) []string
	// Keys are the names the design may give a scenario (its name, its
	// title, its own tag...).
	Keys func(Scenario) []string
	// Whole: every scenario must be named too.
	Whole bool
	// Tests are the tests the design names; each must be a test function
	// of a _test.go file in TestDirs.
	Tests    func(doc string) []string
	TestDirs []string
}

// TestDesignNamesRealScenarios: every scenario and test the design names
// exists (and, when Whole, every scenario is named), so the design and the
// features cannot drift apart.
func TestDesignNamesRealScenarios(t *testing.T, p runner.Platform, d Design) {
	t.Helper()
	raw, err := os.ReadFile(d.Doc)
	require.NoError(t, err)
	doc := string(raw)
	named := d.Scenarios(doc)
	require.NotEmpty(t, named, "%s names no scenario", d.Doc)
	known := map[string]bool{}
	for _, s := range Scenarios(t, p, "") {
		keys := d.Keys(s)
		for _, k := range keys {
			known[k] = true
		}
		if d.Whole && !slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(named, k) }) {
			t.Errorf("scenario %q is in no row of %s", s.Name, d.Doc)
		}
	}
	for _, n := range named {
		assert.True(t, known[n], "%s names %q, which no feature has", d.Doc, n)
	}
	if d.Tests == nil {
		return
	}
	tests := testFuncs(t, d.TestDirs)
	for _, name := range d.Tests(doc) {
		assert.True(t, tests[name], "%s names the test %s, which no test file defines", d.Doc, name)
	}
}

var testFunc = regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)

// testFuncs are the test functions of the _test.go files of dirs.
func testFuncs(t *testing.T, dirs []string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		require.NoError(t, err)
		for _, f := range files {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, m := range testFunc.FindAllStringSubmatch(string(src), -1) {
				out[m[1]] = true
			}
		}
	}
	return out
}

// Backticked are the `quoted` names of text.
func Backticked(text string) []string {
	var out []string
	for _, m := range backticked.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

var backticked = regexp.MustCompile("`([^`]+)`")

// Column are the cells of a markdown table's column, read from every table
// of doc: headed by that name, or the last column when the name is "".
func Column(doc, name string) []string {
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
		case name == "":
			out = append(out, cells[len(cells)-1])
		case column < 0:
			column = slices.Index(cells, name)
			if column < 0 {
				column = len(cells) // a table without the column: skip it
			}
		case column < len(cells):
			out = append(out, cells[column])
		}
	}
	return out
}
