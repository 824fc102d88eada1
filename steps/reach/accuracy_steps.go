package reach

import (
	"github.com/cucumber/godog"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	mock "github.com/accord-harness/accord/mocks/reach"
)

func registerAccuracy(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the company information and every reference list equal the books$`, func() error {
		return w.check("data accuracy", mock.CompareReference)
	})
	sc.Step(`^the profit and loss, balance sheet and cash flow equal the books on both accounting bases$`, func() error {
		return w.check("data accuracy", mock.CompareStatements)
	})
	sc.Step(`^the budgets' profit and loss and the metric values equal the books$`, func() error {
		return w.check("data accuracy", mock.CompareBudgetsAndMetrics)
	})
	sc.Step(`^every month end total assets equal total liabilities plus equity$`, func() error {
		return w.check("statements balance", pulledOnly(mock.CheckBalance))
	})
	sc.Step(`^every month the cash flow sections add up to the change in cash$`, func() error {
		return w.check("statements balance", pulledOnly(mock.CheckCashFlow))
	})
	sc.Step(`^every month each profit and loss total equals the sum of its accounts$`, func() error {
		return w.check("P&L totals", pulledOnly(mock.CheckPLTotals))
	})
	sc.Step(`^every account a statement names is in the chart of accounts$`, func() error {
		return w.check("chart of accounts", pulledOnly(mock.CheckChart))
	})
}

// check runs one of Reach's checks on every company the last sync pulled, each against its books;
// a finding names its company.
func (w *world) check(flow string, fn func(*mock.CompanyData, *reachfixture.Company) []string) error {
	cs, err := w.companies()
	if err != nil {
		return err
	}
	var all []string
	for _, c := range cs {
		for _, f := range fn(c.data, c.books) {
			all = append(all, c.books.Company.CompanyID+": "+f)
		}
	}
	return findings(flow, all)
}

// pulledOnly is a check that reads only what was pulled.
func pulledOnly(fn func(*mock.CompanyData) []string) func(*mock.CompanyData, *reachfixture.Company) []string {
	return func(cd *mock.CompanyData, _ *reachfixture.Company) []string { return fn(cd) }
}
