package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/requirements"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// Scenario names, as in features/reach, by their tags.
var scenarios = map[string]string{
	"@no-token":          "A request without a token is refused with an errors body",
	"@wrong-token":       "A request with a wrong token is refused with an errors body",
	"@other-company":     "Another customer's token cannot read the customer's companies",
	"@valid-token":       "A valid token reads every company of its customer",
	"@oauth":             "Reach connects by OAuth and keeps access through renewal after renewal without the customer",
	"@expired-token":     "An access token past its life is refused",
	"@static-token":      "The customer's static token stays valid",
	"@whole-books":       "Everything the partner serves is the books, every company, filter, period and page",
	"@nightly":           "The nightly sync runs off-hours and completes without rate limiting",
	"@on-demand":         "An on-demand sync completes",
	"@repeatable":        "Repeated syncs return the same data",
	"@retry-503":         "A brief outage answered with 503 is retried",
	"@reference-data":    "Company information and reference lists equal the books",
	"@statement-values":  "Statements and metric values equal the books on both accounting bases",
	"@balance":           "The balance sheet balances and the cash flow adds up every month",
	"@pl-totals":         "Profit and loss totals equal the sum of their accounts",
	"@chart":             "Every account in the statements is in the chart of accounts",
	"@valid-answers":     "Every answer of a sync is valid against the Reach specification",
	"@dates":             "Dates are plain dates",
	"@empty-lists":       "Empty lists are empty arrays",
	"@field-names":       "Field names are fixed; extra fields are only warnings",
	"@exactly-once":      "Paging one record at a time reads every record exactly once",
	"@limits":            "Limits of 1 and 1000 are honoured and 1001 is refused",
	"@endpoints":         "Every required endpoint answers",
	"@latency":           "Every answer comes within the latency budget",
	"@dashboard-figures": "Reach's dashboard shows the books' figures",
	"@explore-books":     "Random sequences of changes and syncs keep Reach and the partner's books in agreement",
}

// flowNames are how failure reasons start: every reason names its flow.
var flowNames = []string{
	"authentication", "sync scheduling", "sync stability", "data accuracy", "statements balance", "P&L totals",
	"chart of accounts", "formatting", "pagination", "endpoint reliability", "latency", "dashboard", "explore",
}

// catches says which scenarios (by tag) each fault must fail. Each fault's run holds only these
// scenarios, so the test stays fast; together they must hold every scenario of the features.
var catches = map[string][]string{
	"html-on-bad-token":                  {"@no-token", "@wrong-token"},
	"plain-text-errors":                  {"@no-token", "@wrong-token", "@other-company", "@limits"},
	"accepts-other-company-token":        {"@other-company"},
	"no-company-list":                    {"@valid-token", "@valid-answers"},
	"refresh-token-rejected":             {"@oauth"},
	"rate-limits-nightly":                {"@nightly"},
	"missing-endpoint":                   {"@endpoints", "@on-demand"},
	"metric-query-created":               {"@endpoints", "@valid-answers"},
	"partial-open-period":                {"@on-demand", "@valid-answers"},
	"unstable-amounts":                   {"@repeatable"},
	"unavailable-as-500":                 {"@retry-503"},
	"page-skip":                          {"@exactly-once", "@reference-data"},
	"page-repeat":                        {"@exactly-once"},
	"unstable-total":                     {"@exactly-once"},
	"limit-ignored":                      {"@limits", "@exactly-once"},
	"accepts-limit-1001":                 {"@limits"},
	"wrong-basis":                        {"@statement-values", "@dashboard-figures"},
	"unbalanced-balance-sheet":           {"@balance"},
	"pl-totals-off":                      {"@pl-totals"},
	"unknown-account-in-statements":      {"@chart"},
	"datetime-dates":                     {"@dates", "@valid-answers"},
	"null-empty-lists":                   {"@empty-lists", "@valid-answers"},
	"null-page-past-end":                 {"@empty-lists"},
	"dynamic-field-names":                {"@field-names", "@valid-answers"},
	"slow-answers":                       {"@latency"},
	"calendar-fiscal-year":               {"@dashboard-figures", "@reference-data"},
	"refresh-token-not-saved":            {"@oauth"},
	"refreshed-token-first-company-only": {"@oauth", "@expired-token"},
	"access-tokens-never-expire":         {"@expired-token"},
	"static-token-expires":               {"@static-token"},
	"class-filter-ignored":               {"@whole-books"},
	"nested-class-rollup":                {"@whole-books"},
	"default-limit-ignored":              {"@whole-books"},
	"unknown-budget-empty":               {"@whole-books"},
	"empty-month-dropped":                {"@statement-values", "@whole-books"},
	"lines-on-header":                    {"@chart", "@statement-values"},
	"period-not-echoed":                  {"@valid-answers", "@whole-books"},
	"user-info-duplicates":               {"@valid-token"},
	"cash-flow-opening-zero":             {"@balance"},
	"small-limit-rounded-up":             {"@exactly-once", "@limits"},
	"parent-class-dropped":               {"@reference-data", "@whole-books"},
	"stale-report-cache":                 {"@explore-books"},
	"authorize-page-missing":             {"@oauth", "@expired-token"},
	"client-secret-not-checked":          {"@oauth"},
	"code-reusable":                      {"@oauth"},
	"token-answer-cacheable":             {"@oauth", "@expired-token"},
	"other-company-info-of-customer":     {"@other-company"},
	"redirect-uri-not-checked":           {"@oauth", "@expired-token"},
	"accepts-limit-0":                    {"@limits"},
	"discovery-implicit-only":            {"@oauth", "@expired-token"},
	"discovery-basic-auth-only":          {"@oauth", "@expired-token"},
	"unknown-basis-as-accrual":           {"@endpoints"},
	"reversed-period-empty":              {"@endpoints"},
	"metric-query-without-ids-empty":     {"@endpoints"},
	"negative-offset-clamped":            {"@limits"},
	"redirect-query-dropped":             {"@oauth", "@expired-token"},
	"redirect-uri-not-compared":          {"@oauth"},
	"consent-form-drops-state":           {"@oauth", "@expired-token"},
}

