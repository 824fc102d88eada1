package dikidi_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/clock"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// BenchmarkEventDelivery measures how many events per second the mock gets
// to a loopback Path: each event is built per key (masked, validated against
// its schema, journaled) and POSTed; every failEvery-th request of the Path
// answers 503, so that share of events goes through the retry path on the
// run clock before it is delivered.
func BenchmarkEventDelivery(b *testing.B) {
	for _, tc := range []struct {
		name      string
		failEvery int64
	}{
		{"no-failures", 0},
		{"10pct-retried", 10},
	} {
		b.Run(tc.name, func(b *testing.B) { benchDelivery(b, tc.failEvery) })
	}
}

func benchDelivery(b *testing.B, failEvery int64) {
	var requests, delivered, failed atomic.Int64
	path := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if failEvery > 0 && n%failEvery == 0 {
			failed.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		delivered.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer path.Close()
	clk := clock.New()
	m, err := dikidimock.New(dikidimock.Options{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	base, err := dikidifixture.Salon()
	if err != nil {
		b.Fatal(err)
	}
	fx, err := base.WeekAfter(clk.Now())
	if err != nil {
		b.Fatal(err)
	}
	if err := m.AddCompany(fx); err != nil {
		b.Fatal(err)
	}
	u := path.URL
	k, err := m.CreateKey(fx.Company.ID, dikidimock.KeySpec{Name: "bench", AccessType: dikidimock.AccessAdministrator, Path: &u})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/partner/key/activate?token="+k.Token, nil)
	req.Header.Set("Authorization", fx.PartnerKeys[0])
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("activation: %v %v", err, res)
	}
	res.Body.Close()
	waitFor := func(cond func() bool) {
		deadline := time.Now().Add(2 * time.Minute)
		for !cond() {
			if time.Now().After(deadline) {
				b.Fatalf("deliveries stalled: %d requests, %d delivered, %d failed", requests.Load(), delivered.Load(), failed.Load())
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	waitFor(func() bool { return delivered.Load() == 1 }) // key.state_changed
	requests.Store(0)
	delivered.Store(0)
	failed.Store(0)

	// Every change of Olga Kim's Monday (a day off in the fixture) is one schedule.updated.
	monday, _ := fx.Day(1)
	at := func(h int) time.Time { return monday.Add(time.Duration(h) * time.Hour) }
	hours := []dikidimock.Hours{{Working: true, From: at(10), To: at(19)}, {Working: true, From: at(11), To: at(19)}}
	want := int64(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := m.SetHours(fx.Company.ID, 202, monday, hours[i%2]); err != nil {
			b.Fatal(err)
		}
	}
	// First attempts leave from the key's worker; failed ones are retried on
	// the run clock, which the benchmark moves on until all are in.
	waitFor(func() bool { return requests.Load() >= want })
	for delivered.Load() < want {
		clk.Advance(time.Hour)
		if delivered.Load() < want {
			time.Sleep(time.Millisecond)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(failed.Load())/float64(b.N), "retries/event")
}
