// Package clock is the run's clock: real time plus a virtual offset that
// scenarios advance, so five-minute retries, token expiry and latency budgets
// are exercised without sleeping.
//
// It is the project's only clock: Wall is real time for what lives outside a
// run (an external partner, the monitor in production), and Manual is a clock
// that moves only when a test advances it (the monitor's tests).
package clock

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is what mocks and partners read time from.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f once, d after now on this clock.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop prevents the call; it reports whether it did.
	Stop() bool
}

// Wall is the machine's own clock, with nothing added: the clock of a
// partner that lives outside the run, in real time.
type Wall struct{}

// Now is the real time.
func (Wall) Now() time.Time { return time.Now() }

// AfterFunc runs f after d of real time.
func (Wall) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Run is real time shifted by an offset that only grows. Timers fire when real
// time reaches them or when Advance jumps over them, whichever comes first,
// and never twice.
type Run struct {
	mu     sync.Mutex
	offset time.Duration
	timers map[*timer]struct{}
	seq    int64 // breaks deadline ties by scheduling order
	// fire serialises Advance calls so timers fire in deadline order.
	fire sync.Mutex
}

// New returns a run clock that starts at real time.
func New() *Run { return &Run{timers: map[*timer]struct{}{}} }

// NewAt returns a run clock that reads start now (zero: real time), so a
// suite can be run as if it started at any hour and date: no verdict may
// depend on when a run starts.
func NewAt(start time.Time) *Run {
	c := New()
	if !start.IsZero() {
		c.offset = time.Until(start)
	}
	return c
}

// Now is real time plus every Advance so far.
func (c *Run) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Since is Now().Sub(t).
func (c *Run) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

type timer struct {
	slot
	c    *Run
	f    func()
	real *time.Timer
	done bool
}

// slot is when a timer is due; order breaks ties by scheduling order.
type slot struct {
	at    time.Time
	order int64
}

// cmp orders timers by deadline, then by when they were scheduled.
func (s slot) cmp(o slot) int {
	if c := s.at.Compare(o.at); c != 0 {
		return c
	}
	return cmp.Compare(s.order, o.order)
}

// AfterFunc schedules f; a real timer backs it so it also fires with no Advance.
func (c *Run) AfterFunc(d time.Duration, f func()) Timer {
	t := &timer{c: c, f: f}
	c.mu.Lock()
	c.seq++
	t.order = c.seq
	t.at = time.Now().Add(c.offset).Add(d)
	c.timers[t] = struct{}{}
	// Set under the lock: an Advance on another goroutine may find the timer
	// due (nextDue, under the lock) and stop its real timer at once.
	t.real = time.AfterFunc(d, func() {
		if t.claim() {
			t.f()
		}
	})
	c.mu.Unlock()
	return t
}

// claim marks the timer fired; only the first caller gets true.
func (t *timer) claim() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	delete(t.c.timers, t)
	return true
}

func (t *timer) Stop() bool {
	if !t.claim() {
		return false
	}
	t.real.Stop()
	return true
}

// Advance moves the clock forward by d, running every timer that falls due on
// the way, in deadline order, each to completion before the next: after
// Advance returns, whatever was due has happened.
func (c *Run) Advance(d time.Duration) {
	c.fire.Lock()
	defer c.fire.Unlock()
	c.mu.Lock()
	begin := time.Now()
	target := begin.Add(c.offset).Add(d)
	c.mu.Unlock()
	// The target moves on with real time: a timer a callback schedules
	// "5 minutes from now" lands microseconds after a fixed target, and must
	// still fire within this Advance.
	for {
		t := c.nextDue(target.Add(time.Since(begin)))
		if t == nil {
			break
		}
		t.real.Stop()
		t.f()
	}
	c.mu.Lock()
	if gap := target.Add(time.Since(begin)).Sub(time.Now().Add(c.offset)); gap > 0 {
		c.offset += gap
	}
	c.mu.Unlock()
}

// Skip moves the clock forward by d without running the timers that fall
// due: they run at the next Advance (or on real time). It is for code that
// must let time pass while holding a lock a timer's callback may need, such
// as a partner waiting out a rate limit in the middle of its work.
func (c *Run) Skip(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// nextDue claims the earliest timer due by target and moves the clock to it.
func (c *Run) nextDue(target time.Time) *timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	var due []*timer
	for t := range c.timers {
		if !t.at.After(target) {
			due = append(due, t)
		}
	}
	if len(due) == 0 {
		return nil
	}
	t := slices.MinFunc(due, func(a, b *timer) int { return a.cmp(b.slot) })
	if gap := t.at.Sub(time.Now().Add(c.offset)); gap > 0 {
		c.offset += gap
	}
	t.done = true
	delete(c.timers, t)
	return t
}

// Pending counts timers not yet fired or stopped.
func (c *Run) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Waiter lets a step wait for something to become true within a budget
// measured on the run clock.
type Waiter struct {
	Clock *Run
	// Virtual is true when everything that must happen runs on this clock
	// (the embedded reference partner): waiting then advances the clock
	// instead of sleeping. An external partner lives in real time, so the
	// wait is real.
	Virtual bool
	// Tick is how far each wait step goes; 0 means one second.
	Tick time.Duration
}

// Until polls cond until it holds or budget has passed on the run clock; it
// returns how long that took on the run clock and whether cond held.
func (w Waiter) Until(ctx context.Context, budget time.Duration, cond func() bool) (time.Duration, bool) {
	tick := w.Tick
	if tick <= 0 {
		tick = time.Second
	}
	start := w.Clock.Now()
	for {
		if cond() {
			return w.Clock.Since(start), true
		}
		elapsed := w.Clock.Since(start)
		if elapsed >= budget || ctx.Err() != nil {
			return elapsed, false
		}
		step := min(tick, budget-elapsed)
		if w.Virtual {
			w.Clock.Advance(step)
			// Let goroutines woken by the jump run before checking again.
			time.Sleep(time.Millisecond)
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(step):
		}
	}
}
