package reach

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/statediff"
)

// The whole state of a Reach integration is everything the partner's API serves for the customer:
// user-info, and for every company its information, every reference list read with the default
// page, pages of 7 and one page of 1000 (and a page past the end), the three statements on both
// bases for the company, every budget, class, department and class with department, over the
// books' whole span, a year that starts mid fiscal year and the months before the books, the metric values for actuals, every budget and every class, and what an
// unknown company, budget, class, department or metric is answered. The books say what to ask for,
// so a record a partner leaves out of a list is still asked after.
//
// A reading is a State: items with fields, values as they print. The books make a State for the
// same requests (ExpectedState), and so does a second reading through another token; CompareStates
// lists every difference between two States as one table. Reach is read-only: the partner's state
// never changes, so one reading is the whole truth and there is nothing to wait for.

// State is a whole-state reading: item → field → value.
type State struct {
	items map[string]map[string]string
}

func newState() *State { return &State{items: map[string]map[string]string{}} }

func (s *State) set(item, field, value string) {
	f := s.items[item]
	if f == nil {
		f = map[string]string{}
		s.items[item] = f
	}
	f[field] = value
}

// Len is the number of items read.
func (s *State) Len() int { return len(s.items) }

// CompareStates lists every difference between want (named platform in the table) and got.
func CompareStates(platform string, want, got *State) *statediff.Table {
	t := statediff.New(platform)
	for item, wf := range want.items {
		gf, ok := got.items[item]
		if !ok {
			t.OnlyOnPlatform(item, describeFields(wf))
			continue
		}
		for _, field := range unionKeys(wf, gf) {
			t.Differ(item, field, valueOrNil(wf, field), valueOrNil(gf, field))
		}
	}
	for item, gf := range got.items {
		if _, ok := want.items[item]; !ok {
			t.OnlyAtPartner(item, describeFields(gf))
		}
	}
	return t
}

func valueOrNil(m map[string]string, k string) any {
	if v, ok := m[k]; ok {
		return v
	}
	return nil
}

func unionKeys(a, b map[string]string) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func describeFields(f map[string]string) string {
	keys := unionKeys(f, nil)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+" "+f[k])
	}
	return strings.Join(parts, ", ")
}

// CompareWholeState reads the whole state through c and compares it with what the books call for.
func (r *Reach) CompareWholeState(ctx context.Context, c *Connection, books *reachfixture.Set) (*statediff.Table, error) {
	got, err := r.ReadWholeState(ctx, c, books)
	if err != nil {
		return nil, err
	}
	return CompareStates("the books", ExpectedState(books), got), nil
}

// probe is one question of a whole-state reading.
type probe struct {
	item    string
	company *reachfixture.Company
	kind    probeKind
	list    string // list operation
	stmt    string // statement operation
	basis   reachfixture.Basis
	from    reachfixture.Month
	to      reachfixture.Month
	filter  reachfixture.Filter
	metrics []string
	unknown string     // the unknown id asked for
	modes   []listMode // how a list is read; nil: listModes
	bad     int        // the bad request asked (badRequests, or expiredRequests with token)
	token   string     // the access token past its life a bad request carries
}

// listModes are how a list question reads its list.
func (p probe) listModes() []listMode {
	if p.modes != nil {
		return p.modes
	}
	return listModes
}

type probeKind int

const (
	probeUserInfo probeKind = iota
	probeCompany
	probeList
	probePastTheEnd
	probeStatement
	probeMetrics
	probeUnknown
	probeBad
)

type listMode struct {
	limit int // 0: the document's default, limit left out
	name  string
}

var listModes = []listMode{{0, "default pages"}, {7, "pages of 7"}, {1000, "one page of 1000"}}

var listNames = map[string]string{
	"listChartOfAccounts": "chart of accounts", "listBudgets": "budgets", "listClasses": "classes",
	"listDepartments": "departments", "listNonFinancialMetrics": "non-financial metrics",
}

var statementNames = map[string]string{
	"getProfitAndLoss": "profit and loss", "getBalanceSheet": "balance sheet", "getCashFlow": "cash flow",
}

var statementOps = []string{"getProfitAndLoss", "getBalanceSheet", "getCashFlow"}

