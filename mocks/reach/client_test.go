package reach_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// hostile serves h as a partner's API; Reach gets short limits so that nothing takes long.
func hostile(t *testing.T, h http.HandlerFunc, opts reachmock.Options) (*reachmock.Reach, *reachmock.Connection, *clock.Run) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clk := clock.New()
	opts.Clock, opts.Virtual = clk, true
	if opts.Timeout == 0 {
		opts.Timeout = 300 * time.Millisecond
	}
	if opts.BodyLimit == 0 {
		opts.BodyLimit = 64 << 10
	}
	r, err := reachmock.New(opts)
	require.NoError(t, err)
	c, err := reachmock.NewConnection("hostile", srv.URL+"/api", "tok")
	require.NoError(t, err)
	return r, c, clk
}

func TestAHostilePartnerEndsInAClearFailure(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string // in the sync's problem
	}{
		{"hangs", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}, "timed out"},
		{"trickles its body forever", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"Companies": [`))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}, "timed out"},
		{"floods", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			chunk := []byte(strings.Repeat(`{"CompanyId":"x","CompanyName":"y"},`, 100))
			_, _ = w.Write([]byte(`{"Companies":[`))
			for range 1000 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "larger than 65536 bytes"},
		{"answers garbage", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"Companies": [{"CompanyId": "cmp-1", `))
		}, "not the user-info body"},
		{"answers a sign-in page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<html><form>Sign in</form></html>`))
		}, "not the user-info body"},
		{"redirects off its host", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.2:9/elsewhere", http.StatusFound)
		}, "refused redirect off the partner's host"},
		{"redirects in a loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}, "stopped after 5 redirects"},
		{"answers 204 without a body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}, "without a body"},
		{"lists companies whose every answer is random bytes", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if strings.HasSuffix(r.URL.Path, "/user-info") {
				_, _ = w.Write([]byte(`{"Companies":[{"CompanyId":"cmp-1","CompanyName":"One"}]}`))
				return
			}
			b := make([]byte, 2048)
			for i := range b {
				b[i] = byte(rand.IntN(256))
			}
			_, _ = w.Write(b)
		}, "getCompany: the answer is not the company body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, conn, _ := hostile(t, c.handler, reachmock.Options{})
			start := time.Now()
			res := r.Sync(context.Background(), conn, reachmock.OnDemand)
			assert.Less(t, time.Since(start), 5*time.Second, "a hostile partner must not hold a sync")
			require.False(t, res.Completed())
			assert.Contains(t, res.Err().Error(), c.want)
			entries := res.Trace.Entries()
			require.NotEmpty(t, entries, "the failed exchange is journaled")
			last := entries[len(entries)-1]
			assert.True(t, last.Error != "" || len(last.ResponseViolations) > 0 || last.Status >= 300 || last.Status == 204,
				"the journal shows what went wrong: %+v", last)
		})
	}
	t.Run("is not there", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		r, err := reachmock.New(reachmock.Options{Timeout: 300 * time.Millisecond})
		require.NoError(t, err)
		conn, err := reachmock.NewConnection("gone", url, "tok")
		require.NoError(t, err)
		res := r.Sync(context.Background(), conn, reachmock.OnDemand)
		require.False(t, res.Completed())
		assert.Contains(t, res.Err().Error(), "no answer")
	})
}

func TestConnectionNeedsAnHTTPBaseURL(t *testing.T) {
	for _, base := range []string{"", "ftp://partner.example/reach", "partner.example/reach", "https://partner.example/reach?token=x"} {
		_, err := reachmock.NewConnection("c", base, "tok")
		assert.Error(t, err, base)
	}
	c, err := reachmock.NewConnection("c", "https://partner.example/api/reach/", "tok")
	require.NoError(t, err)
	assert.Equal(t, "https://partner.example/api/reach", c.BaseURL)
}

// flaky answers status for the first n calls, then a valid user-info.
func flaky(n int, status int, retryAfter string, calls *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if int(calls.Add(1)) <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			_, _ = fmt.Fprint(w, `{"errors":[{"error":"ServiceUnavailable","message":"busy","level":5}]}`)
			return
		}
		_, _ = fmt.Fprint(w, `{"Companies":[{"CompanyId":"cmp-1","CompanyName":"One"}]}`)
	}
}

