package dikidi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	dikidipartner "github.com/accord-harness/accord/mocks/dikidi/refpartner"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// TestExternalPartnerThroughConfig runs the reference partner as any other
// partner would be run: its own process clock, reached only through the
// driver URL of a config, with waits in real time. Retries still run on the
// run clock, which only DIKIDI's side reads. Its exploration starts from
// seed 7, as accord explore --seed 7 --config asks.
func TestExternalPartnerThroughConfig(t *testing.T) {
	p, err := dikidipartner.New(dikidipartner.Options{Clock: clock.New()})
	require.NoError(t, err)
	sum := suitetest.RunExternal(t, dikidisteps.Platform{}, p,
		"platform: dikidi\npartner:\n  name: External Connector 1.0\n  driver_url: %s\n  timeout: 5s\n",
		runner.Options{Config: runner.Config{Explore: explore.Plan{Seed: 7}}}, time.Minute, "DikidiAddRecordResult", "DikidiOccupyTimeResult", "DikidiStatusView", "DikidiRecordsView", "DikidiClientsView", "DikidiScheduleView", "DikidiFreeTimesView")
	assert.Equal(t, len(suitetest.Scenarios(t, dikidisteps.Platform{}, "")), sum.Counts.Passed)
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
		t.Run(tc.name, func(t *testing.T) { tc.check(t, dikidisteps.Platform{}) })
	}
}
