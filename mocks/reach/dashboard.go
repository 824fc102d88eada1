package reach

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
)

// Dashboard is what Reach shows a customer after a sync: the P&L by month with the fiscal year to date,
// the balance sheet at each month end, the cash flow, and the KPIs. Reach builds it from the statement
// lines and the chart of accounts (it computes its own totals); DashboardFromBooks builds the same view
// from the fixture's own derivations, so the two can be compared figure by figure.
type Dashboard struct {
	CompanyID      string
	CompanyName    string
	Currency       string
	FiscalMonthEnd int
	Kind           Kind
	SyncedAt       time.Time
	From, To       Month
	Bases          []BasisBoard
	Metrics        []reachfixture.NonFinancialMetric
	KPIs           []KPIRow
}

// BasisBoard holds one accounting basis's figures, month by month.
type BasisBoard struct {
	Basis  Basis
	Months []MonthFigures
}

// MonthFigures are one month's figures.
type MonthFigures struct {
	Month Month
	// Profit and loss.
	Income, CostOfGoodsSold, GrossProfit, Expenses, NetOperatingIncome, NetOtherIncome, NetIncome Money
	// NetIncomeFYTD adds up the fiscal year's months so far (from the first month pulled).
	NetIncomeFYTD Money
	// Balance sheet at the month end.
	Assets, Liabilities, Equity Money
	// Cash flow.
	Operating, Investing, Financing, NetChangeInCash, EndingCash Money
}

// KPIRow is one month of non-financial metrics (company level), with margins from the accrual P&L.
type KPIRow struct {
	Month  Month
	Values []float64 // in Metrics order; NaN when the month has no value
	// GrossMargin and NetMargin are in basis points of income (accrual); 0 without income.
	GrossMargin, NetMargin int64
}

// BuildDashboard builds Reach's view of one company from a sync.
func BuildDashboard(cd *CompanyData, kind Kind, at time.Time) *Dashboard {
	d := &Dashboard{CompanyID: cd.Company.CompanyID, CompanyName: cd.Company.CompanyName, Currency: cd.Company.Currency,
		FiscalMonthEnd: cd.Company.FiscalMonthEnd, Kind: kind, SyncedAt: at, From: cd.From, To: cd.To, Metrics: cd.Metrics}
	types := typesOf(cd)
	category := map[string]reachfixture.CashFlowCategory{}
	for _, a := range cd.Accounts {
		category[a.AccountID] = a.CashFlowCategory
	}
	for _, basis := range reachfixture.Bases {
		st := cd.Statements[basis]
		if st == nil {
			continue
		}
		months := map[Month]*MonthFigures{}
		get := func(m Month) *MonthFigures {
			if months[m] == nil {
				months[m] = &MonthFigures{Month: m}
			}
			return months[m]
		}
		for _, s := range st.PL.Summary {
			get(s.Month)
		}
		for _, l := range st.PL.Lines {
			f := get(l.Month)
			switch types[l.AccountID] {
			case reachfixture.Income:
				f.Income += l.Amount
			case reachfixture.CostOfGoodsSold:
				f.CostOfGoodsSold += l.Amount
			case reachfixture.Expense:
				f.Expenses += l.Amount
			case reachfixture.OtherIncome:
				f.NetOtherIncome += l.Amount
			case reachfixture.OtherExpense:
				f.NetOtherIncome -= l.Amount
			}
		}
		for _, l := range st.BS.Lines {
			f := get(l.Month)
			switch types[l.AccountID] {
			case reachfixture.Asset:
				f.Assets += l.Amount
				if category[l.AccountID] == reachfixture.CFCash {
					f.EndingCash += l.Amount
				}
			case reachfixture.Liability:
				f.Liabilities += l.Amount
			case reachfixture.Equity:
				f.Equity += l.Amount
			}
		}
		for _, l := range st.CF.Lines {
			f := get(l.Month)
			c := category[l.AccountID]
			if !types[l.AccountID].BalanceSheet() {
				c = reachfixture.CFOperating
			}
			switch c {
			case reachfixture.CFOperating:
				f.Operating += l.Amount
			case reachfixture.CFInvesting:
				f.Investing += l.Amount
			case reachfixture.CFFinancing:
				f.Financing += l.Amount
			}
		}
		d.Bases = append(d.Bases, BasisBoard{Basis: basis, Months: finish(months, cd.Company.FiscalMonthEnd)})
	}
	d.KPIs = kpis(d, cd.Metrics, cd.MetricValues)
	return d
}

