package refpartner

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/boundedhttp"
)

// reply is an answer decided under the lock and written after it (and after any wait).
type reply struct {
	status int
	header http.Header
	ctype  string
	body   []byte
	delay  time.Duration
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return reply{status: http.StatusInternalServerError, ctype: "application/json",
			body: []byte(`{"errors":[{"error":"InternalError","message":"the partner could not encode its answer","level":9}]}`)}
	}
	return reply{status: status, ctype: "application/json", body: b}
}

// errReply is the specification's error body, or (plain-text-errors) a line of text.
func (p *Partner) errReply(status int, label, message string, level int) reply {
	if p.faults["plain-text-errors"] {
		return reply{status: status, ctype: "text/plain; charset=utf-8", body: []byte(label + ": " + message + "\n")}
	}
	item := map[string]any{"error": label, "message": message, "level": level}
	if p.alt {
		delete(item, "level") // optional in the document
	}
	return jsonReply(status, map[string]any{"errors": []map[string]any{item}})
}

const signInPage = `<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Lantern Books</h1>` +
	`<form method="post" action="/login"><input name="email"><input name="password" type="password"><button>Sign in</button></form></body></html>`

// api serves everything under the API base (and the alt variant's OAuth server).
func (p *Partner) api(w http.ResponseWriter, r *http.Request) {
	body, err := boundedhttp.ReadLimited(r.Body, 1<<20)
	path := p.route(r.URL.Path)
	var rep reply
	if err != nil {
		rep = p.errReply(http.StatusBadRequest, "InvalidRequest", "the request body could not be read: "+err.Error(), 7)
	} else {
		rep = p.serveLocked(r, path, body)
	}
	p.dress(r, path, &rep)
	if rep.delay > 0 {
		p.opts.Wait(r.Context(), rep.delay)
	}
	for k, vs := range rep.header {
		w.Header()[k] = vs
	}
	if rep.ctype != "" {
		w.Header().Set("Content-Type", rep.ctype)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// serveLocked decides an answer under p.mu, released however serve ends: a panic in one answer
// (net/http recovers it and drops the connection) must not leave every later request waiting.
func (p *Partner) serveLocked(r *http.Request, path string, body []byte) reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.serve(r, path, body)
}

// serve decides an answer; p.mu is held.
func (p *Partner) serve(r *http.Request, path string, body []byte) reply {
	s := p.s
	if s == nil || s.books == nil {
		rep := p.errReply(http.StatusServiceUnavailable, "ServiceUnavailable", "The books are not set up yet.", 5)
		return rep
	}
	now := p.opts.Clock.Now()
	if s.outage > 0 {
		s.outage--
		if p.faults["unavailable-as-500"] {
			return p.errReply(http.StatusInternalServerError, "InternalError", "The ledger database did not answer.", 9)
		}
		rep := p.errReply(http.StatusServiceUnavailable, "ServiceUnavailable", "Maintenance in progress; try again shortly.", 5)
		if !p.alt { // Retry-After is welcome, not required: the alt variant leaves the wait to Reach's backoff
			rep.header = http.Header{"Retry-After": {"2"}}
		}
		return rep
	}
	if p.faults["rate-limits-nightly"] && now.UTC().Hour() < 6 {
		minute := now.UTC().Truncate(time.Minute)
		if !minute.Equal(s.minute) {
			s.minute, s.inMinute = minute, 0
		}
		s.inMinute++
		if s.inMinute > 10 {
			rep := p.errReply(http.StatusTooManyRequests, "TooManyRequests", "Night-time batch window: at most 10 requests a minute.", 6)
			rep.header = http.Header{"Retry-After": {"60"}}
			return rep
		}
	}
	s.counts[r.Method+" "+routeName(path)]++

	switch {
	case path == "/auth/oauth-discovery" && r.Method == http.MethodGet:
		return p.discovery(r, s)
	case path == "/oauth2/authorize" && r.Method == http.MethodGet:
		return p.authorizePage(r, s)
	case path == "/oauth2/authorize" && r.Method == http.MethodPost && !p.faults["authorize-page-missing"]:
		return p.allow(r, s, body)
	case path == "/oauth2/token" && r.Method == http.MethodPost:
		return p.token(r, s, body, now)
	}

	customer, narrow, ok := p.authenticate(r, s, now)
	if !ok {
		if p.faults["html-on-bad-token"] {
			return reply{status: http.StatusOK, ctype: "text/html; charset=utf-8", body: []byte(signInPage)}
		}
		rep := p.errReply(http.StatusUnauthorized, "Unauthorized", "The bearer token is missing or invalid.", 8)
		rep.header = http.Header{"Www-Authenticate": {`Bearer realm="reach"`}}
		if p.alt && r.Header.Get("Authorization") != "" {
			rep.header.Set("Www-Authenticate", `Bearer realm="lantern-books", error="invalid_token"`) // RFC 6750 §3.1
		}
		return rep
	}
	if path == "/oauth2/user-info" && r.Method == http.MethodGet {
		return p.userInfo(s, customer, narrow)
	}
	rest, ok := strings.CutPrefix(path, "/companies/")
	if !ok || rest == "" {
		return p.errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("No route %s %s.", r.Method, path), 6)
	}
	companyID, sub, _ := strings.Cut(rest, "/")
	books, ours := s.books.Company(companyID)
	other := s.settings.OtherCompany != nil && companyID == s.settings.OtherCompany.CompanyID
	if narrow && ours && books != s.books.Companies[0] {
		return p.errReply(http.StatusForbidden, "Forbidden", fmt.Sprintf("This token gives no access to company %s.", companyID), 8)
	}
	if !ours && !other {
		return p.errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("Company %s does not exist.", companyID), 6)
	}
	if ours != customer && !p.faults["accepts-other-company-token"] {
		if p.alt {
			// A company the token cannot see does not exist, as far as the token knows.
			return p.errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("Company %s does not exist.", companyID), 6)
		}
		return p.errReply(http.StatusForbidden, "Forbidden", fmt.Sprintf("This token gives no access to company %s.", companyID), 8)
	}
	if other {
		return p.otherCompany(r, s, sub)
	}
	return p.company(r, books, sub, body, s.counts)
}

