package reach_test

import (
	"context"
	"testing"
	"time"

	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// benchSync is one full sync of the fixture (user-info, company, five lists in pages of 20, three
// statements × two bases × the fiscal-year chunks, budgets, metric values) against the reference
// partner on loopback.
func benchSync(b *testing.B, opts reachmock.Options) {
	e := newEnv(b, envOptions{reach: opts})
	conn := e.conn(b, "bench")
	ctx := context.Background()
	before := e.reach.Stats()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if res := e.reach.Sync(ctx, conn, reachmock.OnDemand); !res.Completed() {
			b.Fatal(res.Err())
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	st := e.reach.Stats()
	requests := st.Requests - before.Requests
	b.ReportMetric(float64(requests)/elapsed.Seconds(), "requests/s")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/sync")
	if n := st.Validated - before.Validated; n > 0 {
		b.ReportMetric(float64((st.Validation-before.Validation).Nanoseconds())/float64(n), "ns-validation/response")
	}
}

// BenchmarkFullSync is Reach's normal path: every answer validated against the specification, an
// answer validated before (the same bytes to the same request) taken from the cache.
func BenchmarkFullSync(b *testing.B) { benchSync(b, reachmock.Options{}) }

// BenchmarkFullSyncUncached validates every answer afresh: validation's whole cost.
func BenchmarkFullSyncUncached(b *testing.B) {
	benchSync(b, reachmock.Options{NoValidationCache: true})
}

// BenchmarkFullSyncUnvalidated is the same sync with validation off; the difference is validation's cost.
func BenchmarkFullSyncUnvalidated(b *testing.B) {
	benchSync(b, reachmock.Options{SkipValidation: true})
}
