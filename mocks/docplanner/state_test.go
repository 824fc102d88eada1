package docplanner_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// TestASnapshotRestoresTheTenantAsItWas: a tenant with a fed calendar, a
// partner's booking, a patient's booking, a break, a queued notification
// and a live access token comes back from its snapshot the same, byte for
// byte, and the partner carries on with the token it had.
func TestASnapshotRestoresTheTenantAsItWas(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v)
	_, err := v.mock.DoctorAddsBreak("alpha", "3001", v.slotStart(t).Add(3*time.Hour), v.slotStart(t).Add(4*time.Hour))
	require.NoError(t, err)
	require.NoError(t, v.mock.SetRealTime("alpha", true))
	saved, err := v.mock.Snapshot()
	require.NoError(t, err)
	require.Contains(t, saved, "alpha")
	require.Contains(t, saved, "beta")

	again, err := docplannermock.New(docplannermock.Options{Clock: v.clock})
	require.NoError(t, err)
	for _, data := range saved {
		require.NoError(t, again.Restore(data))
	}
	resaved, err := again.Snapshot()
	require.NoError(t, err)
	for id := range saved {
		assert.JSONEq(t, string(saved[id]), string(resaved[id]), "tenant %s", id)
	}
	pending, err := again.PendingPull("alpha")
	require.NoError(t, err)
	assert.Equal(t, 2, pending, "the patient's booking and the break are still queued")

	srv := httptest.NewServer(again)
	defer srv.Close()
	before := f.api.GET(addr + "/bookings/" + f.booking).Expect().Status(200).JSON(okJSON).Object().Raw()
	restored := httpexpect.Default(t, srv.URL).Builder(func(r *httpexpect.Request) { r.WithHeader("Authorization", "Bearer "+f.token) })
	restored.GET(addr + "/bookings/" + f.booking).Expect().Status(200).JSON(okJSON).Object().IsEqual(before)
}

func TestRestoreRefusesWhatItCannotRead(t *testing.T) {
	m, err := docplannermock.New(docplannermock.Options{Clock: clock.New()})
	require.NoError(t, err)
	orphan, _ := json.Marshal(map[string]any{"version": 1, "client_id": "x", "zone": "UTC",
		"bookings": []map[string]any{{"id": "1", "address": "404"}}})
	tests := []struct{ name, data, want string }{
		{"not JSON", "{", "unexpected end"},
		{"another version", `{"version": 99, "client_id": "x"}`, "another version of accord"},
		{"unknown zone", `{"version": 1, "client_id": "x", "zone": "Mars/Olympus"}`, "Mars/Olympus"},
		{"a booking of no address", string(orphan), "booking 1 names address 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Restore([]byte(tt.data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, m.ClientIDs(), "nothing half-restored")
		})
	}
}

// TestARetryAStopInterruptedGoesOn: a PUSH whose first attempt failed is
// retried by the restored mock when it falls due, not lost.
func TestARetryAStopInterruptedGoesOn(t *testing.T) {
	var answer atomic.Int32
	answer.Store(http.StatusInternalServerError)
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(int(answer.Load())) }))
	defer partner.Close()
	v := newEnv(t, docplannermock.Options{})
	api, _ := v.feed(t)
	api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "push", "url": partner.URL}).Expect().Status(204)
	_, err := v.mock.PatientBooks("alpha", "3001", v.slotStart(t), docplannermock.Patient{Name: "Ewa", Phone: "+48600"})
	require.NoError(t, err)
	saved, err := v.mock.Snapshot()
	require.NoError(t, err)
	assert.Contains(t, string(saved["alpha"]), `"retrying":[{"name":"slot-booked"`)

	clk := clock.New()
	again, err := docplannermock.New(docplannermock.Options{Clock: clk})
	require.NoError(t, err)
	require.NoError(t, again.Restore(saved["alpha"]))
	answer.Store(http.StatusOK)
	clk.Advance(4 * time.Minute)
	assert.Empty(t, again.Journal().Select(nil), "not before it is due")
	clk.Advance(time.Minute)
	sent := again.Journal().Select(nil)
	require.Len(t, sent, 1)
	assert.Equal(t, "push:slot-booked", sent[0].Operation)
	assert.Equal(t, http.StatusOK, sent[0].Status)
	resaved, err := again.Snapshot()
	require.NoError(t, err)
	assert.NotContains(t, string(resaved["alpha"]), `"retrying"`, "delivered, it waits no more")
}