func routeName(path string) string {
	if rest, ok := strings.CutPrefix(path, "/companies/"); ok {
		_, sub, _ := strings.Cut(rest, "/")
		return "/companies/{CompanyId}/" + sub
	}
	return path
}

// authenticate tells whose a bearer token is: the customer's (every company of the books; narrow,
// the first company only), or the other customer's (its one company).
func (p *Partner) authenticate(r *http.Request, s *session, now time.Time) (customer, narrow, ok bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return false, false, false
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.settings.AccessToken)) == 1 {
		if p.faults["static-token-expires"] && now.Sub(s.started) > 24*time.Hour {
			return false, false, false
		}
		return true, false, true
	}
	if o := s.settings.OtherCompany; o != nil && subtle.ConstantTimeCompare([]byte(tok), []byte(o.AccessToken)) == 1 {
		return false, false, true
	}
	if exp, ok := s.access[tok]; ok && (now.Before(exp) || p.faults["access-tokens-never-expire"]) {
		return true, s.narrow[tok], true
	}
	return false, false, false
}

// customerName is how the customer's books are named on the consent page.
func (s *session) customerName() string {
	var names []string
	for _, c := range s.books.Companies {
		names = append(names, c.Company.CompanyName)
	}
	return strings.Join(names, ", ")
}

