package apispec

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/mockserver/apispectest"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
)

// expectation is what the acceptance protocol says about one operation.
type expectation struct {
	method, path string
	required     bool
	flow         string
	designed     bool
}

// expected lists every operation of the document. Everything Reach's sync needs is required; the OAuth
// server is optional because a partner may hand Reach a static bearer token instead.
var expected = map[string]expectation{
	"getOAuthDiscovery":  {"GET", "/auth/oauth-discovery", false, "auth", false},
	"authorizeOAuth":     {"GET", "/oauth2/authorize", false, "auth", false},
	"exchangeOAuthToken": {"POST", "/oauth2/token", false, "auth", false},
	"getUserInfo":        {"GET", "/oauth2/user-info", true, "auth", false},

	"getCompany": {"GET", "/companies/{CompanyId}", true, "company", true},

	"listChartOfAccounts":     {"GET", "/companies/{CompanyId}/chart-of-accounts", true, "reference", false},
	"listBudgets":             {"GET", "/companies/{CompanyId}/budgets", true, "reference", true},
	"listClasses":             {"GET", "/companies/{CompanyId}/classes", true, "reference", true},
	"listDepartments":         {"GET", "/companies/{CompanyId}/departments", true, "reference", true},
	"listNonFinancialMetrics": {"GET", "/companies/{CompanyId}/non-financial", true, "reference", true},

	"queryNonFinancialValues": {"POST", "/companies/{CompanyId}/non-financial", true, "metrics", false},

	"getProfitAndLoss": {"GET", "/companies/{CompanyId}/profit-and-loss", true, "statements", true},
	"getBalanceSheet":  {"GET", "/companies/{CompanyId}/balance-sheet", true, "statements", true},
	"getCashFlow":      {"GET", "/companies/{CompanyId}/cash-flow", true, "statements", true},
}

// publicAuth are the operations called without a token.
var publicAuth = map[string]bool{"getOAuthDiscovery": true, "authorizeOAuth": true, "exchangeOAuthToken": true}

var listOperations = []string{"listChartOfAccounts", "listBudgets", "listClasses", "listDepartments", "listNonFinancialMetrics"}

var statementOperations = map[string]string{
	"getProfitAndLoss": "ProfitAndLoss", "getBalanceSheet": "BalanceSheet", "getCashFlow": "CashFlow",
}

func TestDocumentIsValid(t *testing.T) {
	doc := apispectest.Load(t, Document())
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	assert.Equal(t, "1.0.3", doc.Info.Version)
	for _, s := range []string{"## Sources", "developer.reachreporting.com", "RFC 6749", "**Read**", "**Inferred**", "**Designed**"} {
		assert.Contains(t, doc.Info.Description, s)
	}
}

func TestServers(t *testing.T) {
	doc := apispectest.Load(t, Document())
	require.Len(t, doc.Servers, 3)
	assert.Equal(t, "/reach", doc.Servers[0].URL, "the reference partner routes on the first, relative server")
	assert.Equal(t, "https://{baseUrl}", doc.Servers[1].URL)
	assert.Equal(t, "example.com", doc.Servers[1].Variables["baseUrl"].Default)
	for path, item := range doc.Paths.Map() {
		assert.Empty(t, item.Servers, "%s: every path lives under the partner's base URL", path)
	}
}

func TestOperationIDsAndExtensions(t *testing.T) {
	doc := apispectest.Load(t, Document())
	apispectest.EachExpected(t, doc, expected, func(o apispectest.Op, want expectation) {
		id := o.Op.OperationID
		assert.Equal(t, want.method, o.Method, id)
		assert.Equal(t, want.path, o.Path, id)
		marks := apispectest.MarksOf(t, o.Op)
		assert.Contains(t, []string{"auth", "company", "reference", "statements", "metrics"}, marks.Flow, id)
		assert.Equal(t, apispectest.Marks{Required: want.required, Flow: want.flow, Designed: want.designed}, marks, "%s: x-accord-required, x-accord-flow, x-accord-designed", id)
		if marks.Designed {
			assert.Regexp(t, `(?i)inferred|designed`, o.Op.Description, "%s: a designed operation says why", id)
		}
		assert.NotEmpty(t, o.Op.Summary, id)
		assert.NotEmpty(t, o.Op.Tags, id)
	})
}

