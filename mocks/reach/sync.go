package reach

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/journal"
)

// Kind says what started a sync.
type Kind string

const (
	Nightly  Kind = "nightly"
	OnDemand Kind = "on-demand"
)

// Month and Money are the fixture's: the pulled data compares with it directly.
type (
	Month = reachfixture.Month
	Money = reachfixture.Money
	Basis = reachfixture.Basis
)

// Snapshot is what one sync pulled.
type Snapshot struct {
	User      UserInfo       `json:"user"`
	Companies []*CompanyData `json:"companies"`
}

// UserInfo is the answer of getUserInfo.
type UserInfo struct {
	UserID    string       `json:"UserId"`
	Name      string       `json:"Name"`
	Email     string       `json:"Email"`
	Companies []CompanyRef `json:"Companies"`
}

// CompanyRef is one company the token can read.
type CompanyRef struct {
	CompanyID   string `json:"CompanyId"`
	CompanyName string `json:"CompanyName"`
}

// CompanyData is one company's data as pulled.
type CompanyData struct {
	Company     reachfixture.CompanyInfo          `json:"company"`
	Accounts    []reachfixture.Account            `json:"accounts"`
	Budgets     []reachfixture.BudgetItem         `json:"budgets"`
	Classes     []reachfixture.Class              `json:"classes"`
	Departments []reachfixture.Department         `json:"departments"`
	Metrics     []reachfixture.NonFinancialMetric `json:"metrics"`
	// Lists are how each reference list was paged, by operation id.
	Lists map[string]*ListRead `json:"lists"`
	// From and To bound the statements' window; Chunks are its fiscal-year parts, one request each.
	From, To     Month                                  `json:"-"`
	Chunks       [][2]Month                             `json:"-"`
	Statements   map[Basis]*Statements                  `json:"-"`
	BudgetPL     map[string]*reachfixture.ProfitAndLoss `json:"-"`
	MetricValues []reachfixture.MetricLine              `json:"-"`
}

// Statements are the three statements of one accounting basis over the window.
type Statements struct {
	PL *reachfixture.ProfitAndLoss
	BS *reachfixture.BalanceSheet
	CF *reachfixture.CashFlow
}

// Problem is why a sync could not use what it got.
type Problem struct {
	Operation string `json:"operation,omitempty"`
	Seq       int64  `json:"seq,omitempty"`
	Message   string `json:"message"`
}

func (p Problem) String() string {
	if p.Operation == "" {
		return p.Message
	}
	return p.Operation + ": " + p.Message
}

// SyncResult is one sync: what it pulled, what went wrong, and every exchange.
type SyncResult struct {
	Kind     Kind      `json:"kind"`
	Conn     string    `json:"connection"`
	Started  time.Time `json:"started"`  // run clock
	Finished time.Time `json:"finished"` // run clock
	Snapshot *Snapshot `json:"-"`
	Problems []Problem `json:"problems,omitempty"`
	Trace    *Trace    `json:"-"`
}

// Completed reports a sync that got every answer it needed and could read each.
func (s *SyncResult) Completed() bool { return len(s.Problems) == 0 }

// Err summarises the problems (nil when completed).
func (s *SyncResult) Err() error {
	if s.Completed() {
		return nil
	}
	var parts []string
	for i, p := range s.Problems {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(s.Problems)-5))
			break
		}
		parts = append(parts, p.String())
	}
	return fmt.Errorf("the %s sync did not complete: %s", s.Kind, strings.Join(parts, "; "))
}

// Company returns the pulled data of one company.
func (s *SyncResult) Company(id string) (*CompanyData, bool) {
	if s.Snapshot == nil {
		return nil, false
	}
	for _, c := range s.Snapshot.Companies {
		if c.Company.CompanyID == id {
			return c, true
		}
	}
	return nil, false
}

func (s *SyncResult) fail(res *Result, op, format string, args ...any) {
	p := Problem{Operation: op, Message: fmt.Sprintf(format, args...)}
	if res != nil {
		p.Seq = res.Entry.Seq
	}
	s.Problems = append(s.Problems, p)
}