func (p *Partner) userInfo(s *session, customer, narrow bool) reply {
	s.counts["user-info"]++
	companies := []map[string]string{}
	if customer {
		for i, c := range s.books.Companies {
			if narrow && i > 0 {
				break
			}
			companies = append(companies, map[string]string{"CompanyId": c.Company.CompanyID, "CompanyName": c.Company.CompanyName})
			if i == 0 && p.faults["user-info-duplicates"] {
				companies = append(companies, companies[0])
			}
		}
	} else {
		o := s.settings.OtherCompany
		companies = append(companies, map[string]string{"CompanyId": o.CompanyID, "CompanyName": o.CompanyName})
	}
	key := "Companies"
	if p.faults["no-company-list"] {
		key = "companies"
	}
	if p.alt {
		return jsonReply(http.StatusOK, map[string]any{key: companies, "UserId": "integration:reach", "Name": "Reach (read-only integration)",
			"Email": "reach-sync@lantern-books.example"})
	}
	return jsonReply(http.StatusOK, map[string]any{"UserId": "usr-integration", "Name": "Reach integration", key: companies})
}

// otherCompany serves the second customer: company information, and no books yet.
func (p *Partner) otherCompany(r *http.Request, s *session, sub string) reply {
	o := s.settings.OtherCompany
	switch {
	case sub == "" && r.Method == http.MethodGet && p.faults["other-company-info-of-customer"]:
		return jsonReply(http.StatusOK, s.books.Companies[0].Company)
	case sub == "" && r.Method == http.MethodGet:
		return jsonReply(http.StatusOK, map[string]any{"CompanyId": o.CompanyID, "CompanyName": o.CompanyName, "FiscalMonthEnd": 12, "Currency": s.books.Companies[0].Company.Currency})
	case r.Method == http.MethodGet && isList(sub):
		return p.paginate(r, []any{})
	case r.Method == http.MethodGet && (sub == "profit-and-loss" || sub == "balance-sheet" || sub == "cash-flow"):
		// No books yet: a valid request without data is 200 with empty arrays.
		q := r.URL.Query()
		basis := reachfixture.Basis(q.Get("AccountingBasis"))
		if basis != reachfixture.Accrual && basis != reachfixture.Cash {
			return p.errReply(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("AccountingBasis must be CASH or ACCRUAL; got %q.", basis), 7)
		}
		from, to, err := reachfixture.ParsePeriod(q.Get("StartDate"), q.Get("EndDate"))
		if err != nil {
			return p.errReply(http.StatusBadRequest, "InvalidParameter", err.Error()+".", 7)
		}
		return jsonReply(http.StatusOK, map[string]any{"CompanyId": o.CompanyID, "StartDate": from.StartDate(), "EndDate": to.EndDate(),
			"AccountingBasis": basis, "Currency": s.books.Companies[0].Company.Currency, "Data": p.list(nil), "Summary": p.list(nil)})
	}
	return p.errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("Company %s has no %s yet.", o.CompanyID, sub), 6)
}

func isList(sub string) bool {
	switch sub {
	case "chart-of-accounts", "budgets", "classes", "departments", "non-financial":
		return true
	}
	return false
}

