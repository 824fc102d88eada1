package refpartner_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/spec"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// The Reach document (mocks/reach/apispec/openapi.yaml) is accord's model of the API a partner
// hosts; the reference partner is accord's implementation of it, the one every scenario is first
// proved on. These tests walk the document: every status it gives an operation is answered, as the
// document says, to the request that calls for it; and every rule its description states in prose,
// which a schema cannot hold, is kept, over every company of the books.

// docEnv is the reference partner loaded with the whole set, and Reach on loopback.
func docEnv(t *testing.T, faults ...string) *partnerEnv {
	t.Helper()
	e := start(t, faults...)
	e.setUp(t)
	return e
}

func (e *partnerEnv) code(t *testing.T) string {
	t.Helper()
	var out struct {
		Redirect string `json:"redirect"`
	}
	require.NoError(t, e.driver.Act(context.Background(), "authorize", map[string]any{"client_id": clientID, "redirect_uri": redirect, "state": "s"}, &out))
	u, err := url.Parse(out.Redirect)
	require.NoError(t, err)
	return u.Query().Get("code")
}

func (e *partnerEnv) do(t *testing.T, req reachmock.Request) *reachmock.Result {
	t.Helper()
	req.NoRetry = true
	res, err := e.reach.Do(context.Background(), e.conn, req)
	require.NoError(t, err)
	return res
}

var lantern = map[string]string{"CompanyId": "cmp-lantern"}

func month(q url.Values) url.Values {
	out := url.Values{"StartDate": {"2025-01-01"}, "EndDate": {"2025-01-31"}, "AccountingBasis": {"ACCRUAL"}}
	for k, v := range q {
		out[k] = v
	}
	return out
}

// good is a request each operation answers with success.
func good(t *testing.T, e *partnerEnv, op string) reachmock.Request {
	t.Helper()
	switch op {
	case "getOAuthDiscovery":
		return reachmock.Request{Operation: op, Auth: reachmock.AuthNone}
	case "authorizeOAuth":
		return reachmock.Request{Operation: op, Auth: reachmock.AuthNone, Query: url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect}}}
	case "exchangeOAuthToken":
		return reachmock.Request{Operation: op, Auth: reachmock.AuthNone, Form: url.Values{"grant_type": {"authorization_code"}, "code": {e.code(t)},
			"redirect_uri": {redirect}, "client_id": {clientID}, "client_secret": {secret}}}
	case "getUserInfo":
		return reachmock.Request{Operation: op}
	case "getCompany", "listChartOfAccounts", "listBudgets", "listClasses", "listDepartments", "listNonFinancialMetrics":
		return reachmock.Request{Operation: op, Path: lantern}
	case "getProfitAndLoss", "getBalanceSheet", "getCashFlow":
		return reachmock.Request{Operation: op, Path: lantern, Query: month(nil)}
	case "queryNonFinancialValues":
		return reachmock.Request{Operation: op, Path: lantern, JSON: map[string]any{"NonFinancialIds": []string{"nf-visits"}, "StartDate": "2025-01-01", "EndDate": "2025-01-31"}}
	}
	t.Fatalf("no good request for %s", op)
	return reachmock.Request{}
}

// badRequest is a request each operation answers 400, for those the document gives a 400.
func badRequest(t *testing.T, e *partnerEnv, op string) (reachmock.Request, bool) {
	req := good(t, e, op)
	switch op {
	case "authorizeOAuth":
		req.Query.Set("client_id", "someone-else")
	case "exchangeOAuthToken":
		req.Form.Set("code", "never-issued")
	case "listChartOfAccounts", "listBudgets", "listClasses", "listDepartments", "listNonFinancialMetrics":
		req.Query = url.Values{"limit": {"1001"}}
	case "getProfitAndLoss", "getBalanceSheet", "getCashFlow":
		req.Query.Set("EndDate", "2025-01-30")
	case "queryNonFinancialValues":
		req.JSON = map[string]any{"NonFinancialIds": []string{}, "StartDate": "2025-01-01", "EndDate": "2025-01-31"}
	default:
		return req, false
	}
	return req, true
}

// exempt are the statuses a request from Reach cannot provoke from a correct partner, and why.
var exempt = map[string]string{
	"authorizeOAuth 302": "the redirect follows the customer's consent in the browser; the driver's authorize action returns its URL, which @oauth checks",
	"getUserInfo 403":    "a token the partner knows that may read no company at all; the reference partner issues none",
}

