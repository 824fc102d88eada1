package dikidi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver/drivertest"
	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	"github.com/accord-harness/accord/mocks/dikidi/refpartner"
	"github.com/accord-harness/accord/steps/dikidi"
)

// TestExternalPartnerThroughConfig runs the reference partner as any other
// partner would be run: its own process clock, reached only through the
// driver URL of a config, with waits in real time. Retries still run on the
// run clock, which only DIKIDI's side reads. Its exploration starts from
// seed 7, as accord explore --seed 7 --config asks.
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
	sum, err := runner.Run(context.Background(), dikidi.Platform{}, runner.Options{Config: runner.Config{Partner: &cfg.Partner, Explore: explore.Plan{Seed: 7}}})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	assert.Empty(t, answers.Violations(), "answers of the reference partner off the driver contract")
	assert.Subset(t, answers.Checked(), []string{"DikidiAddRecordResult", "DikidiOccupyTimeResult", "DikidiStatusView", "DikidiRecordsView", "DikidiClientsView", "DikidiScheduleView", "DikidiFreeTimesView"})
	assert.Equal(t, "External Connector 1.0", sum.Partner)
	assert.Equal(t, len(suitetest.Scenarios(t, dikidi.Platform{}, "")), sum.Counts.Passed)
	assert.Less(t, time.Since(start), time.Minute)
	explored, err := json.Marshal(sum.Extras["explorations"])
	require.NoError(t, err)
	assert.Contains(t, string(explored), `"seed":7,`)
}

// TestStartErrors: what stops a run before any scenario says what it is.
func TestStartErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func(*testing.T, runner.Platform)
	}{
		{"unreachable partner is named", suitetest.UnreachablePartnerIsNamedAtStart},
		{"a fault needs the bundled partner", suitetest.FaultWithExternalPartnerIsRefused},
		{"unknown fault", suitetest.UnknownFaultIsRefused},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, dikidi.Platform{}) })
	}
}
