package docplanner_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/stretchr/testify/require"

	features "github.com/accord-harness/accord/features/docplanner"
)

// scenario is one scenario of the Docplanner features as godog runs it: an
// outline gives one per row of its examples, its name and steps filled in.
type scenario struct {
	File, Name string
	// Tags are the scenario's own, its feature's and its examples'.
	Tags []string
	// Comment is the comment just above the scenario (or its tags).
	Comment string
	// Steps are the scenario's steps (not the background's), each with its
	// effective keyword: an And or But takes the keyword before it.
	Steps []step
}

type step struct{ Keyword, Text string }

// keywords are the effective keywords of Gherkin's step types.
var keywords = map[messages.PickleStepType]string{
	messages.PickleStepType_CONTEXT: "Given", messages.PickleStepType_ACTION: "When", messages.PickleStepType_OUTCOME: "Then",
}

// readScenarios reads every feature file with the Gherkin parser godog
// uses, so tests reason about the suite as it runs, without running it.
func readScenarios(t *testing.T) []scenario {
	t.Helper()
	files, err := fs.Glob(features.FS, "*.feature")
	require.NoError(t, err)
	var out []scenario
	for _, f := range files {
		data, err := fs.ReadFile(features.FS, f)
		require.NoError(t, err)
		out = append(out, parseFeature(t, f, string(data))...)
	}
	require.NotEmpty(t, out)
	return out
}

func parseFeature(t *testing.T, file, text string) []scenario {
	t.Helper()
	var ids messages.Incrementing
	doc, err := gherkin.ParseGherkinDocument(strings.NewReader(text), ids.NewId)
	require.NoError(t, err, file)
	comments := map[int64]string{}
	for _, c := range doc.Comments {
		comments[c.Location.Line] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c.Text), "#"))
	}
	// The comment of a scenario is the block of comment lines right above
	// its first line (its tags, or its keyword).
	above := map[string]string{}
	background := map[string]bool{}
	for _, c := range doc.Feature.Children {
		if c.Background != nil {
			for _, st := range c.Background.Steps {
				background[st.Id] = true
			}
		}
		if c.Scenario == nil {
			continue
		}
		first := c.Scenario.Location.Line
		for _, tg := range c.Scenario.Tags {
			first = min(first, tg.Location.Line)
		}
		var lines []string
		for l := first - 1; comments[l] != ""; l-- {
			lines = append([]string{comments[l]}, lines...)
		}
		above[c.Scenario.Id] = strings.Join(lines, " ")
	}
	var out []scenario
	for _, p := range gherkin.Pickles(*doc, file, ids.NewId) {
		sc := scenario{File: file, Name: p.Name, Comment: above[p.AstNodeIds[0]]}
		for _, tg := range p.Tags {
			sc.Tags = append(sc.Tags, tg.Name)
		}
		for _, st := range p.Steps {
			if !background[st.AstNodeIds[0]] {
				sc.Steps = append(sc.Steps, step{keywords[st.Type], st.Text})
			}
		}
		out = append(out, sc)
	}
	return out
}

func (s scenario) has(text string) bool {
	return slices.ContainsFunc(s.Steps, func(st step) bool { return st.Text == text })
}

func (s scenario) tagged(tag string) bool { return slices.Contains(s.Tags, tag) }

// wholeState is the step that ends every scenario that changes anything;
// an exploration ends with explored, its comparison after every step.
const (
	wholeState = "Docplanner and the partner's system agree on every booking, break and free slot of the horizon"
	explored   = "both sides agreed on their whole state after every step"
)

// TestScenariosThatChangeAnythingEndWithTheWholeState: a check of the one
// item a step names lets a bug in the second object, another field or
// another day pass; every scenario that does something (has a When step)
// ends by holding both sides whole against each other. A scenario whose
// point is that the sides must not agree says so with @sides-differ
// and a comment giving the reason.
func TestScenariosThatChangeAnythingEndWithTheWholeState(t *testing.T) {
	checked := 0
	for _, s := range readScenarios(t) {
		acts := slices.ContainsFunc(s.Steps, func(st step) bool { return st.Keyword == "When" })
		if s.tagged("@sides-differ") {
			if s.Comment == "" {
				t.Errorf("%s: %q is tagged @sides-differ without a comment saying why", s.File, s.Name)
			}
			continue
		}
		if !acts {
			continue
		}
		checked++
		want := wholeState
		if s.tagged("@explore") {
			want = explored
		}
		if last := s.Steps[len(s.Steps)-1]; last.Text != want {
			t.Errorf("%s: %q changes things but ends with %q, not with the whole-state step", s.File, s.Name, last.Text)
		}
	}
	require.Positive(t, checked)
}

// TestReadScenariosSeesOutlinesAsGodogDoes: the parser gives an outline one
// scenario per example, with its name and steps filled in.
func TestReadScenariosSeesOutlinesAsGodogDoes(t *testing.T) {
	got := parseFeature(t, "x.feature", `@f
Feature: f
  Background:
    Given a clinic

  # why
  @s
  Scenario Outline: <who> books at <when>
    Given the partner has activated
    When <who> books
    And it is <when>
    Then it shows

    @e
    Examples:
      | who | when  |
      | Ann | 10:00 |
      | Bob | 11:00 |

  Scenario: plain
    Given nothing
`)
	require.Len(t, got, 3)
	require.Equal(t, "Ann books at 10:00", got[0].Name)
	require.Equal(t, []string{"@f", "@s", "@e"}, got[0].Tags)
	require.Equal(t, "why", got[0].Comment)
	require.Equal(t, []step{{"Given", "the partner has activated"}, {"When", "Bob books"}, {"When", "it is 11:00"}, {"Then", "it shows"}}, got[1].Steps)
	require.Equal(t, "plain", got[2].Name)
	require.Equal(t, []string{"@f"}, got[2].Tags)
	require.Empty(t, got[2].Comment)
}
