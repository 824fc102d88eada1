package mockstate

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
)

// DefaultDelay is how long a Keeper gathers changes before it saves: short
// enough that a crash loses little, long enough that a burst of calls costs
// one write.
const DefaultDelay = 200 * time.Millisecond

// Options configure a Keeper.
type Options struct {
	// Snapshot returns every tenant's state by id (the mock's Snapshot).
	Snapshot func() (map[string][]byte, error)
	// Journal is the mock's journal: its new entries are saved, and each
	// one is a sign that state may have changed (a call, a PUSH sent).
	Journal *journal.Journal
	// Clock runs the delay; nil means the wall clock.
	Clock clock.Clock
	// Delay after a change before saving; 0 means DefaultDelay.
	Delay time.Duration
	// OnError hears of a save that failed; the next change tries again.
	OnError func(error)
}

// Keeper writes a mock's state to a Store a short Delay after it changes,
// and once more on Close.
//
// Why not write through on every change: a mock's state changes in dozens
// of places (the API's handlers, the platform's own side, PUSH retries on
// the clock), and a hook in each is a hook someone forgets. A whole
// tenant's snapshot, compared with the last one written, catches every
// change, and a tenant that did not change costs no write. What this gives
// up is the last Delay of changes on a crash (kill -9, power): a clean stop
// (SIGTERM, Ctrl-C) drains the server's requests first and then Closes the
// keeper, so every booking a partner had an answer for is on disk.
type Keeper struct {
	store *Store
	opts  Options
	feed  *journal.Feed
	fed   chan struct{}

	scheduled atomic.Bool

	mu     sync.Mutex // one save at a time
	saved  map[string][]byte
	seq    int64 // the journal's entries up to seq are saved
	closed bool
}

// Keep starts keeping the mock's state in store; what the store held must
// already be restored (Restore). It saves once at once, so a tenant seeded
// at start is on disk before the first call.
func Keep(store *Store, opts Options) (*Keeper, error) {
	if opts.Clock == nil {
		opts.Clock = clock.Wall{}
	}
	if opts.Delay <= 0 {
		opts.Delay = DefaultDelay
	}
	if opts.OnError == nil {
		opts.OnError = func(error) {}
	}
	saved, err := store.Tenants()
	if err != nil {
		return nil, err
	}
	k := &Keeper{store: store, opts: opts, saved: saved, seq: opts.Journal.LastSeq(), fed: make(chan struct{})}
	if err := k.Flush(); err != nil {
		return nil, err
	}
	k.feed = opts.Journal.Follow(1)
	go func() {
		defer close(k.fed)
		for range k.feed.C() {
			k.Changed()
		}
	}()
	return k, nil
}

// Changed tells the keeper the state may have changed: it saves after the
// delay, gathering whatever else changes meanwhile.
func (k *Keeper) Changed() {
	if k.scheduled.Swap(true) {
		return
	}
	k.opts.Clock.AfterFunc(k.opts.Delay, func() {
		k.scheduled.Store(false)
		if err := k.Flush(); err != nil {
			k.opts.OnError(err)
		}
	})
}

// Handler marks a change after each request h serves: the pages and admin
// calls that change a tenant without a journal entry (a patient booking
// into a PULL queue, a doctor's break).
func (k *Keeper) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		k.Changed()
	})
}

var errClosed = errors.New("state keeper closed")

// Flush saves now what changed since the last save.
func (k *Keeper) Flush() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return errClosed
	}
	return k.flush()
}

func (k *Keeper) flush() error {
	now, err := k.opts.Snapshot()
	if err != nil {
		return err
	}
	changed := map[string][]byte{}
	for id, data := range now {
		if !bytes.Equal(k.saved[id], data) {
			changed[id] = data
		}
	}
	var removed []string
	for id := range k.saved {
		if _, ok := now[id]; !ok {
			removed = append(removed, id)
		}
	}
	slices.Sort(removed)
	entries := k.opts.Journal.Since(k.seq)
	if err := k.store.Save(changed, removed, entries); err != nil {
		return err
	}
	k.saved = now
	if len(entries) > 0 {
		k.seq = entries[len(entries)-1].Seq
	}
	return nil
}

// Close saves what is left and stops; the store stays open for its owner
// to close. Call it once the server has stopped serving.
func (k *Keeper) Close() error {
	k.opts.Journal.Unfollow(k.feed)
	<-k.fed
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil
	}
	err := k.flush()
	k.closed = true
	return err
}

// Restored says what Restore brought back.
type Restored struct{ Tenants, Entries int }

// Restore hands every stored tenant to restore (the mock's Restore) and
// adds the stored journal to j, oldest first, before anything else is
// added to it.
func Restore(store *Store, restore func([]byte) error, j *journal.Journal) (Restored, error) {
	var r Restored
	tenants, err := store.Tenants()
	if err != nil {
		return r, err
	}
	ids := make([]string, 0, len(tenants))
	for id := range tenants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := restore(tenants[id]); err != nil {
			return r, store.wrap(err)
		}
		r.Tenants++
	}
	entries, err := store.Journal()
	if err != nil {
		return r, err
	}
	for _, e := range entries {
		j.Add(e)
	}
	r.Entries = len(entries)
	return r, nil
}
