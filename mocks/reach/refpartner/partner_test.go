package refpartner_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/spec"
	reachmock "github.com/accord-harness/accord/mocks/reach"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
)

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

const (
	token      = "tok-lantern"
	otherToken = "tok-harbour"
	clientID   = "reach-sync"
	secret     = "s3cret"
	redirect   = "https://app.reach.example/cb"
)

type partnerEnv struct {
	srv    *httptest.Server
	driver *driver.Client
	reach  *reachmock.Reach
	conn   *reachmock.Connection
	clock  *clock.Run
}

func start(t *testing.T, faults ...string) *partnerEnv {
	t.Helper()
	return startVariant(t, reachpartner.VariantDefault, faults...)
}

func startVariant(t *testing.T, variant string, faults ...string) *partnerEnv {
	t.Helper()
	clk := clock.New()
	p, err := reachpartner.New(reachpartner.Options{Clock: clk, Faults: faults, Variant: variant, Wait: func(_ context.Context, d time.Duration) { clk.Advance(d) }})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	d, err := driver.New(srv.URL, 5*time.Second)
	require.NoError(t, err)
	r, err := reachmock.New(reachmock.Options{Clock: clk, Virtual: true, Retry: reachmock.Retry{MaxAttempts: 1}})
	require.NoError(t, err)
	base := reachpartner.APIBase
	if variant == reachpartner.VariantAlt {
		base = reachpartner.AltAPIBase
	}
	conn, err := reachmock.NewConnection("t", srv.URL+base, token)
	require.NoError(t, err)
	return &partnerEnv{srv: srv, driver: d, reach: r, conn: conn, clock: clk}
}

func (e *partnerEnv) setUp(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, e.driver.Reset(ctx, "reach", map[string]any{
		"access_token":  token,
		"other_company": map[string]any{"company_id": "cmp-other", "company_name": "Other", "access_token": otherToken},
		"oauth":         map[string]any{"client_id": clientID, "client_secret": secret, "redirect_uri": redirect},
	}))
	require.NoError(t, e.driver.LoadFixture(ctx, rawJSON(reachfixture.RawSet())))
}

func TestTheDriverContract(t *testing.T) {
	ctx := context.Background()
	e := start(t, "page-skip")
	name, err := e.driver.Health(ctx)
	require.NoError(t, err)
	assert.Equal(t, "accord reference partner (Reach) with fault page-skip", name)

	status := func(err error) int {
		var de *driver.Error
		if assert.ErrorAs(t, err, &de) {
			return de.Status
		}
		return 0
	}
	assert.Equal(t, 409, status(e.driver.LoadFixture(ctx, rawJSON(reachfixture.Raw()))), "a fixture before any reset")
	assert.Equal(t, 409, status(e.driver.Act(ctx, "outage", map[string]any{"requests": 1}, nil)), "an action before any fixture")
	assert.Equal(t, 400, status(e.driver.Reset(ctx, "docplanner", map[string]any{"access_token": token})))
	assert.Equal(t, 400, status(e.driver.Reset(ctx, "reach", map[string]any{})), "no token")
	assert.Equal(t, 400, status(e.driver.Reset(ctx, "reach", map[string]any{"access_token": token, "other_company": map[string]any{"company_id": "x", "access_token": token}})),
		"the other company's token must be its own")
	assert.Equal(t, 400, status(e.driver.Reset(ctx, "reach", map[string]any{"access_token": token, "oauth": map[string]any{"client_id": "x"}})))
	require.NoError(t, e.driver.Reset(ctx, "reach", map[string]any{"access_token": token}))
	assert.Equal(t, 400, status(e.driver.LoadFixture(ctx, map[string]any{"FixtureVersion": 1})), "an invalid fixture")
	require.NoError(t, e.driver.LoadFixture(ctx, rawJSON(reachfixture.Raw())))

	var conn struct {
		BaseURL string `json:"base_url"`
		OAuth   bool   `json:"oauth"`
	}
	require.NoError(t, e.driver.View(ctx, "connection", &conn))
	assert.Equal(t, e.srv.URL+"/reach", conn.BaseURL)
	assert.False(t, conn.OAuth)
	assert.Equal(t, 404, status(e.driver.View(ctx, "bookings", &conn)))
	assert.Equal(t, 404, status(e.driver.Act(ctx, "book-visit", nil, nil)))
	assert.Equal(t, 400, status(e.driver.Act(ctx, "outage", map[string]any{"requests": 0}, nil)))
	assert.Equal(t, 404, status(e.driver.Act(ctx, "authorize", map[string]any{"client_id": "x"}, nil)), "no OAuth without oauth settings")
	require.NoError(t, e.driver.Act(ctx, "outage", map[string]any{"requests": 2}, nil))
	var st struct {
		UnavailableFor int `json:"unavailable_for"`
	}
	require.NoError(t, e.driver.View(ctx, "status", &st))
	assert.Equal(t, 2, st.UnavailableFor)
}