// Sync pulls everything the connection's token can read, in Reach's order: user-info, then per
// company its information, every reference list page by page, the three statements for both
// accounting bases over the window, budget figures and metric values.
func (r *Reach) Sync(ctx context.Context, c *Connection, kind Kind) *SyncResult {
	trace := &Trace{}
	out := &SyncResult{Kind: kind, Conn: c.ID, Started: r.opts.Clock.Now(), Trace: trace, Snapshot: &Snapshot{}}
	defer func() { out.Finished = r.opts.Clock.Now() }()
	c.mu.Lock()
	first := !c.synced
	c.mu.Unlock()

	res, err := r.Do(ctx, c, Request{Operation: "getUserInfo", Trace: trace})
	if !r.usable(out, res, err, "getUserInfo") {
		return out
	}
	if err := json.Unmarshal(res.Body, &out.Snapshot.User); err != nil {
		out.fail(res, "getUserInfo", "the answer is not the user-info body: %v", err)
		return out
	}
	if len(out.Snapshot.User.Companies) == 0 {
		out.fail(res, "getUserInfo", "the answer lists no company (Companies): Reach cannot tell which companies to read")
		return out
	}
	for _, ref := range out.Snapshot.User.Companies {
		if ctx.Err() != nil {
			out.fail(nil, "", "stopped: %v", ctx.Err())
			return out
		}
		if ref.CompanyID == "" {
			out.fail(res, "getUserInfo", "a company without CompanyId")
			continue
		}
		out.Snapshot.Companies = append(out.Snapshot.Companies, r.syncCompany(ctx, c, ref.CompanyID, first, out))
	}
	if out.Completed() {
		c.mu.Lock()
		c.synced = true
		c.mu.Unlock()
	}
	return out
}

// usable records why an answer cannot be used.
func (r *Reach) usable(out *SyncResult, res *Result, err error, op string) bool {
	switch {
	case err != nil:
		out.fail(res, op, "%v", err)
		return false
	case res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden:
		out.fail(res, op, "the partner refused the connection's token (%d %s)", res.Status, brief(res.Body))
		return false
	case !res.OK():
		out.fail(res, op, "answered %d %s", res.Status, brief(res.Body))
		return false
	case res.Status == http.StatusNoContent || len(res.Body) == 0:
		out.fail(res, op, "answered %d without a body; the specification wants 200 with the data (empty arrays when there is none)", res.Status)
		return false
	}
	return true
}

func brief(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return "(" + s + ")"
}

// listOps are the reference lists, with the field that identifies an item.
var listOps = []struct{ Op, ID string }{
	{"listChartOfAccounts", "AccountId"},
	{"listBudgets", "BudgetId"},
	{"listClasses", "ClassId"},
	{"listDepartments", "DepartmentId"},
	{"listNonFinancialMetrics", "NonFinancialId"},
}

// ListOperations are the operation ids of the paginated reference lists.
func ListOperations() []string {
	out := make([]string, 0, len(listOps))
	for _, l := range listOps {
		out = append(out, l.Op)
	}
	return out
}

