package reach

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
)

// The checks below are what Reach does with a sync before it shows anything: they read only what was
// pulled (CheckBalance, CheckPLTotals, CheckChart), or compare it with the books the partner was told
// to load (Compare). Each returns one line per finding, "" findings meaning none.

// typesOf maps AccountId to AccountType from the pulled chart.
func typesOf(cd *CompanyData) map[string]reachfixture.AccountType {
	out := map[string]reachfixture.AccountType{}
	for _, a := range cd.Accounts {
		out[a.AccountID] = a.AccountType
	}
	return out
}

// CheckBalance: every month end, total assets equal liabilities plus equity, and each total is the sum
// of its lines.
func CheckBalance(cd *CompanyData) []string {
	var out []string
	types := typesOf(cd)
	for _, basis := range reachfixture.Bases {
		st := cd.Statements[basis]
		if st == nil {
			continue
		}
		sums := map[Month]map[reachfixture.AccountType]Money{}
		for _, l := range st.BS.Lines {
			if sums[l.Month] == nil {
				sums[l.Month] = map[reachfixture.AccountType]Money{}
			}
			sums[l.Month][types[l.AccountID]] += l.Amount
		}
		for _, s := range st.BS.Summary {
			if s.TotalAssets != s.TotalLiabilitiesAndEquity {
				out = append(out, fmt.Sprintf("%s balance sheet at %s: total assets %s but liabilities and equity %s (off by %s)",
					basis, s.Month.EndDate(), s.TotalAssets, s.TotalLiabilitiesAndEquity, s.TotalAssets-s.TotalLiabilitiesAndEquity))
			}
			if s.TotalLiabilities+s.TotalEquity != s.TotalLiabilitiesAndEquity {
				out = append(out, fmt.Sprintf("%s balance sheet at %s: liabilities %s + equity %s is not TotalLiabilitiesAndEquity %s",
					basis, s.Month.EndDate(), s.TotalLiabilities, s.TotalEquity, s.TotalLiabilitiesAndEquity))
			}
			lines := sums[s.Month]
			for _, c := range []struct {
				name  string
				t     reachfixture.AccountType
				total Money
			}{{"assets", reachfixture.Asset, s.TotalAssets}, {"liabilities", reachfixture.Liability, s.TotalLiabilities}, {"equity", reachfixture.Equity, s.TotalEquity}} {
				if lines[c.t] != c.total {
					out = append(out, fmt.Sprintf("%s balance sheet at %s: the %s lines sum to %s, the summary says %s", basis, s.Month.EndDate(), c.name, lines[c.t], c.total))
				}
			}
		}
	}
	return out
}

// CheckCashFlow: every month's cash flow sections sum to the change in cash, which is ending minus
// beginning cash, and beginning cash is the previous month's ending cash.
func CheckCashFlow(cd *CompanyData) []string {
	var out []string
	for _, basis := range reachfixture.Bases {
		st := cd.Statements[basis]
		if st == nil {
			continue
		}
		// The document does not order the summary: continuity is checked month after month.
		summary := slices.Clone(st.CF.Summary)
		sort.SliceStable(summary, func(i, j int) bool { return summary[i].Month.Before(summary[j].Month) })
		var prev *reachfixture.CFSummary
		for i, s := range summary {
			if s.NetCashFromOperating+s.NetCashFromInvesting+s.NetCashFromFinancing != s.NetChangeInCash {
				out = append(out, fmt.Sprintf("%s cash flow %s: the sections sum to %s, NetChangeInCash is %s", basis, s.Month,
					s.NetCashFromOperating+s.NetCashFromInvesting+s.NetCashFromFinancing, s.NetChangeInCash))
			}
			if s.EndingCash-s.BeginningCash != s.NetChangeInCash {
				out = append(out, fmt.Sprintf("%s cash flow %s: ending %s minus beginning %s is not the change %s", basis, s.Month, s.EndingCash, s.BeginningCash, s.NetChangeInCash))
			}
			if prev != nil && prev.Month.Add(1) == s.Month && prev.EndingCash != s.BeginningCash {
				out = append(out, fmt.Sprintf("%s cash flow %s: begins with %s but %s ended with %s", basis, s.Month, s.BeginningCash, prev.Month, prev.EndingCash))
			}
			prev = &summary[i]
		}
	}
	return out
}

