package docplanner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
)

// explorerFor starts a run against the bundled reference partner (with
// faults) and an explorer on a world of its own.
func explorerFor(t *testing.T, cfg runner.Config) *explorer {
	t.Helper()
	ctx := context.Background()
	if cfg.LatencyBudget == 0 {
		cfg.LatencyBudget = DefaultLatencyBudget
	}
	s, err := Platform{}.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ss := s.(*session)
	w := &world{s: ss, model: ss.model, ctx: ctx, scenario: t.Name()}
	return &explorer{w: w}
}

// TestTheSameSeedGivesTheSameSteps: generation reads only the seed and the
// model, never the partner or the time, so two runs of one seed are the same
// sequence, and another seed gives another.
func TestTheSameSeedGivesTheSameSteps(t *testing.T) {
	run := func(seed uint64) []explore.Step {
		steps, err := explore.Run(context.Background(), explorerFor(t, runner.Config{}), explore.Options{Seed: seed, Steps: 30})
		require.NoError(t, err)
		require.Len(t, steps, 30)
		return steps
	}
	a, b, c := run(7), run(7), run(8)
	for _, s := range a {
		t.Log(s.Text)
	}
	require.Equal(t, a, b)
	require.NotEqual(t, a, c)
}
