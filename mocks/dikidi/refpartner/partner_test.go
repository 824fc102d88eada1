package refpartner_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/clock"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
	dikidipartner "github.com/accord-harness/accord/mocks/dikidi/refpartner"
)

type env struct {
	partner *httptest.Server
	mockURL string
	mock    *dikidimock.Mock
	fx      *dikidifixture.Fixture
	key     dikidimock.KeyView
}

// newEnv gives a fresh partner a key of a salon on a mock; the key's Path is
// left empty, so the tests post events themselves.
func newEnv(t *testing.T, faults ...string) *env {
	t.Helper()
	return newVariantEnv(t, dikidipartner.VariantDefault, faults...)
}

func newVariantEnv(t *testing.T, variant string, faults ...string) *env {
	t.Helper()
	clk := clock.New()
	m, err := dikidimock.New(dikidimock.Options{Clock: clk})
	require.NoError(t, err)
	base, err := dikidifixture.Salon()
	require.NoError(t, err)
	fx, err := base.WeekAfter(clk.Now())
	require.NoError(t, err)
	require.NoError(t, m.AddCompany(fx))
	k, err := m.CreateKey(fx.Company.ID, dikidimock.KeySpec{Name: "t", AccessType: dikidimock.AccessAdministrator})
	require.NoError(t, err)
	ms := httptest.NewServer(m)
	t.Cleanup(ms.Close)
	p, err := dikidipartner.New(dikidipartner.Options{Clock: clk, Faults: faults, Variant: variant})
	require.NoError(t, err)
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	p.SetPublicURL(ps.URL)
	return &env{partner: ps, mockURL: ms.URL, mock: m, fx: fx, key: k}
}

func (e *env) post(t *testing.T, path string, body any, header http.Header) (int, []byte) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.partner.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (e *env) get(t *testing.T, path string, v any) int {
	t.Helper()
	res, err := http.Get(e.partner.URL + path)
	require.NoError(t, err)
	defer res.Body.Close()
	if v != nil {
		require.NoError(t, json.NewDecoder(res.Body).Decode(v))
	}
	return res.StatusCode
}

func (e *env) connect(t *testing.T) {
	t.Helper()
	st, body := e.post(t, "/reset", map[string]any{"platform": "dikidi", "settings": map[string]any{"base_url": e.mockURL + "/api/partner", "token": e.key.Token, "partner_key": e.fx.PartnerKeys[0]}}, nil)
	require.Equal(t, http.StatusNoContent, st, string(body))
	st, body = e.post(t, "/fixture", e.fx.ForDriver(), nil)
	require.Equal(t, http.StatusNoContent, st, string(body))
}

func TestDriverContract(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		call   func() int
		status int
	}{
		{"view before reset", func() int { return e.get(t, "/view/status", nil) }, http.StatusConflict},
		{"action before reset", func() int { st, _ := e.post(t, "/actions", map[string]any{"action": "sync"}, nil); return st }, http.StatusConflict},
		{"reset for another platform", func() int {
			st, _ := e.post(t, "/reset", map[string]any{"platform": "docplanner", "settings": map[string]any{}}, nil)
			return st
		}, http.StatusBadRequest},
		{"reset without the key", func() int {
			st, _ := e.post(t, "/reset", map[string]any{"platform": "dikidi", "settings": map[string]any{"base_url": "http://x"}}, nil)
			return st
		}, http.StatusBadRequest},
		{"fixture with a bad zone", func() int {
			st, _ := e.post(t, "/fixture", map[string]any{"timezone": "Mars/Olympus", "week_start": "2026-05-04", "days": 7}, nil)
			return st
		}, http.StatusBadRequest},
		{"unknown action", func() int {
			e.connect(t)
			st, _ := e.post(t, "/actions", map[string]any{"action": "fly"}, nil)
			return st
		}, http.StatusNotFound},
		{"unknown view", func() int { return e.get(t, "/view/everything", nil) }, http.StatusNotFound},
		{"add before activation is refused by the partner", func() int {
			st, _ := e.post(t, "/actions", map[string]any{"action": "add-record", "params": map[string]any{"master_id": 201, "service_ids": []int{301}, "start": time.Now()}}, nil)
			return st
		}, http.StatusConflict},
		{"an event for another key is acknowledged and ignored", func() int {
			st, _ := e.post(t, "/events", map[string]any{"id": "00000000-0000-4000-8000-000000000000", "event": "record.created", "sequence": 1, "key_id": 1, "company_id": 1, "data": map[string]any{}}, nil)
			return st
		}, http.StatusOK},
		{"not an event", func() int { st, _ := e.post(t, "/events", "hello", nil); return st }, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.status, tc.call()) })
	}
	var status struct {
		KeyState  string `json:"key_state"`
		EventsURL string `json:"events_url"`
	}
	e.get(t, "/view/status", &status)
	assert.Equal(t, "awaiting_activation", status.KeyState, "the partner asks DIKIDI for the key's state at reset")
	assert.Equal(t, e.partner.URL+"/events", status.EventsURL)
}

