package reach_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// TestExternalPartnerThroughConfig runs the reference partner as any other partner would be run: its
// own clock, reached only through the driver URL of a config, every wait in real time. Authentication,
// scheduling and the dashboard run; the outage scenario is left out (its retries wait the partner's
// Retry-After in real seconds), the rest is the same code on the same partner as the suite. The
// access token's end cannot be waited for in real time: that scenario is not applicable.
func TestExternalPartnerThroughConfig(t *testing.T) {
	const tags = "@auth,@schedule,@dashboard && ~@retry-503"
	p, err := reachpartner.New(reachpartner.Options{Clock: clock.New()})
	require.NoError(t, err)
	dir := t.TempDir()
	bound := 30 * time.Second
	if racedetector.On {
		bound *= 4
	}
	sum := suitetest.RunExternal(t, reachsteps.Platform{}, p,
		"platform: reach\npartner:\n  name: Lantern Books 2.1\n  driver_url: %s\n  timeout: 5s\nchecks:\n  latency_budget: 2s\n",
		runner.Options{Tags: tags, ReportDir: dir}, bound, "ReachConnectionView", "ReachAuthorizeResult")
	// The partner's access token lives an hour of real time: the scenarios that wait for its end do not apply.
	var na, want []string
	for _, r := range sum.NotApplicable() {
		na = append(na, r.Name)
	}
	run := suitetest.Scenarios(t, reachsteps.Platform{}, tags)
	for _, sc := range run {
		if sc.Has("the access token's life ends on the partner's clock") {
			want = append(want, sc.Name)
		}
	}
	assert.NotEmpty(t, want)
	assert.Equal(t, want, na)
	assert.Equal(t, len(run)-len(want), sum.Counts.Passed)
	_, err = os.Stat(filepath.Join(dir, reachsteps.DashboardFile))
	assert.NoError(t, err, "the dashboard is in the report directory")
}

func TestUnreachablePartnerIsNamedAtStart(t *testing.T) {
	suitetest.UnreachablePartnerIsNamedAtStart(t, reachsteps.Platform{})
}

func TestFaultWithExternalPartnerIsRefused(t *testing.T) {
	suitetest.FaultWithExternalPartnerIsRefused(t, reachsteps.Platform{})
}
