package reach_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// synced is the fixture's company as a sync of the reference partner pulled it.
func synced(t *testing.T, e *env, conn string) *reachmock.CompanyData {
	t.Helper()
	res := e.reach.Sync(context.Background(), e.conn(t, conn), reachmock.OnDemand)
	require.NoError(t, res.Err())
	cd, ok := res.Company("cmp-lantern")
	require.True(t, ok)
	return cd
}

// TestChecksFindBrokenData breaks one thing in a good sync at a time: the check meant for it must
// say so, naming what broke.
func TestChecksFindBrokenData(t *testing.T) {
	e := newEnv(t, envOptions{})
	accrual := func(cd *reachmock.CompanyData) *reachmock.Statements { return cd.Statements[reachfixture.Accrual] }
	cases := []struct {
		name  string
		spoil func(cd *reachmock.CompanyData)
		check func(cd *reachmock.CompanyData) []string
		want  string
	}{
		{"assets off liabilities and equity", func(cd *reachmock.CompanyData) { accrual(cd).BS.Summary[2].TotalAssets += 100 },
			reachmock.CheckBalance, "ACCRUAL balance sheet at 2025-03-31: total assets"},
		{"a balance sheet line not in its total", func(cd *reachmock.CompanyData) { accrual(cd).BS.Lines[0].Amount += 1 },
			reachmock.CheckBalance, "the assets lines sum to"},
		{"a cash flow that does not reach ending cash", func(cd *reachmock.CompanyData) { accrual(cd).CF.Summary[1].EndingCash += 5 },
			reachmock.CheckCashFlow, "ACCRUAL cash flow 2025-02: ending"},
		{"beginning cash is not last month's ending", func(cd *reachmock.CompanyData) {
			s := &accrual(cd).CF.Summary[3]
			s.BeginningCash += 7
			s.EndingCash += 7
		}, reachmock.CheckCashFlow, "but 2025-03 ended with"},
		{"beginning cash is not last month's ending, newest month first", func(cd *reachmock.CompanyData) {
			s := &accrual(cd).CF.Summary[3]
			s.BeginningCash += 7
			s.EndingCash += 7
			slices.Reverse(accrual(cd).CF.Summary)
		}, reachmock.CheckCashFlow, "but 2025-03 ended with"},
		{"a P&L total that is not its accounts' sum", func(cd *reachmock.CompanyData) { accrual(cd).PL.Summary[0].TotalExpenses -= 40300 },
			reachmock.CheckPLTotals, "ACCRUAL P&L 2025-01: TotalExpenses is"},
		{"net income that does not follow", func(cd *reachmock.CompanyData) { accrual(cd).PL.Summary[0].NetIncome += 1 },
			reachmock.CheckPLTotals, "NetIncome is"},
		{"a line on an account the chart lacks", func(cd *reachmock.CompanyData) { cd.Accounts = cd.Accounts[:len(cd.Accounts)-1] },
			reachmock.CheckChart, "account acct_8010 is on the ACCRUAL P&L"},
		{"a subtotal on a header account", func(cd *reachmock.CompanyData) { accrual(cd).PL.Lines[0].AccountID = "acct_4000" },
			reachmock.CheckChart, "header account acct_4000 (IsPosting false) carries amounts on the ACCRUAL P&L"},
		{"a P&L account on the balance sheet", func(cd *reachmock.CompanyData) { accrual(cd).BS.Lines[0].AccountID = "acct_4010" },
			reachmock.CheckChart, "acct_4010 (Income)"},
		{"a renamed class", func(cd *reachmock.CompanyData) { cd.Classes[0].ClassName = "Harbour" },
			func(cd *reachmock.CompanyData) []string { return reachmock.CompareReference(cd, e.books) }, "classes: cls-harbourside is"},
		{"a missing budget", func(cd *reachmock.CompanyData) { cd.Budgets = cd.Budgets[:1] },
			func(cd *reachmock.CompanyData) []string { return reachmock.CompareReference(cd, e.books) }, "budgets: bud-fy2026 is missing"},
		{"a wrong company currency", func(cd *reachmock.CompanyData) { cd.Company.Currency = "NZD" },
			func(cd *reachmock.CompanyData) []string { return reachmock.CompareReference(cd, e.books) }, "company information is"},
		{"a cash amount off by a cent", func(cd *reachmock.CompanyData) { cd.Statements[reachfixture.Cash].PL.Lines[0].Amount++ },
			func(cd *reachmock.CompanyData) []string { return reachmock.CompareStatements(cd, e.books) }, "CASH P&L: acct_4010 2025-01 is"},
		{"a missing month of summary", func(cd *reachmock.CompanyData) { accrual(cd).CF.Summary = accrual(cd).CF.Summary[1:] },
			func(cd *reachmock.CompanyData) []string { return reachmock.CompareStatements(cd, e.books) }, "ACCRUAL cash flow summary: 11 months, the books say 12"},
		{"a metric value", func(cd *reachmock.CompanyData) { cd.MetricValues[0].Value++ },
			func(cd *reachmock.CompanyData) []string { return reachmock.CompareBudgetsAndMetrics(cd, e.books) }, "metric nf-visits 2025-01 is"},
		{"a budget line", func(cd *reachmock.CompanyData) { cd.BudgetPL["bud-fy2026"].Lines[0].Amount += 100 },
			func(cd *reachmock.CompanyData) []string { return reachmock.CompareBudgetsAndMetrics(cd, e.books) }, "budget bud-fy2026 P&L: acct_4010 2025-07 is"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cd := synced(t, e, "checks-"+string(rune('a'+i)))
			require.Empty(t, c.check(cd), "the good sync passes the check")
			c.spoil(cd)
			got := strings.Join(c.check(cd), "\n")
			assert.Contains(t, got, c.want)
		})
	}
}

