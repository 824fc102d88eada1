package journal_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
)

// fill adds one entry per tenant name, in order, each carrying its index as URL.
func fill(t testing.TB, j *journal.Journal, tenants ...string) {
	t.Helper()
	for i, tenant := range tenants {
		j.Add(journal.Entry{Tenant: tenant, URL: fmt.Sprint(i)})
	}
}

func urls(es []journal.Entry) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.URL)
	}
	return out
}

func seqs(es []journal.Entry) []int64 {
	out := make([]int64, 0, len(es))
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestJournalKeepsWhatItsLimitSays(t *testing.T) {
	traffic := []string{"a", "b", "a", "", "a", "b", "a", "c", "a"}
	for _, tc := range []struct {
		name    string
		limit   int
		all     []string // URLs Select(nil) returns
		tenantA []string
		dropped int64
	}{
		{"a run's journal keeps everything", 0, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8"}, []string{"0", "2", "4", "6", "8"}, 0},
		{"bounded, each tenant keeps its newest", 2, []string{"1", "3", "5", "6", "7", "8"}, []string{"6", "8"}, 3},
		{"a bound no tenant reaches drops nothing", 5, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8"}, []string{"0", "2", "4", "6", "8"}, 0},
		{"a bound of one", 1, []string{"3", "5", "7", "8"}, []string{"8"}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := journal.NewBounded(tc.limit)
			fill(t, j, traffic...)
			all := j.Select(nil)
			require.Equal(t, tc.all, urls(all))
			require.IsIncreasing(t, seqs(all), "entries come back in the order they were added")
			require.Equal(t, tc.tenantA, urls(j.Tenant("a")))
			require.Equal(t, tc.tenantA, urls(j.Select(func(e journal.Entry) bool { return e.Tenant == "a" })))
			require.Equal(t, len(tc.all), j.Len())
			require.Equal(t, tc.dropped, j.Dropped())
			require.Equal(t, int64(len(traffic)), j.LastSeq(), "sequence numbers count every entry, dropped or not")
		})
	}
}

// Scenarios take a mark (LastSeq) and later read what came after it.
func TestMarksSeeOnlyWhatCameAfter(t *testing.T) {
	for _, limit := range []int{0, 3} {
		t.Run(fmt.Sprint("limit=", limit), func(t *testing.T) {
			j := journal.NewBounded(limit)
			fill(t, j, "a", "b", "a")
			mark := j.LastSeq()
			fill(t, j, "b", "a", "b")
			require.Equal(t, []int64{4, 5, 6}, seqs(j.Since(mark)))
			require.Equal(t, []int64{5}, seqs(j.TenantSince("a", mark)))
			require.Equal(t, []int64{4, 6}, seqs(j.Select(func(e journal.Entry) bool { return e.Tenant == "b" && e.Seq > mark })))
			require.Empty(t, j.Since(j.LastSeq()))
			require.Empty(t, j.TenantSince("nobody", 0))
		})
	}
}

func TestFeedPassesNewEntriesAndCountsWhatItMissed(t *testing.T) {
	j := journal.NewBounded(10)
	fill(t, j, "before")
	f := j.Follow(2)
	fill(t, j, "a", "b", "c", "d")
	require.Equal(t, "0", (<-f.C()).URL)
	require.Equal(t, "1", (<-f.C()).URL)
	require.Equal(t, int64(2), f.Missed(), "Add never waits for a slow reader")
	j.Unfollow(f)
	_, open := <-f.C()
	require.False(t, open)
	fill(t, j, "e")
	require.Equal(t, int64(2), f.Missed(), "an unfollowed feed is left alone")
}

func TestBodiesAreCapped(t *testing.T) {
	j := journal.New()
	j.MaxBody = 4
	e := j.Add(journal.Entry{RequestBody: []byte("0123456789"), ResponseBody: []byte("01")})
	require.Equal(t, "0123…(truncated)", string(e.RequestBody))
	require.Equal(t, "01", string(e.ResponseBody))
}

// BenchmarkAddBounded is the cost of journaling one exchange on a mock that
// has served many: with a bound it does not grow with what came before.
func BenchmarkAddBounded(b *testing.B) {
	j := journal.NewBounded(1000)
	e := journal.Entry{Tenant: "sandbox", Method: "GET", URL: "http://mock/api/v3/integration/facilities", Status: 200}
	b.ReportAllocs()
	for b.Loop() {
		j.Add(e)
	}
	if j.Len() > 1000 {
		b.Fatalf("kept %d entries, bound is 1000", j.Len())
	}
}
