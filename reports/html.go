package reports

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/requirements"
)

// HTMLFile is the report page's name in a report directory.
const HTMLFile = "report.html"

//go:embed report.html.tmpl
var pageTemplate string

// maxEvidence bounds the exchanges shown per failed scenario, and
// maxPassedEvidence per passed one; the HAR has them all.
const (
	maxEvidence       = 60
	maxPassedEvidence = 15
)

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pretty":   pretty,
	"headers":  headerLines,
	"ms":       func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) },
	"secs":     func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) },
	"clock":    func(t time.Time) string { return t.Format("15:04:05.000") },
	"date":     func(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") },
	"statusOK": func(e journal.Entry) bool { return e.OK() },
	"anchor":   anchor,
	"label":    func(status string) string { return strings.ReplaceAll(status, "_", " ") },
	"class":    func(verdict string) string { return strings.ReplaceAll(verdict, " ", "_") },
	"way":      way,
	"listed":   listed,
}).Parse(pageTemplate))

// way is an exchange's direction as people say it: who called whom.
func way(e journal.Entry, platform string) string {
	if e.Direction == journal.Outbound {
		return platform + " → partner"
	}
	return "partner → " + platform
}

// scenarioView is a scenario with its evidence.
type scenarioView struct {
	Scenario
	Anchor    string
	Exchanges []journal.Entry
	Omitted   int
	// Judged counts the exchanges of the failing step, shown first.
	Judged     int
	JudgedSeqs map[int64]bool
}

type featureView struct {
	Name      string
	Scenarios []scenarioView
}

// WriteHTML writes the report page.
func WriteHTML(path string, r Run) error {
	counts := r.Counts()
	var features []featureView
	index := map[string]int{}
	var failures, notApplicable []scenarioView
	for _, s := range r.Scenarios {
		v := scenarioView{Scenario: s, Anchor: anchor(s.Feature + "-" + s.Name)}
		ex := r.exchangesOf(s.Name)
		if s.Status != "passed" {
			ex = evidence(ex, s)
			v.JudgedSeqs = map[int64]bool{}
			for _, e := range ex {
				if s.judged(e) {
					v.Judged++
					v.JudgedSeqs[e.Seq] = true
				}
			}
		}
		limit := maxEvidence
		if s.Status == "passed" {
			limit = maxPassedEvidence
		}
		if len(ex) > limit {
			v.Omitted = len(ex) - limit
			if s.Status == "passed" {
				ex = ex[len(ex)-limit:] // the latest
			} else {
				ex = ex[:limit] // what the failure is about comes first
			}
		}
		v.Exchanges = ex
		i, ok := index[s.Feature]
		if !ok {
			i = len(features)
			index[s.Feature] = i
			features = append(features, featureView{Name: s.Feature})
		}
		features[i].Scenarios = append(features[i].Scenarios, v)
		switch s.Status {
		case "passed", "not_run":
		case "not_applicable":
			notApplicable = append(notApplicable, v)
		default:
			failures = append(failures, v)
		}
	}
	var buf bytes.Buffer
	err := page.Execute(&buf, map[string]any{
		"Run": r, "Counts": counts, "Skipped": counts.Skipped,
		"Features": features, "Failures": failures, "NotApplicable": notApplicable,
		"Figures": figures(r.Extras, filepath.Dir(path)), "Title": cmp.Or(r.Title, r.Platform),
		"RequirementCounts": requirementCounts(r.Requirements),
	})
	if err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// evidence puts first what the failing step judged (the exchanges made
// while it ran, refused ones and violations first), then the scenario's
// other refused calls and violations, then the rest in order: a failure a
// scenario staged earlier (a 503 it asked for) is not the proof.
func evidence(es []journal.Entry, s Scenario) []journal.Entry {
	var judgedBad, judged, bad, rest []journal.Entry
	for _, e := range es {
		wrong := !e.OK() || len(e.RequestViolations) > 0 || len(e.ResponseViolations) > 0
		switch {
		case s.judged(e) && wrong:
			judgedBad = append(judgedBad, e)
		case s.judged(e):
			judged = append(judged, e)
		case wrong:
			bad = append(bad, e)
		default:
			rest = append(rest, e)
		}
	}
	return slices.Concat(judgedBad, judged, bad, rest)
}

func anchor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// pretty indents JSON bodies; anything else is shown as text (escaped by the template).
func pretty(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") == nil {
		return out.String()
	}
	return strings.ToValidUTF8(string(b), "�")
}

func headerLines(h map[string][]string) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var lines []string
	for _, k := range keys {
		for _, v := range h[k] {
			lines = append(lines, k+": "+v)
		}
	}
	return strings.Join(lines, "\n")
}

// listedReason is a reason that is a list: what was checked, then its items.
type listedReason struct {
	Head  string
	Items []string
}

// listed reads a one-line reason of many "; "-separated findings (a
// statement's figures, refused requests) as a head and a list; a reason with
// lines of its own (a difference table) or few findings stays as it is.
func listed(reason string) *listedReason {
	const minItems = 4
	if strings.Contains(reason, "\n") {
		return nil
	}
	items := splitOutside(reason)
	if len(items) < minItems {
		return nil
	}
	// What was checked is the first item's lead, up to its first ": ".
	head := ""
	if i := strings.Index(items[0], ": "); i >= 0 {
		head, items[0] = items[0][:i+1], items[0][i+2:]
	}
	return &listedReason{Head: head, Items: items}
}

// splitOutside splits on "; " outside brackets: a finding may itself hold
// a list in parentheses ("(key active; clients all)").
func splitOutside(s string) []string {
	var out []string
	depth, last := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth = max(depth-1, 0)
		case ';':
			if depth == 0 && i+1 < len(s) && s[i+1] == ' ' {
				out = append(out, s[last:i])
				last = i + 2
			}
		}
	}
	return append(out, s[last:])
}

// requirementCounts says how many requirements ended with each verdict, in
// the order a reader weighs them.
func requirementCounts(rows []requirements.Row) string {
	n := map[string]int{}
	for _, r := range rows {
		n[r.Verdict]++
	}
	out := fmt.Sprintf("%d requirements", len(rows))
	for _, v := range []string{requirements.Failed, requirements.Incomplete, requirements.Waived, requirements.Passed, requirements.NotApplicable, requirements.NotRun, requirements.Manual} {
		if n[v] > 0 {
			out += fmt.Sprintf(", %d %s", n[v], v)
		}
	}
	if n[requirements.Manual] > 0 {
		out += " (checked by hand: no scenario can)"
	}
	return out
}
