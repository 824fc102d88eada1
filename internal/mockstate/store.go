// Package mockstate keeps a long-lived mock platform's tenants and journal in
// one bbolt file (the embedded store the monitor uses too), so `accord mock
// <platform> --state FILE` comes back after a restart knowing what its
// partners built. It knows no platform: a tenant is an id and the bytes its
// mock's snapshot made of it; the journal is journal.Entry values.
package mockstate

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/accord-harness/accord/internal/journal"
)

var (
	bucketMeta    = []byte("accord-mock") // "kind" -> which mock the file belongs to
	bucketTenants = []byte("tenants")     // tenant id -> snapshot
	bucketJournal = []byte("journal")     // journalKey(tenant id) -> bucket of big-endian seq -> journal.Entry
	keyKind       = []byte("kind")
)

// Store is an open state file. Its methods are safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	// journalCap bounds the entries kept per tenant; 0 keeps all.
	journalCap int
}

// Open opens or creates the state file of the mock named kind
// ("docplanner"). Every error names the file and says what is wrong with it
// in one line: held by another running process, not a state file, or the
// state of another program or another mock.
func Open(path, kind string, journalCap int) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 500 * time.Millisecond})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("state file %s is in use by another running accord", path)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("state file %s: %v", path, pe.Err) // the path once is enough
		}
		if fi, serr := os.Stat(path); serr == nil && fi.Mode().IsRegular() {
			// bbolt could open the file and did not like what it found.
			return nil, fmt.Errorf("state file %s is not an accord state file or is damaged (%v)", path, err)
		}
		return nil, fmt.Errorf("state file %s: %v", path, err)
	}
	fail := func(err error) (*Store, error) {
		_ = db.Close()
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			foreign := false
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { foreign = true; return nil })
			if foreign {
				return fmt.Errorf("state file %s belongs to another program (an accord monitor's, say), not to accord mock %s", path, kind)
			}
			if meta, err = tx.CreateBucket(bucketMeta); err != nil {
				return err
			}
			if err := meta.Put(keyKind, []byte(kind)); err != nil {
				return err
			}
		}
		if got := string(meta.Get(keyKind)); got != kind {
			return fmt.Errorf("state file %s holds accord mock %s's state, not accord mock %s's", path, got, kind)
		}
		for _, b := range [][]byte{bucketTenants, bucketJournal} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return &Store{db: db, path: path, journalCap: max(journalCap, 0)}, nil
}

// Path is the file's name, for messages.
func (s *Store) Path() string { return s.path }

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

// Tenants are the stored snapshots by tenant id.
func (s *Store) Tenants() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTenants).ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	return out, s.wrap(err)
}

// Save writes the changed tenants' snapshots and appends journal entries,
// keeping each tenant's newest journalCap, in one transaction: after a
// crash the file holds one moment's state, never half of two.
// removed tenants go, with their journal.
func (s *Store) Save(changed map[string][]byte, removed []string, entries []journal.Entry) error {
	if len(changed) == 0 && len(removed) == 0 && len(entries) == 0 {
		return nil
	}
	return s.wrap(s.db.Update(func(tx *bolt.Tx) error {
		tenants, journals := tx.Bucket(bucketTenants), tx.Bucket(bucketJournal)
		for id, data := range changed {
			if err := tenants.Put([]byte(id), data); err != nil {
				return err
			}
		}
		for _, id := range removed {
			if err := tenants.Delete([]byte(id)); err != nil {
				return err
			}
			if journals.Bucket(journalKey(id)) != nil {
				if err := journals.DeleteBucket(journalKey(id)); err != nil {
					return err
				}
			}
		}
		touched := map[string]*bolt.Bucket{}
		for _, e := range entries {
			b := touched[e.Tenant]
			if b == nil {
				var err error
				if b, err = journals.CreateBucketIfNotExists(journalKey(e.Tenant)); err != nil {
					return err
				}
				touched[e.Tenant] = b
			}
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			data, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if err := b.Put(seqKey(seq), data); err != nil {
				return err
			}
		}
		for _, b := range touched {
			if err := s.trim(b); err != nil {
				return err
			}
		}
		return nil
	}))
}

// trim drops a tenant's oldest entries beyond the cap.
func (s *Store) trim(b *bolt.Bucket) error {
	if s.journalCap == 0 {
		return nil
	}
	// Counted by hand: Stats misses what this transaction wrote.
	over := -s.journalCap
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		over++
	}
	for k, _ := c.First(); k != nil && over > 0; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
		over--
	}
	return nil
}

// Journal is every stored entry, oldest first. Their Seq are as the journal
// that wrote them numbered them; a new journal renumbers them, so the time
// orders them across restarts.
func (s *Store) Journal() ([]journal.Entry, error) {
	var out []journal.Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJournal).ForEachBucket(func(k []byte) error {
			return tx.Bucket(bucketJournal).Bucket(k).ForEach(func(_, v []byte) error {
				var e journal.Entry
				if err := json.Unmarshal(v, &e); err != nil {
					return fmt.Errorf("journal of %q: %w", k, err)
				}
				out = append(out, e)
				return nil
			})
		})
	})
	slices.SortStableFunc(out, func(a, b journal.Entry) int { return a.Time.Compare(b.Time) })
	return out, s.wrap(err)
}

// journalKey names a tenant's journal bucket: bbolt refuses an empty name,
// and the calls no tenant owns (a token request with unknown credentials)
// are kept under "".
func journalKey(tenant string) []byte { return []byte("t" + tenant) }

func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("state file %s: %w", s.path, err)
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}