func (r *Reach) syncCompany(ctx context.Context, c *Connection, id string, first bool, out *SyncResult) *CompanyData {
	t := out.Trace
	cd := &CompanyData{Lists: map[string]*ListRead{}, Statements: map[Basis]*Statements{}, BudgetPL: map[string]*reachfixture.ProfitAndLoss{}}
	cd.Company.CompanyID = id
	res, err := r.Do(ctx, c, Request{Operation: "getCompany", Path: map[string]string{"CompanyId": id}, Trace: t})
	if !r.usable(out, res, err, "getCompany") {
		return cd
	}
	if err := json.Unmarshal(res.Body, &cd.Company); err != nil {
		out.fail(res, "getCompany", "the answer is not the company body: %v", err)
		return cd
	}
	if cd.Company.CompanyID != id {
		out.fail(res, "getCompany", "asked for company %s, got CompanyId %q", id, cd.Company.CompanyID)
	}
	if cd.Company.FiscalMonthEnd < 1 || cd.Company.FiscalMonthEnd > 12 {
		out.fail(res, "getCompany", "FiscalMonthEnd %d is not a month: Reach cannot align the fiscal year", cd.Company.FiscalMonthEnd)
		return cd
	}

	for _, l := range listOps {
		lr, err := r.ReadList(ctx, c, l.Op, id, r.opts.PageSize, t)
		cd.Lists[l.Op] = lr
		if err != nil {
			out.fail(lastOf(t), l.Op, "%v", err)
			continue
		}
		var target any
		switch l.Op {
		case "listChartOfAccounts":
			target = &cd.Accounts
		case "listBudgets":
			target = &cd.Budgets
		case "listClasses":
			target = &cd.Classes
		case "listDepartments":
			target = &cd.Departments
		case "listNonFinancialMetrics":
			target = &cd.Metrics
		}
		raw, _ := json.Marshal(lr.Items)
		if err := json.Unmarshal(raw, target); err != nil {
			out.fail(lastOf(t), l.Op, "the items are not the specification's records: %v", err)
		}
	}

	cd.From, cd.To, cd.Chunks = window(cd.Company, first, r.opts.Clock.Now(), r.opts.HistoryMonths)
	for _, basis := range reachfixture.Bases {
		st := &Statements{PL: &reachfixture.ProfitAndLoss{Lines: []reachfixture.Line{}, Summary: []reachfixture.PLSummary{}},
			BS: &reachfixture.BalanceSheet{Lines: []reachfixture.Line{}, Summary: []reachfixture.BSSummary{}},
			CF: &reachfixture.CashFlow{Lines: []reachfixture.Line{}, Summary: []reachfixture.CFSummary{}}}
		cd.Statements[basis] = st
		for _, ch := range cd.Chunks {
			for _, op := range []string{"getProfitAndLoss", "getBalanceSheet", "getCashFlow"} {
				stmt, ok := r.statement(ctx, c, id, op, basis, ch[0], ch[1], "", out)
				if !ok {
					continue
				}
				switch op {
				case "getProfitAndLoss":
					st.PL.Lines = append(st.PL.Lines, stmt.lines...)
					for _, s := range stmt.summary {
						st.PL.Summary = append(st.PL.Summary, plSummary(s))
					}
				case "getBalanceSheet":
					st.BS.Lines = append(st.BS.Lines, stmt.lines...)
					for _, s := range stmt.summary {
						st.BS.Summary = append(st.BS.Summary, bsSummary(s))
					}
				case "getCashFlow":
					st.CF.Lines = append(st.CF.Lines, stmt.lines...)
					for _, s := range stmt.summary {
						st.CF.Summary = append(st.CF.Summary, cfSummary(s))
					}
				}
			}
		}
	}
	for _, b := range cd.Budgets {
		bf, bt, err := reachfixture.ParsePeriod(b.StartDate, b.EndDate)
		if err != nil {
			out.fail(nil, "listBudgets", "budget %s: %v", b.BudgetID, err)
			continue
		}
		if bf.Before(cd.From) {
			bf = cd.From
		}
		if bt.After(cd.To) {
			bt = cd.To
		}
		if bt.Before(bf) {
			continue
		}
		stmt, ok := r.statement(ctx, c, id, "getProfitAndLoss", reachfixture.Accrual, bf, bt, b.BudgetID, out)
		if !ok {
			continue
		}
		pl := &reachfixture.ProfitAndLoss{Lines: stmt.lines, Summary: []reachfixture.PLSummary{}}
		for _, s := range stmt.summary {
			pl.Summary = append(pl.Summary, plSummary(s))
		}
		cd.BudgetPL[b.BudgetID] = pl
	}
	if len(cd.Metrics) > 0 {
		ids := make([]string, 0, len(cd.Metrics))
		for _, m := range cd.Metrics {
			ids = append(ids, m.NonFinancialID)
		}
		for _, ch := range cd.Chunks {
			cd.MetricValues = append(cd.MetricValues, r.metricValues(ctx, c, id, ids, ch[0], ch[1], out)...)
		}
	}
	return cd
}

