package monitor

import (
	"sync"
	"sync/atomic"
	"time"
)

const (
	// maxIdleWorkers is how many workers wait for work at most; any other
	// ends once its check is done, so a burst leaves no crowd behind.
	maxIdleWorkers = 256
	// workerIdle is how long an idle worker waits before it ends.
	workerIdle = 10 * time.Second
)

// workers run checks on goroutines that live on from one check to the next,
// so a check does not start on a fresh goroutine whose stack must first grow
// to the depth of an HTTP round trip.
type workers struct {
	jobs chan func()
	stop chan struct{}
	once sync.Once
	idle atomic.Int32
}

func newWorkers() *workers {
	return &workers{jobs: make(chan func()), stop: make(chan struct{})}
}

// run hands job to an idle worker, or starts one.
func (w *workers) run(job func()) {
	select {
	case w.jobs <- job:
	default:
		go w.work(job)
	}
}

func (w *workers) work(job func()) {
	var idle *time.Timer
	for {
		job()
		if w.idle.Add(1) > maxIdleWorkers {
			w.idle.Add(-1)
			return
		}
		if idle == nil {
			idle = time.NewTimer(workerIdle)
			defer idle.Stop()
		} else {
			idle.Reset(workerIdle)
		}
		select {
		case job = <-w.jobs:
			w.idle.Add(-1)
		case <-idle.C:
			w.idle.Add(-1)
			return
		case <-w.stop:
			w.idle.Add(-1)
			return
		}
	}
}

// close ends the idle workers; a busy one ends after its check.
func (w *workers) close() { w.once.Do(func() { close(w.stop) }) }
