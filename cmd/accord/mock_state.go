package main

import (
	"fmt"
	"io"
	"net/http"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/mockstate"
)

// mockState is `accord mock <platform> --state FILE`: the store opened and
// restored before the mock serves, kept while it serves, saved and closed
// after. Without --state every method does nothing.
type mockState struct {
	store    *mockstate.Store
	restored mockstate.Restored
	keeper   *mockstate.Keeper
}

// openMockState opens path (if any) for the mock named kind and restores
// its tenants (restore: the mock's Restore) and journal into j. A file it
// cannot use is a usage error naming the file: exit 2.
func openMockState(path, kind string, journalCap int, restore func([]byte) error, j *journal.Journal) (*mockState, error) {
	if path == "" {
		return &mockState{}, nil
	}
	store, err := mockstate.Open(path, kind, journalCap)
	if err != nil {
		return nil, usageError{err}
	}
	restored, err := mockstate.Restore(store, restore, j)
	if err != nil {
		_ = store.Close()
		return nil, usageError{err}
	}
	return &mockState{store: store, restored: restored}, nil
}

// describe says on the mock's start lines where its state is kept; stored
// tells whether the sandbox client came from the file.
func (s *mockState) describe(out io.Writer, client string, stored bool) {
	if s.store == nil {
		fmt.Fprintln(out, "  state:  in memory (--state FILE keeps it across restarts)")
		return
	}
	if s.restored.Tenants == 0 {
		fmt.Fprintf(out, "  state:  %s (new; kept across restarts)\n", s.store.Path())
		return
	}
	fmt.Fprintf(out, "  state:  %s: restored %s and %s\n", s.store.Path(),
		count(s.restored.Tenants, "client", "clients"), count(s.restored.Entries, "journal entry", "journal entries"))
	if stored {
		fmt.Fprintf(out, "          client %s as stored: its secret and clinic, not --client-secret's and --fixture's\n", client)
	}
}

// keep starts saving the mock's state; failed saves are told on stderr.
func (s *mockState) keep(snapshot func() (map[string][]byte, error), j *journal.Journal, stderr io.Writer) error {
	if s.store == nil {
		return nil
	}
	k, err := mockstate.Keep(s.store, mockstate.Options{Snapshot: snapshot, Journal: j,
		OnError: func(err error) { fmt.Fprintf(stderr, "accord: saving the state: %v\n", err) }})
	if err != nil {
		return err
	}
	s.keeper = k
	return nil
}

// handler notes a possible change after every request h serves.
func (s *mockState) handler(h http.Handler) http.Handler {
	if s.keeper == nil {
		return h
	}
	return s.keeper.Handler(h)
}

// close saves what is left and releases the file; a second call does nothing.
func (s *mockState) close() error {
	var err error
	if s.keeper != nil {
		err = s.keeper.Close()
		s.keeper = nil
	}
	if s.store != nil {
		if cerr := s.store.Close(); err == nil {
			err = cerr
		}
		s.store = nil
	}
	return err
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
