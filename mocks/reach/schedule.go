package reach

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/clock"
)

// ErrDailyLimit is an on-demand sync refused because the day's presses are used up.
var ErrDailyLimit = errors.New("the daily limit of on-demand syncs is reached")

// Scheduler runs one connection's syncs the way Reach does: every night at NightlyAt (UTC, on the
// run clock) and when the customer presses the sync button, at most DailyOnDemand times a UTC day.
// Syncs of one connection never overlap.
type Scheduler struct {
	r      *Reach
	c      *Connection
	ctx    context.Context
	cancel context.CancelFunc
	run    sync.Mutex // one sync at a time
	wg     sync.WaitGroup

	mu       sync.Mutex
	timer    clock.Timer
	next     time.Time
	stopped  bool
	presses  map[string]int // UTC day → on-demand syncs
	results  []*SyncResult
	finished chan struct{} // closed and replaced whenever a sync finishes
}

// Schedule starts a connection's nightly syncs.
func (r *Reach) Schedule(c *Connection) *Scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{r: r, c: c, ctx: ctx, cancel: cancel, presses: map[string]int{}, finished: make(chan struct{})}
	s.mu.Lock()
	s.arm()
	s.mu.Unlock()
	return s
}

// arm schedules the next nightly sync; s.mu is held.
func (s *Scheduler) arm() {
	now := s.r.opts.Clock.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	next := day.Add(s.r.opts.NightlyAt)
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	s.next = next
	s.timer = s.r.opts.Clock.AfterFunc(next.Sub(now), s.nightly)
}

// nightly runs on the clock's timer: it must not block Advance, so the sync runs on its own goroutine.
func (s *Scheduler) nightly() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.sync(s.ctx, Nightly)
	}()
	s.arm()
}

// NextNightly is when the next nightly sync starts, on the run clock.
func (s *Scheduler) NextNightly() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// SyncNow is the sync button: an on-demand sync, run to its end, within the daily limit.
func (s *Scheduler) SyncNow(ctx context.Context) (*SyncResult, error) {
	day := s.r.opts.Clock.Now().UTC().Format(time.DateOnly)
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil, errors.New("the connection's scheduler is stopped")
	}
	if s.presses[day] >= s.r.opts.DailyOnDemand {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w (%d on %s)", ErrDailyLimit, s.r.opts.DailyOnDemand, day)
	}
	s.presses[day]++
	s.mu.Unlock()
	return s.sync(ctx, OnDemand), nil
}

func (s *Scheduler) sync(ctx context.Context, kind Kind) *SyncResult {
	s.run.Lock()
	defer s.run.Unlock()
	res := s.r.Sync(ctx, s.c, kind)
	s.mu.Lock()
	s.results = append(s.results, res)
	close(s.finished)
	s.finished = make(chan struct{})
	s.mu.Unlock()
	return res
}

// Results lists every finished sync, in order.
func (s *Scheduler) Results() []*SyncResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*SyncResult(nil), s.results...)
}

// Wait waits (in real time, at most timeout) for a sync of this kind that started at or after since.
func (s *Scheduler) Wait(ctx context.Context, kind Kind, since time.Time, timeout time.Duration) (*SyncResult, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for _, r := range s.results {
			if r.Kind == kind && !r.Started.Before(since) {
				s.mu.Unlock()
				return r, nil
			}
		}
		ch := s.finished
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			return nil, fmt.Errorf("no %s sync finished within %s", kind, timeout)
		}
	}
}

// Stop cancels the nightly timer and any sync in flight, and waits for it to end.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	s.stopped = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}
