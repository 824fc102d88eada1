package refpartner_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/spec"
	reachmock "github.com/accord-harness/accord/mocks/reach"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
)

func TestUnknownVariantsAreRefused(t *testing.T) {
	_, err := reachpartner.New(reachpartner.Options{Variant: "beta"})
	assert.ErrorContains(t, err, `unknown variant "beta"`)
}

// TestTheAltVariantDiffersWithinTheDocument pins what the alternative build does differently, and
// that each difference is still a valid answer.
func TestTheAltVariantDiffersWithinTheDocument(t *testing.T) {
	ctx := context.Background()
	e := startVariant(t, reachpartner.VariantAlt)
	e.setUp(t)
	name, err := e.driver.Health(ctx)
	require.NoError(t, err)
	assert.Equal(t, "accord reference partner (Reach), alternative build", name)
	var conn struct {
		BaseURL string `json:"base_url"`
	}
	require.NoError(t, e.driver.View(ctx, "connection", &conn))
	assert.Equal(t, e.srv.URL+reachpartner.AltAPIBase, conn.BaseURL)

	do := func(req reachmock.Request) *reachmock.Result {
		t.Helper()
		req.NoRetry = true
		res, err := e.reach.Do(ctx, e.conn, req)
		require.NoError(t, err)
		assert.Empty(t, res.Violations(), spec.Summary(res.Violations()))
		return res
	}
	company := map[string]string{"CompanyId": "cmp-lantern"}

	t.Run("answers are indented, typed with a charset, validated and slow within the budget", func(t *testing.T) {
		res := do(reachmock.Request{Operation: "getProfitAndLoss", Path: company,
			Query: url.Values{"StartDate": {"2025-01-01"}, "EndDate": {"2025-03-31"}, "AccountingBasis": {"CASH"}}})
		assert.Equal(t, 200, res.Status)
		assert.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"))
		assert.NotEmpty(t, res.Header.Get("ETag"))
		assert.True(t, strings.HasPrefix(string(res.Body), "{\n  "), "indented")
		assert.Equal(t, 1200*time.Millisecond, res.Record.Took.Round(100*time.Millisecond), "on the run clock")
		var pl struct {
			Data    []struct{ AccountID, StartDate string } `json:"Data"`
			Summary []struct{ StartDate string }            `json:"Summary"`
		}
		require.NoError(t, json.Unmarshal(res.Body, &pl))
		assert.Equal(t, "2025-03-01", pl.Summary[0].StartDate, "newest month first")
		assert.Equal(t, pl.Data[0].AccountID, pl.Data[1].AccountID, "account by account")
	})

	t.Run("answers are gzipped for a client that takes it", func(t *testing.T) {
		req, _ := http.NewRequest("GET", e.srv.URL+reachpartner.AltAPIBase+"/companies/cmp-lantern/chart-of-accounts", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	})

	t.Run("lists come by name with an extra field", func(t *testing.T) {
		res := do(reachmock.Request{Operation: "listNonFinancialMetrics", Path: company})
		var page struct{ Data []map[string]any }
		require.NoError(t, json.Unmarshal(res.Body, &page))
		require.NotEmpty(t, page.Data)
		assert.Equal(t, "Group Class Attendances", page.Data[0]["NonFinancialName"])
		assert.NotEmpty(t, res.Record.Warnings, "Href is not in the document: a warning")
	})

	t.Run("another company's token finds no such company", func(t *testing.T) {
		res := do(reachmock.Request{Operation: "getCompany", Path: company, Auth: reachmock.AuthToken, Token: otherToken})
		assert.Equal(t, 404, res.Status)
		assert.Empty(t, reachmock.Refusal(res, 404))
	})

	t.Run("a brief outage is 503 without Retry-After", func(t *testing.T) {
		require.NoError(t, e.driver.Act(ctx, "outage", map[string]any{"requests": 1}, nil))
		res := do(reachmock.Request{Operation: "getUserInfo"})
		assert.Equal(t, 503, res.Status)
		assert.Empty(t, res.Header.Get("Retry-After"))
	})

	t.Run("OAuth lives at the host's root and keeps its refresh token", func(t *testing.T) {
		d, _, err := e.reach.Discover(ctx, e.conn, nil)
		require.NoError(t, err)
		require.NotNil(t, d)
		assert.Equal(t, e.srv.URL+"/oauth/token", d.TokenEndpoint)
		var out struct {
			Redirect string `json:"redirect"`
		}
		require.NoError(t, e.driver.Act(ctx, "authorize", map[string]any{"client_id": clientID, "redirect_uri": redirect, "state": "s1"}, &out))
		u, err := url.Parse(out.Redirect)
		require.NoError(t, err)
		client := reachmock.OAuthClient{ClientID: clientID, ClientSecret: secret, RedirectURI: redirect}
		tok, res, err := e.reach.ExchangeCode(ctx, e.conn, d, client, u.Query().Get("code"), nil)
		require.NoError(t, err)
		assert.Empty(t, res.Violations(), spec.Summary(res.Violations()))
		assert.Equal(t, 1200, tok.ExpiresIn)
		assert.Equal(t, "bearer", tok.TokenType)
		for range 2 { // the same refresh token, twice: it is not rotated
			first := e.conn.Token()
			require.NoError(t, e.reach.Refresh(ctx, e.conn, nil))
			assert.NotEqual(t, first, e.conn.Token())
		}
		do(reachmock.Request{Operation: "getCompany", Path: company})
	})

	t.Run("a sync completes without a violation", func(t *testing.T) {
		res := e.reach.Sync(ctx, e.conn, reachmock.OnDemand)
		require.NoError(t, res.Err())
		for _, en := range res.Trace.Entries() {
			assert.Empty(t, en.ResponseViolations, "%s %s: %s", en.Method, en.URL, spec.Summary(en.ResponseViolations))
		}
	})
}