func TestRouterBuildsAndRoutes(t *testing.T) {
	doc := apispectest.Load(t, Document())
	_, err := gorillamux.NewRouter(doc)
	require.NoError(t, err, "the router builds with every server")

	// Route on the first server only, as internal/spec does.
	router := apispectest.FirstServerRouter(t, doc)
	cases := map[string]string{
		"GET /reach/auth/oauth-discovery":                              "getOAuthDiscovery",
		"POST /reach/oauth2/token":                                     "exchangeOAuthToken",
		"GET /reach/oauth2/user-info":                                  "getUserInfo",
		"GET /reach/companies/cmp-lantern":                             "getCompany",
		"GET /reach/companies/cmp-lantern/chart-of-accounts?limit=5":   "listChartOfAccounts",
		"GET /reach/companies/cmp-lantern/non-financial":               "listNonFinancialMetrics",
		"POST /reach/companies/cmp-lantern/non-financial":              "queryNonFinancialValues",
		"GET /reach/companies/cmp-lantern/profit-and-loss?StartDate=x": "getProfitAndLoss",
		"GET /reach/companies/cmp-lantern/balance-sheet":               "getBalanceSheet",
		"GET /reach/companies/cmp-lantern/cash-flow":                   "getCashFlow",
	}
	for req, want := range cases {
		method, target, _ := strings.Cut(req, " ")
		route, params, err := router.FindRoute(httptest.NewRequest(method, target, nil))
		if assert.NoError(t, err, req) {
			assert.Equal(t, want, route.Operation.OperationID, req)
			if strings.Contains(target, "/companies/") {
				assert.Equal(t, "cmp-lantern", params["CompanyId"], req)
			}
		}
	}
	_, _, err = router.FindRoute(httptest.NewRequest("GET", "/companies/cmp-lantern", nil))
	assert.ErrorIs(t, err, routers.ErrPathNotFound, "paths live under /reach")
	_, _, err = router.FindRoute(httptest.NewRequest("DELETE", "/reach/companies/cmp-lantern", nil))
	assert.ErrorIs(t, err, routers.ErrMethodNotAllowed)
}

func TestSecurity(t *testing.T) {
	doc := apispectest.Load(t, Document())
	bearer := doc.Components.SecuritySchemes["BearerToken"]
	require.NotNil(t, bearer)
	assert.Equal(t, "http", bearer.Value.Type)
	assert.Equal(t, "bearer", bearer.Value.Scheme)

	oauth := doc.Components.SecuritySchemes["OAuth2"]
	require.NotNil(t, oauth)
	assert.Equal(t, "oauth2", oauth.Value.Type)
	code := oauth.Value.Flows.AuthorizationCode
	require.NotNil(t, code, "authorization code flow")
	assert.NotEmpty(t, code.RefreshURL, "refresh tokens")
	assert.Contains(t, code.Scopes, "read:company")
	assert.Contains(t, oauth.Value.Description, "/auth/oauth-discovery", "the real URLs come from the discovery document")

	require.Len(t, doc.Security, 2, "static bearer token or OAuth: alternatives")
	assert.Contains(t, doc.Security[0], "BearerToken")
	assert.Contains(t, doc.Security[1], "OAuth2")

	for _, o := range apispectest.Operations(doc) {
		id := o.Op.OperationID
		if publicAuth[id] {
			require.NotNil(t, o.Op.Security, "%s must declare security: []", id)
			assert.Empty(t, *o.Op.Security, id)
		} else {
			assert.Nil(t, o.Op.Security, "%s inherits the bearer requirement", id)
		}
	}
}

