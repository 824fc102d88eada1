package reach

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cucumber/godog"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/stepkit"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func registerReliability(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^every operation the specification requires answered with success$`, w.requiredAnswered)
	sc.Step(`^every answer came within the latency budget on the run clock$`, w.withinBudget)
	sc.Step(`^a statement on an unknown basis, a period that ends before it starts and a metric query naming no metric are each refused with 400 and an errors body$`, w.invalidRefused)
}

// invalidRefused asks the first company for what the document calls a bad request (its BadRequest
// response and the Periods rule): the answer is 400 with the errors body, never figures for a guess.
func (w *world) invalidRefused() error {
	c := w.s.set.Companies[0]
	path := map[string]string{"CompanyId": c.Company.CompanyID}
	month := c.FirstMonth
	calls := map[string]reachmock.Request{
		"a statement on AccountingBasis BOTH": {Operation: "getProfitAndLoss", Path: path,
			Query: url.Values{"StartDate": {month.StartDate()}, "EndDate": {month.EndDate()}, "AccountingBasis": {"BOTH"}}},
		"a statement whose EndDate comes before its StartDate": {Operation: "getBalanceSheet", Path: path,
			Query: url.Values{"StartDate": {month.Add(1).StartDate()}, "EndDate": {month.EndDate()}, "AccountingBasis": {"ACCRUAL"}}},
		"a metric query naming no metric": {Operation: "queryNonFinancialValues", Path: path,
			JSON: map[string]any{"NonFinancialIds": []string{}, "StartDate": month.StartDate(), "EndDate": month.EndDate()}},
	}
	var bad []string
	for _, what := range slices.Sorted(maps.Keys(calls)) {
		res, err := w.s.reach.Do(w.Ctx, w.conn, calls[what])
		if err != nil {
			return fmt.Errorf("endpoint reliability: %s: %v", what, err)
		}
		if why := reachmock.Refusal(res, 400); why != "" {
			bad = append(bad, what+" "+why)
		}
	}
	return findings("endpoint reliability", bad)
}

// requiredAnswered reads "required" from the specification (x-accord-required), and what success is
// for each operation (the 2xx statuses its responses document): the document stays the one source
// of truth. A 2xx the operation does not document (201 for a read, 206) is not its success.
func (w *world) requiredAnswered() error {
	doc := w.s.reach.SpecDoc()
	success := map[string][]int{}
	for _, op := range doc.Operations() {
		success[op.ID] = documentedSuccess(doc.Doc, op)
	}
	last := map[string]journal.Entry{}
	ok := map[string]bool{}
	for _, e := range w.s.Journal.Tenant(w.id) {
		last[e.Operation] = e
		if e.OK() && slices.Contains(success[e.Operation], e.Status) {
			ok[e.Operation] = true
		}
	}
	var missing []string
	for _, op := range doc.Operations() {
		if !op.Required || ok[op.ID] {
			continue
		}
		why := "was never called"
		if e, called := last[op.ID]; called {
			why = "answered " + stepkit.Describe(e)
			if e.OK() {
				why += fmt.Sprintf(", a status the specification does not document for it (its success is %v)", success[op.ID])
			}
		}
		missing = append(missing, fmt.Sprintf("%s (%s %s, flow %s) %s", op.ID, strings.ToUpper(op.Method), op.Path, op.Flow, why))
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("endpoint reliability: %d required operations never answered with success: %s", len(missing), strings.Join(missing, "; "))
	}
	return nil
}

func (w *world) withinBudget() error {
	r, err := w.lastSync("")
	if err != nil {
		return err
	}
	budget := w.s.reach.LatencyBudget()
	var slow []string
	n := 0
	records := r.Trace.Records()
	for _, rec := range records {
		if rec.Took > budget {
			n++
			if len(slow) < 3 {
				slow = append(slow, fmt.Sprintf("%s took %.1fs", rec.Operation, rec.Took.Seconds()))
			}
		}
	}
	if n > 0 {
		return fmt.Errorf("latency: %d of %d answers took longer than the %s budget on the run clock: %s", n, len(records), budget, strings.Join(slow, ", "))
	}
	return nil
}

// documentedSuccess is the 2xx statuses the document gives an operation's responses.
func documentedSuccess(doc *openapi3.T, op spec.Operation) []int {
	var out []int
	item := doc.Paths.Value(op.Path)
	if item == nil {
		return out
	}
	o := item.GetOperation(strings.ToUpper(op.Method))
	if o == nil || o.Responses == nil {
		return out
	}
	for code := range o.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
