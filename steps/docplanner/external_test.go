package docplanner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	docplannerpartner "github.com/accord-harness/accord/mocks/docplanner/refpartner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// TestExternalPartnerThroughConfig runs the reference partner as any other
// partner would be run: its own process clock, reached only through the
// driver URL of a config, with waits in real time, explorations included
// (accord explore --config). PULL is left out: a partner polling each real
// minute would make this test wait minutes.
func TestExternalPartnerThroughConfig(t *testing.T) {
	const pushOnly = "~@pull"
	p, err := docplannerpartner.New(docplannerpartner.Options{Clock: clock.New()})
	require.NoError(t, err)
	// This test is about the config and real-time path; at the documented 40
	// writes a minute a partner on real time waits out the window for real.
	sum := suitetest.RunExternal(t, docplannersteps.Platform{WritesPerMinute: 1000}, p,
		"platform: docplanner\npartner:\n  name: External Clinic 1.0\n  driver_url: %s\n  timeout: 5s\n",
		runner.Options{Tags: pushOnly}, time.Minute, "DocplannerBookVisitResult", "DocplannerAddBreakResult", "DocplannerBookingsView", "DocplannerBreaksView", "DocplannerFreeSlotsView", "DocplannerMappingsView", "DocplannerStatusView")
	assert.Len(t, suitetest.Scenarios(t, docplannersteps.Platform{}, pushOnly), sum.Counts.Passed)
}

// TestAPartnerOnItsOwnClockPassesWaitingOnTheRateLimitReset: a partner
// outside the run lives in real time while the scenarios move the run
// clock (five minutes pass, twice). It waits out every 429 until
// X-RateLimit-Reset on its own clock, as the document tells it to, and
// pulls notifications by PULL in its own time: it must pass the whole run.
// A proxy in front of the mock checks everything the partner reads for the
// time: no write window's reset beyond the window, no stamped instant
// (booked_at, created_at...) outside the partner's own now. The write window
// is a second, so the real waits stay short.
func TestAPartnerOnItsOwnClockPassesWaitingOnTheRateLimitReset(t *testing.T) {
	// Most of its minute is spent waiting on the partner's own clock: in
	// parallel, another long test uses the core it leaves idle.
	t.Parallel()
	const noExplore = "~@explore"
	const window = time.Second
	var mu sync.Mutex
	var waits []time.Duration
	p, err := docplannerpartner.New(docplannerpartner.Options{
		Clock:     clock.Wall{},
		PollEvery: 200 * time.Millisecond,
		Wait: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			// X-RateLimit-Reset is rounded up to the second.
			if limit := window + time.Second; d > limit {
				t.Errorf("a 429 asked the partner to wait %s by X-RateLimit-Reset on its own clock, more than the %s window", d, window)
				d = limit
			}
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	defer srv.Close()
	p.SetPublicURL(srv.URL)

	mockAddr := freeAddr(t)
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite:        func(r *httputil.ProxyRequest) { r.SetURL(&url.URL{Scheme: "http", Host: mockAddr}) },
		ModifyResponse: func(r *http.Response) error { return checkPartnerTime(t, r, window) },
	})
	defer proxy.Close()

	cfg, err := runner.ParseFile("partner.yaml", []byte("platform: docplanner\npartner:\n  name: Clinic on its own clock\n  driver_url: "+srv.URL+
		"\n  timeout: 10s\n  mock_listen: "+mockAddr+"\n  mock_url: "+proxy.URL+"\n"))
	require.NoError(t, err)
	// 38 writes a second: the activation of the bundled clinic fits, the
	// busiest scenarios do not.
	// Explorations against a partner in real time run in
	// TestExternalPartnerThroughConfig; here they would only wait.
	sum, err := runner.Run(context.Background(), docplannersteps.Platform{WritesPerMinute: 38, WriteWindow: window}, runner.Options{
		Config: runner.Config{Partner: &cfg.Partner},
		Tags:   noExplore,
	})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	assert.Len(t, suitetest.Scenarios(t, docplannersteps.Platform{}, noExplore), sum.Counts.Passed)
	mu.Lock()
	defer mu.Unlock()
	assert.NotEmpty(t, waits, "the write limit must have been reached, or the test proves nothing")
	t.Logf("%d waits on X-RateLimit-Reset", len(waits))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// stamped are the fields in which the platform writes the instant something
// happened.
var stamped = map[string]bool{"booked_at": true, "canceled_at": true, "created_at": true, "booking_at": true}

// checkPartnerTime fails the test when an answer shows the partner a time
// off its own clock: a write window ending beyond the window from now, or
// an instant stamped in its future.
func checkPartnerTime(t *testing.T, r *http.Response, window time.Duration) error {
	now := time.Now()
	if reset, err := time.Parse(time.RFC3339, r.Header.Get("X-Ratelimit-Reset")); err == nil && r.Request.Method != http.MethodGet {
		if reset.After(now.Add(window + time.Second)) {
			t.Errorf("%s %s: X-RateLimit-Reset %s is more than the %s write window after the partner's now %s", r.Request.Method, r.Request.URL.Path, reset, window, now.Format(time.RFC3339Nano))
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(k, c)
			}
		case []any:
			for _, c := range x {
				walk(key, c)
			}
		case string:
			if at, err := time.Parse(time.RFC3339, x); err == nil && stamped[key] && at.After(now.Add(time.Second)) {
				t.Errorf("%s %s: %s %s is in the partner's future (its now is %s)", r.Request.Method, r.Request.URL.Path, key, x, now.Format(time.RFC3339))
			}
		}
	}
	walk("", doc)
	return nil
}

func TestUnreachablePartnerIsNamedAtStart(t *testing.T) {
	suitetest.UnreachablePartnerIsNamedAtStart(t, docplannersteps.Platform{})
}

func TestFaultWithExternalPartnerIsRefused(t *testing.T) {
	suitetest.FaultWithExternalPartnerIsRefused(t, docplannersteps.Platform{})
}