func TestEveryResponseHasASchema(t *testing.T) {
	doc := apispectest.Load(t, Document())
	for _, o := range apispectest.Operations(doc) {
		id := o.Op.OperationID
		for code, r := range o.Op.Responses.Map() {
			if code == "302" {
				loc := r.Value.Headers["Location"]
				if assert.NotNil(t, loc, "%s 302: Location", id) {
					assert.NotNil(t, loc.Value.Schema, "%s 302: Location schema", id)
				}
				continue
			}
			if !assert.NotEmpty(t, r.Value.Content, "%s %s: declares a body", id, code) {
				continue
			}
			for mediaType, mt := range r.Value.Content {
				assert.NotNil(t, mt.Schema, "%s %s %s: schema", id, code, mediaType)
				if mediaType == "text/html" {
					assert.Equal(t, "authorizeOAuth", id, "only the user-facing sign-in page is HTML")
					assert.Equal(t, "200", code)
					continue
				}
				assert.Equal(t, "application/json", mediaType, "%s %s", id, code)
				if code >= "400" && id != "exchangeOAuthToken" {
					assert.Equal(t, "#/components/schemas/Error", mt.Schema.Ref, "%s %s: the errors[] body", id, code)
				}
			}
		}
	}
}

func TestErrorResponsesDeclared(t *testing.T) {
	doc := apispectest.Load(t, Document())
	for _, o := range apispectest.Operations(doc) {
		id := o.Op.OperationID
		if publicAuth[id] {
			assert.NotNil(t, o.Op.Responses.Value("503"), "%s: 503", id)
			continue
		}
		codes := []string{"200", "401", "403", "500", "503"}
		if strings.HasPrefix(o.Path, "/companies/") {
			codes = append(codes, "404")
			// 400 where a request can be malformed: a parameter beyond the company's id, or a body.
			if len(o.Op.Parameters) > 0 || o.Op.RequestBody != nil {
				codes = append(codes, "400")
			} else {
				assert.Nil(t, o.Op.Responses.Value("400"), "%s takes nothing a request could get wrong: no 400", id)
			}
		}
		for _, code := range codes {
			assert.NotNil(t, o.Op.Responses.Value(code), "%s must declare %s", id, code)
		}
		assert.NotNil(t, o.Op.Responses.Value("503").Value.Headers["Retry-After"], "%s 503: Retry-After", id)
		assert.NotNil(t, o.Op.Responses.Value("401").Value.Headers["WWW-Authenticate"], "%s 401: WWW-Authenticate", id)
	}
	token := apispectest.Find(t, doc, "exchangeOAuthToken").Op
	for _, code := range []string{"400", "401"} {
		mt := token.Responses.Value(code).Value.Content.Get("application/json")
		require.NotNil(t, mt, code)
		assert.Equal(t, "#/components/schemas/OAuthError", mt.Schema.Ref, "token %s: RFC 6749 body", code)
	}
	assert.NotNil(t, apispectest.Find(t, doc, "getOAuthDiscovery").Op.Responses.Value("404"), "404 means: no OAuth, static tokens")
}

func TestPagination(t *testing.T) {
	doc := apispectest.Load(t, Document())
	for _, id := range listOperations {
		o := apispectest.Find(t, doc, id).Op
		offset := o.Parameters.GetByInAndName("query", "offset")
		limit := o.Parameters.GetByInAndName("query", "limit")
		require.NotNil(t, offset, id)
		require.NotNil(t, limit, id)
		assert.False(t, offset.Required, id)
		assert.False(t, limit.Required, id)
		assert.Equal(t, float64(0), *offset.Schema.Value.Min, id)
		assert.Equal(t, float64(0), offset.Schema.Value.Default, id)
		assert.Equal(t, float64(1), *limit.Schema.Value.Min, id)
		assert.Equal(t, float64(1000), *limit.Schema.Value.Max, id)
		assert.Equal(t, float64(100), limit.Schema.Value.Default, id)

		body := o.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
		assert.ElementsMatch(t, []string{"Data", "Pagination"}, body.Required, id)
		assert.True(t, body.Properties["Data"].Value.Type.Is("array"), id)
		assert.Equal(t, "#/components/schemas/PaginationMetadata", body.Properties["Pagination"].Ref, id)
	}
	page := doc.Components.Schemas["PaginationMetadata"].Value
	assert.ElementsMatch(t, []string{"offset", "limit", "total"}, page.Required, "lower-case keys, as read")
}

