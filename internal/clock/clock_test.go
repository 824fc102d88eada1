package clock

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdvanceFiresDueTimersInOrder(t *testing.T) {
	c := New()
	var mu sync.Mutex
	var got []string
	record := func(s string) func() {
		return func() { mu.Lock(); got = append(got, s); mu.Unlock() }
	}
	c.AfterFunc(10*time.Minute, record("10m"))
	c.AfterFunc(5*time.Minute, record("5m"))
	late := c.AfterFunc(time.Hour, record("1h"))
	start := c.Now()

	c.Advance(15 * time.Minute)

	assert.Equal(t, []string{"5m", "10m"}, got)
	assert.GreaterOrEqual(t, c.Since(start), 15*time.Minute)
	assert.True(t, late.Stop(), "the 1h timer was pending")
	assert.False(t, late.Stop(), "a stopped timer stops once")
	assert.Zero(t, c.Pending())
}

func TestTimerScheduledByTimerFiresInSameAdvance(t *testing.T) {
	c := New()
	fired := 0
	c.AfterFunc(5*time.Minute, func() {
		fired++
		c.AfterFunc(5*time.Minute, func() { fired++ })
	})
	c.Advance(10 * time.Minute)
	assert.Equal(t, 2, fired)
}

func TestTimerFiresOnRealTimeToo(t *testing.T) {
	c := New()
	done := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("timer did not fire on real time")
	}
}

func TestWaiterVirtualMeasuresOnRunClock(t *testing.T) {
	c := New()
	ready := false
	c.AfterFunc(90*time.Second, func() { ready = true })
	w := Waiter{Clock: c, Virtual: true}

	took, ok := w.Until(context.Background(), 5*time.Minute, func() bool { return ready })
	require.True(t, ok)
	assert.InDelta(t, 90, took.Seconds(), 1.5)

	ready = false
	took, ok = w.Until(context.Background(), 30*time.Second, func() bool { return ready })
	assert.False(t, ok)
	assert.GreaterOrEqual(t, took, 30*time.Second)
}

func TestSkipDefersTimersToTheNextAdvance(t *testing.T) {
	c := New()
	fired := false
	c.AfterFunc(time.Minute, func() { fired = true })
	start := c.Now()
	c.Skip(2 * time.Minute)
	assert.False(t, fired, "Skip runs no timer")
	assert.GreaterOrEqual(t, c.Since(start), 2*time.Minute)
	c.Advance(0)
	assert.True(t, fired, "the next Advance runs what fell due")
}

func TestWallIgnoresTheRunClock(t *testing.T) {
	run := New()
	run.Advance(time.Hour)
	var wall Clock = Wall{}
	assert.WithinDuration(t, time.Now(), wall.Now(), time.Second)
	assert.WithinDuration(t, time.Now().Add(time.Hour), run.Now(), time.Second)
	fired := make(chan struct{})
	timer := wall.AfterFunc(time.Millisecond, func() { close(fired) })
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("a wall-clock timer fires on real time")
	}
	assert.False(t, timer.Stop(), "a fired timer cannot be stopped")
}
