package suitetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
)

// Faults is a platform's catalogue of reference-partner faults and what
// each must break.
type Faults struct {
	Platform runner.Platform
	// Catches: fault → the scenarios, by name, it must fail (it may fail
	// others).
	Catches map[string][]string
	// Named: every scenario must be failed by a fault that names it in
	// Catches; otherwise by any fault's run.
	Named bool
	// Flows are how failure reasons start: every reason names its flow.
	Flows []string
	// Config is each fault's run's, the fault added.
	Config runner.Config
	// Tags selects the scenarios a fault's run holds; none: the features
	// of the scenarios it must fail (FeatureTag), so the test stays short.
	Tags func(want []Scenario) string
	// Parallel runs the faults side by side.
	Parallel bool
	// Failed holds a failed scenario to more (an exploration's reason
	// shrunk, say).
	Failed func(t *testing.T, fault string, r runner.ScenarioResult)
}

// featureTags runs the features of the scenarios.
func featureTags(want []Scenario) string {
	var tags []string
	for _, s := range want {
		if tag := s.FeatureTag(); !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	sort.Strings(tags)
	return strings.Join(tags, ",")
}

// EveryFaultIsCaught starts the reference partner with each fault of the
// catalogue and runs the scenarios meant to catch it: each must fail, with
// a reason that starts with its flow. Every scenario of the features must be
// failed by some fault (one that names it, when Named), or nothing proves it
// can fail. A fault
// the catalogue has and the table does not (or the other way) fails at once.
func EveryFaultIsCaught(t *testing.T, f Faults) {
	t.Helper()
	faults := f.Platform.Faults()
	require.Len(t, f.Catches, len(faults), "every fault of the catalogue has an expectation here, and no more")
	all := Scenarios(t, f.Platform, "")
	byName := map[string]Scenario{}
	for _, s := range all {
		byName[s.Name] = s
	}
	selectTags := f.Tags
	if selectTags == nil {
		selectTags = featureTags
	}
	var mu sync.Mutex
	caughtBy := map[string][]string{}
	var table []string
	each := func(t *testing.T) {
		for _, fault := range faults {
			names, ok := f.Catches[fault.Name]
			require.True(t, ok, "fault %s has no expectation", fault.Name)
			var want []Scenario
			for _, n := range names {
				s, ok := byName[n]
				require.True(t, ok, "fault %s should fail %q, which no feature has", fault.Name, n)
				want = append(want, s)
			}
			t.Run(fault.Name, func(t *testing.T) {
				if f.Parallel {
					t.Parallel()
				}
				cfg := f.Config
				cfg.Faults = []string{fault.Name}
				sum, err := runner.Run(context.Background(), f.Platform, runner.Options{Config: cfg, Tags: selectTags(want)})
				require.NoError(t, err)
				assert.Equal(t, runner.VerdictFailed, sum.Verdict, "fault %s (%s) went unnoticed", fault.Name, fault.Breaks)
				failed := map[string]runner.ScenarioResult{}
				for _, r := range sum.Failed() {
					failed[r.Name] = r
				}
				mu.Lock()
				for _, r := range sum.Failed() {
					table = append(table, fmt.Sprintf("%-34s %-92s %s", fault.Name, r.Name, firstLine(r.Reason)))
					if !f.Named || slices.Contains(names, r.Name) {
						caughtBy[r.Name] = append(caughtBy[r.Name], fault.Name)
					}
				}
				mu.Unlock()
				for _, n := range names {
					if _, ok := failed[n]; !ok {
						t.Errorf("fault %s should fail %q; it failed %v", fault.Name, n, sortedKeys(failed))
					}
				}
				for _, r := range sum.Failed() {
					assert.True(t, slices.ContainsFunc(f.Flows, func(fl string) bool { return strings.HasPrefix(r.Reason, fl) }),
						"the reason for %q should start with the flow it failed: %s", r.Name, r.Reason)
					if f.Failed != nil {
						f.Failed(t, fault.Name, r)
					}
				}
			})
		}
	}
	if f.Parallel {
		t.Run("faults", each) // returns when every fault has run
	} else {
		each(t)
	}
	sort.Strings(table)
	t.Logf("fault → failed scenario → reason\n%s", strings.Join(table, "\n"))
	for _, s := range all {
		assert.NotEmpty(t, caughtBy[s.Name], "scenario %q is failed by no fault: nothing proves it can fail", s.Name)
	}
}

func sortedKeys(m map[string]runner.ScenarioResult) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
