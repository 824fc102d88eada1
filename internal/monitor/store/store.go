// Package store keeps the monitor's durable state in one bbolt file: each
// endpoint's rule state and delivery history, and the outbox of e-mails not
// yet delivered.
//
// A state change and the e-mails it causes are written in the same
// transaction, so after a crash or restart the monitor neither forgets an
// alert nor raises it twice.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/monitor/rules"
)

var (
	bucketState      = []byte("state")      // endpoint name -> rules.State
	bucketOutbox     = []byte("outbox")     // big-endian seq -> Entry
	bucketParked     = []byte("parked")     // big-endian seq -> Entry (permanent failures)
	bucketDeliveries = []byte("deliveries") // endpoint name -> []Delivery
	allBuckets       = [][]byte{bucketState, bucketOutbox, bucketParked, bucketDeliveries}
)

// DeliveriesCap bounds the delivery history kept per endpoint.
const DeliveriesCap = 50

// Entry is an outbox item.
type Entry struct {
	Seq         uint64        `json:"seq"`
	Message     alert.Message `json:"message"`
	Attempts    int           `json:"attempts"`
	NextAttempt time.Time     `json:"next_attempt"`
	LastError   string        `json:"last_error,omitempty"`
}

// Delivery records one e-mail that left the outbox.
type Delivery struct {
	Kind     rules.Kind `json:"kind"`
	Subject  string     `json:"subject"`
	To       []string   `json:"to"`
	Queued   time.Time  `json:"queued"`
	Sent     time.Time  `json:"sent"`
	Attempts int        `json:"attempts"`
}

// Store is an open state file. Its methods are safe for concurrent use.
type Store struct{ db *bolt.DB }

// Open opens or creates the state file. A file held by another running
// monitor is reported at once rather than waited for.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        500 * time.Millisecond,
		NoFreelistSync: true, // rebuilt on open; halves the writes of a busy monitor
		FreelistType:   bolt.FreelistMapType,
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("state file %s is locked by another running monitor", path)
		}
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// BatchSize is how many concurrent Updates one transaction takes at most.
func (s *Store) BatchSize() int { return s.db.MaxBatchSize }

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

// Update applies fn to the endpoint's state and queues the messages fn
// returns, atomically. Concurrent calls are batched into shared transactions,
// which is what lets one file keep up with many endpoints; fn may therefore
// run more than once and must not have side effects.
func (s *Store) Update(name string, fn func(rules.State) (rules.State, []alert.Message)) (rules.State, []alert.Message, error) {
	var (
		next   rules.State
		queued []alert.Message
	)
	err := s.db.Batch(func(tx *bolt.Tx) error {
		states := tx.Bucket(bucketState)
		var cur rules.State
		if v := states.Get([]byte(name)); v != nil {
			if err := json.Unmarshal(v, &cur); err != nil {
				return fmt.Errorf("state of %q: %w", name, err)
			}
		}
		var msgs []alert.Message
		next, msgs = fn(cur)
		v, err := json.Marshal(next)
		if err != nil {
			return err
		}
		if err := states.Put([]byte(name), v); err != nil {
			return err
		}
		queued = queued[:0]
		outbox := tx.Bucket(bucketOutbox)
		for _, m := range msgs {
			seq, err := outbox.NextSequence()
			if err != nil {
				return err
			}
			m.ID = fmt.Sprintf("accord-monitor.%d.%d", m.Created.UnixNano(), seq)
			e := Entry{Seq: seq, Message: m, NextAttempt: m.Created}
			if err := putJSON(outbox, seqKey(seq), e); err != nil {
				return err
			}
			queued = append(queued, m)
		}
		return nil
	})
	if err != nil {
		return rules.State{}, nil, fmt.Errorf("store: %w", err)
	}
	return next, queued, nil
}

// State returns one endpoint's state; ok is false when it was never checked.
func (s *Store) State(name string) (st rules.State, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketState).Get([]byte(name))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &st)
	})
	return st, ok, err
}

// States calls fn for every endpoint with a stored state.
func (s *Store) States(fn func(name string, st rules.State)) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketState).ForEach(func(k, v []byte) error {
			var st rules.State
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("state of %q: %w", k, err)
			}
			fn(string(k), st)
			return nil
		})
	})
}

// Pending lists the outbox, oldest first.
func (s *Store) Pending() ([]Entry, error) { return s.list(bucketOutbox) }

// Parked lists messages given up on after a permanent failure.
func (s *Store) Parked() ([]Entry, error) { return s.list(bucketParked) }

func (s *Store) list(bucket []byte) ([]Entry, error) {
	var out []Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// Delivered removes an entry from the outbox and records it in its
// endpoint's delivery history.
func (s *Store) Delivered(seq uint64, at time.Time) error {
	return s.entry(seq, func(tx *bolt.Tx, outbox *bolt.Bucket, e *Entry) error {
		if err := outbox.Delete(seqKey(seq)); err != nil {
			return err
		}
		hist := tx.Bucket(bucketDeliveries)
		var ds []Delivery
		key := []byte(e.Message.Endpoint)
		if v := hist.Get(key); v != nil {
			if err := json.Unmarshal(v, &ds); err != nil {
				return err
			}
		}
		ds = append(ds, Delivery{
			Kind: e.Message.Kind, Subject: e.Message.Subject, To: e.Message.To,
			Queued: e.Message.Created, Sent: at, Attempts: e.Attempts + 1,
		})
		if over := len(ds) - DeliveriesCap; over > 0 {
			ds = ds[over:]
		}
		return putJSON(hist, key, ds)
	})
}

// Retry records a failed attempt and when to try again.
func (s *Store) Retry(seq uint64, next time.Time, lastErr string) error {
	return s.entry(seq, func(_ *bolt.Tx, outbox *bolt.Bucket, e *Entry) error {
		e.Attempts++
		e.NextAttempt, e.LastError = next, lastErr
		return putJSON(outbox, seqKey(seq), e)
	})
}

// Park moves an entry out of the outbox after a permanent failure, keeping
// it for an operator to see.
func (s *Store) Park(seq uint64, lastErr string) error {
	return s.entry(seq, func(tx *bolt.Tx, outbox *bolt.Bucket, e *Entry) error {
		e.Attempts++
		e.LastError = lastErr
		if err := outbox.Delete(seqKey(seq)); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketParked), seqKey(seq), e)
	})
}

// Deliveries returns an endpoint's delivery history, oldest first.
func (s *Store) Deliveries(name string) ([]Delivery, error) {
	var ds []Delivery
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDeliveries).Get([]byte(name))
		if v == nil {
			return nil
		}
		return json.Unmarshal(v, &ds)
	})
	return ds, err
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

// entry hands the outbox entry seq to f within one update.
func (s *Store) entry(seq uint64, f func(tx *bolt.Tx, outbox *bolt.Bucket, e *Entry) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		outbox := tx.Bucket(bucketOutbox)
		var e Entry
		if err := getJSON(outbox, seqKey(seq), &e); err != nil {
			return err
		}
		return f(tx, outbox, &e)
	})
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func getJSON(b *bolt.Bucket, k []byte, v any) error {
	data := b.Get(k)
	if data == nil {
		return fmt.Errorf("outbox entry %d not found", binary.BigEndian.Uint64(k))
	}
	return json.Unmarshal(data, v)
}
