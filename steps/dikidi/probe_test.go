package dikidi_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/steps/dikidi"
)

func TestProbe(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SEEDS"))
	steps, _ := strconv.Atoi(os.Getenv("STEPS"))
	var faults []string
	if f := os.Getenv("FAULT"); f != "" {
		faults = []string{f}
	}
	found := 0
	for seed := 1; seed <= n; seed++ {
		start := time.Now()
		done, err := dikidi.ExploreOnce(context.Background(), dikidi.Platform{Variant: os.Getenv("VARIANT")}, runner.Config{Faults: faults, LatencyBudget: 10 * time.Second, Capabilities: caps()}, explore.Options{Seed: uint64(seed), Steps: steps})
		if err != nil {
			found++
		}
		if os.Getenv("QUIET") == "" || err != nil {
			t.Logf("seed %d (%s): %d steps\n%s\nerr: %v", seed, time.Since(start), len(done), explore.Gherkin(done), err)
		}
	}
	t.Logf("found in %d of %d", found, n)
}

func caps() map[string]string {
	if os.Getenv("NOPATH") != "" {
		return map[string]string{"events": "none"}
	}
	return map[string]string{"events": "path"}
}
