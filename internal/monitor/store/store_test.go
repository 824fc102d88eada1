package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/monitor/rules"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bump(withMail bool) func(rules.State) (rules.State, []alert.Message) {
	return func(s rules.State) (rules.State, []alert.Message) {
		s.Consecutive++
		if !withMail {
			return s, nil
		}
		return s, []alert.Message{{Endpoint: "acme", Kind: rules.Alert, To: []string{"ops@acme.test"}, Subject: "DOWN", Created: t0}}
	}
}

func TestStateAndOutboxSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	s := open(t, path)
	for i := range 3 {
		if _, _, err := s.Update("acme", bump(i == 2)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	defer s.Close()
	st, ok, err := s.State("acme")
	if err != nil || !ok || st.Consecutive != 3 {
		t.Fatalf("state %+v ok=%v err=%v", st, ok, err)
	}
	pending, err := s.Pending()
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending %v err=%v", pending, err)
	}
	e := pending[0]
	if e.Message.ID == "" || !e.NextAttempt.Equal(t0) {
		t.Errorf("entry %+v", e)
	}

	next := t0.Add(30 * time.Second)
	if err := s.Retry(e.Seq, next, "relay down"); err != nil {
		t.Fatal(err)
	}
	pending, _ = s.Pending()
	if pending[0].Attempts != 1 || pending[0].LastError != "relay down" || !pending[0].NextAttempt.Equal(next) {
		t.Errorf("after retry %+v", pending[0])
	}
	if err := s.Delivered(e.Seq, next); err != nil {
		t.Fatal(err)
	}
	if pending, _ = s.Pending(); len(pending) != 0 {
		t.Errorf("outbox still holds %v", pending)
	}
	ds, _ := s.Deliveries("acme")
	if len(ds) != 1 || ds[0].Attempts != 2 || ds[0].Subject != "DOWN" {
		t.Errorf("deliveries %+v", ds)
	}
	if err := s.Delivered(e.Seq, next); err == nil {
		t.Error("delivering a vanished entry twice succeeded")
	}
}

func TestPark(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "m.db"))
	defer s.Close()
	_, msgs, err := s.Update("acme", bump(true))
	if err != nil || len(msgs) != 1 {
		t.Fatal(msgs, err)
	}
	p, _ := s.Pending()
	if err := s.Park(p[0].Seq, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	pending, _ := s.Pending()
	parked, _ := s.Parked()
	if len(pending) != 0 || len(parked) != 1 || parked[0].LastError != "550 no such user" {
		t.Errorf("pending %v parked %v", pending, parked)
	}
}

func TestConcurrentUpdatesAreBatchedAndExact(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "m.db"))
	defer s.Close()
	var wg sync.WaitGroup
	for i := range 50 {
		for range 4 {
			wg.Go(func() {
				if _, _, err := s.Update(fmt.Sprintf("ep-%d", i), bump(false)); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	n := 0
	err := s.States(func(name string, st rules.State) {
		n++
		if st.Consecutive != 4 {
			t.Errorf("%s: %d updates recorded, want 4", name, st.Consecutive)
		}
	})
	if err != nil || n != 50 {
		t.Errorf("states %d err %v", n, err)
	}
}

func TestSecondMonitorOnTheSameFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	s := open(t, path)
	defer s.Close()
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "locked by another running monitor") {
		t.Errorf("got %v", err)
	}
}