func lastOf(t *Trace) *Result {
	es := t.Entries()
	if len(es) == 0 {
		return nil
	}
	return &Result{Entry: es[len(es)-1]}
}

// fiscalStart is the first month of the fiscal year containing m.
func fiscalStart(m Month, fiscalMonthEnd int) Month {
	first := fiscalMonthEnd%12 + 1
	back := (int(m.Month) - first + 12) % 12
	return m.Add(-back)
}

// maxHistory bounds a first sync that reads from BooksStartDate.
const maxHistory = 120

// window is the statements' period and its fiscal-year chunks. It ends with the last complete month
// on the run clock. A connection's first sync starts at the company's BooksStartDate (at most ten
// years back); later syncs start HistoryMonths back, moved to the start of that fiscal year, never
// before BooksStartDate.
func window(ci reachfixture.CompanyInfo, first bool, now time.Time, historyMonths int) (from, to Month, chunks [][2]Month) {
	to = reachfixture.MonthOf(now.UTC()).Add(-1)
	from = fiscalStart(to.Add(-(historyMonths - 1)), ci.FiscalMonthEnd)
	var books *Month
	if t, err := time.Parse(time.DateOnly, ci.BooksStartDate); err == nil {
		m := reachfixture.MonthOf(t)
		books = &m
	}
	if first && books != nil {
		from = *books
		if limit := to.Add(-(maxHistory - 1)); from.Before(limit) {
			from = limit
		}
	}
	if books != nil && from.Before(*books) {
		from = *books
	}
	for m := from; !m.After(to); {
		end := fiscalStart(m, ci.FiscalMonthEnd).Add(11)
		if end.After(to) {
			end = to
		}
		chunks = append(chunks, [2]Month{m, end})
		m = end.Add(1)
	}
	return from, to, chunks
}

// ListRead is one reading of a reference list, page by page.
type ListRead struct {
	Operation string            `json:"operation"`
	Limit     int               `json:"limit"`
	Pages     []Page            `json:"pages"`
	Items     []json.RawMessage `json:"-"`
	IDs       []string          `json:"ids"`
}

// Page is one page as the partner answered it.
type Page struct {
	Offset int   `json:"offset"`
	Limit  int   `json:"limit"` // as echoed
	Total  int   `json:"total"`
	Count  int   `json:"count"`
	Seq    int64 `json:"seq"`
}

// Totals lists the distinct totals the pages gave.
func (l *ListRead) Totals() []int {
	var out []int
	seen := map[int]bool{}
	for _, p := range l.Pages {
		if !seen[p.Total] {
			seen[p.Total] = true
			out = append(out, p.Total)
		}
	}
	return out
}

// Duplicates lists ids read more than once.
func (l *ListRead) Duplicates() []string {
	seen := map[string]int{}
	var out []string
	for _, id := range l.IDs {
		seen[id]++
		if seen[id] == 2 {
			out = append(out, id)
		}
	}
	return out
}

func idField(op string) string {
	for _, l := range listOps {
		if l.Op == op {
			return l.ID
		}
	}
	return ""
}

// maxPages stops a list that never ends.
const maxPages = 2000

