package docplanner

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
)

// explorerFor starts a run against the bundled reference partner (with
// faults) and an explorer on a world of its own.
func explorerFor(t *testing.T, p Platform, cfg runner.Config) *explorer {
	t.Helper()
	ctx := context.Background()
	if cfg.LatencyBudget == 0 {
		cfg.LatencyBudget = DefaultLatencyBudget
	}
	s, err := p.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ss := s.(*stage)
	w := &world{s: ss, model: ss.model}
	w.Begin(&ss.Base, ctx, t.Name())
	return &explorer{w: w}
}

// The @explore scenarios run in every whole-suite test: against the
// reference partner (TestReferencePartnerPassesEverything), its alternative
// build (TestChoicesOfTheAlternativeBuildPassEverything), both builds on the
// larger clinic (TestADifferentCorrectPartnerPassesEverything),
// a PULL-only partner (TestChoicesTheProtocolLeavesOpenAreNotApplicable),
// at odd start hours and across the change to summer time
// (TestNoVerdictDependsOnWhenTheRunStarts) and an external partner
// (external_test.go).

// TestTheSameSeedGivesTheSameSteps: generation reads only the seed and the
// model, never the partner or the time, so two runs of one seed are the same
// sequence, and another seed gives another.
func TestTheSameSeedGivesTheSameSteps(t *testing.T) {
	run := func(seed uint64) []explore.Step {
		steps, err := explore.Run(context.Background(), explorerFor(t, Platform{}, runner.Config{}), explore.Options{Seed: seed, Steps: 16})
		require.NoError(t, err)
		require.Len(t, steps, 16)
		return steps
	}
	a, b, c := run(7), run(7), run(8)
	require.Equal(t, a, b)
	require.NotEqual(t, a, c)
}

// TestALostRepairIsFoundAndShrunk: a partner whose periodic sync sends
// again only the visits Docplanner never had (not a cancellation, move or
// removal it refused once) passes every hand-written scenario; exploration
// finds it and shrinks the sequence to the refused change and the sync.
func TestALostRepairIsFoundAndShrunk(t *testing.T) {
	x := explorerFor(t, Platform{}, runner.Config{Faults: []string{"sync-sends-new-visits-only"}})
	err := explore.Explore(context.Background(), x, explore.Plan{Seed: 1, Sequences: 3, Steps: 12})
	var f *explore.Failure
	require.ErrorAs(t, err, &f)
	t.Logf("%v", f)
	require.LessOrEqual(t, len(f.Shrunk), 3, "shrunk to: %v", f.Shrunk)
	last := f.Shrunk[len(f.Shrunk)-1]
	require.Equal(t, "sync", last.Action, "the sequence ends with the sync that should have repaired")
	refused := slices.ContainsFunc(f.Shrunk, func(s explore.Step) bool { return s.Args["fail"] == fail503 || s.Action == "outage" })
	require.True(t, refused, "Docplanner refused a change of the receptionist: %v", f.Shrunk)
	require.Contains(t, f.Error(), "Then both sides agree on their whole state")
	require.Contains(t, f.Error(), "| Docplanner")
}
