package runner

import (
	"regexp"
	"sort"
	"strings"

	"github.com/accord-harness/accord/reports"
)

// A run's verdict, from the best to the worst.
const (
	VerdictPassed = "passed"
	// VerdictPassedWithWarnings: every scenario passed, but the platform let
	// something pass that breaks its document (a tolerated format, a field
	// the document does not have), as the real platform does. The run
	// passes; the warnings are listed so the partner can fix them.
	VerdictPassedWithWarnings = "passed with warnings"
	VerdictIncomplete         = "incomplete"
	VerdictFailed             = "failed"
)

// Passed tells whether a verdict lets the run through (exit 0, a CI gate
// open): passed, with warnings or waivers or without.
func Passed(verdict string) bool {
	return verdict == VerdictPassed || verdict == VerdictPassedWithWarnings || verdict == VerdictPassedWithWaivers
}

// worse is the verdict of two runs together.
func worse(a, b string) string {
	rank := map[string]int{VerdictPassed: 0, VerdictPassedWithWarnings: 1, VerdictPassedWithWaivers: 2, VerdictIncomplete: 3, VerdictFailed: 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// applyWarnings lists the run's warnings; a run that passed with any passed
// with warnings. They never make a verdict worse than that: a tolerated
// format is not a failure.
func (s *Summary) applyWarnings(ws []reports.Warning) {
	s.Warnings = ws
	if s.Verdict == VerdictPassed && len(ws) > 0 {
		s.Verdict = VerdictPassedWithWarnings
	}
}

// arrayIndex is an index in a JSON path: one warning of every item of a
// list is one warning, counted.
var arrayIndex = regexp.MustCompile(`\[\d+\]`)

// warningsOf gathers the warnings of the session's exchanges (what the
// platform let pass that breaks its document), one per operation, field
// and message, with how often it came.
func warningsOf(s Stage) []reports.Warning {
	tr, ok := s.(Traffic)
	if !ok {
		return nil
	}
	byKey := map[[3]string]*reports.Warning{}
	for _, e := range tr.OwnJournal().Select(nil) {
		for _, w := range e.Warnings {
			field := arrayIndex.ReplaceAllString(w.Field, "[]")
			k := [3]string{e.Operation, field, w.Message}
			if byKey[k] == nil {
				byKey[k] = &reports.Warning{Operation: e.Operation, Field: field, Message: w.Message}
			}
			byKey[k].Count++
		}
	}
	out := make([]reports.Warning, 0, len(byKey))
	for _, w := range byKey {
		out = append(out, *w)
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.Join([]string{out[i].Operation, out[i].Field, out[i].Message}, "\x00") <
			strings.Join([]string{out[j].Operation, out[j].Field, out[j].Message}, "\x00")
	})
	return out
}
