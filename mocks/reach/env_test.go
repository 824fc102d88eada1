package reach_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/journal"
	reachmock "github.com/accord-harness/accord/mocks/reach"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
)

// env is Reach and the reference partner on loopback, sharing a run clock.
type env struct {
	clock   *clock.Run
	journal *journal.Journal
	reach   *reachmock.Reach
	driver  *driver.Client
	books   *reachfixture.Company // Lantern, the first of the set
	set     *reachfixture.Set
	base    string
	token   string
}

type envOptions struct {
	faults []string
	reach  reachmock.Options
	oauth  bool
}

func newEnv(tb testing.TB, o envOptions) *env {
	tb.Helper()
	clk := clock.New()
	p, err := reachpartner.New(reachpartner.Options{Clock: clk, Faults: o.faults,
		Wait: func(_ context.Context, d time.Duration) { clk.Advance(d) }})
	require.NoError(tb, err)
	srv := httptest.NewServer(p)
	tb.Cleanup(srv.Close)
	j := journal.New()
	o.reach.Clock, o.reach.Journal, o.reach.Virtual = clk, j, true
	r, err := reachmock.New(o.reach)
	require.NoError(tb, err)
	d, err := driver.New(srv.URL, 5*time.Second)
	require.NoError(tb, err)
	settings := map[string]any{
		"access_token":  "tok-lantern-0001",
		"other_company": map[string]any{"company_id": "cmp-harbour-dental", "company_name": "Harbour Dental Group", "access_token": "tok-harbour-0002"},
	}
	if o.oauth {
		settings["oauth"] = map[string]any{"client_id": "reach-sync", "client_secret": "s3cret", "redirect_uri": "https://app.reach.example/oauth/callback"}
	}
	ctx := context.Background()
	require.NoError(tb, d.Reset(ctx, "reach", settings))
	require.NoError(tb, d.LoadFixture(ctx, rawJSON(reachfixture.RawSet())))
	var conn struct {
		BaseURL string `json:"base_url"`
	}
	require.NoError(tb, d.View(ctx, "connection", &conn))
	set, err := reachfixture.LoadSet()
	require.NoError(tb, err)
	return &env{clock: clk, journal: j, reach: r, driver: d, books: set.Companies[0], set: set, base: conn.BaseURL, token: "tok-lantern-0001"}
}

// rawJSON sends bytes as they are through the driver client.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

func (e *env) conn(tb testing.TB, id string) *reachmock.Connection {
	tb.Helper()
	c, err := reachmock.NewConnection(id, e.base, e.token)
	require.NoError(tb, err)
	return c
}