func earlier(a, b reachfixture.Month) reachfixture.Month {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b reachfixture.Month) reachfixture.Month {
	if a.After(b) {
		return a
	}
	return b
}

func period(from, to reachfixture.Month) string { return from.String() + ".." + to.String() }

func filterName(f reachfixture.Filter) string {
	var parts []string
	if f.BudgetID != "" {
		parts = append(parts, "budget "+f.BudgetID)
	}
	if f.ClassID != "" {
		parts = append(parts, "class "+f.ClassID)
	}
	if f.DepartmentID != "" {
		parts = append(parts, "department "+f.DepartmentID)
	}
	if len(parts) == 0 {
		return "company"
	}
	return strings.Join(parts, ", ")
}

// plan is every probe of a whole-state reading of books.
func plan(books *reachfixture.Set) []probe {
	out := []probe{{item: "user-info", kind: probeUserInfo}}
	for i, c := range books.Companies {
		id := c.Company.CompanyID
		out = append(out, probe{item: id + " company information", company: c, kind: probeCompany})
		if i == 0 {
			out = append(out, probe{item: "company cmp-unknown", company: c, kind: probeUnknown, unknown: "company"})
		}
		for _, l := range listOps {
			out = append(out, probe{item: id + " " + listNames[l.Op], company: c, kind: probeList, list: l.Op},
				probe{item: id + " " + listNames[l.Op] + " past the end", company: c, kind: probePastTheEnd, list: l.Op})
		}
		whole := func(from, to reachfixture.Month) (reachfixture.Month, reachfixture.Month) {
			return from.Add(-1), to.Add(1)
		}
		from, to := whole(c.FirstMonth, c.LastMonth)
		// The books' whole span and a month each side in one request; a year that starts in a fiscal
		// year's fifth month, so that nothing can lean on a request starting the fiscal year (the
		// syncs ask for fiscal years); the quarter before the books.
		mid := c.FiscalYearStart(c.FirstMonth).Add(4)
		periods := [][2]reachfixture.Month{{from, to}, {mid, mid.Add(11)}, {c.FirstMonth.Add(-3), c.FirstMonth.Add(-1)}}
		stmt := func(op string, basis reachfixture.Basis, f reachfixture.Filter, from, to reachfixture.Month) {
			out = append(out, probe{item: fmt.Sprintf("%s %s %s (%s) %s", id, basis, statementNames[op], filterName(f), period(from, to)),
				company: c, kind: probeStatement, stmt: op, basis: basis, from: from, to: to, filter: f})
		}
		var segments []reachfixture.Filter
		for _, x := range c.Classes {
			segments = append(segments, reachfixture.Filter{ClassID: x.ClassID})
		}
		for _, x := range c.Departments {
			segments = append(segments, reachfixture.Filter{DepartmentID: x.DepartmentID})
		}
		for _, op := range statementOps {
			for _, basis := range reachfixture.Bases {
				for _, p := range periods {
					stmt(op, basis, reachfixture.Filter{}, p[0], p[1])
				}
				for _, f := range segments {
					stmt(op, basis, f, from, to)
				}
			}
			for _, b := range c.Budgets {
				bf, bt, err := reachfixture.ParsePeriod(b.StartDate, b.EndDate)
				if err != nil {
					continue // Validate refuses such books
				}
				bf, bt = whole(bf, bt)
				stmt(op, reachfixture.Accrual, reachfixture.Filter{BudgetID: b.BudgetID}, earlier(bf, from), later(bt, to))
			}
		}
		for _, x := range c.Classes {
			for _, d := range c.Departments {
				stmt("getProfitAndLoss", reachfixture.Accrual, reachfixture.Filter{ClassID: x.ClassID, DepartmentID: d.DepartmentID}, from, to)
			}
		}
		for _, unknown := range []string{"budget", "class", "department", "non-financial metric"} {
			out = append(out, probe{item: id + " unknown " + unknown, company: c, kind: probeUnknown, unknown: unknown})
		}
		var ids []string
		for _, m := range c.NonFinancialMetrics {
			ids = append(ids, m.NonFinancialID)
		}
		if len(ids) == 0 {
			continue
		}
		metric := func(ids []string, f reachfixture.Filter, from, to reachfixture.Month) {
			which := "every metric"
			if len(ids) == 1 {
				which = ids[0]
			}
			out = append(out, probe{item: fmt.Sprintf("%s metric values, %s (%s) %s", id, which, filterName(f), period(from, to)),
				company: c, kind: probeMetrics, metrics: ids, filter: f, from: from, to: to})
		}
		metric(ids, reachfixture.Filter{}, from, to)
		for _, one := range ids {
			metric([]string{one}, reachfixture.Filter{}, from, to)
		}
		for _, x := range c.Classes {
			metric(ids, reachfixture.Filter{ClassID: x.ClassID}, from, to)
		}
		for _, b := range c.Budgets {
			bf, bt, err := reachfixture.ParsePeriod(b.StartDate, b.EndDate)
			if err == nil {
				bf, bt = whole(bf, bt)
				metric(ids, reachfixture.Filter{BudgetID: b.BudgetID}, earlier(bf, from), later(bt, to))
			}
		}
	}
	return out
}

