package docplanner_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/mocks/docplanner"
)

// TestASnapshotRestoresTheTenantAsItWas: a tenant with a fed calendar, a
// partner's booking, a patient's booking, a break, a queued notification
// and a live access token comes back from its snapshot the same, byte for
// byte, and the partner carries on with the token it had.
func TestASnapshotRestoresTheTenantAsItWas(t *testing.T) {
	v := newEnv(t, docplanner.Options{})
	f := newScopeFixture(t, v)
	_, err := v.mock.DoctorAddsBreak("alpha", "3001", v.slotStart(t).Add(3*time.Hour), v.slotStart(t).Add(4*time.Hour))
	require.NoError(t, err)
	require.NoError(t, v.mock.SetRealTime("alpha", true))
	saved, err := v.mock.Snapshot()
	require.NoError(t, err)
	require.Contains(t, saved, "alpha")
	require.Contains(t, saved, "beta")

	again, err := docplanner.New(docplanner.Options{Clock: v.clock})
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
	m, err := docplanner.New(docplanner.Options{Clock: clock.New()})
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
