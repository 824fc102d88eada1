package docplanner_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// TestFiftyPartnersShareOneMock runs the full Docplanner protocol for 50
// reference partners at once against one mock platform (4 under the race
// detector: enough for it to watch tenants share the mock, whose slowdown on
// two cores would otherwise make this the longest test of make test, which
// runs the 50 without it). Each run has its own
// client credentials; all must pass, and no tenant may ever be served another
// tenant's data (every exchange of a tenant carries that tenant's token).
// Explorations are left out: each of their sequences starts on a tenant of
// its own, and they are about sequences, not about sharing the platform.
func TestFiftyPartnersShareOneMock(t *testing.T) {
	// Beside the test that mostly waits on a partner's own clock.
	t.Parallel()
	partners := 50
	if racedetector.On {
		partners = 4
	}
	shared, err := docplannersteps.NewShared()
	require.NoError(t, err)
	defer shared.Close()

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var wg sync.WaitGroup
	results := make([]*runner.Summary, partners)
	errs := make([]error, partners)
	for i := range partners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// @own-clock scenarios let an hour pass: on a clock fifty runs
			// move, a token can run out between the partner's look at it
			// and the platform's. @own-clients scenarios start a client for
			// each run of their flow, so they are not one tenant a scenario.
			results[i], errs[i] = runner.Run(context.Background(), docplannersteps.Platform{Shared: shared}, runner.Options{Tags: "~@pull && ~@explore && ~@own-clock && ~@own-clients"})
		}()
	}
	wg.Wait()
	took := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	scenarios := 0
	for i := range partners {
		require.NoError(t, errs[i], "run %d", i)
		for _, f := range results[i].Failed() {
			t.Errorf("run %d: %s failed at %q: %s", i, f.Name, f.FailedStep, f.Reason)
		}
		scenarios += results[i].Counts.Scenarios
	}
	// Isolation: a token belongs to one tenant; every call made with it was
	// attributed to that tenant, and the tenant count equals the scenarios run.
	owner := map[string]string{}
	tenants := map[string]bool{}
	for _, e := range shared.Mock().Journal().Select(func(e journal.Entry) bool { return e.Direction == journal.Inbound && e.Tenant != "" }) {
		tenants[e.Tenant] = true
		auth := e.RequestHeader.Get("Authorization")
		if e.Operation == "getToken" || auth == "" || !e.OK() {
			continue
		}
		if prev, seen := owner[auth]; seen && prev != e.Tenant {
			t.Fatalf("token of %s served tenant %s", prev, e.Tenant)
		}
		owner[auth] = e.Tenant
	}
	assert.Equal(t, scenarios, len(tenants), "one tenant per scenario, none shared")
	t.Logf("%d partners, %d scenarios, %d exchanges in %s (%.0f scenarios/s); heap grew %d MiB",
		partners, scenarios, shared.Mock().Journal().Len(), took.Round(time.Millisecond), float64(scenarios)/took.Seconds(), (after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))>>20)
}
