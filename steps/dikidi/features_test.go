package dikidi_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	features "github.com/accord-harness/accord/features/dikidi"
	"github.com/accord-harness/accord/steps/dikidi"
)

// scenario is one scenario as a run sees it: an Examples row of an outline
// is a scenario of its own, named with the row's values.
type scenario struct {
	Name    string // as reported
	Title   string // as written (an outline's title keeps its <placeholders>)
	Feature string // the feature's tag, e.g. @records
	File    string
	Tags    []string
	Steps   []*messages.PickleStep
}

// scenarios reads every DIKIDI feature, so that no test counts by hand.
func scenarios(t *testing.T) []scenario {
	t.Helper()
	var out []scenario
	err := fs.WalkDir(features.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		f, err := features.FS.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var ids messages.Incrementing
		doc, err := gherkin.ParseGherkinDocument(f, ids.NewId)
		if err != nil {
			return err
		}
		titles := map[string]string{}
		for _, c := range doc.Feature.Children {
			if c.Scenario != nil {
				titles[c.Scenario.Id] = c.Scenario.Name
			}
		}
		var tag string
		for _, tg := range doc.Feature.Tags {
			if tg.Name != "@dikidi" {
				tag = tg.Name
			}
		}
		for _, p := range gherkin.Pickles(*doc, path, ids.NewId) {
			sc := scenario{Name: p.Name, Title: titles[p.AstNodeIds[0]], Feature: tag, File: path, Steps: p.Steps}
			for _, tg := range p.Tags {
				sc.Tags = append(sc.Tags, tg.Name)
			}
			out = append(out, sc)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// TestEveryChangeEndsWithTheWholeState: a scenario that changes anything
// (it has a When step) ends by comparing the whole state of both sides, so a
// bug in an object or a field the scenario does not name still fails it. A
// scenario whose point is that the sides must differ says so with the tag
// @sides-differ and a comment giving the reason. An @explore scenario
// compares the whole state after every step it explores.
func TestEveryChangeEndsWithTheWholeState(t *testing.T) {
	checked := 0
	for _, sc := range scenarios(t) {
		acts := false
		for _, st := range sc.Steps {
			acts = acts || st.Type == messages.PickleStepType_ACTION
		}
		if !acts || contains(sc.Tags, "@sides-differ") {
			continue
		}
		if contains(sc.Tags, "@explore") {
			assert.Equal(t, dikidi.ExploredStep, sc.Steps[len(sc.Steps)-1].Text, "%s: %q explores but does not end by saying both sides agreed after every step", sc.File, sc.Name)
			continue
		}
		checked++
		last := sc.Steps[len(sc.Steps)-1].Text
		assert.Equal(t, dikidi.WholeStateStep, last, "%s: %q changes something but does not end with the whole-state step", sc.File, sc.Name)
	}
	assert.Positive(t, checked)
}

// TestScenarioNamesAreUnique: reports, the fault table and the test design
// name scenarios; an outline's title must name its columns so rows differ.
func TestScenarioNamesAreUnique(t *testing.T) {
	seen := map[string]string{}
	for _, sc := range scenarios(t) {
		if prev, dup := seen[sc.Name]; dup {
			t.Errorf("scenario %q is in %s and %s", sc.Name, prev, sc.File)
		}
		seen[sc.Name] = sc.File
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestTestDesignNamesScenariosThatExist: every scenario and test the test
// design (docs/test-design-dikidi.md) names in its tables exists, so the
// design cannot claim coverage the features do not have.
func TestTestDesignNamesScenariosThatExist(t *testing.T) {
	doc, err := os.ReadFile("../../docs/test-design-dikidi.md")
	require.NoError(t, err)
	known := map[string]bool{}
	for _, sc := range scenarios(t) {
		known[sc.Name], known[sc.Title] = true, true
	}
	tests := map[string]bool{}
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	testFunc := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range testFunc.FindAllStringSubmatch(string(src), -1) {
			tests[m[1]] = true
		}
	}
	named := regexp.MustCompile("`([^`]+)`")
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if !strings.HasPrefix(strings.TrimSpace(line), "|") || len(cells) < 2 {
			continue
		}
		for _, m := range named.FindAllStringSubmatch(cells[len(cells)-1], -1) {
			name := m[1]
			switch {
			case strings.HasPrefix(name, "Test"):
				assert.True(t, tests[name], "the test design names the test %s, which does not exist", name)
			case strings.ContainsAny(name, " "):
				rows++
				assert.True(t, known[name], "the test design names the scenario %q, which the features do not have", name)
			}
		}
	}
	assert.Positive(t, rows, "the test design names no scenario")
}