func TestDiffComparesTheMonthsBothSyncsCover(t *testing.T) {
	e := newEnv(t, envOptions{})
	a, b := synced(t, e, "diff-a"), synced(t, e, "diff-b")
	assert.Empty(t, reachmock.Diff(b, a))
	b.Statements[reachfixture.Accrual].BS.Summary[0].TotalEquity++
	b.Departments[1].IsActive = false
	got := strings.Join(reachmock.Diff(b, a), "\n")
	assert.Contains(t, got, "ACCRUAL balance sheet summary 2025-01: TotalEquity is")
	assert.Contains(t, got, "the earlier sync had")
	assert.Contains(t, got, "departments: dep-pilates is")
}

func TestDashboardEqualsTheBooksAndIsEscaped(t *testing.T) {
	e := newEnv(t, envOptions{})
	cd := synced(t, e, "dash")
	d := reachmock.BuildDashboard(cd, reachmock.OnDemand, e.clock.Now())
	want, err := reachmock.DashboardFromBooks(e.books, cd.From, cd.To)
	require.NoError(t, err)
	require.Empty(t, reachmock.CompareDashboards(d, want))
	require.Len(t, d.Bases, 2)
	dec := d.Bases[0].Months[11]
	assert.Equal(t, "2025-12", dec.Month.String())
	assert.Equal(t, "-8618.23", dec.NetIncome.String(), "December 2025 is a loss month on the accrual basis (fixture README)")
	assert.Equal(t, "115291.55", dec.EndingCash.String())

	t.Run("metrics listed in another order are matched by id", func(t *testing.T) {
		other := *cd
		other.Metrics = slices.Clone(cd.Metrics)
		slices.Reverse(other.Metrics)
		assert.Empty(t, reachmock.CompareDashboards(reachmock.BuildDashboard(&other, reachmock.OnDemand, e.clock.Now()), want))
		other.MetricValues = slices.Clone(cd.MetricValues)
		other.MetricValues[0].Value++
		assert.Contains(t, strings.Join(reachmock.CompareDashboards(reachmock.BuildDashboard(&other, reachmock.OnDemand, e.clock.Now()), want), "\n"),
			"KPIs 2025-01: Patient Visits is")
	})

	t.Run("a figure off by a cent is found", func(t *testing.T) {
		cd.Statements[reachfixture.Cash].BS.Lines[3].Amount++
		broken := reachmock.BuildDashboard(cd, reachmock.OnDemand, e.clock.Now())
		assert.Contains(t, strings.Join(reachmock.CompareDashboards(broken, want), "\n"), "CASH 2025-01: Assets is")
	})

	t.Run("what the partner sent is escaped", func(t *testing.T) {
		d.CompanyName = `Lantern <script>alert("x")</script> & Co`
		d.Metrics[0].NonFinancialName = `<img src=x onerror=alert(1)>`
		var b bytes.Buffer
		require.NoError(t, d.Render(&b))
		page := b.String()
		assert.NotContains(t, page, "<script>alert")
		assert.NotContains(t, page, "<img src=x")
		assert.Contains(t, page, "Lantern &lt;script&gt;")
		assert.Contains(t, page, "&amp; Co")
		assert.Contains(t, page, "−8,618.23", "December's loss, with thousands and a minus sign")
		assert.Contains(t, page, "115,291.55")
		assert.NotContains(t, page, "http://", "the page is self-contained")
		assert.NotContains(t, page, "https://")
	})
}
