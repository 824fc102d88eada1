package dikidi

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// TestUndeliveredChangesAreLeftOutUntilTheirRetry: with an event lost on its
// way, the strict comparison finds the partner behind, the exploration's
// leaves out exactly that object, and once DIKIDI's retry has delivered it
// both comparisons agree again: nothing is left out for good.
func TestUndeliveredChangesAreLeftOutUntilTheirRetry(t *testing.T) {
	ctx := context.Background()
	st, err := Platform{}.Start(ctx, runner.Config{LatencyBudget: 10 * time.Second})
	require.NoError(t, err)
	defer st.Close()
	w := &world{s: st.(*stage)}
	tests := []struct {
		name   string
		event  string
		change func(t *testing.T)
		left   string
	}{
		{"a booking", dikidimock.EventRecordCreated, func(t *testing.T) {
			require.NoError(t, w.clientBooks("Pedicure", "Olga Kim", "Thursday", "16:00", "Pavel Sokolov", "+79031112233"))
		}, "record "},
		{"a working day", dikidimock.EventScheduleUpdated, func(t *testing.T) {
			require.NoError(t, w.salonSetsHours("Anna Smirnova", "Tuesday of the second week", "12:00", "18:00"))
		}, "Anna Smirnova's day"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, w.begin(ctx, tc.name))
			defer w.end()
			require.NoError(t, w.createKey(dikidimock.KeySpec{AccessType: dikidimock.AccessAdministrator}))
			require.NoError(t, w.hasActivated())
			require.NoError(t, w.s.mock.DropNextEvents(w.company, w.key.ID, 1, tc.event))
			tc.change(t)
			w.settle()

			strict, aside := differences(t, w, false), differences(t, w, true)
			assert.Positive(t, strict.n, "the partner cannot know the change yet")
			assert.Zero(t, aside.n, "only the undelivered change differs: %s", aside.table)
			assert.Contains(t, aside.left, tc.left)

			require.NoError(t, w.minutesPass(2))
			strict, aside = differences(t, w, false), differences(t, w, true)
			assert.Zero(t, strict.n, "DIKIDI's retry brought the change: %s", strict.table)
			assert.Zero(t, aside.n)
			assert.Empty(t, aside.left, "nothing is left out once delivered")
		})
	}
}

type diff struct {
	n           int
	table, left string
}

// differences compares once, without waiting.
func differences(t *testing.T, w *world, leaveAside bool) diff {
	t.Helper()
	s := w.sides()
	if leaveAside {
		u, err := s.undelivered()
		require.NoError(t, err)
		s.aside = u
	}
	tb, err := s.compare(context.Background())
	require.NoError(t, err)
	return diff{tb.Len(), tb.String(), s.aside.String()}
}
