package mockstate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	monitorstore "github.com/accord-harness/accord/internal/monitor/store"
)

func open(t *testing.T, path string, journalCap int) *Store {
	t.Helper()
	s, err := Open(path, "docplanner", journalCap)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestAFileThatIsNotThisMocksStateIsRefusedInOneLine: every file Open cannot
// use is named, with what is wrong with it, and nothing is written to it.
func TestAFileThatIsNotThisMocksStateIsRefusedInOneLine(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    string
	}{
		{"held by a running mock", func(t *testing.T, path string) { open(t, path, 0) }, "is in use by another running accord"},
		{"not a state file", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("clinic notes\n", 1000)), 0o600))
		}, "is not an accord state file or is damaged"},
		{"a monitor's state", func(t *testing.T, path string) {
			m, err := monitorstore.Open(path)
			require.NoError(t, err)
			require.NoError(t, m.Close())
		}, "belongs to another program"},
		{"another mock's state", func(t *testing.T, path string) {
			s, err := Open(path, "dikidi", 0)
			require.NoError(t, err)
			require.NoError(t, s.Close())
		}, "holds accord mock dikidi's state, not accord mock docplanner's"},
		{"a directory", func(t *testing.T, path string) { require.NoError(t, os.Mkdir(path, 0o700)) }, "is a directory"},
		{"in a folder that is not there", nil, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.db")
			if tt.prepare != nil {
				tt.prepare(t, path)
			} else {
				path = filepath.Join(filepath.Dir(path), "missing", "state.db")
			}
			_, err := Open(path, "docplanner", 0)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "state file "+path)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

// TestSavedStateAndABoundedJournalComeBack: tenants, their removal and the
// newest journal entries per tenant survive closing and reopening the file.
func TestSavedStateAndABoundedJournalComeBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path, 3)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var entries []journal.Entry
	for i := range 5 {
		entries = append(entries, journal.Entry{Tenant: "alpha", Time: t0.Add(time.Duration(2*i) * time.Second), URL: fmt.Sprintf("/a%d", i)})
	}
	entries = append(entries, journal.Entry{Tenant: "", Time: t0.Add(time.Second), URL: "/oauth/v2/token"})
	require.NoError(t, s.Save(map[string][]byte{"alpha": []byte(`{"a":1}`), "beta": []byte(`{"b":1}`)}, nil, entries[:3]))
	require.NoError(t, s.Save(map[string][]byte{"alpha": []byte(`{"a":2}`)}, []string{"beta"}, entries[3:]))
	require.NoError(t, s.Close())

	s = open(t, path, 3)
	tenants, err := s.Tenants()
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"alpha": []byte(`{"a":2}`)}, tenants)
	got, err := s.Journal()
	require.NoError(t, err)
	var urls []string
	for _, e := range got {
		urls = append(urls, e.URL)
	}
	assert.Equal(t, []string{"/oauth/v2/token", "/a2", "/a3", "/a4"}, urls, "the newest three of alpha's, and the unattributed call, in time order")
}

// fakeMock is a mock's state as a Keeper sees it: bytes per tenant.
type fakeMock struct{ tenants map[string][]byte }

func (f *fakeMock) snapshot() (map[string][]byte, error) {
	out := map[string][]byte{}
	for k, v := range f.tenants {
		out[k] = v
	}
	return out, nil
}

// TestTheKeeperSavesAfterTheDelayAndOnClose: a seeded tenant is written at
// once, a change after the delay on the keeper's clock (not before), and
// what changed last on Close; a new process restores all of it.
func TestTheKeeperSavesAfterTheDelayAndOnClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path, 0)
	clk := clock.New()
	j := journal.New()
	mock := &fakeMock{tenants: map[string][]byte{"alpha": []byte("v1")}}
	k, err := Keep(s, Options{Snapshot: mock.snapshot, Journal: j, Clock: clk, Delay: time.Hour})
	require.NoError(t, err)
	stored := func() map[string][]byte {
		t.Helper()
		got, err := s.Tenants()
		require.NoError(t, err)
		return got
	}
	assert.Equal(t, []byte("v1"), stored()["alpha"], "the seeded tenant is saved at start")

	mock.tenants["alpha"] = []byte("v2")
	j.Add(journal.Entry{Tenant: "alpha", Time: clk.Now(), URL: "/booked"})
	require.Eventually(t, func() bool { return k.scheduled.Load() }, 5*time.Second, time.Millisecond, "the journal entry schedules a save")
	clk.Advance(59 * time.Minute)
	assert.Equal(t, []byte("v1"), stored()["alpha"], "not before the delay")
	clk.Advance(time.Minute)
	assert.Equal(t, []byte("v2"), stored()["alpha"], "after the delay")

	mock.tenants["alpha"] = []byte("v3")
	mock.tenants["beta"] = []byte("b1")
	k.Changed()
	require.NoError(t, k.Close())
	assert.Equal(t, map[string][]byte{"alpha": []byte("v3"), "beta": []byte("b1")}, stored(), "Close saves what the delay had not")
	assert.ErrorIs(t, k.Flush(), errClosed)
	require.NoError(t, s.Close())

	s = open(t, path, 0)
	var restored []string
	again := journal.New()
	r, err := Restore(s, func(b []byte) error { restored = append(restored, string(b)); return nil }, again)
	require.NoError(t, err)
	assert.Equal(t, Restored{Tenants: 2, Entries: 1}, r)
	assert.Equal(t, []string{"v3", "b1"}, restored, "in client id order")
	require.Len(t, again.Select(nil), 1)
	assert.Equal(t, "/booked", again.Select(nil)[0].URL)
}