// TestTheReferencePartnerAnswersEveryStatusOfTheDocument walks the document's operations and every
// status each gives, provokes it, and checks the answer: the status, a body valid against the
// document, the errors[] body on every refusal (the RFC 6749 body at the token endpoint).
func TestTheReferencePartnerAnswersEveryStatusOfTheDocument(t *testing.T) {
	sp, err := reachmock.Spec()
	require.NoError(t, err)
	e := docEnv(t)
	failing := docEnv(t, "unavailable-as-500") // a partner failing, for the documented 500
	static := start(t)
	require.NoError(t, static.driver.Reset(context.Background(), "reach", map[string]any{"access_token": token}))
	require.NoError(t, static.driver.LoadFixture(context.Background(), rawJSON(reachfixture.RawSet())))
	walked := 0
	for _, op := range sp.Operations() {
		for _, status := range documentedStatuses(sp, op) {
			key := op.ID + " " + strconv.Itoa(status)
			if _, skip := exempt[key]; skip {
				continue
			}
			t.Run(key, func(t *testing.T) {
				walked++
				env, req := e, good(t, e, op.ID)
				company := slices.Contains([]string{"getCompany", "listChartOfAccounts", "listBudgets", "listClasses", "listDepartments",
					"listNonFinancialMetrics", "getProfitAndLoss", "getBalanceSheet", "getCashFlow", "queryNonFinancialValues"}, op.ID)
				switch status {
				case 200:
				case 400:
					bad, ok := badRequest(t, e, op.ID)
					require.True(t, ok, "the document gives %s a 400 and the test no request that calls for it", op.ID)
					req = bad
				case 401:
					if op.ID == "exchangeOAuthToken" {
						req.Form.Set("client_secret", "guess")
					} else {
						req.Auth = reachmock.AuthNone
					}
				case 403:
					require.True(t, company, "403 is another customer's token on a company path")
					req.Auth, req.Token = reachmock.AuthToken, otherToken
				case 404:
					if op.ID == "getOAuthDiscovery" {
						env = static
						req = good(t, static, op.ID)
					} else {
						require.True(t, company, "404 is an unknown company")
						req.Path = map[string]string{"CompanyId": "cmp-nobody"}
					}
				case 500, 503:
					if status == 500 {
						env = failing
						req = good(t, failing, op.ID)
					}
					require.NoError(t, env.driver.Act(context.Background(), "outage", map[string]any{"requests": 1}, nil))
				default:
					t.Fatalf("the document gives %s %d; the walk knows no request that calls for it", op.ID, status)
				}
				res := env.do(t, req)
				assert.Equal(t, status, res.Status, string(res.Body))
				assert.Empty(t, res.Violations(), spec.Summary(res.Violations()))
				if status >= 400 && op.ID != "exchangeOAuthToken" {
					assert.Empty(t, reachmock.Refusal(res, status))
				}
				if status == 503 {
					if ra := res.Header.Get("Retry-After"); ra != "" {
						_, err := strconv.Atoi(ra)
						assert.NoError(t, err, "Retry-After is seconds, as the document's header says")
					}
				}
			})
		}
	}
	assert.Greater(t, walked, 60, "the walk covers the document")
	for key, why := range exempt {
		id, status, _ := strings.Cut(key, " ")
		op, ok := sp.Operation(id)
		require.True(t, ok, key)
		code, _ := strconv.Atoi(status)
		assert.NotEmpty(t, why, key)
		assert.Contains(t, documentedStatuses(sp, op), code, "%s: exempt, but the document does not give it", key)
	}
}

