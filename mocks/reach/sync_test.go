package reach_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/spec"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func TestSyncOfTheReferencePartnerIsCompleteValidAndEqualsTheBooks(t *testing.T) {
	e := newEnv(t, envOptions{})
	res := e.reach.Sync(context.Background(), e.conn(t, "c1"), reachmock.OnDemand)
	require.NoError(t, res.Err())
	for _, en := range res.Trace.Entries() {
		assert.Empty(t, en.ResponseViolations, "%s %s: %s", en.Method, en.URL, spec.Summary(en.ResponseViolations))
		assert.Equal(t, 200, en.Status, en.URL)
	}
	for _, rec := range res.Trace.Records() {
		assert.Empty(t, rec.Warnings, rec.Operation)
	}
	require.Len(t, res.Snapshot.Companies, len(e.set.Companies), "the sync reads every company the token lists")
	for _, books := range e.set.Companies {
		t.Run(books.Company.CompanyID, func(t *testing.T) {
			cd, ok := res.Company(books.Company.CompanyID)
			require.True(t, ok)
			assert.Len(t, cd.Accounts, len(books.Accounts))
			assert.Equal(t, (len(books.Accounts)+19)/20, len(cd.Lists["listChartOfAccounts"].Pages), "the chart in pages of 20")
			assert.Empty(t, reachmock.CheckBalance(cd))
			assert.Empty(t, reachmock.CheckCashFlow(cd))
			assert.Empty(t, reachmock.CheckPLTotals(cd))
			assert.Empty(t, reachmock.CheckChart(cd))
			assert.Empty(t, reachmock.CompareReference(cd, books))
			assert.Empty(t, reachmock.CompareStatements(cd, books))
			assert.Empty(t, reachmock.CompareBudgetsAndMetrics(cd, books))
			if books.Company.BooksStartDate != "" {
				assert.Equal(t, books.FirstMonth, cd.From, "a first sync reads from BooksStartDate")
			}
			want, err := reachmock.DashboardFromBooks(books, cd.From, cd.To)
			require.NoError(t, err)
			assert.Empty(t, reachmock.CompareDashboards(reachmock.BuildDashboard(cd, res.Kind, res.Started), want))
		})
	}
	t.Logf("%d exchanges", len(res.Trace.Entries()))
}
