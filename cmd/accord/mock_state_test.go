package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/journal"
	monitorstore "github.com/accord-harness/accord/internal/monitor/store"
	"github.com/accord-harness/accord/internal/pagetest"
)

const sandboxAddress = "/api/v3/integration/facilities/1001/doctors/2001/addresses/3001"

// call makes one request of the mock and returns the status and the body.
func call(t *testing.T, method, u, tok string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		r = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, u, r)
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// TestARestartedMockKeepsItsState: a partner feeds a calendar and books
// through the API, a patient books on the platform's side and another in
// the sandbox, the mock stops
// on SIGTERM and starts again on the same
// --state file: the client, both bookings, the queued notification, the
// partner's access token and the journal are there.
func TestARestartedMockKeepsItsState(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.db")
	base, out, stop := startMock(t, "--state", state, "--quiet")
	assert.Contains(t, out.String(), "state:  "+state+" (new; kept across restarts)")
	tok := sandboxToken(t, base)
	api := base + sandboxAddress
	code, _ := call(t, http.MethodPost, api+"/calendar/enable", tok, nil)
	require.Equal(t, http.StatusOK, code)
	code, body := call(t, http.MethodPost, api+"/services", tok, map[string]any{"service_id": "11", "default_duration": 30})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	var svc struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &svc))
	day := time.Now().UTC().AddDate(0, 0, 2).Truncate(24 * time.Hour).Add(8 * time.Hour)
	code, body = call(t, http.MethodPut, api+"/slots", tok, map[string]any{"slots": []map[string]any{{
		"start": day.Format(time.RFC3339), "end": day.Add(2 * time.Hour).Format(time.RFC3339),
		"address_services": []map[string]any{{"address_service_id": svc.ID, "duration": 30}},
	}}})
	require.Equal(t, http.StatusCreated, code, "%s", body)
	code, body = call(t, http.MethodPost, api+"/slots/"+url.PathEscape(day.Format(time.RFC3339))+"/book", tok, map[string]any{
		"address_service_id": svc.ID, "duration": 30, "patient": map[string]any{"name": "Jan", "surname": "Kos", "phone": "+48600111222"},
	})
	require.Equal(t, http.StatusOK, code, "%s", body)
	var booked struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &booked))
	code, body = call(t, http.MethodPost, base+"/_accord/clients/accord-sandbox/patient-bookings", "", map[string]any{
		"address_id": "3001", "start": day.Add(time.Hour)})
	require.Equal(t, http.StatusOK, code, "%s", body)
	var byPatient struct {
		ID string `json:"booking_id"`
	}
	require.NoError(t, json.Unmarshal(body, &byPatient))
	// A person books the slot between them in the sandbox.
	clinic, err := docplannerfixture.Clinic()
	require.NoError(t, err)
	local := day.Add(30 * time.Minute).In(clinic.Location())
	week := local.Format(time.DateOnly)
	b := pagetest.New(t, base)
	_, page := b.Post("/sandbox/login", url.Values{"client_id": {"accord-sandbox"}, "client_secret": {"accord-sandbox-secret"}})
	_, page = b.Post("/sandbox/addresses/3001/bookings", url.Values{"token": {pagetest.FormToken(page)}, "week": {week},
		"start": {local.Format("2006-01-02T15:04")}, "name": {"Zofia"}, "surname": {"Sandboxowa"}, "phone": {"+48500100200"}})
	require.Contains(t, page, "A patient booked visit")
	_, before := call(t, http.MethodGet, api+"/bookings/"+booked.ID, tok, nil)
	// The mock has served, so its handler of SIGTERM is in place; the
	// test's own keeps the signal from ending the test binary whatever
	// the timing.
	held := make(chan os.Signal, 1)
	signal.Notify(held, syscall.SIGTERM)
	defer signal.Stop(held)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	require.Eventually(t, func() bool {
		_, err := http.Get(base + "/sandbox/")
		return err != nil
	}, 10*time.Second, 10*time.Millisecond, "SIGTERM stops the mock")
	require.NoError(t, stop())

	base, out, _ = startMock(t, "--state", state, "--quiet", "--client-secret", "another-secret")
	assert.Regexp(t, `state:  .*sandbox\.db: restored 1 client and \d+ journal entries`, out.String())
	assert.Contains(t, out.String(), "client accord-sandbox as stored")
	assert.Contains(t, out.String(), "client_secret as first stored in "+state, "not --client-secret's, which the stored client does not take")
	api = base + sandboxAddress
	code, after := call(t, http.MethodGet, api+"/bookings/"+booked.ID, tok, nil)
	require.Equal(t, http.StatusOK, code, "the partner's token and booking survive: %s", after)
	assert.JSONEq(t, string(before), string(after))
	code, body = call(t, http.MethodGet, api+"/bookings/"+byPatient.ID, tok, nil)
	assert.Equal(t, http.StatusOK, code, "the patient's booking survives: %s", body)
	b = pagetest.New(t, base)
	_, page = b.Post("/sandbox/login", url.Values{"client_id": {"accord-sandbox"}, "client_secret": {"accord-sandbox-secret"}})
	_, page = b.Get("/sandbox/addresses/3001?week=" + week)
	assert.Contains(t, page, "Zofia Sandboxowa", "the sandbox's booking survives")
	code, body = call(t, http.MethodGet, base+"/api/v3/integration/notifications", tok, nil)
	assert.Equal(t, http.StatusOK, code, "the patient's booking is still queued for the partner: %s", body)
	assert.NotEmpty(t, sandboxToken(t, base), "the stored secret, not --client-secret, still signs in")

	code, body = call(t, http.MethodGet, base+"/_accord/journal?client=accord-sandbox&limit=1000", "", nil)
	require.Equal(t, http.StatusOK, code)
	var kept []journal.Entry
	require.NoError(t, json.Unmarshal(body, &kept))
	var ops []string
	for _, e := range kept {
		ops = append(ops, e.Operation)
	}
	assert.Subset(t, ops, []string{"getToken", "enableCalendar", "replaceSlots", "bookSlot", "getBooking"}, "the journal from before the restart")
}

// TestAStateFileTheMockCannotUseEndsItAtOnce: exit 2 and one line naming
// the file, before anything listens.
func TestAStateFileTheMockCannotUseEndsItAtOnce(t *testing.T) {
	dir := t.TempDir()
	inUse := filepath.Join(dir, "in-use.db")
	startMock(t, "--state", inUse, "--quiet")
	garbage := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(garbage, []byte(strings.Repeat("not a database\n", 500)), 0o600))
	monitor := filepath.Join(dir, "monitor.db")
	ms, err := monitorstore.Open(monitor)
	require.NoError(t, err)
	require.NoError(t, ms.Close())
	for _, tc := range []struct{ name, path, says string }{
		{"held by a running mock", inUse, "is in use by another running accord"},
		{"not a state file", garbage, "is not an accord state file or is damaged"},
		{"a monitor's state", monitor, "belongs to another program"},
		{"a folder", dir, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := accord(t, "mock", "docplanner", "--addr", "127.0.0.1:0", "--state", tc.path)
			assert.Equal(t, exitUsage, code)
			assert.True(t, strings.HasPrefix(errs, "accord: state file "+tc.path), "names the file: %s", errs)
			assert.Contains(t, errs, tc.says)
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %s", errs)
			assert.NotContains(t, out, "listening")
		})
	}
}