// ReadList pages through a reference list with the given limit until offset+len(Data) >= total;
// limit 0 leaves limit out, for the document's default of 100, and offset too on the first page.
// An error means the list could not be read to its end.
func (r *Reach) ReadList(ctx context.Context, c *Connection, op, companyID string, limit int, trace *Trace) (*ListRead, error) {
	lr := &ListRead{Operation: op, Limit: limit, IDs: []string{}}
	id := idField(op)
	offset := 0
	for range maxPages {
		res, err := r.Page(ctx, c, op, companyID, offset, limit, trace)
		if err != nil {
			return lr, err
		}
		if !res.OK() {
			return lr, fmt.Errorf("page at offset %d answered %d %s", offset, res.Status, brief(res.Body))
		}
		var page struct {
			Data       []json.RawMessage `json:"Data"`
			Pagination *struct {
				Offset int  `json:"offset"`
				Limit  int  `json:"limit"`
				Total  *int `json:"total"`
			} `json:"Pagination"`
		}
		if err := json.Unmarshal(res.Body, &page); err != nil {
			return lr, fmt.Errorf("page at offset %d is not the {Data, Pagination} envelope: %v", offset, err)
		}
		if page.Pagination == nil || page.Pagination.Total == nil {
			return lr, fmt.Errorf("page at offset %d has no Pagination.total: Reach cannot tell where the list ends", offset)
		}
		total := *page.Pagination.Total
		lr.Pages = append(lr.Pages, Page{Offset: offset, Limit: page.Pagination.Limit, Total: total, Count: len(page.Data), Seq: res.Entry.Seq})
		for _, raw := range page.Data {
			lr.Items = append(lr.Items, raw)
			var item map[string]any
			_ = json.Unmarshal(raw, &item)
			s, _ := item[id].(string)
			lr.IDs = append(lr.IDs, s)
		}
		offset += len(page.Data)
		if len(page.Data) == 0 || offset >= total {
			return lr, nil
		}
	}
	return lr, fmt.Errorf("still not at the end after %d pages", maxPages)
}

// Page asks for one page of a reference list, and checks the envelope's echo and size. Limit 0
// leaves limit out (the document's default applies), and offset 0 with it.
func (r *Reach) Page(ctx context.Context, c *Connection, op, companyID string, offset, limit int, trace *Trace) (*Result, error) {
	q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
	if limit == 0 {
		q.Del("limit")
		if offset == 0 {
			q.Del("offset")
		}
		limit = DefaultLimit
	}
	return r.Do(ctx, c, Request{Operation: op, Path: map[string]string{"CompanyId": companyID}, Query: q, Trace: trace,
		Check: PageCheck(offset, limit)})
}

// PageCheck holds a 200 page to the pagination rules: at most limit items, offset and limit echoed,
// no more items than total, and an empty page only at or past the end.
func PageCheck(offset, limit int) func(int, []byte) []journal.Violation {
	return func(status int, body []byte) []journal.Violation {
		if status != http.StatusOK || limit < 1 || limit > MaxPageSize {
			return nil
		}
		var page struct {
			Data       []json.RawMessage `json:"Data"`
			Pagination struct {
				Offset *int `json:"offset"`
				Limit  *int `json:"limit"`
				Total  *int `json:"total"`
			} `json:"Pagination"`
		}
		if json.Unmarshal(body, &page) != nil {
			return nil // the schema check has said what is wrong
		}
		var vs []journal.Violation
		add := func(field, format string, args ...any) {
			vs = append(vs, journal.Violation{In: "response", Field: field, Rule: RulePagination, Message: fmt.Sprintf(format, args...)})
		}
		if len(page.Data) > limit {
			add("Data", "%d items for limit %d: a page holds at most limit items", len(page.Data), limit)
		}
		p := page.Pagination
		if p.Offset != nil && *p.Offset != offset {
			add("Pagination.offset", "echoes offset %d, Reach asked for %d", *p.Offset, offset)
		}
		if p.Limit != nil && *p.Limit != limit {
			add("Pagination.limit", "echoes limit %d, Reach asked for %d", *p.Limit, limit)
		}
		if p.Total != nil {
			// An offset at or past the end is an empty page by the document, not records past total.
			if len(page.Data) > 0 && offset+len(page.Data) > *p.Total {
				add("Data", "items %d to %d of a list whose total is %d", offset, offset+len(page.Data)-1, *p.Total)
			}
			if len(page.Data) == 0 && offset < *p.Total {
				add("Data", "an empty page at offset %d although total is %d", offset, *p.Total)
			}
		}
		return vs
	}
}

