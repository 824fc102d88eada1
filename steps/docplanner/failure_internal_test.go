package docplanner

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accord-harness/accord/internal/journal"
)

// TestFailurePointsAreTheFirstAndLastCallOfEachKind: the failed-call
// scenarios fail the first and the last call of every kind a flow makes,
// and fall back to calls spread evenly when there are too many such points
// or the journal saw another number of calls than the mock admitted.
func TestFailurePointsAreTheFirstAndLastCallOfEachKind(t *testing.T) {
	calls := func(ops ...string) []journal.Entry {
		t.Helper()
		var out []journal.Entry
		for _, op := range ops {
			out = append(out, journal.Entry{Method: "GET", Operation: op})
		}
		return out
	}
	many := make([]string, 0, 2*maxFailedCalls)
	for i := range 2 * maxFailedCalls {
		many = append(many, string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	for _, tc := range []struct {
		name  string
		calls []journal.Entry
		n     int
		want  []int
	}{
		{"none", nil, 0, nil},
		{"one kind", calls("slots", "slots", "slots"), 3, []int{1, 3}},
		{"kinds interleaved", calls("slots", "bookings", "slots", "breaks", "bookings"), 5, []int{1, 2, 3, 4, 5}},
		{"one call", calls("slots"), 1, []int{1}},
		{"journal disagrees: spread evenly", calls("slots"), 5, []int{1, 2, 3, 4, 5}},
		{"too many kinds: spread evenly", calls(many...), len(many), evenly(len(many))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, failurePoints(tc.calls, tc.n))
		})
	}
}

// evenly is maxFailedCalls points from 1 to n, both ends included.
func evenly(n int) []int {
	var out []int
	for i := range maxFailedCalls {
		out = append(out, 1+i*(n-1)/(maxFailedCalls-1))
	}
	return out
}
