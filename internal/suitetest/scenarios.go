// Package suitetest holds the checks every platform's suite makes of itself
// (the reference partner passes everything, a choice the platform leaves open
// turns exactly its scenarios not applicable, every fault is caught, every
// scenario that acts ends with the whole state...), written once over a
// runner.Platform. What differs between platforms comes in as data; what is
// expected is read from the platform's features, never counted by hand.
package suitetest

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
)

// Scenario is one scenario as godog runs it: an outline gives one per row of
// its examples, named and filled in with the row's values.
type Scenario struct {
	File string
	// Name is as a run reports it; Title as written (an outline's keeps its
	// <placeholders>).
	Name, Title string
	// Tags are the scenario's own, its feature's and its examples'.
	Tags []string
	// Own are the tags on the scenario's own line.
	Own []string
	// FeatureTags are its feature's tags, the platform's (the first) left out.
	FeatureTags []string
	// Comment is the block of comment lines right above the scenario (or
	// its tags); FeatureComment the one above its feature.
	Comment, FeatureComment string
	// Steps are the background's and the scenario's, in the order they run.
	Steps []Step
}

// Step is a step with its effective keyword: an And or But takes the one
// before it.
type Step struct {
	Keyword, Text string
	// Background: the step is the feature's background's.
	Background bool
}

var keywords = map[messages.PickleStepType]string{
	messages.PickleStepType_CONTEXT: "Given", messages.PickleStepType_ACTION: "When", messages.PickleStepType_OUTCOME: "Then",
}

// Has tells whether the scenario has a step of that text.
func (s Scenario) Has(text string) bool {
	return slices.ContainsFunc(s.Steps, func(st Step) bool { return st.Text == text })
}

// Tagged tells whether the scenario carries tag, its own or inherited.
func (s Scenario) Tagged(tag string) bool { return slices.Contains(s.Tags, tag) }

// Acts tells whether the scenario's own steps change anything (a When).
func (s Scenario) Acts() bool {
	return slices.ContainsFunc(s.Steps, func(st Step) bool { return !st.Background && st.Keyword == "When" })
}

// Last is the scenario's last step.
func (s Scenario) Last() Step { return s.Steps[len(s.Steps)-1] }

// FeatureTag is the tag that runs the scenario's feature alone: its
// feature's last (features are tagged @platform @flow [@narrower]).
func (s Scenario) FeatureTag() string {
	if len(s.FeatureTags) == 0 {
		return ""
	}
	return s.FeatureTags[len(s.FeatureTags)-1]
}

// Read reads every scenario of the .feature files of fsys with the Gherkin
// parser godog uses, so tests reason about the suite as it runs.
func Read(fsys fs.FS) ([]Scenario, error) {
	var out []Scenario
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".feature" {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		scs, err := Parse(name, string(b))
		out = append(out, scs...)
		return err
	})
	return out, err
}

// Parse reads the scenarios of one feature file's text.
func Parse(file, text string) ([]Scenario, error) {
	var ids messages.Incrementing
	doc, err := gherkin.ParseGherkinDocument(strings.NewReader(text), ids.NewId)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if doc.Feature == nil {
		return nil, nil
	}
	comments := map[int64]string{}
	for _, c := range doc.Comments {
		comments[c.Location.Line] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c.Text), "#"))
	}
	// commentAbove is the block of comment lines right above a keyword's
	// line or its tags'.
	commentAbove := func(line int64, tags []*messages.Tag) string {
		for _, tg := range tags {
			line = min(line, tg.Location.Line)
		}
		var lines []string
		for l := line - 1; comments[l] != ""; l-- {
			lines = append([]string{comments[l]}, lines...)
		}
		return strings.Join(lines, " ")
	}
	var featureTags []string
	for i, tg := range doc.Feature.Tags {
		if i > 0 {
			featureTags = append(featureTags, tg.Name)
		}
	}
	featureComment := commentAbove(doc.Feature.Location.Line, doc.Feature.Tags)
	scenarios := map[string]*messages.Scenario{}
	background := map[string]bool{}
	var children []*messages.FeatureChild
	children = append(children, doc.Feature.Children...)
	for _, c := range doc.Feature.Children {
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				children = append(children, &messages.FeatureChild{Background: rc.Background, Scenario: rc.Scenario})
			}
		}
	}
	for _, c := range children {
		if c.Background != nil {
			for _, st := range c.Background.Steps {
				background[st.Id] = true
			}
		}
		if c.Scenario != nil {
			scenarios[c.Scenario.Id] = c.Scenario
		}
	}
	var out []Scenario
	for _, p := range gherkin.Pickles(*doc, file, ids.NewId) {
		sc := scenarios[p.AstNodeIds[0]]
		s := Scenario{File: file, Name: p.Name, Title: sc.Name, FeatureTags: featureTags,
			Comment: commentAbove(sc.Location.Line, sc.Tags), FeatureComment: featureComment}
		for _, tg := range p.Tags {
			s.Tags = append(s.Tags, tg.Name)
		}
		for _, tg := range sc.Tags {
			s.Own = append(s.Own, tg.Name)
		}
		for _, st := range p.Steps {
			s.Steps = append(s.Steps, Step{Keyword: keywords[st.Type], Text: st.Text, Background: background[st.AstNodeIds[0]]})
		}
		out = append(out, s)
	}
	return out, nil
}

// Scenarios are the scenarios of p's features that a run with the tag
// expression tags runs (all of them for none).
func Scenarios(t testing.TB, p runner.Platform, tags string) []Scenario {
	t.Helper()
	all, err := Read(p.Features())
	require.NoError(t, err)
	require.NotEmpty(t, all, "%s has no scenario", p.Name())
	var out []Scenario
	for _, s := range all {
		if Matches(tags, s.Tags) {
			out = append(out, s)
		}
	}
	return out
}

// Names are the scenarios' names, in order.
func Names(scs []Scenario) []string {
	out := make([]string, 0, len(scs))
	for _, s := range scs {
		out = append(out, s.Name)
	}
	return out
}

// Matches tells whether a scenario of these tags runs under godog's tag
// expression: "&&" joins terms that must all hold, "," alternatives, "~"
// negates. It is godog's own rule (its filter is internal to it), quirks
// and all: "@" signs are dropped wherever they stand.
func Matches(expr string, tags []string) bool {
	if expr == "" {
		return true
	}
	has := func(tag string) bool {
		return slices.ContainsFunc(tags, func(t string) bool { return strings.ReplaceAll(t, "@", "") == tag })
	}
	for _, and := range strings.Split(expr, "&&") {
		any := false
		for _, tag := range strings.Split(and, ",") {
			tag = strings.ReplaceAll(strings.TrimSpace(tag), "@", "")
			any = any || has(tag)
			if strings.HasPrefix(tag, "~") {
				any = any || !has(tag[1:])
			}
		}
		if !any {
			return false
		}
	}
	return true
}
