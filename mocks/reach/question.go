package reach

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
)

// A Question is one question of a whole-state reading, asked alone: an exploration asks one at a
// time, in between changes, and varies what the whole reading keeps fixed (a list's page size, a
// statement's period). Reading and expectation come from the same probe, so a question's State
// compares with the books' exactly as the whole reading does.
type Question struct{ p probe }

// Item is the question's name in a State, readable as a step.
func (q Question) Item() string { return q.p.item }

// CompanyID is the company the question is about ("" for user-info).
func (q Question) CompanyID() string {
	if q.p.company == nil {
		return ""
	}
	return q.p.company.Company.CompanyID
}

// IsList, IsPeriodic: what a question can be varied in.
func (q Question) IsList() bool { return q.p.kind == probeList }

func (q Question) IsPeriodic() bool {
	return q.p.kind == probeStatement || q.p.kind == probeMetrics
}

// Questions are every question of the whole reading of books, in its order.
func Questions(books *reachfixture.Set) []Question {
	var out []Question
	for _, p := range plan(books) {
		out = append(out, Question{p})
	}
	return out
}

// PagesOf is a list question read with the default page and in pages of n, in one order.
func (q Question) PagesOf(n int) Question {
	if q.p.kind != probeList {
		return q
	}
	q.p.modes = []listMode{{0, "default pages"}, {n, fmt.Sprintf("pages of %d", n)}}
	q.p.item += fmt.Sprintf(" in pages of %d", n)
	return q
}

// Over is a statement or metric question over another period.
func (q Question) Over(from, to Month) Question {
	id := q.CompanyID()
	switch q.p.kind {
	case probeStatement:
		q.p.from, q.p.to = from, to
		q.p.item = fmt.Sprintf("%s %s %s (%s) %s", id, q.p.basis, statementNames[q.p.stmt], filterName(q.p.filter), period(from, to))
	case probeMetrics:
		q.p.from, q.p.to = from, to
		which := "every metric"
		if len(q.p.metrics) == 1 {
			which = q.p.metrics[0]
		}
		q.p.item = fmt.Sprintf("%s metric values, %s (%s) %s", id, which, filterName(q.p.filter), period(from, to))
	}
	return q
}

// A bad request is one the document tells the partner to refuse: a parameter out of its range (400)
// or a missing or wrong token (401). Each keeps its status: a partner that serves the books anyway, or
// refuses with another status or without the errors body, differs from the books.
type badRequest struct {
	what   string
	status int
	// build makes the request for a company.
	build func(c *reachfixture.Company) Request
}

func statementQuery(start, end, basis string) url.Values {
	return url.Values{"StartDate": {start}, "EndDate": {end}, "AccountingBasis": {basis}}
}

var badRequests = []badRequest{
	{"chart of accounts with limit 0", http.StatusBadRequest, func(*reachfixture.Company) Request {
		return Request{Operation: "listChartOfAccounts", Query: url.Values{"limit": {"0"}}}
	}},
	{"classes with limit 1001", http.StatusBadRequest, func(*reachfixture.Company) Request {
		return Request{Operation: "listClasses", Query: url.Values{"limit": {"1001"}}}
	}},
	{"budgets from offset -1", http.StatusBadRequest, func(*reachfixture.Company) Request {
		return Request{Operation: "listBudgets", Query: url.Values{"offset": {"-1"}, "limit": {"10"}}}
	}},
	{"non-financial metrics from offset three", http.StatusBadRequest, func(*reachfixture.Company) Request {
		return Request{Operation: "listNonFinancialMetrics", Query: url.Values{"offset": {"three"}}}
	}},
	{"profit and loss starting mid-month", http.StatusBadRequest, func(c *reachfixture.Company) Request {
		return Request{Operation: "getProfitAndLoss", Query: statementQuery(c.FirstMonth.Start().AddDate(0, 0, 14).Format("2006-01-02"), c.LastMonth.EndDate(), "ACCRUAL")}
	}},
	{"balance sheet ending before it starts", http.StatusBadRequest, func(c *reachfixture.Company) Request {
		return Request{Operation: "getBalanceSheet", Query: statementQuery(c.LastMonth.StartDate(), c.FirstMonth.EndDate(), "CASH")}
	}},
	{"cash flow on the basis MODIFIED_CASH", http.StatusBadRequest, func(c *reachfixture.Company) Request {
		return Request{Operation: "getCashFlow", Query: statementQuery(c.FirstMonth.StartDate(), c.LastMonth.EndDate(), "MODIFIED_CASH")}
	}},
	{"profit and loss ending on a day that is not a month's last", http.StatusBadRequest, func(c *reachfixture.Company) Request {
		return Request{Operation: "getProfitAndLoss", Query: statementQuery(c.FirstMonth.StartDate(), c.LastMonth.Start().AddDate(0, 0, 9).Format("2006-01-02"), "CASH")}
	}},
	{"metric values with a date that is no date", http.StatusBadRequest, func(c *reachfixture.Company) Request {
		return Request{Operation: "queryNonFinancialValues", JSON: map[string]any{"NonFinancialIds": []string{}, "StartDate": "last spring", "EndDate": c.LastMonth.EndDate()}}
	}},
	{"company information without a token", http.StatusUnauthorized, func(*reachfixture.Company) Request {
		return Request{Operation: "getCompany", Auth: AuthNone}
	}},
	{"balance sheet with a wrong token", http.StatusUnauthorized, func(c *reachfixture.Company) Request {
		return Request{Operation: "getBalanceSheet", Auth: AuthToken, Token: "tok-not-issued", Query: statementQuery(c.FirstMonth.StartDate(), c.LastMonth.EndDate(), "ACCRUAL")}
	}},
}

