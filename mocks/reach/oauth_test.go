package reach_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func TestOAuthCodeFlowAndRefreshOnTheRunClock(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOptions{oauth: true})
	c, err := reachmock.NewConnection("oauth", e.base, "")
	require.NoError(t, err)
	d, res, err := e.reach.Discover(ctx, c, nil)
	require.NoError(t, err)
	require.NotNil(t, d, "the partner advertises OAuth")
	assert.Empty(t, res.Violations())
	client := reachmock.OAuthClient{ClientID: "reach-sync", ClientSecret: "s3cret", RedirectURI: "https://app.reach.example/oauth/callback"}
	assert.Contains(t, reachmock.AuthorizeURL(d, client, "st-1"), "/oauth2/authorize?client_id=reach-sync&redirect_uri=")

	code := func() string {
		var out struct {
			Redirect string `json:"redirect"`
		}
		require.NoError(t, e.driver.Act(ctx, "authorize", map[string]any{"client_id": client.ClientID, "redirect_uri": client.RedirectURI, "state": "st-1"}, &out))
		u, err := url.Parse(out.Redirect)
		require.NoError(t, err)
		assert.Equal(t, "st-1", u.Query().Get("state"))
		return u.Query().Get("code")
	}
	first := code()
	tok, res, err := e.reach.ExchangeCode(ctx, c, d, client, first, nil)
	require.NoError(t, err)
	assert.Empty(t, res.Violations())
	assert.Equal(t, tok.AccessToken, c.Token())
	assert.WithinDuration(t, e.clock.Now().Add(time.Hour), c.TokenExpiry(), time.Minute)

	read := func() {
		t.Helper()
		r, err := e.reach.Do(ctx, c, reachmock.Request{Operation: "getUserInfo"})
		require.NoError(t, err)
		require.Equal(t, 200, r.Status, string(r.Body))
	}
	read()
	e.clock.Advance(time.Hour + time.Second)
	read()
	assert.NotEqual(t, tok.AccessToken, c.Token(), "the expired token was renewed")
	refreshes := e.journal.Select(func(en journal.Entry) bool {
		return en.Operation == "exchangeOAuthToken" && strings.Contains(string(en.RequestBody), "grant_type=refresh_token")
	})
	require.Len(t, refreshes, 1)
	assert.NotContains(t, string(refreshes[0].RequestBody), "s3cret", "the journal keeps no client secret")

	_, _, err = e.reach.ExchangeCode(ctx, c, d, client, first, nil)
	assert.ErrorContains(t, err, "invalid_grant", "a code is good once")
	wrong := client
	wrong.ClientSecret = "guess"
	_, _, err = e.reach.ExchangeCode(ctx, c, d, wrong, code(), nil)
	assert.ErrorContains(t, err, "answered 401")
}

func TestDiscoveryAnswered404MeansStaticTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	d, res, err := e.reach.Discover(context.Background(), e.conn(t, "static"), nil)
	require.NoError(t, err)
	assert.Nil(t, d)
	assert.Equal(t, 404, res.Status)
	assert.Empty(t, reachmock.Refusal(res, 404))
	assert.Error(t, e.reach.Refresh(context.Background(), e.conn(t, "static"), nil), "a static token has nothing to refresh")
}

func TestATokenEndpointOffThePartnersHostIsRefused(t *testing.T) {
	r, conn, _ := hostile(t, serveBody(200, "application/json", `{}`), reachmock.Options{})
	d := &reachmock.Discovery{TokenEndpoint: "http://127.0.0.2:9/oauth2/token"}
	_, _, err := r.ExchangeCode(context.Background(), conn, d, reachmock.OAuthClient{ClientID: "a", ClientSecret: "b", RedirectURI: "https://x.example/cb"}, "code", nil)
	assert.ErrorContains(t, err, "off the partner's host")
}