// recordEvent is a record.created/updated event for the env's key.
func (e *env) recordEvent(t *testing.T, id, name string, seq int64, start time.Time) map[string]any {
	t.Helper()
	ts := func(x time.Time) string { return x.Format(time.RFC3339) }
	return map[string]any{
		"id": id, "event": name, "sequence": seq, "occurred_at": ts(start), "company_id": e.fx.Company.ID, "key_id": e.key.ID, "source": "panel",
		"data": map[string]any{"record": map[string]any{
			"id": 50999, "type": "record", "status": "new", "master_id": 202, "start": ts(start), "end": ts(start.Add(90 * time.Minute)),
			"services": []map[string]any{{"id": 303}}, "client": nil,
		}},
	}
}

// TestEventsAppliedOnceAndInOrder posts events straight to the Path: a
// duplicate changes nothing, and an older event never undoes a newer one.
func TestEventsAppliedOnceAndInOrder(t *testing.T) {
	tests := []struct {
		name    string
		variant string
		fault   string
		want    []string // the record's starts (HH:MM) in the partner's view
	}{
		{"correct", "", "", []string{"17:30"}},
		{"correct, alternative build", dikidipartner.VariantAlt, "", []string{"17:30"}},
		{"applies-duplicates", "", "applies-duplicates", []string{"17:30", "16:00", "16:00"}},
		{"ignores-sequence", "", "ignores-sequence", []string{"16:00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var faults []string
			if tc.fault != "" {
				faults = append(faults, tc.fault)
			}
			e := newVariantEnv(t, tc.variant, faults...)
			e.connect(t)
			st, body := e.post(t, "/actions", map[string]any{"action": "activate"}, nil)
			require.Equal(t, http.StatusOK, st, string(body))
			thu, _ := e.fx.Day(4)
			at := func(h, m int) time.Time { return thu.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
			created := e.recordEvent(t, "11111111-1111-4111-8111-111111111111", "record.created", 10, at(16, 0))
			updated := e.recordEvent(t, "22222222-2222-4222-8222-222222222222", "record.updated", 11, at(17, 30))
			attempt := func(n string) http.Header { return http.Header{"X-Dikidi-Delivery-Attempt": {n}} }
			for _, ev := range []struct {
				body    map[string]any
				attempt string
			}{{updated, "1"}, {created, "2"}, {created, "3"}} { // the first attempt of created was lost
				st, body := e.post(t, "/events", ev.body, attempt(ev.attempt))
				if tc.variant == dikidipartner.VariantAlt {
					require.Equal(t, http.StatusNoContent, st, string(body)) // acknowledged now, applied from its queue
				} else {
					require.Equal(t, http.StatusOK, st, string(body))
				}
			}
			// Then a record.created of another record: once it shows, every event
			// before it has been applied (the alternative build applies them after
			// answering, in order).
			last := e.recordEvent(t, "33333333-3333-4333-8333-333333333333", "record.created", 12, at(11, 0))
			last["data"].(map[string]any)["record"].(map[string]any)["id"] = 50998
			st, body = e.post(t, "/events", last, attempt("1"))
			require.Less(t, st, 300, string(body))
			starts := func(id int64) []string {
				var records []struct {
					DikidiID int64     `json:"dikidi_id"`
					Start    time.Time `json:"start"`
				}
				e.get(t, "/view/records", &records)
				var got []string
				for _, r := range records {
					if r.DikidiID == id {
						got = append(got, r.Start.In(thu.Location()).Format("15:04"))
					}
				}
				return got
			}
			require.Eventually(t, func() bool { return len(starts(50998)) == 1 }, 5*time.Second, time.Millisecond)
			assert.ElementsMatch(t, tc.want, starts(50999))
		})
	}
}

func TestUnknownVariantIsRefused(t *testing.T) {
	_, err := dikidipartner.New(dikidipartner.Options{Variant: "fancy"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown variant "fancy"`)
	_, err = dikidipartner.New(dikidipartner.Options{Variant: dikidipartner.VariantAlt})
	require.NoError(t, err)
}

func TestUnknownFaultIsRefused(t *testing.T) {
	_, err := dikidipartner.New(dikidipartner.Options{Faults: []string{"typo"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown fault "typo"`)
	names := map[string]bool{}
	for _, f := range dikidipartner.Faults() {
		assert.False(t, names[f.Name], "duplicate fault %s", f.Name)
		names[f.Name] = true
		assert.NotEmpty(t, f.Breaks)
	}
	assert.Len(t, names, len(dikidipartner.Faults()), "no two faults share a name")
}
