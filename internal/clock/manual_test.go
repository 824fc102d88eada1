package clock

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var manualStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestManualFiresOnlyWhatAnAdvanceMakesDue(t *testing.T) {
	tests := []struct {
		name     string
		timers   []time.Duration // scheduled at start, named by their delay
		stop     []int           // indexes of timers stopped before advancing
		advances []time.Duration
		want     []time.Duration // the delays called, in the order called
		pending  int
	}{
		{name: "nothing without an advance", timers: []time.Duration{time.Second}, pending: 1},
		{name: "an advance short of the deadline", timers: []time.Duration{time.Minute},
			advances: []time.Duration{59 * time.Second}, pending: 1},
		{name: "deadline order, not scheduling order",
			timers:   []time.Duration{10 * time.Minute, 5 * time.Minute, time.Hour},
			advances: []time.Duration{15 * time.Minute},
			want:     []time.Duration{5 * time.Minute, 10 * time.Minute}, pending: 1},
		{name: "ties in scheduling order", timers: []time.Duration{time.Minute, time.Minute},
			advances: []time.Duration{time.Minute}, want: []time.Duration{time.Minute, time.Minute}},
		{name: "advances add up", timers: []time.Duration{3 * time.Minute},
			advances: []time.Duration{time.Minute, time.Minute, time.Minute}, want: []time.Duration{3 * time.Minute}},
		{name: "a stopped timer is not called", timers: []time.Duration{time.Minute, 2 * time.Minute}, stop: []int{0},
			advances: []time.Duration{time.Hour}, want: []time.Duration{2 * time.Minute}},
		{name: "time never goes back", timers: []time.Duration{time.Minute},
			advances: []time.Duration{-time.Hour, time.Minute}, want: []time.Duration{time.Minute}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewManual(manualStart)
			var got []time.Duration
			var timers []Timer
			for _, d := range tc.timers {
				timers = append(timers, c.AfterFunc(d, func() { got = append(got, d) }))
			}
			for _, i := range tc.stop {
				require.True(t, timers[i].Stop(), "timer %d was pending", i)
			}
			var moved time.Duration
			for _, d := range tc.advances {
				c.Advance(d)
				moved += max(d, 0)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.pending, c.Pending())
			assert.Equal(t, manualStart.Add(moved), c.Now(), "only Advance moves the clock")
		})
	}
}

func TestManualAdvanceIsOneJump(t *testing.T) {
	c := NewManual(manualStart)
	var seen []time.Time
	var later []string
	c.AfterFunc(time.Minute, func() {
		seen = append(seen, c.Now())
		// A timer set by a callback counts from where the jump landed.
		c.AfterFunc(time.Minute, func() { later = append(later, "chained") })
	})
	c.AfterFunc(5*time.Minute, func() { seen = append(seen, c.Now()) })
	c.Advance(10 * time.Minute)
	end := manualStart.Add(10 * time.Minute)
	assert.Equal(t, []time.Time{end, end}, seen, "callbacks see the end of the jump")
	assert.Empty(t, later, "a timer set during the jump is due after it")
	c.Advance(time.Minute)
	assert.Equal(t, []string{"chained"}, later)
}

func TestManualTimerDueAlreadyRunsAtOnce(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			c := NewManual(manualStart)
			called := make(chan struct{})
			timer := c.AfterFunc(d, func() { close(called) })
			<-called // no Advance: a timer already due must not wait for one
			assert.False(t, timer.Stop(), "it has run")
			assert.Zero(t, c.Pending())
		})
	}
}

func TestManualStopReportsWhetherItStopped(t *testing.T) {
	c := NewManual(manualStart)
	fired := c.AfterFunc(time.Second, func() {})
	c.Advance(time.Second)
	assert.False(t, fired.Stop(), "a timer already called cannot be stopped")
	pending := c.AfterFunc(time.Second, func() { t.Error("a stopped timer was called") })
	assert.True(t, pending.Stop())
	assert.False(t, pending.Stop(), "a timer stops once")
	c.Advance(time.Hour)
}

func TestManualWaitPending(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		before  int // timers set before waiting
		during  int // timers set while waiting
		n       int
		ctx     context.Context
		wantErr error
	}{
		{name: "none wanted", n: 0, ctx: cancelled},
		{name: "enough already", before: 2, n: 2, ctx: cancelled},
		{name: "more than enough", before: 3, n: 2, ctx: cancelled},
		{name: "too few and the wait ended", before: 1, n: 2, ctx: cancelled, wantErr: context.Canceled},
		{name: "set while waiting", before: 1, during: 2, n: 3, ctx: context.Background()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewManual(manualStart)
			for range tc.before {
				c.AfterFunc(time.Minute, func() {})
			}
			var wg sync.WaitGroup
			var err error
			var seen int // pending when the wait returned: timers are only ever added here
			wg.Go(func() { err = c.WaitPending(tc.ctx, tc.n); seen = c.Pending() })
			for range tc.during {
				c.AfterFunc(time.Minute, func() {})
			}
			wg.Wait()
			assert.ErrorIs(t, err, tc.wantErr)
			if tc.wantErr == nil {
				assert.GreaterOrEqual(t, seen, tc.n, "returned before n timers were set")
			}
		})
	}
}