// TestA401RenewsTheTokenOnce: a token the partner stopped accepting before its expiry is refreshed
// once, and the call repeated.
func TestA401RenewsTheTokenOnce(t *testing.T) {
	var issued atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/oauth2/token") {
			n := issued.Add(1)
			_, _ = fmt.Fprintf(w, `{"access_token":"at-%d","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-%d"}`, n, n)
			return
		}
		if r.Header.Get("Authorization") != "Bearer at-2" {
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"errors":[{"error":"Unauthorized","message":"revoked"}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"Companies":[{"CompanyId":"cmp-1","CompanyName":"One"}]}`))
	}
	r, conn, _ := hostile(t, handler, reachmock.Options{})
	d := &reachmock.Discovery{TokenEndpoint: strings.TrimSuffix(conn.BaseURL, "/api") + "/api/oauth2/token"}
	_, _, err := r.ExchangeCode(context.Background(), conn, d, reachmock.OAuthClient{ClientID: "a", ClientSecret: "b", RedirectURI: "https://x.example/cb"}, "code", nil)
	require.NoError(t, err)
	res, err := r.Do(context.Background(), conn, reachmock.Request{Operation: "getUserInfo"})
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, "at-2", conn.Token())
	assert.Equal(t, int32(2), issued.Load())
}

func TestSchedulerSyncsNightlyAndOnDemandWithinTheDailyLimit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOptions{reach: reachmock.Options{DailyOnDemand: 2}})
	s := e.reach.Schedule(e.conn(t, "sched"))
	t.Cleanup(s.Stop)
	next := s.NextNightly()
	assert.Equal(t, 2, next.UTC().Hour())
	assert.Equal(t, 0, next.UTC().Minute())
	assert.True(t, next.After(e.clock.Now()) && next.Before(e.clock.Now().Add(24*time.Hour)))

	e.clock.Advance(next.Sub(e.clock.Now()) - time.Minute)
	assert.Empty(t, s.Results(), "nothing runs before 02:00")
	e.clock.Advance(2 * time.Minute)
	r, err := s.Wait(ctx, reachmock.Nightly, next, 10*time.Second)
	require.NoError(t, err)
	require.NoError(t, r.Err())
	assert.False(t, r.Started.Before(next))
	assert.Equal(t, next.Add(24*time.Hour), s.NextNightly(), "the next night is armed")

	for range 2 {
		r, err := s.SyncNow(ctx)
		require.NoError(t, err)
		assert.Equal(t, reachmock.OnDemand, r.Kind)
	}
	_, err = s.SyncNow(ctx)
	assert.True(t, errors.Is(err, reachmock.ErrDailyLimit), "the third press of the day is refused: %v", err)

	e.clock.Advance(24 * time.Hour)
	_, err = s.Wait(ctx, reachmock.Nightly, next.Add(24*time.Hour), 10*time.Second)
	require.NoError(t, err, "the next night's sync runs too")
	_, err = s.SyncNow(ctx)
	assert.NoError(t, err, "a new day, new presses")
	assert.Len(t, s.Results(), 5)

	s.Stop()
	_, err = s.SyncNow(ctx)
	assert.Error(t, err, "a stopped scheduler syncs no more")
	_, err = s.Wait(ctx, reachmock.Nightly, next.Add(48*time.Hour), 50*time.Millisecond)
	assert.Error(t, err)
}

// rotatingPartner is an OAuth partner that rotates refresh tokens and revokes each one once used
// (RFC 6749 §6 allows it), and refuses access tokens past their life or revoked by a refresh. It
// counts refresh grants, and the grants that arrived while another was being answered.
type rotatingPartner struct {
	clk                 *clock.Run
	mu                  sync.Mutex
	n                   int
	refresh             map[string]bool
	access              map[string]time.Time
	grants, overlapping atomic.Int32
	inGrant             atomic.Bool
}

func (p *rotatingPartner) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/oauth2/token") {
		if !p.inGrant.CompareAndSwap(false, true) {
			p.overlapping.Add(1)
		} else {
			defer p.inGrant.Store(false)
		}
		time.Sleep(5 * time.Millisecond) // long enough for a second grant to overlap, were one sent
		_ = r.ParseForm()
		p.mu.Lock()
		defer p.mu.Unlock()
		if r.Form.Get("grant_type") == "refresh_token" {
			p.grants.Add(1)
			if !p.refresh[r.Form.Get("refresh_token")] {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"used or unknown"}`))
				return
			}
			delete(p.refresh, r.Form.Get("refresh_token"))
			p.access = map[string]time.Time{} // a refresh revokes the access tokens before it
		}
		p.n++
		at, rt := fmt.Sprintf("at-%d", p.n), fmt.Sprintf("rt-%d", p.n)
		p.refresh[rt] = true
		p.access[at] = p.clk.Now().Add(time.Hour)
		_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600,"refresh_token":%q}`, at, rt)
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	exp, ok := p.access[tok]
	p.mu.Unlock()
	if !ok || !p.clk.Now().Before(exp) {
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"errors":[{"error":"Unauthorized","message":"expired or revoked"}]}`))
		return
	}
	_, _ = w.Write([]byte(`{"Companies":[{"CompanyId":"cmp-1","CompanyName":"One"}]}`))
}