// finish orders the months and fills the derived figures.
func finish(months map[Month]*MonthFigures, fiscalMonthEnd int) []MonthFigures {
	out := make([]MonthFigures, 0, len(months))
	for _, f := range months {
		f.GrossProfit = f.Income - f.CostOfGoodsSold
		f.NetOperatingIncome = f.GrossProfit - f.Expenses
		f.NetIncome = f.NetOperatingIncome + f.NetOtherIncome
		f.NetChangeInCash = f.Operating + f.Investing + f.Financing
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month.Before(out[j].Month) })
	fytd(out, fiscalMonthEnd)
	return out
}

func fytd(months []MonthFigures, fiscalMonthEnd int) {
	var run Money
	for i := range months {
		m := months[i].Month
		if i == 0 || fiscalStart(m, fiscalMonthEnd) == m || months[i-1].Month != m.Add(-1) {
			run = 0
		}
		run += months[i].NetIncome
		months[i].NetIncomeFYTD = run
	}
}

func kpis(d *Dashboard, metrics []reachfixture.NonFinancialMetric, values []reachfixture.MetricLine) []KPIRow {
	type key struct {
		id string
		m  Month
	}
	v := map[key]float64{}
	seen := map[Month]bool{}
	for _, l := range values {
		v[key{l.NonFinancialID, l.Month}] += l.Value
		seen[l.Month] = true
	}
	var accrual []MonthFigures
	for _, b := range d.Bases {
		if b.Basis == reachfixture.Accrual {
			accrual = b.Months
		}
	}
	byMonth := map[Month]MonthFigures{}
	for _, f := range accrual {
		byMonth[f.Month] = f
		seen[f.Month] = true
	}
	months := make([]Month, 0, len(seen))
	for m := range seen {
		months = append(months, m)
	}
	sort.Slice(months, func(i, j int) bool { return months[i].Before(months[j]) })
	rows := make([]KPIRow, 0, len(months))
	for _, m := range months {
		row := KPIRow{Month: m}
		for _, mt := range metrics {
			if x, ok := v[key{mt.NonFinancialID, m}]; ok {
				row.Values = append(row.Values, x)
			} else {
				row.Values = append(row.Values, math.NaN())
			}
		}
		if f, ok := byMonth[m]; ok && f.Income != 0 {
			row.GrossMargin = int64(math.Round(float64(f.GrossProfit) * 10000 / float64(f.Income)))
			row.NetMargin = int64(math.Round(float64(f.NetIncome) * 10000 / float64(f.Income)))
		}
		rows = append(rows, row)
	}
	return rows
}

