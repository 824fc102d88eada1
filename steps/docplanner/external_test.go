package docplanner_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/docplanner/refpartner"
	"github.com/accord-harness/accord/steps/docplanner"
)

// TestExternalPartnerThroughConfig runs the reference partner as any other
// partner would be run: its own process clock, reached only through the
// driver URL of a config, with waits in real time. PULL is left out: a
// partner polling each real minute would make this test wait minutes.
func TestExternalPartnerThroughConfig(t *testing.T) {
	p, err := refpartner.New(refpartner.Options{Clock: clock.New()})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	defer srv.Close()
	p.SetPublicURL(srv.URL)

	cfg, err := runner.ParseFile("partner.yaml", []byte("platform: docplanner\npartner:\n  name: External Clinic 1.0\n  driver_url: "+srv.URL+"\n  timeout: 5s\n"))
	require.NoError(t, err)
	start := time.Now()
	// This test is about the config and real-time path; at the documented 40
	// writes a minute a partner on real time waits out the window for real.
	sum, err := runner.Run(context.Background(), docplanner.Platform{WritesPerMinute: 1000}, runner.Options{
		Config: runner.Config{Partner: &cfg.Partner},
		Tags:   "~@pull",
	})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	assert.Equal(t, "External Clinic 1.0", sum.Partner)
	assert.Positive(t, sum.Counts.Scenarios)
	assert.Equal(t, sum.Counts.Scenarios, sum.Counts.Passed)
	assert.Less(t, time.Since(start), time.Minute)
}

func TestUnreachablePartnerIsNamedAtStart(t *testing.T) {
	cfg := runner.Config{Partner: &runner.PartnerConfig{DriverURL: "http://127.0.0.1:1", Timeout: time.Second}}
	_, err := runner.Run(context.Background(), docplanner.Platform{}, runner.Options{Config: cfg})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "http://127.0.0.1:1/health"), err.Error())
	assert.Contains(t, err.Error(), "not answering")
}

func TestFaultWithExternalPartnerIsRefused(t *testing.T) {
	cfg := runner.Config{Faults: []string{"no-reauth"}, Partner: &runner.PartnerConfig{DriverURL: "http://127.0.0.1:1"}}
	_, err := runner.Run(context.Background(), docplanner.Platform{}, runner.Options{Config: cfg})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--fault")
}