// TestLimitBeyond1000IsABadRequest validates requests the way a partner's own validator (or accord's mock)
// would: limit 1000 is fine, 0 and 1001 are not; a statement without AccountingBasis is not.
func TestRequestValidation(t *testing.T) {
	doc := apispectest.Load(t, Document())
	router := apispectest.FirstServerRouter(t, doc)
	check := func(method, target, body string) error {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer at-2b6e")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		route, params, err := router.FindRoute(req)
		require.NoError(t, err, target)
		return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		})
	}
	base := "/reach/companies/cmp-lantern"
	assert.NoError(t, check("GET", base+"/chart-of-accounts?offset=0&limit=1000", ""))
	assert.NoError(t, check("GET", base+"/chart-of-accounts", ""))
	assert.Error(t, check("GET", base+"/chart-of-accounts?limit=1001", ""), "limit beyond 1000")
	assert.Error(t, check("GET", base+"/chart-of-accounts?limit=0", ""))
	assert.Error(t, check("GET", base+"/budgets?offset=-1", ""))

	assert.NoError(t, check("GET", base+"/profit-and-loss?StartDate=2025-01-01&EndDate=2025-12-31&AccountingBasis=CASH&ClassId=cls-northgate", ""))
	assert.Error(t, check("GET", base+"/profit-and-loss?StartDate=2025-01-01&EndDate=2025-12-31", ""), "AccountingBasis is required")
	assert.Error(t, check("GET", base+"/balance-sheet?StartDate=2025-01-01&EndDate=2025-12-31&AccountingBasis=MODIFIED", ""))
	assert.Error(t, check("GET", base+"/cash-flow?StartDate=01/01/2025&EndDate=2025-12-31&AccountingBasis=CASH", ""), "dates are YYYY-MM-DD")

	assert.NoError(t, check("POST", base+"/non-financial", `{"NonFinancialIds":["nf-visits"],"StartDate":"2025-01-01","EndDate":"2025-01-31"}`))
	assert.Error(t, check("POST", base+"/non-financial", `{"NonFinancialIds":[],"StartDate":"2025-01-01","EndDate":"2025-01-31"}`))
	assert.Error(t, check("POST", base+"/non-financial", `{"NonFinancialIds":["nf-visits"],"StartDate":"2025-01-01"}`))
}

// walkSchemas visits every schema reachable from the components, once.
func walkSchemas(doc *openapi3.T, visit func(where string, s *openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, ref *openapi3.SchemaRef)
	walk = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		visit(where, s)
		for name, p := range s.Properties {
			walk(where+"."+name, p)
		}
		walk(where+"[]", s.Items)
		for i, sub := range s.AllOf {
			walk(where+".allOf"+string(rune('0'+i)), sub)
		}
		for _, sub := range append(append([]*openapi3.SchemaRef{}, s.OneOf...), s.AnyOf...) {
			walk(where+".alt", sub)
		}
		if s.AdditionalProperties.Schema != nil {
			walk(where+".*", s.AdditionalProperties.Schema)
		}
	}
	names := make([]string, 0, len(doc.Components.Schemas))
	for name := range doc.Components.Schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		walk(name, doc.Components.Schemas[name])
	}
}