// DashboardFromBooks is the dashboard the books call for over the same window, from the fixture's own
// derivations (its statement summaries, its cash balances, its fiscal year).
func DashboardFromBooks(fx *reachfixture.Company, from, to Month) (*Dashboard, error) {
	d := &Dashboard{CompanyID: fx.Company.CompanyID, CompanyName: fx.Company.CompanyName, Currency: fx.Company.Currency,
		FiscalMonthEnd: fx.Company.FiscalMonthEnd, From: from, To: to, Metrics: fx.NonFinancialMetrics}
	for _, basis := range reachfixture.Bases {
		pl, err1 := fx.ProfitAndLoss(basis, from, to, reachfixture.Filter{})
		bs, err2 := fx.BalanceSheet(basis, from, to, reachfixture.Filter{})
		cf, err3 := fx.CashFlow(basis, from, to, reachfixture.Filter{})
		if err := firstErr(err1, err2, err3); err != nil {
			return nil, err
		}
		months := map[Month]*MonthFigures{}
		get := func(m Month) *MonthFigures {
			if months[m] == nil {
				months[m] = &MonthFigures{Month: m}
			}
			return months[m]
		}
		for _, s := range pl.Summary {
			f := get(s.Month)
			f.Income, f.CostOfGoodsSold, f.Expenses = s.TotalIncome, s.TotalCostOfGoodsSold, s.TotalExpenses
			f.NetOtherIncome = s.NetOtherIncome
		}
		for _, s := range bs.Summary {
			f := get(s.Month)
			f.Assets, f.Liabilities, f.Equity = s.TotalAssets, s.TotalLiabilities, s.TotalEquity
		}
		for _, s := range cf.Summary {
			f := get(s.Month)
			f.Operating, f.Investing, f.Financing = s.NetCashFromOperating, s.NetCashFromInvesting, s.NetCashFromFinancing
			f.EndingCash = fx.CashBalance(basis, s.Month)
		}
		out := finish(months, fx.Company.FiscalMonthEnd)
		// Fiscal year to date from the books' own fiscal year, independently of finish.
		var run Money
		for i := range out {
			m := out[i].Month
			if i == 0 || fx.FiscalYearStart(m) == m || out[i-1].Month != m.Add(-1) {
				run = 0
			}
			run += out[i].NetIncome
			out[i].NetIncomeFYTD = run
		}
		d.Bases = append(d.Bases, BasisBoard{Basis: basis, Months: out})
	}
	ids := make([]string, 0, len(fx.NonFinancialMetrics))
	for _, m := range fx.NonFinancialMetrics {
		ids = append(ids, m.NonFinancialID)
	}
	values, err := fx.NonFinancial(ids, from, to, reachfixture.Filter{})
	if err != nil {
		return nil, err
	}
	d.KPIs = kpis(d, fx.NonFinancialMetrics, values)
	return d, nil
}

// CompareDashboards lists the figures that differ, month by month.
func CompareDashboards(got, want *Dashboard) []string {
	var f findings
	if got.CompanyName != want.CompanyName || got.Currency != want.Currency || got.FiscalMonthEnd != want.FiscalMonthEnd {
		f.add("the header shows %s in %s with the fiscal year ending in month %d; the books: %s in %s, month %d",
			got.CompanyName, got.Currency, got.FiscalMonthEnd, want.CompanyName, want.Currency, want.FiscalMonthEnd)
	}
	boards := map[Basis][]MonthFigures{}
	for _, b := range got.Bases {
		boards[b.Basis] = b.Months
	}
	for _, wb := range want.Bases {
		g := map[Month]MonthFigures{}
		for _, m := range boards[wb.Basis] {
			g[m.Month] = m
		}
		if len(boards[wb.Basis]) != len(wb.Months) {
			f.add("%s: the dashboard shows %d months, the books have %d", wb.Basis, len(boards[wb.Basis]), len(wb.Months))
		}
		for _, w := range wb.Months {
			gm, ok := g[w.Month]
			switch {
			case !ok:
				f.add("%s %s: not on the dashboard", wb.Basis, w.Month)
			case gm != w:
				f.add("%s %s: %s", wb.Basis, w.Month, diffFields(gm, w, books))
			}
		}
	}
	g := map[Month]KPIRow{}
	for _, r := range got.KPIs {
		g[r.Month] = r
	}
	// A row's values follow its own dashboard's metric list, which is in the order the partner
	// listed the metrics: match them by id, not by position.
	column := map[string]int{}
	for i, mt := range got.Metrics {
		column[mt.NonFinancialID] = i
	}
	for _, w := range want.KPIs {
		r, ok := g[w.Month]
		if !ok {
			f.add("KPIs %s: not on the dashboard", w.Month)
			continue
		}
		if r.GrossMargin != w.GrossMargin || r.NetMargin != w.NetMargin {
			f.add("KPIs %s: margins %s/%s, the books %s/%s", w.Month, pct(r.GrossMargin), pct(r.NetMargin), pct(w.GrossMargin), pct(w.NetMargin))
		}
		for i, mt := range want.Metrics {
			var gv float64 = math.NaN()
			if j, ok := column[mt.NonFinancialID]; ok && j < len(r.Values) {
				gv = r.Values[j]
			}
			if wv := w.Values[i]; !(math.IsNaN(wv) && math.IsNaN(gv)) && gv != wv {
				f.add("KPIs %s: %s is %v, the books say %v", w.Month, mt.NonFinancialName, gv, wv)
			}
		}
	}
	return f.result()
}

