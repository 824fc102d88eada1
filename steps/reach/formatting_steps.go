package reach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/stepkit"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func registerFormatting(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^every answer of the sync was valid against the Reach specification$`, func() error {
		return w.violations("formatting: answers break the Reach specification", func(journal.Violation) bool { return true })
	})
	sc.Step(`^every date in the answers is written YYYY-MM-DD$`, func() error {
		return w.violations("formatting: dates are not written YYYY-MM-DD", isDateViolation)
	})
	sc.Step(`^Reach asks for a page past the end of every reference list$`, w.pastTheEnd)
	sc.Step(`^Reach asks for the statements of a month before the books start$`, w.beforeTheBooks)
	sc.Step(`^every empty list came back as \[\], never null$`, w.emptyLists)
	sc.Step(`^no answer has a field named after data such as a date, a number or an id$`, func() error {
		return w.violations("formatting: field names made of data", func(v journal.Violation) bool { return v.Rule == reachmock.RuleDynamicName })
	})
	sc.Step(`^the records of every list have the same field names$`, func() error {
		return w.violations("formatting: field names vary from record to record", func(v journal.Violation) bool { return v.Rule == reachmock.RuleVaryingNames })
	})
}

// isDateViolation is a format breach on a date field, or a period that is not plain months.
func isDateViolation(v journal.Violation) bool {
	last := v.Field
	if i := strings.LastIndex(last, "."); i >= 0 {
		last = last[i+1:]
	}
	return (v.Rule == "format" && strings.HasSuffix(last, "Date")) || (v.Rule == reachmock.RulePeriod && strings.Contains(v.Message, "calendar month"))
}

// violations fails with the last sync's answers that have a violation keep accepts.
func (w *world) violations(what string, keep func(journal.Violation) bool) error {
	r, err := w.lastSync("")
	if err != nil {
		return err
	}
	var bad []string
	n := 0
	entries := r.Trace.Entries()
	for _, e := range entries {
		var vs []journal.Violation
		for _, v := range e.ResponseViolations {
			if keep(v) {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		n++
		if len(bad) < 3 {
			bad = append(bad, fmt.Sprintf("%s %s (%s) → %d: %s", e.Method, e.URL, e.Operation, e.Status, spec.Summary(stepkit.Head(vs, 3))))
		}
	}
	if n > 0 {
		return fmt.Errorf("%s in %d of %d answers: %s", what, n, len(entries), strings.Join(bad, "; "))
	}
	return nil
}

func (w *world) pastTheEnd() error {
	w.probes = nil
	for _, id := range w.s.companyIDs() {
		for _, op := range reachmock.ListOperations() {
			res, err := w.s.reach.Page(w.Ctx, w.conn, op, id, 100000, 100, nil)
			if err != nil {
				return fmt.Errorf("formatting: %v", err)
			}
			w.probes = append(w.probes, res)
		}
	}
	return nil
}

func (w *world) beforeTheBooks() error {
	for _, c := range w.s.set.Companies {
		m := c.FirstMonth.Add(-12)
		path := map[string]string{"CompanyId": c.Company.CompanyID}
		q := url.Values{"StartDate": {m.StartDate()}, "EndDate": {m.EndDate()}, "AccountingBasis": {"ACCRUAL"}}
		for _, op := range []string{"getProfitAndLoss", "getBalanceSheet", "getCashFlow"} {
			res, err := w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: op, Path: path, Query: q})
			if err != nil {
				return fmt.Errorf("formatting: %v", err)
			}
			w.probes = append(w.probes, res)
		}
	}
	return nil
}

// emptyLists: every array of the answers is [] (the probes ask for nothing that exists).
func (w *world) emptyLists() error {
	var bad []string
	for _, res := range w.probes {
		if res.Status != 200 {
			bad = append(bad, fmt.Sprintf("%s answered %d for a valid request without data; want 200 with []: %s", res.Entry.Operation, res.Status, stepkit.Describe(res.Entry)))
			continue
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(res.Body, &body); err != nil {
			bad = append(bad, fmt.Sprintf("%s is not a JSON object: %s", res.Entry.Operation, stepkit.Describe(res.Entry)))
			continue
		}
		keys := []string{"Data"}
		if strings.HasPrefix(res.Entry.Operation, "get") { // a statement
			keys = append(keys, "Summary")
		}
		for _, k := range keys {
			raw, ok := body[k]
			if !ok {
				bad = append(bad, fmt.Sprintf("%s %s has no %s", res.Entry.Method, res.Entry.URL, k))
				continue
			}
			if s := string(bytes.TrimSpace(raw)); s != "[]" {
				bad = append(bad, fmt.Sprintf("%s %s: %s is %s, want []", res.Entry.Method, res.Entry.URL, k, s))
			}
		}
	}
	return findings("formatting", bad)
}
