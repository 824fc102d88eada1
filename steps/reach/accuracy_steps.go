package reach

import (
	"github.com/cucumber/godog"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func registerAccuracy(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the company information and every reference list equal the books$`, func() error {
		return w.check("data accuracy", reachmock.CompareReference)
	})
	sc.Step(`^the profit and loss, balance sheet and cash flow equal the books on both accounting bases$`, func() error {
		return w.check("data accuracy", reachmock.CompareStatements)
	})
	sc.Step(`^the budgets' profit and loss and the metric values equal the books$`, func() error {
		return w.check("data accuracy", reachmock.CompareBudgetsAndMetrics)
	})
	sc.Step(`^every month end total assets equal total liabilities plus equity$`, func() error {
		return w.check("statements balance", pulledOnly(reachmock.CheckBalance))
	})
	sc.Step(`^every month the cash flow sections add up to the change in cash$`, func() error {
		return w.check("statements balance", pulledOnly(reachmock.CheckCashFlow))
	})
	sc.Step(`^every month each profit and loss total equals the sum of its accounts$`, func() error {
		return w.check("P&L totals", pulledOnly(reachmock.CheckPLTotals))
	})
	sc.Step(`^every account a statement names is in the chart of accounts$`, func() error {
		return w.check("chart of accounts", pulledOnly(reachmock.CheckChart))
	})
}

// check runs one of Reach's checks on every company the last sync pulled, each against its books;
// a finding names its company.
func (w *world) check(flow string, fn func(*reachmock.CompanyData, *reachfixture.Company) []string) error {
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
func pulledOnly(fn func(*reachmock.CompanyData) []string) func(*reachmock.CompanyData, *reachfixture.Company) []string {
	return func(cd *reachmock.CompanyData, _ *reachfixture.Company) []string { return fn(cd) }
}