// CheckPLTotals: every month's P&L totals are the sums of that month's lines by account type, and
// gross profit, net operating income, net other income and net income follow from them.
func CheckPLTotals(cd *CompanyData) []string {
	var out []string
	types := typesOf(cd)
	check := func(what string, pl *reachfixture.ProfitAndLoss) {
		sums := map[Month]map[reachfixture.AccountType]Money{}
		for _, l := range pl.Lines {
			if sums[l.Month] == nil {
				sums[l.Month] = map[reachfixture.AccountType]Money{}
			}
			sums[l.Month][types[l.AccountID]] += l.Amount
		}
		for _, s := range pl.Summary {
			lines := sums[s.Month]
			for _, c := range []struct {
				name  string
				t     reachfixture.AccountType
				total Money
			}{
				{"TotalIncome", reachfixture.Income, s.TotalIncome}, {"TotalCostOfGoodsSold", reachfixture.CostOfGoodsSold, s.TotalCostOfGoodsSold},
				{"TotalExpenses", reachfixture.Expense, s.TotalExpenses}, {"TotalOtherIncome", reachfixture.OtherIncome, s.TotalOtherIncome},
				{"TotalOtherExpenses", reachfixture.OtherExpense, s.TotalOtherExpenses},
			} {
				if lines[c.t] != c.total {
					out = append(out, fmt.Sprintf("%s %s: %s is %s but the %s accounts sum to %s", what, s.Month, c.name, c.total, c.t, lines[c.t]))
				}
			}
			for _, c := range []struct {
				name      string
				got, want Money
			}{
				{"GrossProfit", s.GrossProfit, s.TotalIncome - s.TotalCostOfGoodsSold},
				{"NetOperatingIncome", s.NetOperatingIncome, s.GrossProfit - s.TotalExpenses},
				{"NetOtherIncome", s.NetOtherIncome, s.TotalOtherIncome - s.TotalOtherExpenses},
				{"NetIncome", s.NetIncome, s.NetOperatingIncome + s.NetOtherIncome},
			} {
				if c.got != c.want {
					out = append(out, fmt.Sprintf("%s %s: %s is %s, want %s from the totals", what, s.Month, c.name, c.got, c.want))
				}
			}
		}
	}
	for _, basis := range reachfixture.Bases {
		if st := cd.Statements[basis]; st != nil {
			check(string(basis)+" P&L", st.PL)
		}
	}
	for id, pl := range cd.BudgetPL {
		check("budget "+id+" P&L", pl)
	}
	return out
}