// TestOneConnectionNeverSpendsARefreshTokenTwice: callers that find the access token expired at the
// same instant (the nightly sync and a scenario's step, after the clock moved past the token's
// life) renew it once between them, so a partner that revokes a refresh token once used stays
// connected; and a 401 renews only the token the call carried, not one already renewed.
func TestOneConnectionNeverSpendsARefreshTokenTwice(t *testing.T) {
	for _, tt := range []struct {
		name string
		move func(clk *clock.Run)
	}{
		{"expired on the run clock", func(clk *clock.Run) { clk.Advance(time.Hour + time.Second) }},
		{"revoked early by the partner", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &rotatingPartner{refresh: map[string]bool{}, access: map[string]time.Time{}}
			r, conn, clk := hostile(t, p.serve, reachmock.Options{Timeout: 2 * time.Second})
			p.clk = clk
			d := &reachmock.Discovery{TokenEndpoint: conn.BaseURL + "/oauth2/token"}
			_, _, err := r.ExchangeCode(context.Background(), conn, d, reachmock.OAuthClient{ClientID: "a", ClientSecret: "b", RedirectURI: "https://x.example/cb"}, "code", nil)
			require.NoError(t, err)
			if tt.move != nil {
				tt.move(clk)
			} else {
				// Another client of the partner's (an earlier run) spent the grant: the access token
				// is revoked while Reach still believes it valid.
				p.mu.Lock()
				p.access = map[string]time.Time{}
				p.mu.Unlock()
			}
			const callers = 8
			var wg sync.WaitGroup
			statuses := make([]int, callers)
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := r.Do(context.Background(), conn, reachmock.Request{Operation: "getUserInfo"})
					if assert.NoError(t, err) {
						statuses[i] = res.Status
					}
				}()
			}
			wg.Wait()
			for i, s := range statuses {
				assert.Equal(t, 200, s, "caller %d", i)
			}
			assert.Equal(t, int32(1), p.grants.Load(), "one refresh grant for all the callers")
			assert.Zero(t, p.overlapping.Load(), "no refresh grant was sent while another was in flight")
			assert.Equal(t, "at-2", conn.Token())
		})
	}
}

// TestTheNightlySyncWaitsForASyncInFlight: the nightly sync due while the customer's on-demand sync
// of the same connection runs starts after it ends; their exchanges never interleave.
func TestTheNightlySyncWaitsForASyncInFlight(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOptions{})
	s := e.reach.Schedule(e.conn(t, "overlap"))
	t.Cleanup(s.Stop)
	next := s.NextNightly()
	e.clock.Advance(next.Sub(e.clock.Now()) - time.Millisecond)
	done := make(chan *reachmock.SyncResult)
	go func() {
		r, err := s.SyncNow(ctx)
		assert.NoError(t, err)
		done <- r
	}()
	e.clock.Advance(time.Second) // the nightly sync falls due while the on-demand one may be running
	onDemand := <-done
	nightly, err := s.Wait(ctx, reachmock.Nightly, next, 10*time.Second)
	require.NoError(t, err)
	require.NoError(t, onDemand.Err())
	require.NoError(t, nightly.Err())
	seqs := func(r *reachmock.SyncResult) (lo, hi int64) {
		es := r.Trace.Entries()
		return es[0].Seq, es[len(es)-1].Seq
	}
	aLo, aHi := seqs(onDemand)
	bLo, bHi := seqs(nightly)
	assert.True(t, aHi < bLo || bHi < aLo, "the syncs' exchanges interleave: on-demand %d..%d, nightly %d..%d", aLo, aHi, bLo, bHi)
}

// TestCodeFromRedirect: Reach takes the code only from its own redirect URI, with its own state.
func TestCodeFromRedirect(t *testing.T) {
	client := reachmock.OAuthClient{ClientID: "reach", RedirectURI: "https://app.reach.example/oauth/callback"}
	for _, tc := range []struct {
		name, redirect, code, err string
	}{
		{"good", "https://app.reach.example/oauth/callback?code=c-1&state=s-1", "c-1", ""},
		{"elsewhere", "https://evil.example/oauth/callback?code=c-1&state=s-1", "", "not to Reach's redirect URI"},
		{"a look-alike", "https://app.reach.example/oauth/callback.evil.example/?code=c-1&state=s-1", "", "not to Reach's redirect URI"},
		{"another state", "https://app.reach.example/oauth/callback?code=c-1&state=s-2", "", `state "s-2", not the "s-1"`},
		{"no code", "https://app.reach.example/oauth/callback?state=s-1", "", "carries no code"},
		{"own query kept", "https://app.reach.example/oauth/callback?region=au&code=c-1&state=s-1", "c-1", ""},
		{"own query kept, reordered", "https://app.reach.example/oauth/callback?code=c-1&region=au&state=s-1", "c-1", ""},
		{"own query dropped", "https://app.reach.example/oauth/callback?code=c-1&state=s-1", "", "without the query"},
		{"own query changed", "https://app.reach.example/oauth/callback?region=eu&code=c-1&state=s-1", "", "without the query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := client
			if strings.HasPrefix(tc.name, "own query") {
				client.RedirectURI += "?region=au"
			}
			code, err := reachmock.CodeFromRedirect(tc.redirect, client, "s-1")
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.code, code)
		})
	}
}
