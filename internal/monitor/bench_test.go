package monitor_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/monitor"
	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/monitor/config"
	"github.com/accord-harness/accord/internal/monitor/store"
)

// BenchmarkCycle measures one full cycle (every endpoint checked once and
// recorded in the state file) over many endpoints served by one loopback
// server in this process, one in ten answering 503, with the default
// configuration. It reports endpoints/s, the time a cycle of 100,000
// endpoints would take at that rate, heap per endpoint (steady: after the
// cycle and a GC; peak: highest sample during it), allocations per check,
// and the process's CPU time per check (monitor and server together), from
// which endpoints/s-per-2-idle-cores follows: on a machine others load too,
// it moves less than endpoints/s.
//
// ACCORD_BENCH_ENDPOINTS=300000 measures a real 300,000-endpoint cycle.
func BenchmarkCycle(b *testing.B) {
	sizes := []int{1000, 10000}
	if v := os.Getenv("ACCORD_BENCH_ENDPOINTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("ACCORD_BENCH_ENDPOINTS=%q", v)
		}
		sizes = []int{n}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("endpoints=%d", n), func(b *testing.B) { benchCycle(b, n) })
	}
}

func benchCycle(b *testing.B, n int) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "0") { // one in ten
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("busy"))
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()

	heap0 := heapInuse()
	cfg := &config.Config{
		File: "bench.yaml", Interval: 5 * time.Minute, Timeout: 10 * time.Second, Threshold: 3,
		SendRecovery: true, Concurrency: config.DefaultConcurrency, State: filepath.Join(b.TempDir(), "bench.db"),
		Endpoints: make([]config.Endpoint, n),
	}
	to := []string{"ops@partner.test"}
	for i := range cfg.Endpoints {
		cfg.Endpoints[i] = config.Endpoint{
			Name: fmt.Sprintf("partner-%06d", i), URL: fmt.Sprintf("%s/partner-%06d/health", srv.URL, i),
			Method: "GET", AlertTo: to,
		}
	}
	st, err := store.Open(cfg.State)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var mails atomic.Int64
	m, err := monitor.New(cfg, monitor.Options{Store: st, Notifier: countingNotifier{&mails}})
	if err != nil {
		b.Fatal(err)
	}

	// Sample the heap while cycles run, for the peak.
	var peak atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if h := heapInuseNoGC(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	})

	ctx := context.Background()
	start := time.Now()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	cycles := 0
	b.ResetTimer()
	for b.Loop() {
		m.Cycle(ctx)
		cycles++
	}
	b.StopTimer()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	close(stop)
	sampler.Wait()
	steady := heapInuse()
	runtime.KeepAlive(m)
	runtime.KeepAlive(cfg)

	perCycle := elapsed / time.Duration(cycles)
	rate := float64(n) / perCycle.Seconds()
	b.ReportMetric(rate, "endpoints/s")
	b.ReportMetric(100000/rate, "s/100k-endpoints")
	b.ReportMetric(float64(int64(steady)-int64(heap0))/float64(n), "steady-heap-B/endpoint")
	b.ReportMetric(float64(int64(peak.Load())-int64(heap0))/float64(n), "peak-heap-B/endpoint")
	b.ReportMetric(float64(m.InFlightLimit()), "in-flight")
	checks := float64(cycles * n)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/checks, "allocs/check")
	cpuPerCheck := cpu.Seconds() / checks
	b.ReportMetric(cpuPerCheck*1e6, "cpu-µs/check")
	b.ReportMetric(2/cpuPerCheck, "endpoints/s-per-2-idle-cores")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	return heapInuseNoGC()
}

func heapInuseNoGC() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// countingNotifier stands in for the relay: the benchmark measures checking,
// and SMTP delivery is tested elsewhere.
type countingNotifier struct{ n *atomic.Int64 }

func (c countingNotifier) Send(context.Context, alert.Message) error { c.n.Add(1); return nil }