func TestShapeRules(t *testing.T) {
	doc := apispectest.Load(t, Document())
	walkSchemas(doc, func(where string, s *openapi3.Schema) {
		assert.False(t, s.Nullable, "%s: nothing is nullable; lists are [] and absent values are left out", where)
		assert.Nil(t, s.AdditionalProperties.Schema, "%s: no dynamic field names", where)
		if has := s.AdditionalProperties.Has; has != nil {
			assert.False(t, *has, "%s: no dynamic field names", where)
		}
		name := where[strings.LastIndex(where, ".")+1:]
		if strings.HasSuffix(name, "Date") {
			assert.Equal(t, "date", s.Format, "%s: dates are YYYY-MM-DD", where)
		}
	})
	// Field names: PascalCase in Reach's data bodies; the read exceptions are the pagination keys, the
	// error body and the OAuth bodies, which follow RFC 6749 / the discovery document.
	lowerOK := map[string]bool{"Error": true, "ErrorItem": true, "OAuthError": true, "OAuthDiscovery": true,
		"TokenRequest": true, "TokenResponse": true, "PaginationMetadata": true}
	for name, ref := range doc.Components.Schemas {
		if lowerOK[name] {
			continue
		}
		own := []*openapi3.Schema{ref.Value}
		for _, sub := range ref.Value.AllOf {
			if sub.Ref == "" {
				own = append(own, sub.Value)
			}
		}
		for _, s := range own {
			for prop := range s.Properties {
				assert.Regexp(t, `^[A-Z][A-Za-z]*$`, prop, "%s.%s is PascalCase", name, prop)
			}
		}
	}
	// Statements: arrays of lines naming accounts, never objects keyed by account.
	line := doc.Components.Schemas["StatementLine"].Value
	assert.ElementsMatch(t, []string{"AccountId", "StartDate", "EndDate", "Amount"}, line.Required)
}

func TestStatementParameters(t *testing.T) {
	doc := apispectest.Load(t, Document())
	for id, schema := range statementOperations {
		o := apispectest.Find(t, doc, id).Op
		for name, required := range map[string]bool{
			"StartDate": true, "EndDate": true, "AccountingBasis": true,
			"BudgetId": false, "ClassId": false, "DepartmentId": false,
		} {
			p := o.Parameters.GetByInAndName("query", name)
			if assert.NotNil(t, p, "%s %s", id, name) {
				assert.Equal(t, required, p.Required, "%s %s required", id, name)
			}
		}
		assert.Equal(t, "date", o.Parameters.GetByInAndName("query", "StartDate").Schema.Value.Format)
		assert.Equal(t, []any{"CASH", "ACCRUAL"}, o.Parameters.GetByInAndName("query", "AccountingBasis").Schema.Value.Enum)
		assert.Equal(t, "#/components/schemas/"+schema, o.Responses.Value("200").Value.Content.Get("application/json").Schema.Ref, id)
	}
	q := doc.Components.Schemas["NonFinancialQuery"].Value
	assert.ElementsMatch(t, []string{"NonFinancialIds", "StartDate", "EndDate"}, q.Required)
	assert.Contains(t, q.Properties, "BudgetId")
	assert.Contains(t, q.Properties, "ClassId")
}

