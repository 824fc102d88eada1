package monitor

import (
	"context"
	"math"
	"sync"
	"time"
)

// Sizing of the checks in flight. By Little's law the checks in flight are
// the rate the schedule asks for (endpoints per interval) times the time a
// check takes (from request to answer: the gate bounds what is on the
// network); the gate aims at twice that, so that a burst of slow answers does not hold the
// schedule up, never fewer than minInFlight nor more than the configured
// concurrency, and one sizing at most doubles or halves the limit.
//
// A check can also take longer because this machine is short of CPU; then
// more checks at once only make each one slower and complete no more of
// them. So while the schedule is not kept (fewer checks complete a second
// than it asks for), the gate grows only when growing pays: after each
// growth it compares the checks completed per second with those before, and
// if they did not rise by at least a quarter of the growth, it goes back and
// does not try again for a while.
const (
	minInFlight = 32
	headroom    = 2.0
	// latencyWeight is how much one check moves the running average: about
	// the last hundred checks count.
	latencyWeight = 1.0 / 128
	// window is how many checks are counted between two sizings.
	window = 64
	// payoff is the share of a growth that throughput must follow for the
	// growth to stay.
	payoff = 0.25
	// cooldown is how many windows pass, after a growth that did not pay,
	// before the gate tries growing again.
	cooldown = 64
	// kept is the share of the schedule's rate at which it counts as kept.
	kept = 0.95
)

// gate bounds the checks in flight: tokens in a channel as big as the
// configured concurrency, of which limit are in play. Lowering the limit
// retires tokens as checks give them back; raising it adds tokens.
type gate struct {
	tokens chan struct{}
	rate   float64          // checks per second the schedule asks for
	now    func() time.Time // wall clock: throughput is measured in real time

	mu      sync.Mutex
	limit   int     // tokens in play
	owed    int     // tokens to retire when they come back
	latency float64 // running average, seconds; 0 before the first check
	seen    int     // checks in this window
	since   time.Time
	// The last growth, while it is on trial: the limit before it and the
	// throughput then.
	trialFrom int
	trialRate float64
	rest      int // windows left before growing may be tried again
}

func newGate(bound, endpoints int, interval time.Duration) *gate {
	g := &gate{
		tokens: make(chan struct{}, bound),
		rate:   float64(endpoints) / interval.Seconds(),
		now:    time.Now,
	}
	g.resize(min(minInFlight, bound))
	return g
}

// size decides the limit at the end of a window that completed throughput
// checks per second.
func (g *gate) size(throughput float64) int {
	if g.trialFrom > 0 {
		grew := float64(g.limit)/float64(g.trialFrom) - 1
		paid := throughput >= g.trialRate*(1+payoff*grew)
		from := g.trialFrom
		g.trialFrom = 0
		if !paid {
			g.rest = cooldown
			return from
		}
	}
	want := int(math.Ceil(g.rate * g.latency * headroom))
	want = min(max(want, g.limit/2, minInFlight), 2*g.limit, cap(g.tokens))
	if g.rest > 0 {
		g.rest--
		want = min(want, g.limit)
	}
	if want > g.limit && throughput < kept*g.rate {
		g.trialFrom, g.trialRate = g.limit, throughput
	}
	return want
}

// resize brings the tokens in play to n; the caller holds mu or owns g.
func (g *gate) resize(n int) {
	for ; g.limit < n; g.limit++ {
		if g.owed > 0 {
			g.owed-- // a token still out stays in play instead
			continue
		}
		g.tokens <- struct{}{}
	}
	for ; g.limit > n; g.limit-- {
		select {
		case <-g.tokens:
		default:
			g.owed++ // out with a check: retired when it comes back
		}
	}
}

// acquire waits for a token.
func (g *gate) acquire(ctx context.Context) bool {
	select {
	case <-g.tokens:
		return true
	case <-ctx.Done():
		return false
	}
}

// release gives a token back after a check that took latency, and at the
// end of each window sizes the gate anew.
func (g *gate) release(latency time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.owed > 0 {
		g.owed--
	} else {
		g.tokens <- struct{}{}
	}
	if latency <= 0 {
		return // abandoned: no measure of anything
	}
	if s := latency.Seconds(); g.latency == 0 {
		g.latency = s
	} else {
		g.latency += (s - g.latency) * latencyWeight
	}
	now := g.now()
	if g.seen == 0 {
		g.since = now
	}
	if g.seen++; g.seen < window {
		return
	}
	elapsed := now.Sub(g.since).Seconds()
	g.seen = 0
	if elapsed <= 0 {
		return
	}
	g.resize(g.size(float64(window-1) / elapsed))
}

// giveBack returns a token unused (a check abandoned before it started).
func (g *gate) giveBack() { g.release(0) }

// Limit is the number of checks allowed in flight now.
func (g *gate) Limit() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}