// apiStatement is a statement as the partner sends it: typed where the document fixes the shape,
// raw where a check must see whatever the partner put there.
type apiStatement struct {
	CompanyID       *string                      `json:"CompanyId"`
	StartDate       *string                      `json:"StartDate"`
	EndDate         *string                      `json:"EndDate"`
	AccountingBasis *string                      `json:"AccountingBasis"`
	Currency        *string                      `json:"Currency"`
	BudgetID        *string                      `json:"BudgetId"`
	ClassID         *string                      `json:"ClassId"`
	DepartmentID    *string                      `json:"DepartmentId"`
	Data            []apiLine                    `json:"Data"`
	Summary         []map[string]json.RawMessage `json:"Summary"`
}

// decodedBy keeps what a statement check decoded, so that the answer is decoded once.
type decodedBy struct {
	statement *apiStatement
}

// decode is the answer as the check decoded it, or decoded now.
func (d *decodedBy) decode(body []byte) (*apiStatement, error) {
	if d.statement != nil {
		return d.statement, nil
	}
	var raw apiStatement
	if err := decodeNumber(body, &raw); err != nil {
		return nil, err
	}
	return &raw, nil
}

// summaryDate reads a summary entry's date field.
func summaryDate(s map[string]json.RawMessage, field string) string {
	var v string
	_ = json.Unmarshal(s[field], &v)
	return v
}

// summaryNumber reads a summary entry's field as a number, if it is one.
func summaryNumber(raw json.RawMessage) (json.Number, bool) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || !(b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		return "", false
	}
	var n json.Number
	if json.Unmarshal(b, &n) != nil {
		return "", false
	}
	return n, true
}

type apiLine struct {
	AccountID string      `json:"AccountId"`
	StartDate string      `json:"StartDate"`
	EndDate   string      `json:"EndDate"`
	Amount    json.Number `json:"Amount"`
}

type decodedStatement struct {
	lines   []reachfixture.Line
	summary []summaryRow
}

type summaryRow struct {
	month  Month
	values map[string]Money
}

func (r *Reach) statement(ctx context.Context, c *Connection, companyID, op string, basis Basis, from, to Month, budgetID string, out *SyncResult) (*decodedStatement, bool) {
	q := url.Values{"StartDate": {from.StartDate()}, "EndDate": {to.EndDate()}, "AccountingBasis": {string(basis)}}
	if budgetID != "" {
		q.Set("BudgetId", budgetID)
	}
	var keep decodedBy
	res, err := r.Do(ctx, c, Request{Operation: op, Path: map[string]string{"CompanyId": companyID}, Query: q, Trace: out.Trace,
		Check: statementCheck(companyID, basis, from, to, &keep)})
	if !r.usable(out, res, err, op) {
		return nil, false
	}
	raw, err := keep.decode(res.Body)
	if err != nil {
		out.fail(res, op, "%s %s to %s is not the statement body: %v", basis, from, to, err)
		return nil, false
	}
	d := &decodedStatement{lines: []reachfixture.Line{}}
	for i, l := range raw.Data {
		m, err := monthOf(l.StartDate)
		if err != nil {
			out.fail(res, op, "Data.%d.StartDate: %v", i, err)
			return nil, false
		}
		d.lines = append(d.lines, reachfixture.Line{AccountID: l.AccountID, Month: m, Amount: moneyOf(l.Amount)})
	}
	for i, s := range raw.Summary {
		m, err := monthOf(summaryDate(s, "StartDate"))
		if err != nil {
			out.fail(res, op, "Summary.%d.StartDate: %v", i, err)
			return nil, false
		}
		row := summaryRow{month: m, values: map[string]Money{}}
		for k, v := range s {
			if n, isNumber := summaryNumber(v); isNumber {
				row.values[k] = moneyOf(n)
			}
		}
		d.summary = append(d.summary, row)
	}
	return d, true
}

// StatementCheck holds a statement to its request: the company and basis echoed, every line and
// summary entry one whole month inside the period, amounts with at most two decimals.
func StatementCheck(companyID string, basis Basis, from, to Month) func(int, []byte) []journal.Violation {
	return statementCheck(companyID, basis, from, to, nil)
}

