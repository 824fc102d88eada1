package dikidi_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver/drivertest"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/dikidi/refpartner"
	"github.com/accord-harness/accord/steps/dikidi"
)

// TestExternalPartnerThroughConfig runs the reference partner as any other
// partner would be run: its own process clock, reached only through the
// driver URL of a config, with waits in real time. Retries still run on the
// run clock, which only DIKIDI's side reads.
func TestExternalPartnerThroughConfig(t *testing.T) {
	p, err := refpartner.New(refpartner.Options{Clock: clock.New()})
	require.NoError(t, err)
	// Every view and action result the partner answers is held to the contract's schema.
	answers, err := drivertest.NewAnswers("dikidi", p)
	require.NoError(t, err)
	srv := httptest.NewServer(answers)
	defer srv.Close()
	p.SetPublicURL(srv.URL)

	cfg, err := runner.ParseFile("partner.yaml", []byte("platform: dikidi\npartner:\n  name: External Connector 1.0\n  driver_url: "+srv.URL+"\n  timeout: 5s\n"))
	require.NoError(t, err)
	start := time.Now()
	sum, err := runner.Run(context.Background(), dikidi.Platform{}, runner.Options{Config: runner.Config{Partner: &cfg.Partner}})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	assert.Empty(t, answers.Violations(), "answers of the reference partner off the driver contract")
	assert.Subset(t, answers.Checked(), []string{"DikidiAddRecordResult", "DikidiOccupyTimeResult", "DikidiStatusView", "DikidiRecordsView", "DikidiClientsView", "DikidiScheduleView", "DikidiFreeTimesView"})
	assert.Equal(t, "External Connector 1.0", sum.Partner)
	assert.Equal(t, len(scenarios(t)), sum.Counts.Passed)
	assert.Less(t, time.Since(start), time.Minute)
}

func TestStartErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  runner.Config
		want []string
	}{
		{"unreachable partner is named", runner.Config{Partner: &runner.PartnerConfig{DriverURL: "http://127.0.0.1:1", Timeout: time.Second}},
			[]string{"http://127.0.0.1:1/health", "not answering"}},
		{"a fault needs the bundled partner", runner.Config{Faults: []string{"ignores-sequence"}, Partner: &runner.PartnerConfig{DriverURL: "http://127.0.0.1:1"}},
			[]string{"--fault"}},
		{"unknown fault", runner.Config{Faults: []string{"no-such-fault"}}, []string{`unknown fault "no-such-fault"`, "ignores-sequence"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runner.Run(context.Background(), dikidi.Platform{}, runner.Options{Config: tc.cfg})
			require.Error(t, err)
			for _, w := range tc.want {
				assert.True(t, strings.Contains(err.Error(), w), "%q lacks %q", err.Error(), w)
			}
		})
	}
}