// TestEveryAnswerIsValidAgainstTheSpecification asks the partner for what it must refuse as well as
// for what it must serve: every answer, errors included, is the specification's.
func TestEveryAnswerIsValidAgainstTheSpecification(t *testing.T) {
	e := start(t)
	e.setUp(t)
	company := map[string]string{"CompanyId": "cmp-lantern"}
	other := map[string]string{"CompanyId": "cmp-other"}
	period := func(from, to string, extra ...string) url.Values {
		q := url.Values{"StartDate": {from}, "EndDate": {to}, "AccountingBasis": {"ACCRUAL"}}
		for i := 0; i+1 < len(extra); i += 2 {
			q.Set(extra[i], extra[i+1])
		}
		return q
	}
	form := func(kv ...string) url.Values {
		f := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	cases := []struct {
		name   string
		req    reachmock.Request
		status int
	}{
		{"user-info", reachmock.Request{Operation: "getUserInfo"}, 200},
		{"user-info without a token", reachmock.Request{Operation: "getUserInfo", Auth: reachmock.AuthNone}, 401},
		{"the company", reachmock.Request{Operation: "getCompany", Path: company}, 200},
		{"an unknown company", reachmock.Request{Operation: "getCompany", Path: map[string]string{"CompanyId": "cmp-nobody"}}, 404},
		{"another company's token", reachmock.Request{Operation: "getCompany", Path: company, Auth: reachmock.AuthToken, Token: otherToken}, 403},
		{"the other company with its own token", reachmock.Request{Operation: "getCompany", Path: other, Auth: reachmock.AuthToken, Token: otherToken}, 200},
		{"the other company's empty chart", reachmock.Request{Operation: "listChartOfAccounts", Path: other, Auth: reachmock.AuthToken, Token: otherToken}, 200},
		{"the other company's empty P&L", reachmock.Request{Operation: "getProfitAndLoss", Path: other, Auth: reachmock.AuthToken, Token: otherToken, Query: period("2025-01-01", "2025-01-31")}, 200},
		{"a page of 5", reachmock.Request{Operation: "listChartOfAccounts", Path: company, Query: url.Values{"limit": {"5"}, "offset": {"40"}}}, 200},
		{"a page past the end", reachmock.Request{Operation: "listBudgets", Path: company, Query: url.Values{"offset": {"7"}}}, 200},
		{"limit 0", reachmock.Request{Operation: "listClasses", Path: company, Query: url.Values{"limit": {"0"}}}, 400},
		{"limit 1001", reachmock.Request{Operation: "listClasses", Path: company, Query: url.Values{"limit": {"1001"}}}, 400},
		{"a negative offset", reachmock.Request{Operation: "listDepartments", Path: company, Query: url.Values{"offset": {"-1"}}}, 400},
		{"an offset that is not a number", reachmock.Request{Operation: "listNonFinancialMetrics", Path: company, Query: url.Values{"offset": {"two"}}}, 400},
		{"a P&L", reachmock.Request{Operation: "getProfitAndLoss", Path: company, Query: period("2025-01-01", "2025-12-31")}, 200},
		{"a department's P&L", reachmock.Request{Operation: "getProfitAndLoss", Path: company, Query: period("2025-01-01", "2025-03-31", "DepartmentId", "dep-pilates")}, 200},
		{"a budget's P&L", reachmock.Request{Operation: "getProfitAndLoss", Path: company, Query: period("2025-07-01", "2026-06-30", "BudgetId", "bud-fy2026")}, 200},
		{"an unknown budget", reachmock.Request{Operation: "getProfitAndLoss", Path: company, Query: period("2025-01-01", "2025-01-31", "BudgetId", "bud-fy1999")}, 404},
		{"a class's balance sheet, which the books do not segment", reachmock.Request{Operation: "getBalanceSheet", Path: company, Query: period("2025-01-01", "2025-03-31", "ClassId", "cls-northgate")}, 200},
		{"a cash flow before the books", reachmock.Request{Operation: "getCashFlow", Path: company, Query: period("2023-01-01", "2023-12-31")}, 200},
		{"an EndDate that is not a month end", reachmock.Request{Operation: "getBalanceSheet", Path: company, Query: period("2025-01-01", "2025-01-30")}, 400},
		{"an unknown basis", reachmock.Request{Operation: "getCashFlow", Path: company, Query: url.Values{"StartDate": {"2025-01-01"}, "EndDate": {"2025-01-31"}, "AccountingBasis": {"BOTH"}}}, 400},
		{"no StartDate", reachmock.Request{Operation: "getCashFlow", Path: company, Query: url.Values{"EndDate": {"2025-01-31"}, "AccountingBasis": {"CASH"}}}, 400},
		{"metric values of one clinic", reachmock.Request{Operation: "queryNonFinancialValues", Path: company,
			JSON: map[string]any{"NonFinancialIds": []string{"nf-visits"}, "StartDate": "2025-01-01", "EndDate": "2025-02-28", "ClassId": "cls-northgate"}}, 200},
		{"no metric ids", reachmock.Request{Operation: "queryNonFinancialValues", Path: company, JSON: map[string]any{"NonFinancialIds": []string{}, "StartDate": "2025-01-01", "EndDate": "2025-01-31"}}, 400},
		{"an unknown metric", reachmock.Request{Operation: "queryNonFinancialValues", Path: company, JSON: map[string]any{"NonFinancialIds": []string{"nf-nothing"}, "StartDate": "2025-01-01", "EndDate": "2025-01-31"}}, 404},
		{"a body that is not the query", reachmock.Request{Operation: "queryNonFinancialValues", Path: company, JSON: []int{1}}, 400},
		{"the discovery document", reachmock.Request{Operation: "getOAuthDiscovery", Auth: reachmock.AuthNone}, 200},
		{"the sign-in page", reachmock.Request{Operation: "authorizeOAuth", Auth: reachmock.AuthNone,
			Query: url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect}, "state": {"<b>"}}}, 200},
		{"the sign-in page for an unknown client", reachmock.Request{Operation: "authorizeOAuth", Auth: reachmock.AuthNone,
			Query: url.Values{"response_type": {"code"}, "client_id": {"other"}, "redirect_uri": {redirect}}}, 400},
		{"a token with a wrong secret", reachmock.Request{Operation: "exchangeOAuthToken", Auth: reachmock.AuthNone,
			Form: form("grant_type", "refresh_token", "refresh_token", "x", "client_id", clientID, "client_secret", "guess")}, 401},
		{"an unknown refresh token", reachmock.Request{Operation: "exchangeOAuthToken", Auth: reachmock.AuthNone,
			Form: form("grant_type", "refresh_token", "refresh_token", "x", "client_id", clientID, "client_secret", secret)}, 400},
		{"an unknown code", reachmock.Request{Operation: "exchangeOAuthToken", Auth: reachmock.AuthNone,
			Form: form("grant_type", "authorization_code", "code", "x", "redirect_uri", redirect, "client_id", clientID, "client_secret", secret)}, 400},
		{"an unsupported grant", reachmock.Request{Operation: "exchangeOAuthToken", Auth: reachmock.AuthNone,
			Form: form("grant_type", "password", "client_id", clientID, "client_secret", secret)}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.NoRetry = true
			res, err := e.reach.Do(context.Background(), e.conn, c.req)
			require.NoError(t, err)
			assert.Equal(t, c.status, res.Status, string(res.Body))
			assert.Empty(t, res.Violations(), spec.Summary(res.Violations()))
			assert.Empty(t, res.Record.Warnings)
			if res.Status >= 400 && c.req.Operation != "exchangeOAuthToken" {
				assert.Empty(t, reachmock.Refusal(res, res.Status))
			}
		})
	}
	t.Run("the sign-in page escapes what it echoes", func(t *testing.T) {
		res, err := http.Get(e.srv.URL + "/reach/oauth2/authorize?response_type=code&client_id=" + clientID + "&redirect_uri=" + url.QueryEscape(redirect) + "&state=%3Cscript%3E")
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		assert.NotContains(t, string(body), "<script>")
		assert.Contains(t, string(body), "&lt;script&gt;")
	})
	t.Run("pressing Allow on the sign-in page sends the browser back to Reach with a code", func(t *testing.T) {
		res, err := http.Get(e.srv.URL + "/reach/oauth2/authorize?response_type=code&client_id=" + clientID + "&redirect_uri=" + url.QueryEscape(redirect) + "&state=st-1")
		require.NoError(t, err)
		page, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		action := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(string(page))
		require.NotNil(t, action, "the page has a form:\n%s", page)
		form := url.Values{}
		for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(string(page), -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err = noRedirect.PostForm(e.srv.URL+action[1], form)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		back, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(back.String(), redirect), "back to the registered redirect URI: %s", back)
		assert.Equal(t, "st-1", back.Query().Get("state"))
		assert.NotEmpty(t, back.Query().Get("code"))

		form.Set("redirect_uri", "https://attacker.example/cb")
		res, err = noRedirect.PostForm(e.srv.URL+action[1], form)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, "a form naming another redirect URI gets no code")
	})
	t.Run("a brief outage is 503 with Retry-After", func(t *testing.T) {
		require.NoError(t, e.driver.Act(context.Background(), "outage", map[string]any{"requests": 1}, nil))
		res, err := e.reach.Do(context.Background(), e.conn, reachmock.Request{Operation: "getUserInfo", NoRetry: true})
		require.NoError(t, err)
		assert.Equal(t, 503, res.Status)
		assert.Equal(t, "2", res.Header.Get("Retry-After"))
		assert.Empty(t, res.Violations())
	})
	t.Run("paths and methods the specification lacks", func(t *testing.T) {
		for _, c := range []struct {
			method, path string
			status       int
		}{
			{"GET", "/reach/companies/cmp-lantern/invoices", 404},
			{"GET", "/reach/nothing", 404},
			{"DELETE", "/reach/companies/cmp-lantern", 405},
		} {
			req, _ := http.NewRequest(c.method, e.srv.URL+c.path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, c.status, res.StatusCode, c.method+" "+c.path)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
		}
	})
}

func TestUnknownFaultsAreRefused(t *testing.T) {
	_, err := reachpartner.New(reachpartner.Options{Faults: []string{"page-skip", "no-such-fault"}})
	assert.ErrorContains(t, err, `unknown fault "no-such-fault"`)
	names := map[string]bool{}
	for _, f := range reachpartner.Faults() {
		assert.NotEmpty(t, f.Breaks, f.Name)
		assert.False(t, names[f.Name], "fault %s listed twice", f.Name)
		names[f.Name] = true
	}
}