// statementCheck is StatementCheck keeping what it decoded.
func statementCheck(companyID string, basis Basis, from, to Month, keep *decodedBy) func(int, []byte) []journal.Violation {
	return func(status int, body []byte) []journal.Violation {
		if keep != nil {
			keep.statement = nil
		}
		if status != http.StatusOK {
			return nil
		}
		var raw apiStatement
		if decodeNumber(body, &raw) != nil {
			return nil
		}
		if keep != nil {
			keep.statement = &raw
		}
		var vs []journal.Violation
		add := func(field, rule, format string, args ...any) {
			vs = append(vs, journal.Violation{In: "response", Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
		}
		if raw.CompanyID != nil && *raw.CompanyID != companyID {
			add("CompanyId", RulePeriod, "is %q; Reach asked for %s", *raw.CompanyID, companyID)
		}
		if raw.AccountingBasis != nil && *raw.AccountingBasis != string(basis) {
			add("AccountingBasis", RulePeriod, "is %q; Reach asked for %s", *raw.AccountingBasis, basis)
		}
		echoPeriod(add, raw.StartDate, raw.EndDate, from, to)
		check := func(kind string, i int, sd, ed string, amounts map[string]json.Number) {
			m, err := monthOf(sd)
			if err != nil || sd != m.StartDate() || ed != m.EndDate() {
				add(fmt.Sprintf("%s.%d", kind, i), RulePeriod, "StartDate %q and EndDate %q are not one calendar month", sd, ed)
				return
			}
			if m.Before(from) || m.After(to) {
				add(fmt.Sprintf("%s.%d.StartDate", kind, i), RulePeriod, "month %s is outside the period asked for, %s to %s", m, from, to)
			}
			for k, n := range amounts {
				if _, err := reachfixture.ParseMoney(n.String()); err != nil {
					add(fmt.Sprintf("%s.%d.%s", kind, i, k), "amount", "%s has more than two decimals", n)
				}
			}
		}
		for i, l := range raw.Data {
			check("Data", i, l.StartDate, l.EndDate, map[string]json.Number{"Amount": l.Amount})
		}
		for i, s := range raw.Summary {
			amounts := map[string]json.Number{}
			for k, v := range s {
				if n, isNumber := summaryNumber(v); isNumber {
					amounts[k] = n
				}
			}
			check("Summary", i, summaryDate(s, "StartDate"), summaryDate(s, "EndDate"), amounts)
		}
		return vs
	}
}

// monthOf reads a statement date leniently: a date-time's date part counts (the violation is on
// record), so that the figures can still be compared.
func monthOf(s string) (Month, error) {
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Month{}, fmt.Errorf("%q is not a date", s)
	}
	return reachfixture.MonthOf(t), nil
}

// moneyOf reads an amount exactly; more than two decimals are rounded (the violation is on record).
func moneyOf(n json.Number) Money {
	if m, err := reachfixture.ParseMoney(n.String()); err == nil {
		return m
	}
	f, err := n.Float64()
	if err != nil {
		return 0
	}
	return Money(math.Round(f * 100))
}

func plSummary(s summaryRow) reachfixture.PLSummary {
	v := s.values
	return reachfixture.PLSummary{Month: s.month, TotalIncome: v["TotalIncome"], TotalCostOfGoodsSold: v["TotalCostOfGoodsSold"],
		GrossProfit: v["GrossProfit"], TotalExpenses: v["TotalExpenses"], NetOperatingIncome: v["NetOperatingIncome"],
		TotalOtherIncome: v["TotalOtherIncome"], TotalOtherExpenses: v["TotalOtherExpenses"], NetOtherIncome: v["NetOtherIncome"],
		NetIncome: v["NetIncome"]}
}

func bsSummary(s summaryRow) reachfixture.BSSummary {
	v := s.values
	return reachfixture.BSSummary{Month: s.month, TotalAssets: v["TotalAssets"], TotalLiabilities: v["TotalLiabilities"],
		TotalEquity: v["TotalEquity"], TotalLiabilitiesAndEquity: v["TotalLiabilitiesAndEquity"]}
}

func cfSummary(s summaryRow) reachfixture.CFSummary {
	v := s.values
	return reachfixture.CFSummary{Month: s.month, BeginningCash: v["BeginningCash"], NetCashFromOperating: v["NetCashFromOperating"],
		NetCashFromInvesting: v["NetCashFromInvesting"], NetCashFromFinancing: v["NetCashFromFinancing"],
		NetChangeInCash: v["NetChangeInCash"], EndingCash: v["EndingCash"]}
}

func (r *Reach) metricValues(ctx context.Context, c *Connection, companyID string, ids []string, from, to Month, out *SyncResult) []reachfixture.MetricLine {
	body := map[string]any{"NonFinancialIds": ids, "StartDate": from.StartDate(), "EndDate": to.EndDate()}
	res, err := r.Do(ctx, c, Request{Operation: "queryNonFinancialValues", Path: map[string]string{"CompanyId": companyID}, JSON: body, Trace: out.Trace,
		Check: metricCheck(companyID, from, to)})
	if !r.usable(out, res, err, "queryNonFinancialValues") {
		return nil
	}
	var raw struct {
		Data []struct {
			NonFinancialID string      `json:"NonFinancialId"`
			StartDate      string      `json:"StartDate"`
			Value          json.Number `json:"Value"`
		} `json:"Data"`
	}
	if err := decodeNumber(res.Body, &raw); err != nil {
		out.fail(res, "queryNonFinancialValues", "%s to %s is not the metric values body: %v", from, to, err)
		return nil
	}
	var lines []reachfixture.MetricLine
	for i, d := range raw.Data {
		m, err := monthOf(d.StartDate)
		if err != nil {
			out.fail(res, "queryNonFinancialValues", "Data.%d.StartDate: %v", i, err)
			return nil
		}
		v, err := d.Value.Float64()
		if err != nil {
			out.fail(res, "queryNonFinancialValues", "Data.%d.Value %q is not a number", i, d.Value)
			return nil
		}
		lines = append(lines, reachfixture.MetricLine{NonFinancialID: d.NonFinancialID, Month: m, Value: v})
	}
	return lines
}

// echoPeriod: the answer repeats the period asked for (the document's statement header, and the
// metric values' body).
func echoPeriod(add func(field, rule, format string, args ...any), start, end *string, from, to Month) {
	if start != nil && *start != from.StartDate() {
		add("StartDate", RulePeriod, "is %q; Reach asked for %s", *start, from.StartDate())
	}
	if end != nil && *end != to.EndDate() {
		add("EndDate", RulePeriod, "is %q; Reach asked for %s", *end, to.EndDate())
	}
}

// metricCheck holds metric values to whole months inside the period, and the answer to the company
// and period asked for.
func metricCheck(companyID string, from, to Month) func(int, []byte) []journal.Violation {
	return func(status int, body []byte) []journal.Violation {
		if status != http.StatusOK {
			return nil
		}
		var raw struct {
			CompanyID *string `json:"CompanyId"`
			StartDate *string `json:"StartDate"`
			EndDate   *string `json:"EndDate"`
			Data      []struct {
				StartDate string `json:"StartDate"`
				EndDate   string `json:"EndDate"`
			} `json:"Data"`
		}
		if json.Unmarshal(body, &raw) != nil {
			return nil
		}
		var vs []journal.Violation
		add := func(field, rule, format string, args ...any) {
			vs = append(vs, journal.Violation{In: "response", Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
		}
		if raw.CompanyID != nil && *raw.CompanyID != companyID {
			add("CompanyId", RulePeriod, "is %q; Reach asked for %s", *raw.CompanyID, companyID)
		}
		echoPeriod(add, raw.StartDate, raw.EndDate, from, to)
		for i, d := range raw.Data {
			m, err := monthOf(d.StartDate)
			if err != nil || d.StartDate != m.StartDate() || d.EndDate != m.EndDate() || m.Before(from) || m.After(to) {
				vs = append(vs, journal.Violation{In: "response", Field: fmt.Sprintf("Data.%d", i), Rule: RulePeriod,
					Message: fmt.Sprintf("StartDate %q and EndDate %q are not one calendar month between %s and %s", d.StartDate, d.EndDate, from, to)})
			}
		}
		return vs
	}
}