// ReadWholeState asks the partner, through c, every question of the whole state of books.
func (r *Reach) ReadWholeState(ctx context.Context, c *Connection, books *reachfixture.Set) (*State, error) {
	st := newState()
	for _, p := range plan(books) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.ask(ctx, c, p, st); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// ExpectedState is what the books call for, question by question.
func ExpectedState(books *reachfixture.Set) *State {
	st := newState()
	for _, p := range plan(books) {
		expect(p, books, st)
	}
	return st
}

// answered records how a question was answered: its status, and whether the answer keeps to the
// document.
func answered(st *State, item string, res *Result) {
	st.set(item, "status", strconv.Itoa(res.Status))
	vs := res.Violations()
	if len(vs) == 0 {
		st.set(item, "keeps to the document", yes)
	} else {
		st.set(item, "keeps to the document", "no: "+spec.Summary(first(vs, 2)))
	}
}

func first[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

const yes = "yes"

func (r *Reach) ask(ctx context.Context, c *Connection, p probe, st *State) error {
	var id string
	path := map[string]string{}
	if p.company != nil {
		id = p.company.Company.CompanyID
		path["CompanyId"] = id
	}
	do := func(req Request) (*Result, error) {
		res, err := r.Do(ctx, c, req)
		if err != nil {
			return nil, noAnswer(st, p.item, err)
		}
		return res, nil
	}
	switch p.kind {
	case probeUserInfo:
		res, err := do(Request{Operation: "getUserInfo"})
		if err != nil || res == nil {
			return err
		}
		answered(st, p.item, res)
		var ui UserInfo
		_ = json.Unmarshal(res.Body, &ui)
		for _, cr := range ui.Companies {
			item := "user-info company " + cr.CompanyID
			if _, dup := st.items[item]; dup {
				st.set(item, "listed", "more than once")
			}
			st.set(item, "CompanyName", cr.CompanyName)
		}
	case probeCompany:
		res, err := do(Request{Operation: "getCompany", Path: path})
		if err != nil || res == nil {
			return err
		}
		answered(st, p.item, res)
		r.recordFields(st, p.item, "Company", res.Body)
	case probeList:
		return r.askList(ctx, c, p, st)
	case probePastTheEnd:
		offset := len(listItems(p.company, p.list)) + 5
		res, err := r.Page(ctx, c, p.list, id, offset, 100, nil)
		if err != nil {
			return noAnswer(st, p.item, err)
		}
		answered(st, p.item, res)
		var page struct {
			Data       []json.RawMessage `json:"Data"`
			Pagination struct {
				Total *int `json:"total"`
			} `json:"Pagination"`
		}
		_ = json.Unmarshal(res.Body, &page)
		st.set(p.item, "records", strconv.Itoa(len(page.Data)))
		if page.Pagination.Total != nil {
			st.set(p.item, "total", strconv.Itoa(*page.Pagination.Total))
		}
	case probeStatement:
		q := url.Values{"StartDate": {p.from.StartDate()}, "EndDate": {p.to.EndDate()}, "AccountingBasis": {string(p.basis)}}
		for k, v := range filterQuery(p.filter) {
			q.Set(k, v)
		}
		var keep decodedBy
		res, err := do(Request{Operation: p.stmt, Path: path, Query: q, Check: statementCheck(id, p.basis, p.from, p.to, &keep)})
		if err != nil || res == nil {
			return err
		}
		answered(st, p.item, res)
		if raw, err := keep.decode(res.Body); err == nil {
			r.recordStatementAnswer(st, p.item, summarySchema[p.stmt], raw)
		}
	case probeMetrics:
		body := map[string]any{"NonFinancialIds": p.metrics, "StartDate": p.from.StartDate(), "EndDate": p.to.EndDate()}
		for k, v := range filterQuery(p.filter) {
			body[k] = v
		}
		res, err := do(Request{Operation: "queryNonFinancialValues", Path: path, JSON: body, Check: metricCheck(id, p.from, p.to)})
		if err != nil || res == nil {
			return err
		}
		answered(st, p.item, res)
		recordMetricAnswer(st, p.item, res.Body)
	case probeBad:
		return r.askBad(ctx, c, p, st)
	case probeUnknown:
		req := unknownRequest(p)
		if req.Path == nil {
			req.Path = path
		}
		res, err := do(req)
		if err != nil || res == nil {
			return err
		}
		refused(st, p.item, res, http.StatusNotFound)
	}
	return nil
}

func asCallError(err error, target **CallError) bool {
	ce, ok := err.(*CallError)
	if ok {
		*target = ce
	}
	return ok
}

func filterQuery(f reachfixture.Filter) map[string]string {
	out := map[string]string{}
	if f.BudgetID != "" {
		out["BudgetId"] = f.BudgetID
	}
	if f.ClassID != "" {
		out["ClassId"] = f.ClassID
	}
	if f.DepartmentID != "" {
		out["DepartmentId"] = f.DepartmentID
	}
	return out
}

// unknownRequest asks for something that does not exist: the document answers it 404.
func unknownRequest(p probe) Request {
	c := p.company
	q := url.Values{"StartDate": {c.FirstMonth.StartDate()}, "EndDate": {c.FirstMonth.EndDate()}, "AccountingBasis": {string(reachfixture.Accrual)}}
	switch p.unknown {
	case "company":
		return Request{Operation: "getCompany", Path: map[string]string{"CompanyId": "cmp-unknown"}}
	case "budget":
		q.Set("BudgetId", "bud-unknown")
	case "class":
		q.Set("ClassId", "cls-unknown")
	case "department":
		q.Set("DepartmentId", "dep-unknown")
	default:
		return Request{Operation: "queryNonFinancialValues", JSON: map[string]any{"NonFinancialIds": []string{"nf-unknown"},
			"StartDate": c.FirstMonth.StartDate(), "EndDate": c.FirstMonth.EndDate()}}
	}
	return Request{Operation: "getProfitAndLoss", Query: q}
}

// askList reads a list three ways and a record's fields once.
func (r *Reach) askList(ctx context.Context, c *Connection, p probe, st *State) error {
	id := p.company.Company.CompanyID
	var firstIDs []string
	for i, mode := range p.listModes() {
		lr, err := r.ReadList(ctx, c, p.list, id, mode.limit, nil)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			st.set(p.item, "read with "+mode.name, err.Error())
		} else {
			st.set(p.item, "read with "+mode.name, yes)
		}
		st.set(p.item, "records read with "+mode.name, strconv.Itoa(len(lr.IDs)))
		totals := make([]string, 0, 1)
		for _, t := range lr.Totals() {
			totals = append(totals, strconv.Itoa(t))
		}
		st.set(p.item, "total with "+mode.name, strings.Join(totals, " then "))
		valid := yes
		for _, pg := range lr.Pages {
			if es := r.opts.Journal.Select(func(e journal.Entry) bool { return e.Seq == pg.Seq }); len(es) == 1 && len(es[0].ResponseViolations) > 0 {
				valid = "no: " + spec.Summary(first(es[0].ResponseViolations, 2))
				break
			}
		}
		st.set(p.item, "keeps to the document with "+mode.name, valid)
		if i == 0 {
			firstIDs = lr.IDs
			r.recordRecords(st, id+" "+listNames[p.list], p.list, lr.Items)
			continue
		}
		st.set(p.item, "order with "+mode.name, sameOrder(firstIDs, lr.IDs))
	}
	return nil
}

const asDefault = "as with the default pages"

func sameOrder(want, got []string) string {
	if slices.Equal(want, got) {
		return asDefault
	}
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("record %d is %s, with the default pages %s", i+1, got[i], want[i])
		}
	}
	return fmt.Sprintf("%d records, with the default pages %d", len(got), len(want))
}

