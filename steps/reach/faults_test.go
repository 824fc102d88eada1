package reach_test

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	features "github.com/accord-harness/accord/features/reach"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/reach/refpartner"
	"github.com/accord-harness/accord/steps/reach"
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
}

// TestEveryFaultIsCaught starts the reference partner with each fault and runs the scenarios meant
// to catch it: each must fail, with a reason that starts with its flow. Every scenario of the features
// must be caught by some fault, or nothing proves it can fail. The alternative build makes the same
// mistakes on top of its own manners, and must be caught the same way.
func TestEveryFaultIsCaught(t *testing.T) {
	racedetector.SkipRepeat(t, "the reference partner's suite")
	faults := reach.Platform{}.Faults()
	require.Len(t, catches, len(faults), "every fault of the catalogue has an expectation here, and no more")
	require.Equal(t, scenarios, featureScenarios(t), "every scenario of features/reach is named here, by its own tag")
	t.Run("default", func(t *testing.T) { everyFaultIsCaught(t, reach.Platform{}) })
	t.Run("alt", func(t *testing.T) { everyFaultIsCaught(t, reach.Platform{Variant: refpartner.VariantAlt}) })
}

func everyFaultIsCaught(t *testing.T, platform reach.Platform) {
	faults := platform.Faults()
	caught := map[string][]string{}
	var table []string
	for _, f := range faults {
		tags, ok := catches[f.Name]
		require.True(t, ok, "fault %s has no expectation", f.Name)
		t.Run(f.Name, func(t *testing.T) {
			sum, err := runner.Run(context.Background(), platform, runner.Options{
				Config: runner.Config{Faults: []string{f.Name}},
				Tags:   strings.Join(tags, ","),
			})
			require.NoError(t, err)
			assert.Equal(t, "failed", sum.Verdict, "fault %s (%s) went unnoticed", f.Name, f.Breaks)
			failed := map[string]runner.ScenarioResult{}
			for _, r := range sum.Failed() {
				failed[r.Name] = r
				table = append(table, fmt.Sprintf("%-30s %-72s %s", f.Name, r.Name, firstLine(r.Reason)))
				assert.True(t, slices.ContainsFunc(flowNames, func(fl string) bool { return strings.HasPrefix(r.Reason, fl) }),
					"the reason for %q should start with the flow it failed: %s", r.Name, r.Reason)
			}
			if r, ok := failed[scenarios["@explore-books"]]; ok {
				assertShrunk(t, f.Name, r.Reason)
			}
			for _, tag := range tags {
				name := scenarios[tag]
				if _, ok := failed[name]; ok {
					caught[name] = append(caught[name], f.Name)
				} else {
					t.Errorf("fault %s should fail %q; it failed %v", f.Name, name, keys(failed))
				}
			}
		})
	}
	sort.Strings(table)
	t.Logf("fault → failed scenario → reason\n%s", strings.Join(table, "\n"))
	for _, name := range valuesOf(scenarios) {
		assert.NotEmpty(t, caught[name], "scenario %q is failed by no fault: nothing proves it can fail", name)
	}
}

// sharedTags mark a scenario without naming it (a reason for an exemption, say); so do the
// tags that trace it to requirements (@req:RR-AUTH-1).
var sharedTags = map[string]bool{"@books-unchanged": true}

func shared(tag string) bool { return sharedTags[tag] || strings.HasPrefix(tag, "@req:") }

// featureScenarios reads the features: each scenario's name under its own tag (the one tag of the
// line above it that is not a shared tag).
func featureScenarios(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(features.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".feature" {
			return err
		}
		b, err := fs.ReadFile(features.FS, name)
		if err != nil {
			return err
		}
		var tags []string
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(line, "@"):
				tags = nil
				for _, tag := range strings.Fields(line) {
					if !shared(tag) {
						tags = append(tags, tag)
					}
				}
			case strings.HasPrefix(line, "Scenario:"):
				require.Len(t, tags, 1, "%s: scenario %q has one tag of its own", name, line)
				out[tags[0]] = strings.TrimSpace(strings.TrimPrefix(line, "Scenario:"))
				tags = nil
			case strings.HasPrefix(line, "Feature:"), strings.HasPrefix(line, "Background:"):
				tags = nil
			}
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func valuesOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]runner.ScenarioResult) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
