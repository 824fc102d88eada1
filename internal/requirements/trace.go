package requirements

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// TagPrefix starts a tag that traces a scenario to a requirement:
// @req:DP-ACT-2. godog's tag filter takes it as it is (--tags @req:DP-ACT-2):
// it splits an expression only on "&&" and "," and compares whole names.
const TagPrefix = "@req:"

// Scenario is one scenario as godog runs it: an outline gives one per row
// of its examples.
type Scenario struct {
	Name string
	// Location is the feature file and the scenario's line ("mapping.feature:10").
	Location string
	// Tags are the scenario's own, its feature's and its examples'.
	Tags []string
}

// Traces are the requirement ids a scenario's tags name, in their order.
func Traces(tags []string) []string {
	var out []string
	for _, t := range tags {
		if id, ok := strings.CutPrefix(t, TagPrefix); ok && !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Scenarios reads every .feature file of fsys with the Gherkin parser godog
// uses, so a check of the tags sees the suite as it runs.
func Scenarios(fsys fs.FS) ([]Scenario, error) {
	var out []Scenario
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".feature" {
			return err
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		var ids messages.Incrementing
		doc, err := gherkin.ParseGherkinDocument(f, ids.NewId)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if doc.Feature == nil {
			return nil
		}
		lines := map[string]int64{}
		for _, c := range doc.Feature.Children {
			if c.Scenario != nil {
				lines[c.Scenario.Id] = c.Scenario.Location.Line
				for _, ex := range c.Scenario.Examples {
					for _, row := range ex.TableBody {
						lines[row.Id] = row.Location.Line
					}
				}
			}
			if c.Rule != nil {
				for _, rc := range c.Rule.Children {
					if rc.Scenario != nil {
						lines[rc.Scenario.Id] = rc.Scenario.Location.Line
					}
				}
			}
		}
		for _, p := range gherkin.Pickles(*doc, name, ids.NewId) {
			// godog names an outline's row by the row's line.
			line := lines[p.AstNodeIds[len(p.AstNodeIds)-1]]
			if line == 0 {
				line = lines[p.AstNodeIds[0]]
			}
			sc := Scenario{Name: p.Name, Location: fmt.Sprintf("%s:%d", name, line)}
			for _, t := range p.Tags {
				sc.Tags = append(sc.Tags, t.Name)
			}
			out = append(out, sc)
		}
		return nil
	})
	return out, err
}

// Trace lists every break in the tracing between the catalogue and the
// scenarios: a requirement that is neither traced by a scenario nor checked
// by hand, a scenario that traces to nothing, a scenario that traces to an
// id the catalogue does not have.
func (c *Catalogue) Trace(scenarios []Scenario) []string {
	var problems []string
	traced := map[string]bool{}
	for _, s := range scenarios {
		ids := Traces(s.Tags)
		if len(ids) == 0 {
			problems = append(problems, fmt.Sprintf("%s: scenario %q traces to no requirement (tag it %s%s-AREA-N)", s.Location, s.Name, TagPrefix, c.Prefix))
		}
		for _, id := range ids {
			if _, ok := c.Get(id); !ok {
				problems = append(problems, fmt.Sprintf("%s: scenario %q traces to %s, which %s does not list", s.Location, s.Name, id, c.File))
			}
			traced[id] = true
		}
	}
	for _, r := range c.Requirements {
		if !traced[r.ID] && r.Manual == "" {
			problems = append(problems, fmt.Sprintf("%s:%d: %s has no scenario and is not marked manual (what the specialist checks by hand)", c.File, r.Line, r.ID))
		}
	}
	return problems
}

// Verdicts of a requirement in a run's table.
const (
	Passed        = "passed"
	Failed        = "failed"
	NotApplicable = "not applicable"
	Incomplete    = "incomplete" // a scenario was skipped or cut off
	Waived        = "waived"     // a scenario failed, and a valid waiver accepts it for now
	NotRun        = "not run"    // --tags left its scenarios out
	Manual        = "manual"     // no scenario: the specialist checks it by hand
)

// Result is a scenario's outcome in a run, as summary.json gives it.
type Result struct {
	Name, Location, Status string
	Requirements           []string
}

// Row is one requirement in a run's requirements table.
type Row struct {
	ID          string `json:"id"`
	Requirement string `json:"requirement"`
	Source      string `json:"source"`
	// Scenarios are the scenarios of the run that trace to it ("file:line name").
	Scenarios []string `json:"scenarios,omitempty"`
	Verdict   string   `json:"verdict"`
	// Manual is what the specialist checks by hand, when accord cannot.
	Manual string `json:"manual,omitempty"`
}

// Table is the requirements table of a run: every requirement of the
// catalogue with the scenarios of the run that trace to it and its verdict.
// One failed scenario fails a requirement; one skipped or cut off leaves it
// incomplete; one waived (and none failed) leaves it waived; scenarios that all do not apply to the partner leave it not
// applicable. A requirement no scenario of the features traces to is
// manual; one whose scenarios the run left out (--tags) is not run.
func (c *Catalogue) Table(features []Scenario, results []Result) []Row {
	traced := map[string]bool{}
	for _, s := range features {
		for _, id := range Traces(s.Tags) {
			traced[id] = true
		}
	}
	byReq := map[string][]Result{}
	for _, r := range results {
		for _, id := range r.Requirements {
			byReq[id] = append(byReq[id], r)
		}
	}
	var rows []Row
	for _, req := range c.Requirements {
		row := Row{ID: req.ID, Requirement: req.Text, Source: c.SourceText(req), Manual: req.Manual}
		rs := byReq[req.ID]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Location < rs[j].Location })
		for _, r := range rs {
			row.Scenarios = append(row.Scenarios, r.Location+" "+r.Name)
		}
		switch {
		case len(rs) > 0:
			row.Verdict = verdict(rs)
		case traced[req.ID]:
			row.Verdict = NotRun
		default:
			row.Verdict = Manual
		}
		rows = append(rows, row)
	}
	return rows
}

// verdict of a requirement from its scenarios' statuses.
func verdict(rs []Result) string {
	failed, incomplete, waived, applied := false, false, false, false
	for _, r := range rs {
		switch r.Status {
		case "passed":
			applied = true
		case "waived":
			waived, applied = true, true
		case "not_applicable":
		case "skipped", "not_run":
			incomplete, applied = true, true
		default:
			failed = true
		}
	}
	switch {
	case failed:
		return Failed
	case incomplete:
		return Incomplete
	case waived:
		return Waived
	case !applied:
		return NotApplicable
	}
	return Passed
}

// SourceText is a requirement's sources as people read them, each
// document by its title.
func (c *Catalogue) SourceText(r Requirement) string {
	var out []string
	for _, s := range r.Sources {
		title := s.Document
		if d, ok := c.Document(s.Document); ok {
			title = d.Title
		}
		out = append(out, title+" § "+s.Section)
	}
	return strings.Join(out, "; ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Counts are how many requirements scenarios check (automated) and how many
// only the specialist checks, by hand (manual).
func (c *Catalogue) Counts(scenarios []Scenario) (automated, manual int) {
	traced := map[string]bool{}
	for _, s := range scenarios {
		for _, id := range Traces(s.Tags) {
			traced[id] = true
		}
	}
	for _, r := range c.Requirements {
		if traced[r.ID] {
			automated++
		} else {
			manual++
		}
	}
	return automated, manual
}