// company serves one of the customer's companies; counts are the session's requests so far.
func (p *Partner) company(r *http.Request, b *reachfixture.Company, sub string, body []byte, counts map[string]int) reply {
	get := r.Method == http.MethodGet
	switch {
	case sub == "" && get:
		info := b.Company
		if p.faults["calendar-fiscal-year"] {
			info.FiscalMonthEnd = 12
		}
		return jsonReply(http.StatusOK, info)
	case sub == "chart-of-accounts" && get:
		items := make([]any, 0, len(b.Accounts))
		for _, a := range b.Accounts {
			if p.faults["unknown-account-in-statements"] && a.AccountID == "acct_6700" {
				continue
			}
			items = append(items, a)
		}
		return p.paginate(r, p.listed(sub, items))
	case sub == "budgets" && get:
		items := make([]any, 0, len(b.Budgets))
		for _, x := range b.Budgets {
			items = append(items, x.Item())
		}
		return p.paginate(r, p.listed(sub, items))
	case sub == "classes" && get:
		items := make([]any, 0, len(b.Classes))
		for _, x := range b.Classes {
			if p.faults["parent-class-dropped"] {
				x.ParentClassID = ""
			}
			items = append(items, x)
		}
		return p.paginate(r, p.listed(sub, items))
	case sub == "departments" && get:
		if p.faults["missing-endpoint"] {
			return p.errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("No route GET /companies/%s/departments.", b.Company.CompanyID), 6)
		}
		items := make([]any, 0, len(b.Departments))
		for _, x := range b.Departments {
			items = append(items, x)
		}
		return p.paginate(r, p.listed(sub, items))
	case sub == "non-financial" && get:
		items := make([]any, 0, len(b.NonFinancialMetrics))
		for _, x := range b.NonFinancialMetrics {
			items = append(items, x)
		}
		return p.paginate(r, p.listed(sub, items))
	case sub == "non-financial" && r.Method == http.MethodPost:
		rep := p.metricValues(b, body)
		if p.faults["metric-query-created"] && rep.status == http.StatusOK {
			rep.status = http.StatusCreated
		}
		return rep
	case (sub == "profit-and-loss" || sub == "balance-sheet" || sub == "cash-flow") && get:
		key := b.Company.CompanyID + "/" + sub + "?" + r.URL.Query().Encode()
		if cached, ok := p.s.reports[key]; ok && p.faults["stale-report-cache"] {
			return cached
		}
		rep := p.statement(r, b, sub, counts)
		if p.faults["stale-report-cache"] && rep.status == http.StatusOK {
			p.s.reports[key] = rep
		}
		if p.faults["slow-answers"] {
			rep.delay = 3 * time.Second
		}
		if p.faults["partial-open-period"] && rep.status == http.StatusOK {
			// The months after the books' last one are still open: the partner flags the answer partial.
			if _, to, err := reachfixture.ParsePeriod(r.URL.Query().Get("StartDate"), r.URL.Query().Get("EndDate")); err == nil && to.After(b.LastMonth) {
				rep.status = http.StatusPartialContent
			}
		}
		return rep
	}
	if isList(sub) || sub == "" || sub == "profit-and-loss" || sub == "balance-sheet" || sub == "cash-flow" {
		rep := p.errReply(http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("%s is not allowed here.", r.Method), 7)
		rep.header = http.Header{"Allow": {"GET"}}
		return rep
	}
	return p.errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("No route %s /companies/%s/%s.", r.Method, b.Company.CompanyID, sub), 6)
}