func (p probe) badRequest() badRequest {
	if p.token != "" {
		return expiredRequests[p.bad]
	}
	return badRequests[p.bad]
}

// BadRequests are the requests the document tells the partner to refuse, for every company of books.
func BadRequests(books *reachfixture.Set) []Question {
	var out []Question
	for _, c := range books.Companies {
		for i, b := range badRequests {
			out = append(out, Question{probe{item: c.Company.CompanyID + " " + b.what, company: c, kind: probeBad, bad: i}})
		}
	}
	return out
}

// expiredRequests are tried with an access token past its life: 401, as for a wrong token.
var expiredRequests = []badRequest{
	{"user-info with the access token past its life", http.StatusUnauthorized, func(*reachfixture.Company) Request {
		return Request{Operation: "getUserInfo"}
	}},
	{"company information with the access token past its life", http.StatusUnauthorized, func(*reachfixture.Company) Request {
		return Request{Operation: "getCompany"}
	}},
	{"profit and loss with the access token past its life", http.StatusUnauthorized, func(c *reachfixture.Company) Request {
		return Request{Operation: "getProfitAndLoss", Query: statementQuery(c.FirstMonth.StartDate(), c.LastMonth.EndDate(), "ACCRUAL")}
	}},
}

// ExpiredToken are calls with an access token past its life, user-info and every company's.
func ExpiredToken(books *reachfixture.Set, token string) []Question {
	var out []Question
	for n, c := range books.Companies {
		for i, b := range expiredRequests {
			if i == 0 && n > 0 {
				continue // user-info is the token's, not a company's
			}
			item := c.Company.CompanyID + " " + b.what
			if i == 0 {
				item = b.what
			}
			out = append(out, Question{probe{item: item, company: c, kind: probeBad, bad: i, token: token}})
		}
	}
	return out
}

// Ask asks the questions through c; the State has their answers.
func (r *Reach) Ask(ctx context.Context, c *Connection, qs ...Question) (*State, error) {
	st := newState()
	for _, q := range qs {
		if err := r.ask(ctx, c, q.p, st); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// Expect is what the books call for in answer to the questions.
func Expect(books *reachfixture.Set, qs ...Question) *State {
	st := newState()
	for _, q := range qs {
		expect(q.p, books, st)
	}
	return st
}

// askBad sends a bad request once (a 503 is retried, as always) and records how it was refused.
func (r *Reach) askBad(ctx context.Context, c *Connection, p probe, st *State) error {
	b := p.badRequest()
	req := b.build(p.company)
	if p.token != "" {
		req.Auth, req.Token = AuthToken, p.token
	}
	req.Path = map[string]string{"CompanyId": p.company.Company.CompanyID}
	res, err := r.Do(ctx, c, req)
	if err != nil {
		return noAnswer(st, p.item, err)
	}
	refused(st, p.item, res, b.status)
	return nil
}

// noAnswer records a call that got no usable answer; any other error ends the reading.
func noAnswer(st *State, item string, err error) error {
	var ce *CallError
	if asCallError(err, &ce) {
		st.set(item, "status", "no answer: "+ce.Reason)
		return nil
	}
	return err
}

// refused records how a request the partner must refuse with status was answered.
func refused(st *State, item string, res *Result, status int) {
	st.set(item, "status", strconv.Itoa(res.Status))
	if why := Refusal(res, status); why != "" {
		st.set(item, "refusal", why)
	} else {
		st.set(item, "refusal", fmt.Sprintf("%d with an errors body", status))
	}
}

func expectBad(p probe, st *State) {
	status := p.badRequest().status
	st.set(p.item, "status", strconv.Itoa(status))
	st.set(p.item, "refusal", fmt.Sprintf("%d with an errors body", status))
}