// CheckChart: every account a statement line names is in the chart of accounts, sits on the
// statement its type belongs to, and carries amounts of its own: a header account (IsPosting false)
// only groups its children, and Reach builds its subtotal from the hierarchy.
func CheckChart(cd *CompanyData) []string {
	types := typesOf(cd)
	posting := map[string]bool{}
	for _, a := range cd.Accounts {
		posting[a.AccountID] = a.IsPosting
	}
	missing := map[string][]string{}
	headers := map[string][]string{}
	var out []string
	note := func(where string, ls []reachfixture.Line, balanceSheet *bool) {
		for _, l := range ls {
			t, ok := types[l.AccountID]
			if !ok {
				if !contains(missing[l.AccountID], where) {
					missing[l.AccountID] = append(missing[l.AccountID], where)
				}
				continue
			}
			if !posting[l.AccountID] && l.Amount != 0 && !contains(headers[l.AccountID], where) {
				headers[l.AccountID] = append(headers[l.AccountID], where)
			}
			if balanceSheet != nil && t.BalanceSheet() != *balanceSheet {
				out = append(out, fmt.Sprintf("%s names %s (%s) in %s, which is not where a %s account reports", where, l.AccountID, t, l.Month, t))
			}
		}
	}
	yes, no := true, false
	for _, basis := range reachfixture.Bases {
		if st := cd.Statements[basis]; st != nil {
			note(string(basis)+" P&L", st.PL.Lines, &no)
			note(string(basis)+" balance sheet", st.BS.Lines, &yes)
			note(string(basis)+" cash flow", st.CF.Lines, nil)
		}
	}
	for id, pl := range cd.BudgetPL {
		note("budget "+id, pl.Lines, &no)
	}
	for _, id := range slices.Sorted(maps.Keys(missing)) {
		out = append(out, fmt.Sprintf("account %s is on the %s but not in the chart of accounts (%d accounts)", id, strings.Join(missing[id], ", "), len(cd.Accounts)))
	}
	for _, id := range slices.Sorted(maps.Keys(headers)) {
		out = append(out, fmt.Sprintf("header account %s (IsPosting false) carries amounts on the %s; a header only groups its children, Reach builds its subtotal", id, strings.Join(headers[id], ", ")))
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// books names the fixture in comparisons.
const books = "the books say"

// maxFindings keeps a comparison's report readable.
const maxFindings = 12

type findings struct {
	lines []string
	more  int
}

func (f *findings) add(format string, args ...any) {
	if len(f.lines) >= maxFindings {
		f.more++
		return
	}
	f.lines = append(f.lines, fmt.Sprintf(format, args...))
}

func (f *findings) result() []string {
	if f.more > 0 {
		return append(f.lines, fmt.Sprintf("and %d more differences", f.more))
	}
	return f.lines
}

// CompareReference compares company information and every reference list with the books.
func CompareReference(cd *CompanyData, fx *reachfixture.Company) []string {
	var f findings
	if cd.Company != fx.Company {
		f.add("company information is %+v, the books say %+v", cd.Company, fx.Company)
	}
	wantBudgets := make([]reachfixture.BudgetItem, 0, len(fx.Budgets))
	for _, b := range fx.Budgets {
		wantBudgets = append(wantBudgets, b.Item())
	}
	compareLists(&f, cd, &CompanyData{Accounts: fx.Accounts, Budgets: wantBudgets, Classes: fx.Classes, Departments: fx.Departments,
		Metrics: fx.NonFinancialMetrics}, "the books")
	return f.result()
}

func compareLists(f *findings, got, want *CompanyData, src string) {
	compareList(f, "chart of accounts", got.Accounts, want.Accounts, func(a reachfixture.Account) string { return a.AccountID }, src)
	compareList(f, "budgets", got.Budgets, want.Budgets, func(b reachfixture.BudgetItem) string { return b.BudgetID }, src)
	compareList(f, "classes", got.Classes, want.Classes, func(c reachfixture.Class) string { return c.ClassID }, src)
	compareList(f, "departments", got.Departments, want.Departments, func(d reachfixture.Department) string { return d.DepartmentID }, src)
	compareList(f, "non-financial metrics", got.Metrics, want.Metrics, func(m reachfixture.NonFinancialMetric) string { return m.NonFinancialID }, src)
}

// Diff compares a later sync of a company with an earlier one: the company information, every
// reference list, and the statements, budget figures and metric values of the months both windows
// cover.
func Diff(later, earlier *CompanyData) []string {
	var f findings
	const src = "the earlier sync"
	if later.Company != earlier.Company {
		f.add("company information is %+v, in %s %+v", later.Company, src, earlier.Company)
	}
	compareLists(&f, later, earlier, src)
	from, to := later.From, later.To
	if from.Before(earlier.From) {
		from = earlier.From
	}
	if to.After(earlier.To) {
		to = earlier.To
	}
	in := func(m Month) bool { return !m.Before(from) && !m.After(to) }
	lines := func(ls []reachfixture.Line) []reachfixture.Line {
		var out []reachfixture.Line
		for _, l := range ls {
			if in(l.Month) {
				out = append(out, l)
			}
		}
		return out
	}
	const other = "the earlier sync had"
	for _, basis := range reachfixture.Bases {
		a, b := later.Statements[basis], earlier.Statements[basis]
		if a == nil || b == nil {
			f.add("%s statements are missing from a sync", basis)
			continue
		}
		compareLines(&f, string(basis)+" P&L", lines(a.PL.Lines), lines(b.PL.Lines), other)
		compareLines(&f, string(basis)+" balance sheet", lines(a.BS.Lines), lines(b.BS.Lines), other)
		compareLines(&f, string(basis)+" cash flow", lines(a.CF.Lines), lines(b.CF.Lines), other)
		compareRows(&f, string(basis)+" P&L summary", rows(a.PL.Summary, in, plMonth), rows(b.PL.Summary, in, plMonth), plMonth, other)
		compareRows(&f, string(basis)+" balance sheet summary", rows(a.BS.Summary, in, bsMonth), rows(b.BS.Summary, in, bsMonth), bsMonth, other)
		compareRows(&f, string(basis)+" cash flow summary", rows(a.CF.Summary, in, cfMonth), rows(b.CF.Summary, in, cfMonth), cfMonth, other)
	}
	for id, b := range earlier.BudgetPL {
		a, ok := later.BudgetPL[id]
		if !ok {
			f.add("budget %s: its P&L is missing from the later sync", id)
			continue
		}
		compareLines(&f, "budget "+id+" P&L", lines(a.Lines), lines(b.Lines), other)
	}
	type key struct {
		id string
		m  Month
	}
	metrics := map[key]float64{}
	for _, v := range earlier.MetricValues {
		if in(v.Month) {
			metrics[key{v.NonFinancialID, v.Month}] = v.Value
		}
	}
	for _, v := range later.MetricValues {
		if !in(v.Month) {
			continue
		}
		if w, ok := metrics[key{v.NonFinancialID, v.Month}]; !ok || w != v.Value {
			f.add("metric %s %s is %v, %s %v", v.NonFinancialID, v.Month, v.Value, other, w)
		}
	}
	return f.result()
}

func rows[T any](xs []T, in func(Month) bool, month func(T) Month) []T {
	var out []T
	for _, x := range xs {
		if in(month(x)) {
			out = append(out, x)
		}
	}
	return out
}

func plMonth(s reachfixture.PLSummary) Month { return s.Month }
func bsMonth(s reachfixture.BSSummary) Month { return s.Month }
func cfMonth(s reachfixture.CFSummary) Month { return s.Month }

func compareList[T comparable](f *findings, what string, got, want []T, id func(T) string, src string) {
	if len(got) != len(want) {
		f.add("%s: %d records, %d in %s", what, len(got), len(want), src)
	}
	byID := map[string]T{}
	for _, g := range got {
		byID[id(g)] = g
	}
	for _, w := range want {
		g, ok := byID[id(w)]
		switch {
		case !ok:
			f.add("%s: %s is missing (it is in %s)", what, id(w), src)
		case g != w:
			f.add("%s: %s is %+v, in %s %+v", what, id(w), g, src, w)
		}
	}
	wantIDs := map[string]bool{}
	for _, w := range want {
		wantIDs[id(w)] = true
	}
	for _, g := range got {
		if !wantIDs[id(g)] {
			f.add("%s: %s is not in %s", what, id(g), src)
		}
	}
}

// CompareStatements compares both bases' profit and loss, balance sheet and cash flow over the sync's
// window with what the books derive for the same period.
func CompareStatements(cd *CompanyData, fx *reachfixture.Company) []string {
	var f findings
	if len(cd.Chunks) == 0 {
		return nil
	}
	for _, basis := range reachfixture.Bases {
		st := cd.Statements[basis]
		if st == nil {
			f.add("%s statements were not pulled", basis)
			continue
		}
		pl, err1 := fx.ProfitAndLoss(basis, cd.From, cd.To, reachfixture.Filter{})
		bs, err2 := fx.BalanceSheet(basis, cd.From, cd.To, reachfixture.Filter{})
		cf, err3 := fx.CashFlow(basis, cd.From, cd.To, reachfixture.Filter{})
		if err := firstErr(err1, err2, err3); err != nil {
			f.add("the books cannot derive %s statements: %v", basis, err)
			continue
		}
		compareLines(&f, string(basis)+" P&L", st.PL.Lines, pl.Lines, books)
		compareLines(&f, string(basis)+" balance sheet", st.BS.Lines, bs.Lines, books)
		compareLines(&f, string(basis)+" cash flow", st.CF.Lines, cf.Lines, books)
		compareRows(&f, string(basis)+" P&L summary", st.PL.Summary, pl.Summary, func(s reachfixture.PLSummary) Month { return s.Month }, books)
		compareRows(&f, string(basis)+" balance sheet summary", st.BS.Summary, bs.Summary, func(s reachfixture.BSSummary) Month { return s.Month }, books)
		compareRows(&f, string(basis)+" cash flow summary", st.CF.Summary, cf.Summary, func(s reachfixture.CFSummary) Month { return s.Month }, books)
	}
	return f.result()
}

// CompareBudgetsAndMetrics compares the budgets' P&L and the metric values with the books.
func CompareBudgetsAndMetrics(cd *CompanyData, fx *reachfixture.Company) []string {
	var f findings
	if len(cd.Chunks) == 0 {
		return nil
	}
	for _, b := range fx.Budgets {
		from, to, _ := reachfixture.ParsePeriod(b.StartDate, b.EndDate)
		if _, ok := cd.BudgetPL[b.BudgetID]; !ok && !to.Before(cd.From) && !from.After(cd.To) {
			f.add("budget %s: its P&L was not pulled", b.BudgetID)
		}
	}
	for id, got := range cd.BudgetPL {
		b, ok := fx.Budget(id)
		if !ok {
			f.add("budget %s is not in the books", id)
			continue
		}
		from, to, _ := reachfixture.ParsePeriod(b.StartDate, b.EndDate)
		if from.Before(cd.From) {
			from = cd.From
		}
		if to.After(cd.To) {
			to = cd.To
		}
		want, err := fx.ProfitAndLoss(reachfixture.Accrual, from, to, reachfixture.Filter{BudgetID: id})
		if err != nil {
			f.add("budget %s: %v", id, err)
			continue
		}
		compareLines(&f, "budget "+id+" P&L", got.Lines, want.Lines, books)
		compareRows(&f, "budget "+id+" P&L summary", got.Summary, want.Summary, func(s reachfixture.PLSummary) Month { return s.Month }, books)
	}
	if len(cd.Metrics) > 0 {
		ids := make([]string, 0, len(fx.NonFinancialMetrics))
		for _, m := range fx.NonFinancialMetrics {
			ids = append(ids, m.NonFinancialID)
		}
		want, err := fx.NonFinancial(ids, cd.From, cd.To, reachfixture.Filter{})
		if err != nil {
			f.add("the books cannot derive metric values: %v", err)
		} else {
			type key struct {
				id string
				m  Month
			}
			got := map[key]float64{}
			for _, v := range cd.MetricValues {
				got[key{v.NonFinancialID, v.Month}] = v.Value
			}
			if len(cd.MetricValues) != len(want) {
				f.add("metric values: %d, the books have %d", len(cd.MetricValues), len(want))
			}
			for _, w := range want {
				if g, ok := got[key{w.NonFinancialID, w.Month}]; !ok {
					f.add("metric %s %s is missing (the books say %v)", w.NonFinancialID, w.Month, w.Value)
				} else if g != w.Value {
					f.add("metric %s %s is %v, the books say %v", w.NonFinancialID, w.Month, g, w.Value)
				}
			}
		}
	}
	return f.result()
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

type lineKey struct {
	account string
	month   Month
}

func compareLines(f *findings, what string, got, want []reachfixture.Line, other string) {
	g := map[lineKey]Money{}
	for _, l := range got {
		k := lineKey{l.AccountID, l.Month}
		if _, dup := g[k]; dup {
			f.add("%s: %s %s appears twice", what, l.AccountID, l.Month)
		}
		g[k] += l.Amount
	}
	w := map[lineKey]Money{}
	for _, l := range want {
		w[lineKey{l.AccountID, l.Month}] = l.Amount
	}
	keys := make([]lineKey, 0, len(w)+len(g))
	for k := range w {
		keys = append(keys, k)
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].month != keys[j].month {
			return keys[i].month.Before(keys[j].month)
		}
		return keys[i].account < keys[j].account
	})
	for _, k := range keys {
		if g[k] != w[k] { // a missing line reads as zero, as the specification allows
			f.add("%s: %s %s is %s, %s %s", what, k.account, k.month, g[k], other, w[k])
		}
	}
}

func compareRows[T comparable](f *findings, what string, got, want []T, month func(T) Month, other string) {
	g := map[Month]T{}
	for _, s := range got {
		g[month(s)] = s
	}
	if len(got) != len(want) {
		f.add("%s: %d months, %s %d", what, len(got), other, len(want))
	}
	for _, w := range want {
		s, ok := g[month(w)]
		switch {
		case !ok:
			f.add("%s: %s is missing", what, month(w))
		case s != w:
			f.add("%s %s: %s", what, month(w), diffFields(s, w, other))
		}
	}
}

// diffFields names the fields that differ between two summaries of the same type.
func diffFields[T any](got, want T, other string) string {
	gs, ws := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want)
	gf, wf := strings.Fields(strings.Trim(gs, "{}")), strings.Fields(strings.Trim(ws, "{}"))
	var out []string
	for i := range min(len(gf), len(wf)) {
		if gf[i] != wf[i] {
			name, gv, _ := strings.Cut(gf[i], ":")
			_, wv, _ := strings.Cut(wf[i], ":")
			out = append(out, fmt.Sprintf("%s is %s, %s %s", name, gv, other, wv))
		}
	}
	if len(out) == 0 {
		return "differs"
	}
	return strings.Join(out, ", ")
}
