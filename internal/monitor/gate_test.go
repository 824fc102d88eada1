package monitor

import (
	"context"
	"math"
	"testing"
	"time"
)

// remote is endpoints that answer in d however many checks run at once.
func remote(d time.Duration) func(int) time.Duration {
	return func(int) time.Duration { return d }
}

// slowedAfter is endpoints answering in before for the first checks, and
// in after from then on.
func slowedAfter(checks int, before, after time.Duration) func(int) time.Duration {
	n := 0
	return func(int) time.Duration {
		if n++; n <= checks {
			return before
		}
		return after
	}
}

// cpuBound is checks that take d until more than cpus of them run at once,
// and proportionally longer past that: this machine's CPU is the limit.
func cpuBound(cpus int, d time.Duration) func(int) time.Duration {
	return func(inFlight int) time.Duration {
		return d * time.Duration(max(inFlight, cpus)) / time.Duration(cpus)
	}
}

// TestGateSizesChecksInFlight: the checks in flight follow endpoints per
// interval times the observed latency (twice over), within the configured
// concurrency and never below the floor; so a million endpoints answering
// in 200 ms are all checked in five minutes.
func TestGateSizesChecksInFlight(t *testing.T) {
	for _, tc := range []struct {
		name      string
		bound     int
		endpoints int
		interval  time.Duration
		latency   func(inFlight int) time.Duration
		want      int
	}{
		{"a million endpoints answering in 200 ms", 5000, 1_000_000, 5 * time.Minute, remote(200 * time.Millisecond), 1334},
		{"the same, bounded by the configuration", 500, 1_000_000, 5 * time.Minute, remote(200 * time.Millisecond), 500},
		{"few fast endpoints keep the floor", 5000, 1000, 5 * time.Minute, remote(20 * time.Millisecond), minInFlight},
		{"a floor above the bound is the bound", 4, 1000, 5 * time.Minute, remote(20 * time.Millisecond), 4},
		{"endpoints timing out", 5000, 100_000, time.Minute, remote(10 * time.Second), 5000},
		{"endpoints quick at first, then slow for good", 5000, 1_000_000, 5 * time.Minute, slowedAfter(20*window, 5*time.Millisecond, 200*time.Millisecond), 1334},
		// Past 64 checks at once each check is slower, and no more complete.
		{"a schedule beyond what this machine's CPU can do", 5000, 6_000_000, 5 * time.Minute, cpuBound(64, 5*time.Millisecond), 64},
		{"a schedule this machine keeps", 5000, 3_000_000, 5 * time.Minute, cpuBound(64, 5*time.Millisecond), 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGate(tc.bound, tc.endpoints, tc.interval)
			demand := float64(tc.endpoints) / tc.interval.Seconds()
			// Simulated time. The schedule releases checks at its rate, so
			// as many are in flight as that rate times their latency, up to
			// the limit; and limit/latency complete a second at most.
			clock := time.Unix(0, 0)
			g.now = func() time.Time { return clock }
			for range 400 * window {
				if !g.acquire(context.Background()) {
					t.Fatal("no token")
				}
				limit := g.Limit()
				inFlight := limit
				for range 20 {
					inFlight = min(limit, int(math.Ceil(demand*tc.latency(inFlight).Seconds())))
				}
				latency := tc.latency(inFlight)
				rate := min(demand, float64(limit)/latency.Seconds())
				clock = clock.Add(time.Duration(float64(time.Second) / rate))
				g.release(latency)
			}
			got := g.Limit()
			t.Logf("limit %d", got)
			if got < tc.want*2/3 || got > tc.want*3/2 {
				t.Fatalf("limit %d, want about %d", got, tc.want)
			}
		})
	}
}

// TestGateNeverLetsMoreThanItsLimitThrough, lowering the limit while
// checks are out included.
func TestGateNeverLetsMoreThanItsLimitThrough(t *testing.T) {
	g := newGate(100, 100*60, time.Minute)
	held := 0
	for len(g.tokens) > 0 && g.acquire(context.Background()) {
		held++
	}
	if held != 32 {
		t.Fatalf("%d tokens at the start, want the floor, 32 (100 ms assumed)", held)
	}
	g.mu.Lock()
	g.resize(10) // latencies fell: fewer wanted while all are out
	g.mu.Unlock()
	for range held {
		g.giveBack()
	}
	if n := len(g.tokens); n != 10 || g.Limit() != 10 {
		t.Fatalf("%d tokens free, limit %d; want 10 and 10", n, g.Limit())
	}
	g.mu.Lock()
	g.resize(60)
	g.mu.Unlock()
	if n := len(g.tokens); n != 60 {
		t.Fatalf("%d tokens free after raising the limit to 60", n)
	}
}
