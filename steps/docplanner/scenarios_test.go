package docplanner_test

import (
	"bufio"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

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

var placeholder = regexp.MustCompile(`<([^>]+)>`)

// readScenarios parses every feature file: enough Gherkin for accord's
// features (tags, comments, scenarios, outlines with examples, step
// tables), so tests can reason about the suite without running it.
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
	var (
		out                   []scenario
		featureTags, pending  []string
		comment               string
		cur                   *scenario
		outline, inExamples   bool
		header                []string
		exampleTags           []string
		keyword               string
		inBackground, docText bool
	)
	flush := func() {
		if cur != nil && !outline {
			out = append(out, *cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, `"""`) {
			docText = !docText
			continue
		}
		switch {
		case docText || line == "":
		case strings.HasPrefix(line, "#"):
			comment = strings.TrimSpace(strings.TrimSpace(comment) + " " + strings.TrimPrefix(line, "#"))
		case strings.HasPrefix(line, "@"):
			pending = append(pending, strings.Fields(line)...)
		case strings.HasPrefix(line, "Feature:"):
			featureTags, pending, comment = pending, nil, ""
		case strings.HasPrefix(line, "Background:"):
			flush()
			inBackground = true
		case strings.HasPrefix(line, "Scenario"):
			flush()
			name := strings.TrimSpace(line[strings.Index(line, ":")+1:])
			outline = strings.HasPrefix(line, "Scenario Outline:") || strings.HasPrefix(line, "Scenario Template:")
			cur = &scenario{File: file, Name: name, Tags: append(slices.Clone(featureTags), pending...), Comment: comment}
			pending, comment, inBackground, inExamples, keyword = nil, "", false, false, ""
		case strings.HasPrefix(line, "Examples:"):
			inExamples, header, exampleTags, pending = true, nil, pending, nil
		case strings.HasPrefix(line, "|"):
			if !inExamples || cur == nil {
				continue
			}
			var cells []string
			for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
				cells = append(cells, strings.TrimSpace(c))
			}
			if header == nil {
				header = cells
				continue
			}
			fill := func(s string) string {
				return placeholder.ReplaceAllStringFunc(s, func(m string) string {
					if i := slices.Index(header, m[1:len(m)-1]); i >= 0 && i < len(cells) {
						return cells[i]
					}
					return m
				})
			}
			row := scenario{File: file, Name: fill(cur.Name), Tags: append(slices.Clone(cur.Tags), exampleTags...), Comment: cur.Comment}
			for _, s := range cur.Steps {
				row.Steps = append(row.Steps, step{s.Keyword, fill(s.Text)})
			}
			out = append(out, row)
		default:
			kw, rest, ok := strings.Cut(line, " ")
			if !ok || !slices.Contains([]string{"Given", "When", "Then", "And", "But", "*"}, kw) {
				if cur == nil && !inBackground {
					continue // the feature's description
				}
				t.Fatalf("%s: cannot read line %q", file, line)
			}
			if kw == "Given" || kw == "When" || kw == "Then" {
				keyword = kw
			}
			if cur != nil && !inBackground {
				cur.Steps = append(cur.Steps, step{keyword, rest})
			}
		}
	}
	flush()
	return out
}

func (s scenario) has(text string) bool {
	return slices.ContainsFunc(s.Steps, func(st step) bool { return st.Text == text })
}

func (s scenario) tagged(tag string) bool { return slices.Contains(s.Tags, tag) }

// wholeState is the step that ends every scenario that changes anything.
const wholeState = "Docplanner and the partner's system agree on every booking, break and free slot of the horizon"

// TestScenariosThatChangeAnythingEndWithTheWholeState: a check of the one
// item a step names lets a bug in the second object, another field or
// another day pass; every scenario that does something (has a When step)
// ends by holding both sides whole against each other. A scenario whose
// point is that the sides must not agree says so with @sides-may-differ
// and a comment giving the reason.
func TestScenariosThatChangeAnythingEndWithTheWholeState(t *testing.T) {
	checked := 0
	for _, s := range readScenarios(t) {
		acts := slices.ContainsFunc(s.Steps, func(st step) bool { return st.Keyword == "When" })
		if s.tagged("@sides-may-differ") {
			if s.Comment == "" {
				t.Errorf("%s: %q is tagged @sides-may-differ without a comment saying why", s.File, s.Name)
			}
			continue
		}
		if !acts {
			continue
		}
		checked++
		if last := s.Steps[len(s.Steps)-1]; last.Text != wholeState {
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