func TestRetriesUseBackoffOnTheRunClock(t *testing.T) {
	retry := reachmock.Retry{Initial: time.Second, Max: 8 * time.Second, MaxAttempts: 4}
	cases := []struct {
		name         string
		failures     int
		status       int
		retryAfter   string
		wantAttempts int
		wantStatus   int
		minWait      time.Duration // on the run clock
	}{
		{"503 twice, then an answer", 2, 503, "", 3, 200, 2400 * time.Millisecond},
		{"429 once, then an answer", 1, 429, "", 2, 200, 800 * time.Millisecond},
		{"Retry-After is honoured", 1, 503, "120", 2, 200, 120 * time.Second},
		{"a huge Retry-After is capped", 1, 503, "999999", 2, 200, 5 * time.Minute},
		{"still 503 after every attempt", 10, 503, "", 4, 503, 5600 * time.Millisecond},
		{"500 is not retried", 1, 500, "", 1, 500, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			r, conn, clk := hostile(t, flaky(c.failures, c.status, c.retryAfter, &calls), reachmock.Options{Retry: retry})
			before := clk.Now()
			real := time.Now()
			res, err := r.Do(context.Background(), conn, reachmock.Request{Operation: "getUserInfo"})
			require.NoError(t, err)
			assert.Equal(t, c.wantStatus, res.Status)
			assert.Equal(t, c.wantAttempts, res.Attempts)
			assert.Equal(t, c.wantAttempts, int(calls.Load()))
			waited := clk.Since(before)
			assert.GreaterOrEqual(t, waited, c.minWait, "backoff waits on the run clock")
			if c.retryAfter == "999999" {
				assert.Less(t, waited, 6*time.Minute)
			}
			assert.Less(t, time.Since(real), 2*time.Second, "a virtual wait does not sleep")
			assert.Len(t, r.Journal().Tenant("hostile"), c.wantAttempts, "every attempt is journaled")
		})
	}
	t.Run("in real time the wait is real, and short here", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(flaky(1, 503, "", &calls))
		t.Cleanup(srv.Close)
		r, err := reachmock.New(reachmock.Options{Retry: reachmock.Retry{Initial: 20 * time.Millisecond, MaxAttempts: 3}})
		require.NoError(t, err)
		conn, err := reachmock.NewConnection("real", srv.URL, "tok")
		require.NoError(t, err)
		start := time.Now()
		res, err := r.Do(context.Background(), conn, reachmock.Request{Operation: "getUserInfo"})
		require.NoError(t, err)
		assert.Equal(t, 200, res.Status)
		assert.GreaterOrEqual(t, time.Since(start), 15*time.Millisecond)
	})
	t.Run("a cancelled context stops the retries", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(flaky(100, 503, "", &calls))
		t.Cleanup(srv.Close)
		r, err := reachmock.New(reachmock.Options{Retry: reachmock.Retry{Initial: 2 * time.Second, Max: 2 * time.Second, MaxAttempts: 5}})
		require.NoError(t, err)
		conn, err := reachmock.NewConnection("cancel", srv.URL, "tok")
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		res, err := r.Do(ctx, conn, reachmock.Request{Operation: "getUserInfo"})
		require.Error(t, err)
		require.NotNil(t, res)
		assert.Equal(t, 503, res.Status)
		assert.Equal(t, int32(1), calls.Load())
	})
}

func TestTheJournalRedactsCredentials(t *testing.T) {
	var calls atomic.Int32
	r, conn, _ := hostile(t, flaky(0, 200, "", &calls), reachmock.Options{})
	_, err := r.Do(context.Background(), conn, reachmock.Request{Operation: "getUserInfo", Auth: reachmock.AuthToken, Token: "secret-token-1234"})
	require.NoError(t, err)
	es := r.Journal().Select(func(e journal.Entry) bool { return e.Operation == "getUserInfo" })
	require.Len(t, es, 1)
	assert.Equal(t, "Bearer …1234", es[0].RequestHeader.Get("Authorization"))
	assert.Equal(t, journal.Outbound, es[0].Direction)
}

// TestOnTheRunClockAnAnswerTakesWhatThePartnerSpentThere: with every party on the run clock, the
// latency Reach measures is the partner's time on that clock; real time spent in between (a
// loaded machine, the race detector) is not the partner's.
func TestOnTheRunClockAnAnswerTakesWhatThePartnerSpentThere(t *testing.T) {
	var clk *clock.Run
	handler := func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond) // accord's own work, in real time
		clk.Advance(1200 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Companies":[{"CompanyId":"cmp-1","CompanyName":"One"}]}`))
	}
	r, conn, c := hostile(t, handler, reachmock.Options{Timeout: 5 * time.Second})
	clk = c
	res, err := r.Do(context.Background(), conn, reachmock.Request{Operation: "getUserInfo"})
	require.NoError(t, err)
	assert.Equal(t, 1200*time.Millisecond, res.Record.Took.Round(10*time.Millisecond))
}
