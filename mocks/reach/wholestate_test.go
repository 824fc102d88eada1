package reach_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func TestTheReferencePartnersWholeStateIsTheBooks(t *testing.T) {
	e := newEnv(t, envOptions{})
	start := time.Now()
	table, err := e.reach.CompareWholeState(context.Background(), e.conn(t, "whole"), e.set)
	require.NoError(t, err)
	t.Logf("%d requests in %s", e.reach.Stats().Requests, time.Since(start))
	assert.NoError(t, table.Err("the whole state"))
	want := reachmock.ExpectedState(e.set)
	assert.Greater(t, want.Len(), 1000)
}

// BenchmarkWholeState is one whole-state reading of the reference partner and its comparison with
// the books, the validation cache warm (as for every reading after a run's first).
func BenchmarkWholeState(b *testing.B) {
	e := newEnv(b, envOptions{})
	conn := e.conn(b, "bench")
	want := reachmock.ExpectedState(e.set)
	ctx := context.Background()
	if _, err := e.reach.ReadWholeState(ctx, conn, e.set); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := e.reach.ReadWholeState(ctx, conn, e.set)
		if err != nil {
			b.Fatal(err)
		}
		if table := reachmock.CompareStates("the books", want, got); table.Len() > 0 {
			b.Fatal(table.Err("whole state"))
		}
	}
}
