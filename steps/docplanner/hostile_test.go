package docplanner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/runner"
	docplannerpartner "github.com/accord-harness/accord/mocks/docplanner/refpartner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// TestHostilePartnerFailsStepsNotTheRun: a partner whose driver is healthy,
// then misbehaves, ends in failed steps that name the URL, in bounded time.
func TestHostilePartnerFailsStepsNotTheRun(t *testing.T) {
	// The hanging handler waits for release: a server cannot see a client
	// give up on a request whose body it never read.
	release := make(chan struct{})
	tests := []struct {
		name   string
		misuse func(w http.ResponseWriter, r *http.Request) bool // true when it answered
		want   string
		// timeout bounds the driver's calls: short where the partner hangs,
		// long where it answers, so a loaded machine is not taken for a
		// hanging partner.
		timeout time.Duration
	}{
		{"hangs on every action", func(w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/actions" {
				return false
			}
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return true
		}, "no answer", 300 * time.Millisecond},
		{"answers garbage to views", func(w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasPrefix(r.URL.Path, "/view/") {
				return false
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"oops": [1, 2`))
			return true
		}, "not the JSON the contract describes", 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := docplannerpartner.New(docplannerpartner.Options{Clock: clock.New()})
			require.NoError(t, err)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tt.misuse(w, r) {
					p.ServeHTTP(w, r)
				}
			}))
			defer srv.Close()
			defer func() {
				select {
				case <-release:
				default:
					close(release)
				}
			}()
			p.SetPublicURL(srv.URL)
			// The partner lives in real time: with the published write limit
			// it would wait out a window in the breaks scenario, and time out
			// there for that, not for what this test gives it to do.
			cfg := runner.Config{Partner: &runner.PartnerConfig{DriverURL: srv.URL, Timeout: tt.timeout, ActionTimeout: tt.timeout}, RateLimitsOff: true}
			start := time.Now()
			// A report directory of its own: the reports too are written from what the partner answered.
			sum, err := runner.Run(context.Background(), docplannersteps.Platform{}, runner.Options{Config: cfg, Tags: "@mapping,@breaks", ReportDir: t.TempDir()})
			require.NoError(t, err)
			assert.Less(t, time.Since(start), 10*time.Second)
			assert.Equal(t, "failed", sum.Verdict)
			require.NotEmpty(t, sum.Failed())
			for _, f := range sum.Failed() {
				assert.Contains(t, f.Reason, srv.URL, "the reason names the partner's URL")
				assert.Contains(t, f.Reason, tt.want)
			}
		})
	}
}