// money writes 1234567.8 as "1,234,567.80", negatives with a minus sign.
func money(m Money) string {
	s := m.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg {
		return "−" + out
	}
	return out
}

func pct(bp int64) string {
	sign := ""
	if bp < 0 {
		sign, bp = "−", -bp
	}
	return fmt.Sprintf("%s%d.%02d%%", sign, bp/100, bp%100)
}

func metricValue(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func monthLabel(m Month) string { return m.Start().Format("Jan 2006") }

// Bar is one bar of the net income chart, in SVG units.
type Bar struct {
	X, Y, W, H float64
	Negative   bool
	Label      string
	Title      string
}

// chart lays out the accrual net income per month as bars around a zero line.
func chart(d *Dashboard) (bars []Bar, zero float64) {
	var months []MonthFigures
	if len(d.Bases) > 0 {
		months = d.Bases[0].Months
	}
	const height, width = 160.0, 36.0
	var top, bottom Money
	for _, m := range months {
		top, bottom = max(top, m.NetIncome), min(bottom, m.NetIncome)
	}
	span := float64(top - bottom)
	if span == 0 {
		span = 1
	}
	zero = round1(height * float64(top) / span)
	for i, m := range months {
		h := height * math.Abs(float64(m.NetIncome)) / span
		y := zero - h
		if m.NetIncome < 0 {
			y = zero
		}
		bars = append(bars, Bar{X: float64(i) * width, Y: round1(y), W: width - 6, H: round1(h), Negative: m.NetIncome < 0,
			Label: m.Month.Start().Format("Jan"), Title: monthLabel(m.Month) + ": " + money(m.NetIncome)})
	}
	return bars, zero
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

//go:embed dashboard.html
var dashboardHTML string

var dashboardTemplate = template.Must(template.New("dashboard").Funcs(template.FuncMap{
	"money": money, "pct": pct, "metric": metricValue, "month": monthLabel,
	"addMoney": func(a, b Money) Money { return a + b },
	"date":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}).Parse(dashboardHTML))

// Render writes the dashboard as one self-contained HTML page; every value is escaped by html/template.
func (d *Dashboard) Render(w io.Writer) error { return RenderDashboards(w, []*Dashboard{d}) }

// RenderDashboards writes several companies' dashboards as one self-contained HTML page, a section
// each, in the order given.
func RenderDashboards(w io.Writer, ds []*Dashboard) error {
	type board struct {
		*Dashboard
		Bars       []Bar
		Zero       float64
		ChartWidth float64
	}
	page := struct {
		Title     string
		Companies []board
	}{}
	var names []string
	for _, d := range ds {
		bars, zero := chart(d)
		page.Companies = append(page.Companies, board{d, bars, zero, float64(len(bars)) * 36})
		names = append(names, d.CompanyName)
	}
	page.Title = strings.Join(names, ", ")
	return dashboardTemplate.Execute(w, page)
}