func documentedStatuses(sp *spec.Spec, op spec.Operation) []int {
	item := sp.Doc.Paths.Value(op.Path)
	o := item.GetOperation(strings.ToUpper(op.Method))
	var out []int
	for code := range o.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// TestTheReferencePartnerKeepsEveryRuleOfTheDocument checks what the document's description says
// in prose, over every company of the books.
func TestTheReferencePartnerKeepsEveryRuleOfTheDocument(t *testing.T) {
	e := docEnv(t)
	set, err := reachfixture.LoadSet()
	require.NoError(t, err)
	ctx := context.Background()
	page := func(t *testing.T, id, op string, q url.Values) (*reachmock.Result, envelope) {
		t.Helper()
		res := e.do(t, reachmock.Request{Operation: op, Path: map[string]string{"CompanyId": id}, Query: q})
		var env envelope
		require.Equal(t, 200, res.Status, string(res.Body))
		require.NoError(t, json.Unmarshal(res.Body, &env))
		return res, env
	}
	t.Run("an offset at or past total is 200 with Data [], total kept", func(t *testing.T) {
		for _, c := range set.Companies {
			for _, op := range reachmock.ListOperations() {
				all, env := page(t, c.Company.CompanyID, op, url.Values{"limit": {"1000"}})
				require.Empty(t, all.Violations())
				_, past := page(t, c.Company.CompanyID, op, url.Values{"offset": {strconv.Itoa(env.Pagination.Total)}})
				assert.Equal(t, "[]", strings.TrimSpace(string(past.Data)), "%s %s", c.Company.CompanyID, op)
				assert.Equal(t, env.Pagination.Total, past.Pagination.Total)
			}
		}
	})
	t.Run("a page holds at most limit items from offset, echoes both, and the default limit is 100", func(t *testing.T) {
		for _, c := range set.Companies {
			id := c.Company.CompanyID
			_, all := page(t, id, "listChartOfAccounts", url.Values{"limit": {"1000"}})
			var records []json.RawMessage
			require.NoError(t, json.Unmarshal(all.Data, &records))
			res, part := page(t, id, "listChartOfAccounts", url.Values{"offset": {"3"}, "limit": {"5"}})
			assert.Empty(t, res.Violations())
			var got []json.RawMessage
			require.NoError(t, json.Unmarshal(part.Data, &got))
			assert.Equal(t, records[3:min(8, len(records))], got)
			assert.Equal(t, 3, part.Pagination.Offset)
			assert.Equal(t, 5, part.Pagination.Limit)
			_, first := page(t, id, "listChartOfAccounts", nil)
			require.NoError(t, json.Unmarshal(first.Data, &got))
			assert.Len(t, got, min(100, len(records)), id)
			assert.Equal(t, 100, first.Pagination.Limit)
		}
	})
	t.Run("a limit outside 1 to 1000, a negative or non-integer offset is 400", func(t *testing.T) {
		for _, q := range []url.Values{{"limit": {"0"}}, {"limit": {"1001"}}, {"limit": {"ten"}}, {"offset": {"-1"}}, {"offset": {"1.5"}}} {
			res := e.do(t, reachmock.Request{Operation: "listBudgets", Path: lantern, Query: q})
			assert.Equal(t, 400, res.Status, q.Encode())
			assert.Empty(t, reachmock.Refusal(res, 400))
		}
	})
	t.Run("a period is whole months, EndDate not before StartDate, else 400", func(t *testing.T) {
		for _, p := range [][2]string{{"2025-01-02", "2025-01-31"}, {"2025-01-01", "2025-01-30"}, {"2025-02-01", "2025-01-31"}, {"2025-1-1", "2025-01-31"}} {
			res := e.do(t, reachmock.Request{Operation: "getProfitAndLoss", Path: lantern, Query: month(url.Values{"StartDate": {p[0]}, "EndDate": {p[1]}})})
			assert.Equal(t, 400, res.Status, p)
		}
		res := e.do(t, reachmock.Request{Operation: "getBalanceSheet", Path: lantern, Query: month(url.Values{"AccountingBasis": {"MODIFIED_CASH"}})})
		assert.Equal(t, 400, res.Status)
	})
	t.Run("statements come per calendar month, lines on posting accounts, totals that add up, two decimals", func(t *testing.T) {
		res := e.reach.Sync(ctx, e.conn, reachmock.OnDemand)
		require.NoError(t, res.Err())
		for _, en := range res.Trace.Entries() {
			assert.Empty(t, en.ResponseViolations, "%s %s: %s", en.Method, en.URL, spec.Summary(en.ResponseViolations))
		}
		for _, c := range set.Companies {
			cd, ok := res.Company(c.Company.CompanyID)
			require.True(t, ok)
			for _, check := range []func(*reachmock.CompanyData) []string{reachmock.CheckChart, reachmock.CheckPLTotals, reachmock.CheckBalance, reachmock.CheckCashFlow} {
				assert.Empty(t, check(cd), c.Company.CompanyID)
			}
		}
	})
	t.Run("a statement the books do not segment, or a period without figures, is 200 with empty arrays", func(t *testing.T) {
		for _, q := range []url.Values{month(url.Values{"ClassId": {"cls-northgate"}}), month(url.Values{"BudgetId": {"bud-fy2025"}}),
			month(url.Values{"StartDate": {"2019-01-01"}, "EndDate": {"2019-12-31"}})} {
			res := e.do(t, reachmock.Request{Operation: "getCashFlow", Path: lantern, Query: q})
			require.Equal(t, 200, res.Status, q.Encode())
			var body struct{ Data, Summary json.RawMessage }
			require.NoError(t, json.Unmarshal(res.Body, &body))
			assert.Equal(t, "[]", string(body.Data), q.Encode())
			assert.Equal(t, "[]", string(body.Summary), q.Encode())
		}
	})
	t.Run("an unknown company, budget, class, department or metric is 404", func(t *testing.T) {
		for _, req := range []reachmock.Request{
			{Operation: "listClasses", Path: map[string]string{"CompanyId": "cmp-nobody"}},
			{Operation: "getProfitAndLoss", Path: lantern, Query: month(url.Values{"BudgetId": {"bud-nothing"}})},
			{Operation: "getProfitAndLoss", Path: lantern, Query: month(url.Values{"ClassId": {"cls-nothing"}})},
			{Operation: "getBalanceSheet", Path: lantern, Query: month(url.Values{"DepartmentId": {"dep-nothing"}})},
			{Operation: "queryNonFinancialValues", Path: lantern, JSON: map[string]any{"NonFinancialIds": []string{"nf-visits", "nf-nothing"}, "StartDate": "2025-01-01", "EndDate": "2025-01-31"}},
		} {
			res := e.do(t, req)
			assert.Equal(t, 404, res.Status, "%s %v", req.Operation, req.Query)
			assert.Empty(t, reachmock.Refusal(res, 404))
		}
	})
	t.Run("metric values: one entry per metric and month that has a value, none for a month without", func(t *testing.T) {
		res := e.do(t, reachmock.Request{Operation: "queryNonFinancialValues", Path: map[string]string{"CompanyId": "cmp-fernhill"},
			JSON: map[string]any{"NonFinancialIds": []string{"nf-consults", "nf-referrals"}, "StartDate": "2024-12-01", "EndDate": "2025-02-28"}})
		require.Equal(t, 200, res.Status)
		var body struct {
			Data []struct {
				NonFinancialID string `json:"NonFinancialId"`
				StartDate      string `json:"StartDate"`
			} `json:"Data"`
		}
		require.NoError(t, json.Unmarshal(res.Body, &body))
		var got []string
		for _, d := range body.Data {
			got = append(got, d.NonFinancialID+" "+d.StartDate)
		}
		assert.Equal(t, []string{"nf-consults 2024-12-01", "nf-consults 2025-02-01"}, got, "no referrals at all, nothing in the month the clinic was shut")
	})
	t.Run("user-info lists the companies a token reads, static or OAuth", func(t *testing.T) {
		d, _, err := e.reach.Discover(ctx, e.conn, nil)
		require.NoError(t, err)
		require.NotNil(t, d, "the discovery document offers the code and refresh grants")
		companies := func(res *reachmock.Result) []string {
			var ui reachmock.UserInfo
			require.NoError(t, json.Unmarshal(res.Body, &ui))
			var ids []string
			for _, c := range ui.Companies {
				ids = append(ids, c.CompanyID)
			}
			return ids
		}
		want := []string{"cmp-lantern", "cmp-fernhill", "cmp-tidewater"}
		assert.Equal(t, want, companies(e.do(t, reachmock.Request{Operation: "getUserInfo"})))
		oauth, err := reachmock.NewConnection("oauth", e.conn.BaseURL, "")
		require.NoError(t, err)
		code := e.code(t)
		_, _, err = e.reach.ExchangeCode(ctx, oauth, d, reachmock.OAuthClient{ClientID: clientID, ClientSecret: secret, RedirectURI: redirect}, code, nil)
		require.NoError(t, err)
		res, err := e.reach.Do(ctx, oauth, reachmock.Request{Operation: "getUserInfo"})
		require.NoError(t, err)
		assert.Equal(t, want, companies(res))
		again := e.do(t, reachmock.Request{Operation: "exchangeOAuthToken", Auth: reachmock.AuthNone, Form: url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "redirect_uri": {redirect}, "client_id": {clientID}, "client_secret": {secret}}})
		assert.Equal(t, 400, again.Status, "a code is good once")
		assert.Contains(t, string(again.Body), "invalid_grant")
	})
}

type envelope struct {
	Data       json.RawMessage `json:"Data"`
	Pagination struct {
		Offset int `json:"offset"`
		Limit  int `json:"limit"`
		Total  int `json:"total"`
	} `json:"Pagination"`
}
