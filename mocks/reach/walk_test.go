package reach_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/journal"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func serveBody(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func rules(vs []journal.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule+" "+v.Field)
	}
	sort.Strings(out)
	return out
}

const plHeader = `"CompanyId":"cmp-1","StartDate":"2025-01-01","EndDate":"2025-02-28","AccountingBasis":"ACCRUAL","Currency":"AUD"`

// TestAnswersAreValidatedBeyondTheSchema: what a schema lets through (extra fields, names made of
// data, null for an array) and what it cannot say (pagination echo, periods) is caught too, with the
// JSON path and the rule.
func TestAnswersAreValidatedBeyondTheSchema(t *testing.T) {
	pl := map[string]string{"CompanyId": "cmp-1"}
	plQuery := url.Values{"StartDate": {"2025-01-01"}, "EndDate": {"2025-02-28"}, "AccountingBasis": {"ACCRUAL"}}
	cases := []struct {
		name      string
		req       reachmock.Request
		status    int
		ctype     string
		body      string
		want      []string // rule and field of each violation, sorted; nil means none
		warnings  []string
		anySchema bool // the schema check adds violations of its own too
	}{
		{name: "a valid company", req: reachmock.Request{Operation: "getCompany", Path: pl}, status: 200, ctype: "application/json",
			body: `{"CompanyId":"cmp-1","CompanyName":"One","FiscalMonthEnd":6,"Currency":"AUD"}`},
		{name: "an extra field is a warning", req: reachmock.Request{Operation: "getCompany", Path: pl}, status: 200, ctype: "application/json",
			body:     `{"CompanyId":"cmp-1","CompanyName":"One","FiscalMonthEnd":6,"Currency":"AUD","Nickname":"Uno","Address":{"City":"Perth"}}`,
			warnings: []string{"extra-field Address", "extra-field Nickname"}},
		{name: "a month as a field name", req: reachmock.Request{Operation: "getProfitAndLoss", Path: pl, Query: plQuery}, status: 200, ctype: "application/json",
			body: `{` + plHeader + `,"Data":[{"AccountId":"a1","StartDate":"2025-01-01","EndDate":"2025-01-31","Amount":1,"2025-01":1}],"Summary":[]}`,
			want: []string{"dynamic-field-name Data.0.2025-01"}},
		{name: "an id as a field name, inside an extra object", req: reachmock.Request{Operation: "getProfitAndLoss", Path: pl, Query: plQuery}, status: 200, ctype: "application/json",
			body:     `{` + plHeader + `,"Data":[{"AccountId":"acct_4010","StartDate":"2025-01-01","EndDate":"2025-01-31","Amount":1}],"Summary":[],"ByAccount":{"acct_4010":1}}`,
			want:     []string{"dynamic-field-name ByAccount.acct_4010"},
			warnings: []string{"extra-field ByAccount"}},
		{name: "records whose extra fields differ", req: reachmock.Request{Operation: "listClasses", Path: pl}, status: 200, ctype: "application/json",
			body:     `{"Data":[{"ClassId":"c1","ClassName":"A","IsActive":true,"Region":"N"},{"ClassId":"c2","ClassName":"B","IsActive":true,"Zone":"S"}],"Pagination":{"offset":0,"limit":100,"total":2}}`,
			want:     []string{"varying-field-names Data.1"},
			warnings: []string{"extra-field Data.0.Region", "extra-field Data.1.Zone"}},
		{name: "null for an empty list", req: reachmock.Request{Operation: "listClasses", Path: pl}, status: 200, ctype: "application/json",
			body: `{"Data":null,"Pagination":{"offset":0,"limit":100,"total":0}}`,
			want: []string{"empty-list Data"}, anySchema: true},
		{name: "more records than the limit, offset not echoed", req: reachmock.Request{Operation: "listClasses", Path: pl, Query: url.Values{"offset": {"0"}, "limit": {"1"}},
			Check: reachmock.PageCheck(0, 1)}, status: 200, ctype: "application/json",
			body: `{"Data":[{"ClassId":"c1","ClassName":"A","IsActive":true},{"ClassId":"c2","ClassName":"B","IsActive":true}],"Pagination":{"offset":5,"limit":1,"total":2}}`,
			want: []string{"pagination Data", "pagination Pagination.offset"}},
		{name: "an empty page before the end", req: reachmock.Request{Operation: "listClasses", Path: pl, Query: url.Values{"offset": {"1"}, "limit": {"1"}},
			Check: reachmock.PageCheck(1, 1)}, status: 200, ctype: "application/json",
			body: `{"Data":[],"Pagination":{"offset":1,"limit":1,"total":2}}`,
			want: []string{"pagination Data"}},
		{name: "an empty page past the end", req: reachmock.Request{Operation: "listClasses", Path: pl, Query: url.Values{"offset": {"100"}, "limit": {"100"}},
			Check: reachmock.PageCheck(100, 100)}, status: 200, ctype: "application/json",
			body: `{"Data":[],"Pagination":{"offset":100,"limit":100,"total":2}}`},
		{name: "records past the end", req: reachmock.Request{Operation: "listClasses", Path: pl, Query: url.Values{"offset": {"2"}, "limit": {"100"}},
			Check: reachmock.PageCheck(2, 100)}, status: 200, ctype: "application/json",
			body: `{"Data":[{"ClassId":"c3","ClassName":"C","IsActive":true}],"Pagination":{"offset":2,"limit":100,"total":2}}`,
			want: []string{"pagination Data"}},
		{name: "a line outside the period, a date with a time, three decimals", req: reachmock.Request{Operation: "getProfitAndLoss", Path: pl, Query: plQuery,
			Check: reachmock.StatementCheck("cmp-1", reachfixture.Accrual, mustMonth("2025-01"), mustMonth("2025-02"))}, status: 200, ctype: "application/json",
			body: `{` + plHeader + `,"Data":[{"AccountId":"a1","StartDate":"2025-03-01","EndDate":"2025-03-31","Amount":1.005},{"AccountId":"a1","StartDate":"2025-01-01T00:00:00Z","EndDate":"2025-01-31","Amount":1}],"Summary":[]}`,
			want: []string{"amount Data.0.Amount", "period Data.0.StartDate", "period Data.1"}, anySchema: true},
		{name: "a statement that echoes another period", req: reachmock.Request{Operation: "getProfitAndLoss", Path: pl, Query: plQuery,
			Check: reachmock.StatementCheck("cmp-1", reachfixture.Accrual, mustMonth("2025-01"), mustMonth("2025-03"))}, status: 200, ctype: "application/json",
			body: `{` + plHeader + `,"Data":[],"Summary":[]}`,
			want: []string{"period EndDate"}},
		{name: "a 204 for no data", req: reachmock.Request{Operation: "listClasses", Path: pl}, status: 204, anySchema: true},
		{name: "an HTML page for 200", req: reachmock.Request{Operation: "getCompany", Path: pl}, status: 200, ctype: "text/html", body: "<html></html>", anySchema: true},
		{name: "a proper 401", req: reachmock.Request{Operation: "getCompany", Path: pl}, status: 401, ctype: "application/json",
			body: `{"errors":[{"error":"Unauthorized","message":"no token","level":8}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, conn, _ := hostile(t, serveBody(c.status, c.ctype, c.body), reachmock.Options{})
			c.req.NoRetry = true
			res, err := r.Do(context.Background(), conn, c.req)
			require.NoError(t, err)
			got := rules(res.Violations())
			if c.anySchema {
				var ours []string
				for _, g := range got {
					if g[0] != ' ' && !isSchemaRule(g) {
						ours = append(ours, g)
					}
				}
				assert.NotEmpty(t, got, "the answer is invalid")
				if c.want != nil {
					assert.Equal(t, c.want, ours)
				}
			} else {
				assert.Equal(t, c.want, got)
			}
			assert.Equal(t, c.warnings, rules(res.Record.Warnings))
		})
	}
}

// isSchemaRule tells kin-openapi's findings (schema keywords, or none) from the walk's and checks'.
func isSchemaRule(ruleAndField string) bool {
	for _, r := range []string{reachmock.RuleExtraField, reachmock.RuleDynamicName, reachmock.RuleVaryingNames, reachmock.RuleEmptyList, reachmock.RulePagination, reachmock.RulePeriod, "amount"} {
		if len(ruleAndField) > len(r) && ruleAndField[:len(r)+1] == r+" " {
			return false
		}
	}
	return true
}

func TestRefusal(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   string // "" for a proper refusal
	}{
		{"401 with errors", 401, "application/json", `{"errors":[{"error":"Unauthorized","message":"no"}]}`, ""},
		{"403 with errors", 403, "application/json; charset=utf-8", `{"errors":[{"error":"Forbidden","message":"no"}]}`, ""},
		{"200 with HTML", 200, "text/html", `<html>sign in</html>`, "answered 200 with an HTML page; want 401 or 403"},
		{"401 as text", 401, "text/plain", `Unauthorized`, "not the JSON errors body"},
		{"401 with a bare message", 401, "application/json", `{"message":"no"}`, "not an errors[] array"},
		{"401 with an empty error", 401, "application/json", `{"errors":[{"error":"","message":"no"}]}`, "lacks error or message"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, conn, _ := hostile(t, serveBody(c.status, c.ctype, c.body), reachmock.Options{})
			res, err := r.Do(context.Background(), conn, reachmock.Request{Operation: "getUserInfo", Auth: reachmock.AuthNone, NoRetry: true})
			require.NoError(t, err)
			got := reachmock.Refusal(res, 401, 403)
			if c.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, c.want)
			}
		})
	}
}

func mustMonth(s string) reachfixture.Month {
	m, err := reachfixture.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}
