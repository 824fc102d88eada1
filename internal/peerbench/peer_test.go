package peerbench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/peerbench"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// serveDocplanner starts a Docplanner mock as `accord mock docplanner
// --rate-limits off` runs it (the default bounded journal, no console) and
// seeds its sandbox client.
func serveDocplanner(tb testing.TB, client *http.Client, opts docplannermock.Options) *peerbench.Docplanner {
	tb.Helper()
	d, _ := serveDocplannerMock(tb, client, opts)
	return d
}

// serveDocplannerMock is serveDocplanner, with the mock itself.
func serveDocplannerMock(tb testing.TB, client *http.Client, opts docplannermock.Options) (*peerbench.Docplanner, http.Handler) {
	tb.Helper()
	opts.Journal = journal.NewBounded(1000)
	opts.RateLimitsOff = true
	m, err := docplannermock.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := docplannerfixture.Clinic()
	if err != nil {
		tb.Fatal(err)
	}
	m.AddTenant("bench", "bench-secret", f)
	srv := httptest.NewServer(m)
	tb.Cleanup(srv.Close)
	d, err := peerbench.SeedDocplanner(context.Background(), client, srv.URL, "bench", "bench-secret", f.Location())
	if err != nil {
		tb.Fatal(err)
	}
	return d, m
}

// BenchmarkPeerGetSlots serves, in one run and over loopback with one client,
// the same getSlots answer (one day, three slots) from a bare net/http handler
// writing its bytes, from the Docplanner mock (routing, authentication, rate
// counting, request and response validation, journal) and from the mock with
// validation off; and from Prism when ACCORD_PEER_PRISM names one serving the
// mock's document (make bench-peer starts it; Prism answers from the
// document's example, which is about as long). Each iteration is one round:
// every server in turn, ACCORD_PEER_REQUESTS requests (default 2000) from
// ACCORD_PEER_WORKERS connections (default 16).
//
// It reports each server's requests per second and the ratios that are the
// targets: mock/bare (at least 0.5), validated/unvalidated (at most 1.5),
// and mock/prism; and, steadier on a loaded machine, the process's CPU time
// per request (client and server together) and mock/bare by it.
func BenchmarkPeerGetSlots(b *testing.B) {
	workers := envInt(b, "ACCORD_PEER_WORKERS", 16)
	requests := envInt(b, "ACCORD_PEER_REQUESTS", 2000)
	client := peerbench.NewClient(workers)
	mock := serveDocplanner(b, client, docplannermock.Options{})
	unvalidated := serveDocplanner(b, client, docplannermock.Options{SkipRequestValidation: true, SkipResponseValidation: true})

	req, err := mock.GetSlots()
	if err != nil {
		b.Fatal(err)
	}
	rec, err := peerbench.Record(client, req)
	if err != nil {
		b.Fatal(err)
	}
	if rec.Status != http.StatusOK {
		b.Fatalf("getSlots answered %d: %s", rec.Status, rec.Body)
	}
	bare := httptest.NewServer(rec.Bare())
	b.Cleanup(bare.Close)
	bareCall := *mock
	bareCall.Base = bare.URL

	targets := []peerbench.Target{
		{Name: "bare", Request: bareCall.GetSlots, Status: http.StatusOK},
		{Name: "mock", Request: mock.GetSlots, Status: http.StatusOK},
		{Name: "mock-unvalidated", Request: unvalidated.GetSlots, Status: http.StatusOK},
	}
	if base := os.Getenv("ACCORD_PEER_PRISM"); base != "" {
		// Prism serves the document's paths without its server's base path.
		prism := *mock
		prism.Base = base
		prism.Path = strings.TrimPrefix(prism.Path, "/api/v3/integration")
		targets = append(targets, peerbench.Target{Name: "prism", Request: prism.GetSlots, Status: http.StatusOK})
	}
	ctx := context.Background()
	// A round unmeasured: connections open, caches warm.
	if _, err := peerbench.Rounds(ctx, client, targets, 1, workers, min(requests, 500)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	rates, err := peerbench.Rounds(ctx, client, targets, b.N, workers, requests)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	for _, t := range targets {
		b.ReportMetric(rates[t.Name].PerSecond, t.Name+"-req/s")
	}
	for _, t := range targets[:3] {
		// Prism is another process: this one's CPU says nothing of it.
		b.ReportMetric(float64(rates[t.Name].CPU.Microseconds()), t.Name+"-cpu-µs/req")
	}
	b.ReportMetric(rates["mock"].PerSecond/rates["bare"].PerSecond, "mock/bare")
	b.ReportMetric(float64(rates["bare"].CPU)/float64(rates["mock"].CPU), "mock/bare-by-cpu")
	b.ReportMetric(float64(rates["mock"].CPU)/float64(rates["mock-unvalidated"].CPU), "validated/unvalidated-cpu")
	if p, ok := rates["prism"]; ok {
		b.ReportMetric(p.PerSecond/rates["bare"].PerSecond, "prism/bare")
		b.ReportMetric(rates["mock"].PerSecond/p.PerSecond, "mock/prism")
	}
	b.ReportMetric(float64(len(rec.Body)), "body-B")
}

// BenchmarkMockGetSlotsInProcess is the mock's own work on the peer
// benchmark's request, without the network: what it adds to a bare handler.
func BenchmarkMockGetSlotsInProcess(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts docplannermock.Options
	}{
		{"validated", docplannermock.Options{}},
		{"unvalidated", docplannermock.Options{SkipRequestValidation: true, SkipResponseValidation: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d, m := serveDocplannerMock(b, peerbench.NewClient(1), tc.opts)
			req := httptest.NewRequest(http.MethodGet, d.Path, nil)
			req.Header.Set("Authorization", "Bearer "+d.Token)
			b.ReportAllocs()
			cpu := peerbench.CPUTime()
			for b.Loop() {
				w := httptest.NewRecorder()
				m.ServeHTTP(w, req.Clone(req.Context()))
				if w.Code != http.StatusOK {
					b.Fatalf("getSlots answered %d: %s", w.Code, w.Body)
				}
			}
			b.ReportMetric(float64(peerbench.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
