package reach

import (
	"github.com/cucumber/godog"

	mock "github.com/accord-harness/accord/mocks/reach"
)

func registerAccuracy(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the company information and every reference list equal the books$`, func() error {
		return w.check("data accuracy", func(cd *mock.CompanyData) []string { return mock.CompareReference(cd, w.s.books) })
	})
	sc.Step(`^the profit and loss, balance sheet and cash flow equal the books on both accounting bases$`, func() error {
		return w.check("data accuracy", func(cd *mock.CompanyData) []string { return mock.CompareStatements(cd, w.s.books) })
	})
	sc.Step(`^the budgets' profit and loss and the metric values equal the books$`, func() error {
		return w.check("data accuracy", func(cd *mock.CompanyData) []string { return mock.CompareBudgetsAndMetrics(cd, w.s.books) })
	})
	sc.Step(`^every month end total assets equal total liabilities plus equity$`, func() error {
		return w.check("statements balance", mock.CheckBalance)
	})
	sc.Step(`^every month the cash flow sections add up to the change in cash$`, func() error {
		return w.check("statements balance", mock.CheckCashFlow)
	})
	sc.Step(`^every month each profit and loss total equals the sum of its accounts$`, func() error {
		return w.check("P&L totals", mock.CheckPLTotals)
	})
	sc.Step(`^every account a statement names is in the chart of accounts$`, func() error {
		return w.check("chart of accounts", mock.CheckChart)
	})
}

// check runs one of Reach's checks on the company the last sync pulled.
func (w *world) check(flow string, fn func(*mock.CompanyData) []string) error {
	cd, err := w.company()
	if err != nil {
		return err
	}
	return findings(flow, fn(cd))
}