// TestEveryFaultIsCaught starts the reference partner with each fault and runs the scenarios meant
// to catch it: each must fail, with a reason that starts with its flow. Every scenario of the features
// must be caught by some fault, or nothing proves it can fail. The alternative build makes the same
// mistakes on top of its own manners, and must be caught the same way.
func TestEveryFaultIsCaught(t *testing.T) {
	racedetector.SkipRepeat(t, "the reference partner's suite")
	require.Equal(t, scenarios, featureScenarios(t), "every scenario of features/reach is named here, by its own tag")
	byName := map[string][]string{}
	for fault, tags := range catches {
		for _, tag := range tags {
			byName[fault] = append(byName[fault], scenarios[tag])
		}
	}
	for _, tc := range []struct {
		name     string
		platform reachsteps.Platform
	}{{"default", reachsteps.Platform{}}, {"alt", reachsteps.Platform{Variant: reachpartner.VariantAlt}}} {
		t.Run(tc.name, func(t *testing.T) {
			suitetest.EveryFaultIsCaught(t, suitetest.Faults{
				Platform: tc.platform,
				Catches:  byName,
				Named:    true,
				Flows:    flowNames,
				// Each fault's run holds only the scenarios it must fail, by their own tags.
				Tags: func(want []suitetest.Scenario) string {
					var tags []string
					for _, sc := range want {
						tags = append(tags, ownTag(t, sc))
					}
					return strings.Join(tags, ",")
				},
				Failed: func(t *testing.T, fault string, r runner.ScenarioResult) {
					if r.Name == scenarios["@explore-books"] {
						assertShrunk(t, fault, r.Reason)
					}
				},
			})
		})
	}
}

// sharedTags mark a scenario without naming it (a reason for an exemption, say); so do the
// tags that trace it to requirements (@req:RR-AUTH-1).
var sharedTags = map[string]bool{exemptTag: true}

func shared(tag string) bool {
	return sharedTags[tag] || strings.HasPrefix(tag, requirements.TagPrefix)
}

// ownTag is the one tag of a scenario's own that names it.
func ownTag(t *testing.T, sc suitetest.Scenario) string {
	t.Helper()
	var own []string
	for _, tag := range sc.Own {
		if !shared(tag) {
			own = append(own, tag)
		}
	}
	require.Len(t, own, 1, "%s: scenario %q has one tag of its own", sc.File, sc.Name)
	return own[0]
}

// featureScenarios reads the features: each scenario's name under its own tag.
func featureScenarios(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, sc := range suitetest.Scenarios(t, reachsteps.Platform{}, "") {
		out[ownTag(t, sc)] = sc.Name
	}
	return out
}