// itemSchema is the component schema of a list's records.
var itemSchema = map[string]string{
	"listChartOfAccounts": "Account", "listBudgets": "Budget", "listClasses": "Class",
	"listDepartments": "Department", "listNonFinancialMetrics": "NonFinancialMetric",
}

// properties are the fields the document gives a component schema, in order.
func (r *Reach) properties(schema string) []string {
	ref, found := r.spec.Doc.Components.Schemas[schema]
	if !found || ref.Value == nil {
		return nil
	}
	var out []string
	for k := range ref.Value.Properties {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fieldValues are a JSON object's fields as they print; an empty string or null is no value.
func fieldValues(raw []byte) map[string]string {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		switch x := v.(type) {
		case nil:
		case string:
			if x != "" {
				out[k] = x
			}
		case json.Number:
			out[k] = x.String()
		case bool:
			out[k] = strconv.FormatBool(x)
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}

// recordFields sets an item's fields as the document gives them to schema; fields the document
// does not have are left out, as Reach ignores them.
func (r *Reach) recordFields(st *State, item, schema string, raw []byte) {
	values := fieldValues(raw)
	for _, k := range r.properties(schema) {
		if v, ok := values[k]; ok {
			st.set(item, k, v)
		}
	}
	if _, ok := st.items[item]; !ok {
		st.items[item] = map[string]string{}
	}
}

func (r *Reach) recordRecords(st *State, prefix, list string, items []json.RawMessage) {
	idField := idField(list)
	for _, raw := range items {
		values := fieldValues(raw)
		item := prefix + " " + values[idField]
		if _, dup := st.items[item]; dup {
			st.set(item, "listed", "more than once")
		}
		r.recordFields(st, item, itemSchema[list], raw)
	}
}

// statement answers ----------------------------------------------------------------------------

// summarySchema is the component schema of a statement's monthly summary.
var summarySchema = map[string]string{
	"getProfitAndLoss": "ProfitAndLossSummary", "getBalanceSheet": "BalanceSheetSummary", "getCashFlow": "CashFlowSummary",
}

func (r *Reach) recordStatementAnswer(st *State, item, summary string, raw *apiStatement) {
	totals := r.properties(summary)
	for k, v := range map[string]*string{"CompanyId": raw.CompanyID, "StartDate": raw.StartDate, "EndDate": raw.EndDate,
		"AccountingBasis": raw.AccountingBasis, "Currency": raw.Currency, "BudgetId": raw.BudgetID, "ClassId": raw.ClassID, "DepartmentId": raw.DepartmentID} {
		if v != nil && *v != "" {
			st.set(item, k, *v)
		}
	}
	lines := map[string]Money{}
	count := map[string]int{}
	for _, l := range raw.Data {
		m, err := monthOf(l.StartDate)
		if err != nil {
			continue
		}
		key := m.String() + " " + l.AccountID
		lines[key] += moneyOf(l.Amount)
		count[key]++
	}
	for key, v := range lines {
		if v != 0 || count[key] > 1 {
			st.set(item+" · "+key, "Amount", v.String())
		}
		if count[key] > 1 {
			st.set(item+" · "+key, "lines", strconv.Itoa(count[key]))
		}
	}
	for _, s := range raw.Summary {
		m, err := monthOf(summaryDate(s, "StartDate"))
		if err != nil {
			continue
		}
		sitem := item + " · " + m.String() + " summary"
		if _, dup := st.items[sitem]; dup {
			st.set(sitem, "entries", "more than one")
		}
		for _, k := range totals {
			if k == "StartDate" || k == "EndDate" {
				continue
			}
			if n, isNumber := summaryNumber(s[k]); isNumber {
				st.set(sitem, k, moneyOf(n).String())
			} else {
				st.set(sitem, k, statediff.Absent)
			}
		}
	}
}

func recordMetricAnswer(st *State, item string, body []byte) {
	var raw struct {
		Data []map[string]any `json:"Data"`
	}
	if decodeNumber(body, &raw) != nil {
		return
	}
	head := fieldValues(body)
	for _, k := range []string{"CompanyId", "StartDate", "EndDate", "BudgetId", "ClassId"} {
		if v, ok := head[k]; ok {
			st.set(item, k, v)
		}
	}
	for _, d := range raw.Data {
		m, err := monthOf(str(d["StartDate"]))
		if err != nil {
			continue
		}
		vitem := item + " · " + m.String() + " " + str(d["NonFinancialId"])
		if _, dup := st.items[vitem]; dup {
			st.set(vitem, "entries", "more than one")
		}
		if n, isNum := d["Value"].(json.Number); isNum {
			f, _ := n.Float64()
			st.set(vitem, "Value", strconv.FormatFloat(f, 'f', -1, 64))
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// what the books call for -------------------------------------------------------------------------

func expect(p probe, books *reachfixture.Set, st *State) {
	const okStatus = "200"
	switch p.kind {
	case probeUserInfo:
		st.set(p.item, "status", okStatus)
		st.set(p.item, "keeps to the document", yes)
		for _, c := range books.Companies {
			st.set("user-info company "+c.Company.CompanyID, "CompanyName", c.Company.CompanyName)
		}
	case probeCompany:
		st.set(p.item, "status", okStatus)
		st.set(p.item, "keeps to the document", yes)
		raw, _ := json.Marshal(p.company.Company)
		for k, v := range fieldValues(raw) {
			st.set(p.item, k, v)
		}
	case probeList:
		items := listItems(p.company, p.list)
		for _, mode := range p.listModes() {
			st.set(p.item, "read with "+mode.name, yes)
			st.set(p.item, "records read with "+mode.name, strconv.Itoa(len(items)))
			st.set(p.item, "total with "+mode.name, strconv.Itoa(len(items)))
			st.set(p.item, "keeps to the document with "+mode.name, yes)
			if mode.limit != 0 {
				st.set(p.item, "order with "+mode.name, asDefault)
			}
		}
		idf := idField(p.list)
		for _, it := range items {
			raw, _ := json.Marshal(it)
			values := fieldValues(raw)
			item := p.company.Company.CompanyID + " " + listNames[p.list] + " " + values[idf]
			st.items[item] = values
		}
	case probePastTheEnd:
		st.set(p.item, "status", okStatus)
		st.set(p.item, "keeps to the document", yes)
		st.set(p.item, "records", "0")
		st.set(p.item, "total", strconv.Itoa(len(listItems(p.company, p.list))))
	case probeStatement:
		st.set(p.item, "status", okStatus)
		st.set(p.item, "keeps to the document", yes)
		c := p.company
		echo := map[string]string{"CompanyId": c.Company.CompanyID, "StartDate": p.from.StartDate(), "EndDate": p.to.EndDate(),
			"AccountingBasis": string(p.basis), "Currency": c.Company.Currency}
		for k, v := range filterQuery(p.filter) {
			echo[k] = v
		}
		for k, v := range echo {
			st.set(p.item, k, v)
		}
		var lines []reachfixture.Line
		summary := map[reachfixture.Month]map[string]Money{}
		switch p.stmt {
		case "getProfitAndLoss":
			pl, _ := c.ProfitAndLoss(p.basis, p.from, p.to, p.filter)
			lines = pl.Lines
			for _, s := range pl.Summary {
				summary[s.Month] = plFields(s)
			}
		case "getBalanceSheet":
			bs, _ := c.BalanceSheet(p.basis, p.from, p.to, p.filter)
			lines = bs.Lines
			for _, s := range bs.Summary {
				summary[s.Month] = bsFields(s)
			}
		case "getCashFlow":
			cf, _ := c.CashFlow(p.basis, p.from, p.to, p.filter)
			lines = cf.Lines
			for _, s := range cf.Summary {
				summary[s.Month] = cfFields(s)
			}
		}
		for _, l := range lines {
			if l.Amount != 0 {
				st.set(p.item+" · "+l.Month.String()+" "+l.AccountID, "Amount", l.Amount.String())
			}
		}
		for m, fields := range summary {
			sitem := p.item + " · " + m.String() + " summary"
			for k, v := range fields {
				st.set(sitem, k, v.String())
			}
		}
	case probeMetrics:
		st.set(p.item, "status", okStatus)
		st.set(p.item, "keeps to the document", yes)
		c := p.company
		echo := map[string]string{"CompanyId": c.Company.CompanyID, "StartDate": p.from.StartDate(), "EndDate": p.to.EndDate()}
		for k, v := range filterQuery(p.filter) {
			echo[k] = v
		}
		for k, v := range echo {
			st.set(p.item, k, v)
		}
		values, _ := c.NonFinancial(p.metrics, p.from, p.to, p.filter)
		for _, v := range values {
			st.set(p.item+" · "+v.Month.String()+" "+v.NonFinancialID, "Value", strconv.FormatFloat(v.Value, 'f', -1, 64))
		}
	case probeBad:
		expectBad(p, st)
	case probeUnknown:
		st.set(p.item, "status", "404")
		st.set(p.item, "refusal", "404 with an errors body")
	}
}

func listItems(c *reachfixture.Company, list string) []any {
	var out []any
	switch list {
	case "listChartOfAccounts":
		for _, x := range c.Accounts {
			out = append(out, x)
		}
	case "listBudgets":
		for _, x := range c.Budgets {
			out = append(out, x.Item())
		}
	case "listClasses":
		for _, x := range c.Classes {
			out = append(out, x)
		}
	case "listDepartments":
		for _, x := range c.Departments {
			out = append(out, x)
		}
	case "listNonFinancialMetrics":
		for _, x := range c.NonFinancialMetrics {
			out = append(out, x)
		}
	}
	return out
}

func plFields(s reachfixture.PLSummary) map[string]Money {
	return map[string]Money{"TotalIncome": s.TotalIncome, "TotalCostOfGoodsSold": s.TotalCostOfGoodsSold, "GrossProfit": s.GrossProfit,
		"TotalExpenses": s.TotalExpenses, "NetOperatingIncome": s.NetOperatingIncome, "TotalOtherIncome": s.TotalOtherIncome,
		"TotalOtherExpenses": s.TotalOtherExpenses, "NetOtherIncome": s.NetOtherIncome, "NetIncome": s.NetIncome}
}

func bsFields(s reachfixture.BSSummary) map[string]Money {
	return map[string]Money{"TotalAssets": s.TotalAssets, "TotalLiabilities": s.TotalLiabilities, "TotalEquity": s.TotalEquity,
		"TotalLiabilitiesAndEquity": s.TotalLiabilitiesAndEquity}
}

func cfFields(s reachfixture.CFSummary) map[string]Money {
	return map[string]Money{"BeginningCash": s.BeginningCash, "NetCashFromOperating": s.NetCashFromOperating,
		"NetCashFromInvesting": s.NetCashFromInvesting, "NetCashFromFinancing": s.NetCashFromFinancing,
		"NetChangeInCash": s.NetChangeInCash, "EndingCash": s.EndingCash}
}

// CompareCompanyInfo adds to t every field of a company's information that differs from the books.
func CompareCompanyInfo(t *statediff.Table, want, got reachfixture.CompanyInfo) {
	item := want.CompanyID + " company information"
	t.Differ(item, "CompanyId", want.CompanyID, got.CompanyID)
	t.Differ(item, "CompanyName", want.CompanyName, got.CompanyName)
	t.Differ(item, "FiscalMonthEnd", want.FiscalMonthEnd, got.FiscalMonthEnd)
	t.Differ(item, "Currency", want.Currency, got.Currency)
	t.Differ(item, "Country", want.Country, got.Country)
	t.Differ(item, "BooksStartDate", want.BooksStartDate, got.BooksStartDate)
}