func TestSchemasRejectWhatReachRefuses(t *testing.T) {
	doc := apispectest.Load(t, Document())
	schema := func(name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	visit := func(name string, v string) error {
		var x any
		require.NoError(t, json.Unmarshal([]byte(v), &x))
		return schema(name).VisitJSON(x, openapi3.VisitAsResponse())
	}
	assert.NoError(t, visit("Error", `{"errors":[{"error":"Unauthorized","message":"no token"}]}`))
	assert.Error(t, visit("Error", `{"errors":[]}`), "at least one error")
	assert.Error(t, visit("Error", `{"error":"Unauthorized","message":"flat"}`), "errors[] is required")
	assert.Error(t, visit("Error", `{"errors":[{"error":"x","message":"y","level":11}]}`), "level 1..10")

	ok := `{"Data":[],"Pagination":{"offset":0,"limit":100,"total":0}}`
	assert.NoError(t, visit("ClassList", ok))
	assert.Error(t, visit("ClassList", `{"Data":null,"Pagination":{"offset":0,"limit":100,"total":0}}`), "empty is [], never null")
	assert.Error(t, visit("ClassList", `{"Data":[]}`), "Pagination is required")

	header := `"CompanyId":"cmp-lantern","StartDate":"2025-01-01","EndDate":"2025-01-31","AccountingBasis":"CASH","Currency":"AUD"`
	assert.NoError(t, visit("ProfitAndLoss", `{`+header+`,"Data":[],"Summary":[]}`))
	assert.Error(t, visit("ProfitAndLoss", `{`+header+`,"Data":null,"Summary":[]}`))
	assert.Error(t, visit("ProfitAndLoss", `{`+header+`,"Data":[{"AccountId":"a","StartDate":"2025-1-1","EndDate":"2025-01-31","Amount":1}],"Summary":[]}`), "dates are YYYY-MM-DD")
	assert.Error(t, visit("ProfitAndLoss", `{`+header+`,"Data":[{"AccountId":"a","StartDate":"2025-01-01","EndDate":"2025-01-31","Amount":"1.00"}],"Summary":[]}`), "amounts are numbers")
	assert.Error(t, visit("Company", `{"CompanyId":"c","CompanyName":"n","FiscalMonthEnd":13,"Currency":"AUD"}`))
	assert.Error(t, visit("Account", `{"AccountId":"a","AccountName":"n","AccountType":"Revenue","CashFlowCategory":"None","IsPosting":true,"IsActive":true}`))
}

// TestExamplesValidate walks every example of the document and validates it against the schema it
// illustrates, in the right direction (request or response), with date formats checked.
func TestExamplesValidate(t *testing.T) {
	doc := apispectest.Load(t, Document())
	count := 0
	check := func(where string, schema *openapi3.SchemaRef, value any, asRequest bool) {
		require.NotNil(t, schema, where)
		dir := openapi3.VisitAsResponse()
		if asRequest {
			dir = openapi3.VisitAsRequest()
		}
		assert.NoError(t, schema.Value.VisitJSON(value, dir, openapi3.MultiErrors()), where)
		count++
	}
	media := func(where string, mt *openapi3.MediaType, asRequest bool) {
		if mt.Example != nil {
			check(where, mt.Schema, mt.Example, asRequest)
		}
		for name, ex := range mt.Examples {
			check(where+" example "+name, mt.Schema, ex.Value.Value, asRequest)
		}
	}
	for _, o := range apispectest.Operations(doc) {
		id := o.Op.OperationID
		params := append(append(openapi3.Parameters{}, o.Item.Parameters...), o.Op.Parameters...)
		for _, p := range params {
			if p.Value.Example != nil {
				check(id+" parameter "+p.Value.Name, p.Value.Schema, p.Value.Example, true)
			}
		}
		if o.Op.RequestBody != nil {
			for mediaType, mt := range o.Op.RequestBody.Value.Content {
				media(id+" request "+mediaType, mt, true)
			}
		}
		for code, r := range o.Op.Responses.Map() {
			for mediaType, mt := range r.Value.Content {
				if mediaType == "application/json" {
					assert.NotEmpty(t, mt.Examples, "%s %s has an example", id, code)
				}
				media(id+" "+code+" "+mediaType, mt, false)
			}
		}
	}
	assert.Greater(t, count, 40)
}

// TestStatementExamplesAddUp checks that the worked examples obey the identities the document states.
func TestStatementExamplesAddUp(t *testing.T) {
	doc := apispectest.Load(t, Document())
	example := func(id, name string) map[string]any {
		mt := apispectest.Find(t, doc, id).Op.Responses.Value("200").Value.Content.Get("application/json")
		return mt.Examples[name].Value.Value.(map[string]any)
	}
	sum := func(body map[string]any, pick func(string) bool) float64 {
		var total float64
		for _, l := range body["Data"].([]any) {
			line := l.(map[string]any)
			if pick(line["AccountId"].(string)) {
				total += line["Amount"].(float64)
			}
		}
		return total
	}
	approx := func(want, got any, msg string) { assert.InDelta(t, want, got, 0.005, msg) }
	all := func(string) bool { return true }

	pl := example("getProfitAndLoss", "january")
	s := pl["Summary"].([]any)[0].(map[string]any)
	approx(s["TotalIncome"], sum(pl, func(a string) bool { return strings.HasPrefix(a, "acct_4") }), "income")
	approx(s["TotalExpenses"], sum(pl, func(a string) bool { return strings.HasPrefix(a, "acct_6") }), "expenses")
	approx(s["NetIncome"], s["NetOperatingIncome"].(float64)+s["NetOtherIncome"].(float64), "net income")

	bs := example("getBalanceSheet", "january")
	b := bs["Summary"].([]any)[0].(map[string]any)
	approx(b["TotalAssets"], sum(bs, func(a string) bool { return strings.HasPrefix(a, "acct_1") }), "assets")
	approx(b["TotalAssets"], b["TotalLiabilitiesAndEquity"], "assets = liabilities + equity")

	cf := example("getCashFlow", "january")
	c := cf["Summary"].([]any)[0].(map[string]any)
	approx(c["NetChangeInCash"], sum(cf, all), "lines sum to the change in cash")
	approx(c["EndingCash"], c["BeginningCash"].(float64)+c["NetChangeInCash"].(float64), "ending cash")
	approx(c["EndingCash"], sum(bs, func(a string) bool { return a == "acct_1010" || a == "acct_1020" }), "ties to the balance sheet")
}

// TestFixtureIsServable encodes what the reference partner will serve from fixtures/reach (every list,
// every month of every statement on both bases, metric values) and validates it against the document.
func TestFixtureIsServable(t *testing.T) {
	doc := apispectest.Load(t, Document())
	set, err := reachfixture.LoadSet()
	require.NoError(t, err)
	for _, c := range set.Companies {
		t.Run(c.Company.CompanyID, func(t *testing.T) { servable(t, doc, c) })
	}
}

// servable encodes one company's books as the reference partner serves them and validates each
// body against the document.
func servable(t *testing.T, doc *openapi3.T, c *reachfixture.Company) {
	validate := func(schema string, body any) {
		t.Helper()
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		var v any
		require.NoError(t, json.NewDecoder(bytes.NewReader(raw)).Decode(&v))
		assert.NoError(t, doc.Components.Schemas[schema].Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()), schema)
	}
	page := func(n int) map[string]int { return map[string]int{"offset": 0, "limit": 1000, "total": n} }
	validate("Company", c.Company)
	validate("AccountList", map[string]any{"Data": c.Accounts, "Pagination": page(len(c.Accounts))})
	budgets := []reachfixture.BudgetItem{}
	for _, b := range c.Budgets {
		budgets = append(budgets, b.Item())
	}
	validate("BudgetList", map[string]any{"Data": budgets, "Pagination": page(len(budgets))})
	validate("ClassList", map[string]any{"Data": c.Classes, "Pagination": page(len(c.Classes))})
	validate("DepartmentList", map[string]any{"Data": c.Departments, "Pagination": page(len(c.Departments))})
	validate("NonFinancialMetricList", map[string]any{"Data": c.NonFinancialMetrics, "Pagination": page(len(c.NonFinancialMetrics))})

	lines := func(ls []reachfixture.Line) []map[string]any {
		out := []map[string]any{}
		for _, l := range ls {
			out = append(out, map[string]any{"AccountId": l.AccountID, "StartDate": l.Month.StartDate(), "EndDate": l.Month.EndDate(), "Amount": l.Amount.Float()})
		}
		return out
	}
	for _, basis := range reachfixture.Bases {
		statement := func(schema string, err error, ls []reachfixture.Line, summary []map[string]any) {
			t.Helper()
			require.NoError(t, err)
			validate(schema, map[string]any{"CompanyId": c.Company.CompanyID, "StartDate": c.FirstMonth.StartDate(), "EndDate": c.LastMonth.EndDate(),
				"AccountingBasis": string(basis), "Currency": c.Company.Currency, "Data": lines(ls), "Summary": summary})
		}
		pl, err := c.ProfitAndLoss(basis, c.FirstMonth, c.LastMonth, reachfixture.Filter{})
		statement("ProfitAndLoss", err, pl.Lines, rows(pl.Summary, func(s reachfixture.PLSummary) map[string]any {
			return map[string]any{"StartDate": s.Month.StartDate(), "EndDate": s.Month.EndDate(),
				"TotalIncome": s.TotalIncome.Float(), "TotalCostOfGoodsSold": s.TotalCostOfGoodsSold.Float(), "GrossProfit": s.GrossProfit.Float(),
				"TotalExpenses": s.TotalExpenses.Float(), "NetOperatingIncome": s.NetOperatingIncome.Float(), "TotalOtherIncome": s.TotalOtherIncome.Float(),
				"TotalOtherExpenses": s.TotalOtherExpenses.Float(), "NetOtherIncome": s.NetOtherIncome.Float(), "NetIncome": s.NetIncome.Float()}
		}))
		bs, err := c.BalanceSheet(basis, c.FirstMonth, c.LastMonth, reachfixture.Filter{})
		statement("BalanceSheet", err, bs.Lines, rows(bs.Summary, func(s reachfixture.BSSummary) map[string]any {
			return map[string]any{"StartDate": s.Month.StartDate(), "EndDate": s.Month.EndDate(),
				"TotalAssets": s.TotalAssets.Float(), "TotalLiabilities": s.TotalLiabilities.Float(), "TotalEquity": s.TotalEquity.Float(),
				"TotalLiabilitiesAndEquity": s.TotalLiabilitiesAndEquity.Float()}
		}))
		cf, err := c.CashFlow(basis, c.FirstMonth, c.LastMonth, reachfixture.Filter{})
		statement("CashFlow", err, cf.Lines, rows(cf.Summary, func(s reachfixture.CFSummary) map[string]any {
			return map[string]any{"StartDate": s.Month.StartDate(), "EndDate": s.Month.EndDate(),
				"BeginningCash": s.BeginningCash.Float(), "NetCashFromOperating": s.NetCashFromOperating.Float(),
				"NetCashFromInvesting": s.NetCashFromInvesting.Float(), "NetCashFromFinancing": s.NetCashFromFinancing.Float(),
				"NetChangeInCash": s.NetChangeInCash.Float(), "EndingCash": s.EndingCash.Float()}
		}))
	}
	ids := []string{}
	for _, m := range c.NonFinancialMetrics {
		ids = append(ids, m.NonFinancialID)
	}
	values, err := c.NonFinancial(ids, c.FirstMonth, c.LastMonth, reachfixture.Filter{})
	require.NoError(t, err)
	data := []map[string]any{}
	for _, v := range values {
		data = append(data, map[string]any{"NonFinancialId": v.NonFinancialID, "StartDate": v.Month.StartDate(), "EndDate": v.Month.EndDate(), "Value": v.Value})
	}
	validate("NonFinancialValues", map[string]any{"CompanyId": c.Company.CompanyID, "StartDate": c.FirstMonth.StartDate(), "EndDate": c.LastMonth.EndDate(), "Data": data})
}

