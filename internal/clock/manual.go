package clock

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Manual is a clock on which real time does not pass: it moves only when
// Advance moves it, so a test of code that keeps its own schedule on
// goroutines of its own (the monitor's slots, probe time-outs and mail
// back-off) sees the same times on every run, however slow the machine.
//
// Unlike Run's, an Advance here is one jump: no goroutine, not even a timer's
// callback, sees a time in between, so code woken by the jump schedules from
// where the jump landed, as it would after a pause of real time.
type Manual struct {
	mu      sync.Mutex
	now     time.Time
	timers  map[*manualTimer]struct{}
	seq     int64
	waiters []chan struct{} // WaitPending calls to wake when a timer is set
}

// NewManual returns a manual clock that reads start until it is advanced.
func NewManual(start time.Time) *Manual {
	return &Manual{now: start, timers: map[*manualTimer]struct{}{}}
}

type manualTimer struct {
	slot
	c *Manual
	f func()
}

// Now is start plus every Advance so far.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc runs f once the clock has been advanced by d. A timer that is due
// already (d <= 0) runs f at once on its own goroutine, as time.AfterFunc
// does: nothing may have to wait for an Advance that was not needed.
func (c *Manual) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &manualTimer{slot: slot{at: c.now.Add(d), order: c.seq}, c: c, f: f}
	if d <= 0 {
		go f()
		return t
	}
	c.timers[t] = struct{}{}
	for _, w := range c.waiters {
		close(w)
	}
	c.waiters = nil
	return t
}

// Stop prevents the call; it reports whether it did.
func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if _, ok := t.c.timers[t]; !ok {
		return false
	}
	delete(t.c.timers, t)
	return true
}

// Advance jumps the clock forward by d (never back), then calls every timer
// that the jump made due, in deadline order, each to completion before the
// next: after Advance returns, whatever was due has been called.
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(max(d, 0))
	var due []*manualTimer
	for t := range c.timers {
		if !t.at.After(c.now) {
			due = append(due, t)
			delete(c.timers, t)
		}
	}
	c.mu.Unlock()
	slices.SortFunc(due, func(a, b *manualTimer) int { return a.cmp(b.slot) })
	for _, t := range due {
		t.f()
	}
}

// Pending counts timers not yet called or stopped.
func (c *Manual) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitPending returns once at least n timers are pending, or ctx's error if
// it ends first. A test uses it to know that the code under test is waiting
// on the clock before it advances it: advancing earlier would move time under
// code that has not yet set its timer, which would then fire late.
func (c *Manual) WaitPending(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		if len(c.timers) >= n {
			c.mu.Unlock()
			return nil
		}
		set := make(chan struct{})
		c.waiters = append(c.waiters, set)
		c.mu.Unlock()
		select {
		case <-set:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