// paginate answers one page of a reference list: offset from 0, limit 1 to 1000 (default 100),
// anything else 400; total is the whole list's size.
func (p *Partner) paginate(r *http.Request, items []any) reply {
	q := r.URL.Query()
	offset, limit := 0, 100
	if p.faults["default-limit-ignored"] {
		limit = 1000
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil && n < 0 && p.faults["negative-offset-clamped"] {
			n = 0
		}
		if err != nil || n < 0 {
			return p.errReply(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("offset must be an integer of at least 0; got %q.", v), 7)
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		tooBig := n > 1000 && !p.faults["accepts-limit-1001"]
		if err != nil || n < 1 && !p.faults["accepts-limit-0"] || tooBig {
			return p.errReply(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("limit must be between 1 and 1000; got %s.", v), 7)
		}
		limit = n
		if p.faults["small-limit-rounded-up"] && limit < 5 {
			limit = 5
		}
	}
	total := len(items)
	start := offset
	if offset > 0 && p.faults["page-skip"] {
		start++
	}
	if offset > 0 && p.faults["page-repeat"] {
		start--
	}
	n := limit
	if p.faults["limit-ignored"] {
		n = max(limit, 100)
	}
	start = min(start, total)
	end := min(start+n, total)
	var page []any
	if end > start {
		page = items[start:end]
	} else if !p.faults["null-empty-lists"] && !(p.faults["null-page-past-end"] && total > 0) {
		page = []any{}
	}
	shown := total
	if p.faults["unstable-total"] {
		shown += (offset / limit) % 2
	}
	return jsonReply(http.StatusOK, map[string]any{"Data": page, "Pagination": map[string]int{"offset": offset, "limit": limit, "total": shown}})
}

func (p *Partner) notFoundOr400(err error) reply {
	var nf *reachfixture.NotFoundError
	if errors.As(err, &nf) {
		return p.errReply(http.StatusNotFound, "NotFound", upper(nf.Error())+".", 6)
	}
	return p.errReply(http.StatusBadRequest, "InvalidParameter", err.Error()+".", 7)
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// statement answers the P&L, balance sheet or cash flow, from the books' derivations.
func (p *Partner) statement(r *http.Request, b *reachfixture.Company, kind string, counts map[string]int) reply {
	q := r.URL.Query()
	basis := reachfixture.Basis(q.Get("AccountingBasis"))
	if basis != reachfixture.Accrual && basis != reachfixture.Cash && p.faults["unknown-basis-as-accrual"] {
		basis = reachfixture.Accrual
	}
	if basis != reachfixture.Accrual && basis != reachfixture.Cash {
		return p.errReply(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("AccountingBasis must be CASH or ACCRUAL; got %q.", basis), 7)
	}
	from, to, err := reachfixture.ParsePeriod(q.Get("StartDate"), q.Get("EndDate"))
	if err != nil && p.faults["reversed-period-empty"] {
		return jsonReply(http.StatusOK, map[string]any{"CompanyId": b.Company.CompanyID, "StartDate": q.Get("StartDate"), "EndDate": q.Get("EndDate"),
			"AccountingBasis": basis, "Currency": b.Company.Currency, "Data": p.list(nil), "Summary": p.list(nil)})
	}
	if err != nil {
		return p.errReply(http.StatusBadRequest, "InvalidParameter", err.Error()+".", 7)
	}
	f := reachfixture.Filter{BudgetID: q.Get("BudgetId"), ClassID: q.Get("ClassId"), DepartmentID: q.Get("DepartmentId")}
	echo := f
	derive := basis
	if p.faults["wrong-basis"] {
		derive = reachfixture.Accrual
	}
	if p.faults["class-filter-ignored"] {
		f.ClassID = ""
	}
	if _, known := b.Budget(f.BudgetID); p.faults["unknown-budget-empty"] && f.BudgetID != "" && !known {
		return jsonReply(http.StatusOK, map[string]any{"CompanyId": b.Company.CompanyID, "StartDate": from.StartDate(), "EndDate": to.EndDate(),
			"AccountingBasis": basis, "Currency": b.Company.Currency, "BudgetId": f.BudgetID, "Data": p.list(nil), "Summary": p.list(nil)})
	}
	types := map[string]reachfixture.AccountType{}
	for _, a := range b.Accounts {
		types[a.AccountID] = a.AccountType
	}
	var lines []reachfixture.Line
	var summary []map[string]any
	switch kind {
	case "profit-and-loss":
		pl, err := b.ProfitAndLoss(derive, from, to, f)
		if err != nil {
			return p.notFoundOr400(err)
		}
		if p.faults["nested-class-rollup"] && f.ClassID != "" {
			pl = rollUp(b, pl, derive, from, to, f)
		}
		lines = pl.Lines
		for _, x := range pl.Summary {
			if p.faults["pl-totals-off"] {
				var payroll reachfixture.Money
				for _, l := range pl.Lines {
					if a, _ := b.Account(l.AccountID); l.Month == x.Month && a.ParentAccountID == "acct_6100" {
						payroll += l.Amount
					}
				}
				x.TotalExpenses -= payroll
				x.NetOperatingIncome = x.GrossProfit - x.TotalExpenses
				x.NetIncome = x.NetOperatingIncome + x.NetOtherIncome
			}
			summary = append(summary, map[string]any{"StartDate": x.Month.StartDate(), "EndDate": x.Month.EndDate(),
				"TotalIncome": x.TotalIncome, "TotalCostOfGoodsSold": x.TotalCostOfGoodsSold, "GrossProfit": x.GrossProfit,
				"TotalExpenses": x.TotalExpenses, "NetOperatingIncome": x.NetOperatingIncome, "TotalOtherIncome": x.TotalOtherIncome,
				"TotalOtherExpenses": x.TotalOtherExpenses, "NetOtherIncome": x.NetOtherIncome, "NetIncome": x.NetIncome})
		}
		if p.faults["unstable-amounts"] && counts["user-info"]%2 == 0 && len(pl.Summary) > 0 {
			lines, summary = drift(lines, summary)
		}
	case "balance-sheet":
		bs, err := b.BalanceSheet(derive, from, to, f)
		if err != nil {
			return p.notFoundOr400(err)
		}
		lines = bs.Lines
		for _, x := range bs.Summary {
			if p.faults["unbalanced-balance-sheet"] {
				for _, l := range bs.Lines {
					if l.Month == x.Month && l.AccountID == b.EarningsAccounts.CurrentYearEarnings {
						x.TotalEquity -= l.Amount
					}
				}
				x.TotalLiabilitiesAndEquity = x.TotalLiabilities + x.TotalEquity
			}
			summary = append(summary, map[string]any{"StartDate": x.Month.StartDate(), "EndDate": x.Month.EndDate(),
				"TotalAssets": x.TotalAssets, "TotalLiabilities": x.TotalLiabilities, "TotalEquity": x.TotalEquity,
				"TotalLiabilitiesAndEquity": x.TotalLiabilitiesAndEquity})
		}
		if p.faults["unbalanced-balance-sheet"] {
			kept := lines[:0:0]
			for _, l := range lines {
				if l.AccountID != b.EarningsAccounts.CurrentYearEarnings {
					kept = append(kept, l)
				}
			}
			lines = kept
		}
	case "cash-flow":
		cf, err := b.CashFlow(derive, from, to, f)
		if err != nil {
			return p.notFoundOr400(err)
		}
		lines = cf.Lines
		if p.faults["cash-flow-opening-zero"] && len(cf.Summary) > 0 {
			cf.Summary[0].BeginningCash = 0
		}
		for _, x := range cf.Summary {
			summary = append(summary, map[string]any{"StartDate": x.Month.StartDate(), "EndDate": x.Month.EndDate(),
				"BeginningCash": x.BeginningCash, "NetCashFromOperating": x.NetCashFromOperating, "NetCashFromInvesting": x.NetCashFromInvesting,
				"NetCashFromFinancing": x.NetCashFromFinancing, "NetChangeInCash": x.NetChangeInCash, "EndingCash": x.EndingCash})
		}
	}
	if p.faults["lines-on-header"] && kind != "balance-sheet" {
		lines = onHeader(b, lines, "acct_6100")
	}
	lines = p.altLines(kind, b.Accounts, lines)
	if p.alt {
		slices.Reverse(summary) // newest month first
	}
	data := make([]any, 0, len(lines))
	for _, l := range lines {
		line := statementLine{AccountID: l.AccountID, StartDate: p.date(l.Month.StartDate()), EndDate: p.date(l.Month.EndDate()), Amount: l.Amount}
		if p.faults["dynamic-field-names"] {
			data = append(data, map[string]any{"AccountId": line.AccountID, "StartDate": line.StartDate, "EndDate": line.EndDate,
				"Amount": line.Amount, l.Month.String(): l.Amount})
			continue
		}
		data = append(data, line)
	}
	for _, x := range summary {
		x["StartDate"], x["EndDate"] = p.date(x["StartDate"].(string)), p.date(x["EndDate"].(string))
	}
	if p.faults["empty-month-dropped"] && kind != "balance-sheet" {
		summary = withoutEmptyMonths(b, derive, summary)
	}
	start, end := from.StartDate(), to.EndDate()
	if p.faults["period-not-echoed"] {
		start, end = b.FirstMonth.StartDate(), b.LastMonth.EndDate()
	}
	out := map[string]any{"CompanyId": b.Company.CompanyID, "StartDate": start, "EndDate": end,
		"AccountingBasis": basis, "Currency": b.Company.Currency, "Data": p.list(data), "Summary": p.list(anySlice(summary))}
	for k, v := range map[string]string{"BudgetId": echo.BudgetID, "ClassId": echo.ClassID, "DepartmentId": echo.DepartmentID} {
		if v != "" {
			out[k] = v
		}
	}
	if p.alt {
		// Not in the document: Reach ignores it. The books' close, not the clock: the same books give
		// the same bytes, as a partner caching its statements would.
		out["GeneratedAt"] = b.LastMonth.End().Add(24*time.Hour - time.Second).Format(time.RFC3339)
	}
	return jsonReply(http.StatusOK, out)
}

// rollUp adds the figures of a class's children to its own (nested-class-rollup).
func rollUp(b *reachfixture.Company, pl *reachfixture.ProfitAndLoss, basis reachfixture.Basis, from, to reachfixture.Month, f reachfixture.Filter) *reachfixture.ProfitAndLoss {
	type key struct {
		account string
		month   reachfixture.Month
	}
	amounts := map[key]reachfixture.Money{}
	var order []key
	add := func(x *reachfixture.ProfitAndLoss) {
		for _, l := range x.Lines {
			k := key{l.AccountID, l.Month}
			if _, seen := amounts[k]; !seen {
				order = append(order, k)
			}
			amounts[k] += l.Amount
		}
	}
	add(pl)
	out := &reachfixture.ProfitAndLoss{Summary: pl.Summary}
	for _, c := range b.Classes {
		if c.ParentClassID != f.ClassID {
			continue
		}
		child := f
		child.ClassID = c.ClassID
		x, err := b.ProfitAndLoss(basis, from, to, child)
		if err != nil {
			continue
		}
		add(x)
		for i := range out.Summary {
			for _, s := range x.Summary {
				if s.Month == out.Summary[i].Month {
					o := &out.Summary[i]
					o.TotalIncome += s.TotalIncome
					o.TotalCostOfGoodsSold += s.TotalCostOfGoodsSold
					o.GrossProfit += s.GrossProfit
					o.TotalExpenses += s.TotalExpenses
					o.NetOperatingIncome += s.NetOperatingIncome
					o.TotalOtherIncome += s.TotalOtherIncome
					o.TotalOtherExpenses += s.TotalOtherExpenses
					o.NetOtherIncome += s.NetOtherIncome
					o.NetIncome += s.NetIncome
				}
			}
		}
	}
	for _, k := range order {
		out.Lines = append(out.Lines, reachfixture.Line{AccountID: k.account, Month: k.month, Amount: amounts[k]})
	}
	return out
}

// onHeader moves the lines of a header's children onto the header, one line a month (lines-on-header).
func onHeader(b *reachfixture.Company, lines []reachfixture.Line, header string) []reachfixture.Line {
	out := make([]reachfixture.Line, 0, len(lines))
	at := map[reachfixture.Month]int{}
	for _, l := range lines {
		if a, _ := b.Account(l.AccountID); a.ParentAccountID != header {
			out = append(out, l)
			continue
		}
		if i, ok := at[l.Month]; ok {
			out[i].Amount += l.Amount
			continue
		}
		at[l.Month] = len(out)
		out = append(out, reachfixture.Line{AccountID: header, Month: l.Month, Amount: l.Amount})
	}
	return out
}

// withoutEmptyMonths drops the summary entries of months the profit and loss has no line in
// (empty-month-dropped).
func withoutEmptyMonths(b *reachfixture.Company, basis reachfixture.Basis, summary []map[string]any) []map[string]any {
	pl, err := b.ProfitAndLoss(basis, b.FirstMonth, b.LastMonth, reachfixture.Filter{})
	if err != nil {
		return summary
	}
	moved := map[string]bool{}
	for _, l := range pl.Lines {
		moved[l.Month.StartDate()] = true
	}
	kept := summary[:0:0]
	for _, s := range summary {
		if moved[s["StartDate"].(string)] {
			kept = append(kept, s)
		}
	}
	return kept
}

// statementLine is one line of a statement as the document has it.
type statementLine struct {
	AccountID string             `json:"AccountId"`
	StartDate string             `json:"StartDate"`
	EndDate   string             `json:"EndDate"`
	Amount    reachfixture.Money `json:"Amount"`
}

// drift adds one cent of income to the last month (unstable-amounts), totals included.
func drift(lines []reachfixture.Line, summary []map[string]any) ([]reachfixture.Line, []map[string]any) {
	last := summary[len(summary)-1]
	out := append([]reachfixture.Line(nil), lines...)
	for i := range out {
		if out[i].AccountID == "acct_4010" && out[i].Month.StartDate() == last["StartDate"] {
			out[i].Amount++
			for _, k := range []string{"TotalIncome", "GrossProfit", "NetOperatingIncome", "NetIncome"} {
				last[k] = last[k].(reachfixture.Money) + 1
			}
			break
		}
	}
	return out, summary
}

func anySlice(xs []map[string]any) []any {
	out := make([]any, 0, len(xs))
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

// list is an array as the specification wants it: [] when empty (null with null-empty-lists).
func (p *Partner) list(xs []any) any {
	if len(xs) == 0 && p.faults["null-empty-lists"] {
		return nil
	}
	if xs == nil {
		return []any{}
	}
	return xs
}

// date writes a statement date (with a time, with datetime-dates).
func (p *Partner) date(d string) string {
	if p.faults["datetime-dates"] {
		return d + "T00:00:00Z"
	}
	return d
}

func (p *Partner) metricValues(b *reachfixture.Company, body []byte) reply {
	var q struct {
		NonFinancialIDs []string `json:"NonFinancialIds"`
		StartDate       string   `json:"StartDate"`
		EndDate         string   `json:"EndDate"`
		BudgetID        string   `json:"BudgetId"`
		ClassID         string   `json:"ClassId"`
	}
	if err := json.Unmarshal(body, &q); err != nil {
		return p.errReply(http.StatusBadRequest, "InvalidRequest", "The body is not the metric query: "+err.Error()+".", 7)
	}
	if len(q.NonFinancialIDs) == 0 && p.faults["metric-query-without-ids-empty"] {
		return jsonReply(http.StatusOK, map[string]any{"CompanyId": b.Company.CompanyID, "StartDate": q.StartDate, "EndDate": q.EndDate, "Data": p.list(nil)})
	}
	if len(q.NonFinancialIDs) == 0 {
		return p.errReply(http.StatusBadRequest, "InvalidParameter", "NonFinancialIds must name at least one metric.", 7)
	}
	from, to, err := reachfixture.ParsePeriod(q.StartDate, q.EndDate)
	if err != nil {
		return p.errReply(http.StatusBadRequest, "InvalidParameter", err.Error()+".", 7)
	}
	values, err := b.NonFinancial(q.NonFinancialIDs, from, to, reachfixture.Filter{BudgetID: q.BudgetID, ClassID: q.ClassID})
	if err != nil {
		return p.notFoundOr400(err)
	}
	if p.alt { // month by month rather than metric by metric
		slices.SortStableFunc(values, func(a, b reachfixture.MetricLine) int {
			return strings.Compare(a.Month.String()+a.NonFinancialID, b.Month.String()+b.NonFinancialID)
		})
	}
	data := make([]any, 0, len(values))
	for _, v := range values {
		data = append(data, map[string]any{"NonFinancialId": v.NonFinancialID, "StartDate": v.Month.StartDate(), "EndDate": v.Month.EndDate(), "Value": v.Value})
	}
	out := map[string]any{"CompanyId": b.Company.CompanyID, "StartDate": from.StartDate(), "EndDate": to.EndDate(), "Data": p.list(data)}
	if q.BudgetID != "" {
		out["BudgetId"] = q.BudgetID
	}
	if q.ClassID != "" {
		out["ClassId"] = q.ClassID
	}
	return jsonReply(http.StatusOK, out)
}