// rows are a statement's monthly summaries as the API writes them; none is
// an empty list, never null.
func rows[S any](summaries []S, row func(S) map[string]any) []map[string]any {
	out := []map[string]any{}
	for _, s := range summaries {
		out = append(out, row(s))
	}
	return out
}

// TestResponseValidationCatchesHTML shows the check the sync client relies on: a 401 answered as HTML,
// or a 200 to an unauthorised call with an HTML login page, does not pass response validation.
func TestResponseValidationCatchesHTML(t *testing.T) {
	doc := apispectest.Load(t, Document())
	router := apispectest.FirstServerRouter(t, doc)
	req := httptest.NewRequest("GET", "/reach/companies/cmp-lantern/classes", nil)
	route, params, err := router.FindRoute(req)
	require.NoError(t, err)
	respond := func(status int, contentType, body string) error {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 status,
			Header:                 h,
			Body:                   ioNopCloser(body),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true},
		})
	}
	assert.NoError(t, respond(401, "application/json", `{"errors":[{"error":"Unauthorized","message":"no token"}]}`))
	assert.Error(t, respond(401, "text/html", `<html>Please sign in</html>`))
	assert.Error(t, respond(200, "text/html", `<html>Please sign in</html>`))
	assert.Error(t, respond(200, "application/json", `{"Data":null,"Pagination":{"offset":0,"limit":100,"total":0}}`))
	assert.Error(t, respond(418, "application/json", `{"errors":[{"error":"x","message":"y"}]}`), "undeclared status")
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
