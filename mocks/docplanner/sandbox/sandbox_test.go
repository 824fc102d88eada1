package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/pagetest"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
	"github.com/accord-harness/accord/mocks/docplanner/sandbox"
)

const api = "/api/v3/integration/facilities/1001/doctors/2001/addresses/3001"

// fed is a mock whose client "sandbox" has address 3001's calendar fed
// with two hours of slots tomorrow, as a partner's activation leaves it.
func fed(t *testing.T) (*docplannermock.Mock, time.Time) {
	t.Helper()
	m, day, _ := fedOn(t, clock.New())
	return m, day
}

// fedOn is fed on the given clock, and returns the partner's access token too.
func fedOn(t *testing.T, clk clock.Clock) (*docplannermock.Mock, time.Time, string) {
	t.Helper()
	m, err := docplannermock.New(docplannermock.Options{Clock: clk})
	require.NoError(t, err)
	f, err := docplannerfixture.Clinic()
	require.NoError(t, err)
	m.AddTenant("sandbox", "s3cret", f)
	do := func(method, path, token, body string) []byte {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if token == "" {
			r.SetBasicAuth("sandbox", "s3cret")
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		require.Less(t, w.Code, 300, "%s %s: %s", method, path, w.Body.String())
		return w.Body.Bytes()
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(do("POST", "/oauth/v2/token", "", "grant_type=client_credentials&scope=integration"), &tok))
	do("POST", api+"/calendar/enable", tok.AccessToken, "")
	var svc struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(do("POST", api+"/services", tok.AccessToken, `{"service_id":"11","default_duration":30}`), &svc))
	loc := f.Location()
	tomorrow := time.Now().In(loc).AddDate(0, 0, 1)
	day := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 0, 0, 0, 0, loc)
	body, _ := json.Marshal(map[string]any{"slots": []map[string]any{{
		"start": day.Add(8 * time.Hour).Format(time.RFC3339), "end": day.Add(10 * time.Hour).Format(time.RFC3339),
		"address_services": []map[string]any{{"address_service_id": svc.ID, "duration": 30}},
	}}})
	do("PUT", api+"/slots", tok.AccessToken, string(body))
	return m, day, tok.AccessToken
}

// TestAPersonUsesTheSandbox walks the sandbox as a partner's developer does:
// signs in with the client's credentials, opens a doctor's calendar, books
// a free slot as a patient, moves and cancels it, adds and removes a break
// as the doctor, turns the real-time checks on and reads the traffic.
func TestAPersonUsesTheSandbox(t *testing.T) {
	m, day := fed(t)
	srv := httptest.NewServer(sandbox.New(m, sandbox.Options{}))
	defer srv.Close()
	b := pagetest.New(t, srv.URL)

	code, page := b.Get("/sandbox/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `name="client_secret"`)
	code, page = b.Post("/sandbox/login", url.Values{"client_id": {"sandbox"}, "client_secret": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, page, "Unknown client id or wrong secret")

	code, page = b.Post("/sandbox/login", url.Values{"client_id": {"sandbox"}, "client_secret": {"s3cret"}})
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Test clinic")
	assert.Contains(t, page, `href="/sandbox/addresses/3001"`)
	token := pagetest.FormToken(page)
	require.NotEmpty(t, token)

	week := day.Format("2006-01-02")
	code, page = b.Get("/sandbox/addresses/3001?week=" + week)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 4, strings.Count(page, "free — book"), "two hours of half-hour slots")

	at := func(hm string) string { return week + "T" + hm }
	_, page = b.Post("/sandbox/addresses/3001/bookings", url.Values{"token": {token}, "week": {week}, "start": {at("08:30")},
		"name": {"<script>alert(1)</script>"}, "surname": {"Kowalska"}, "phone": {"+48500100200"}})
	assert.Contains(t, page, "A patient booked visit")
	assert.NotContains(t, page, "<script>alert(1)", "what a person typed is shown as text")
	view, err := m.Address("sandbox", "3001", day, day.AddDate(0, 0, 1))
	require.NoError(t, err)
	require.Len(t, view.Bookings, 1)
	booking := view.Bookings[0]
	assert.Equal(t, day.Add(8*time.Hour+30*time.Minute).Unix(), booking.Start.Unix())

	code, _ = b.Post("/sandbox/addresses/3001/bookings/"+booking.ID+"/cancel", url.Values{"week": {week}})
	assert.Equal(t, http.StatusForbidden, code, "a form without the session's token is refused")

	_, page = b.Post("/sandbox/addresses/3001/bookings/"+booking.ID+"/move", url.Values{"token": {token}, "week": {week}, "start": {at("09:30")}})
	assert.Contains(t, page, "The patient moved the visit to")
	view, err = m.Address("sandbox", "3001", day, day.AddDate(0, 0, 1))
	require.NoError(t, err)
	var moved docplannermock.BookingView
	for _, bk := range view.Bookings {
		if bk.Status == "booked" {
			moved = bk
		}
	}
	require.NotEmpty(t, moved.ID)
	assert.Equal(t, day.Add(9*time.Hour+30*time.Minute).Unix(), moved.Start.Unix())

	_, page = b.Post("/sandbox/addresses/3001/bookings/"+moved.ID+"/cancel", url.Values{"token": {token}, "week": {week}})
	assert.Contains(t, page, "The patient cancelled visit")

	_, page = b.Post("/sandbox/addresses/3001/breaks", url.Values{"token": {token}, "week": {week}, "since": {at("08:00")}, "till": {at("08:30")}})
	assert.Contains(t, page, "The doctor added break")
	view, err = m.Address("sandbox", "3001", day, day.AddDate(0, 0, 1))
	require.NoError(t, err)
	require.Len(t, view.Breaks, 1)
	assert.Contains(t, page, "break 08:00–08:30")
	_, page = b.Post("/sandbox/addresses/3001/breaks/"+view.Breaks[0].ID+"/remove", url.Values{"token": {token}, "week": {week}})
	assert.Contains(t, page, "The doctor removed break")

	_, page = b.Post("/sandbox/addresses/3001/breaks", url.Values{"token": {token}, "week": {week}, "since": {at("09:00")}, "till": {at("08:00")}})
	assert.Contains(t, page, "a break ends after it starts", "a mistake is said on the page")

	_, page = b.Post("/sandbox/real-time", url.Values{"token": {token}, "on": {"on"}})
	assert.Contains(t, page, "Real-time checks are on.")
	c, err := m.Clinic("sandbox")
	require.NoError(t, err)
	assert.True(t, c.RealTime)

	code, page = b.Get("/sandbox/traffic")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "replaceSlots", "the partner's calls are listed")

	code, _ = b.Get("/sandbox/addresses/9999")
	assert.Equal(t, http.StatusNotFound, code)
	code, page = b.Get("/sandbox/addresses/3001?week=tuesday")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, page, `week &#34;tuesday&#34; is not a date`)

	b.Post("/sandbox/logout", url.Values{})
	_, page = b.Get("/sandbox/addresses/3001")
	assert.Contains(t, page, `name="client_secret"`, "signed out, the calendar asks to sign in")
}

// TestTheTrafficPageShowsEachNotificationWithItsAttempts: a notification
// retried until the partner took it is one row with every attempt; one the
// platform gave up on says it waits for the release call; with PULL, what
// waits in the queue is listed.
func TestTheTrafficPageShowsEachNotificationWithItsAttempts(t *testing.T) {
	clk := clock.New()
	m, day, tok := fedOn(t, clk)
	var calls atomic.Int32
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError) // the first delivery fails
		}
	}))
	defer partner.Close()
	settings := func(body string) {
		t.Helper()
		r := httptest.NewRequest(http.MethodPut, "/api/v3/integration/notifications/settings", strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	}
	settings(`{"model":"push","url":"` + partner.URL + `/docplanner"}`)
	booking, err := m.PatientBooks("sandbox", "3001", day.Add(8*time.Hour), docplannermock.Patient{Name: "Ewa", Phone: "+48600"})
	require.NoError(t, err)
	clk.Advance(5 * time.Minute) // the retry, which the partner takes
	require.NoError(t, m.DropNextDeliveries("sandbox", 3))
	_, err = m.DoctorAddsBreak("sandbox", "3001", day.Add(9*time.Hour), day.Add(9*time.Hour+30*time.Minute))
	require.NoError(t, err)
	clk.Advance(15 * time.Minute) // both retries of the break, dropped too
	settings(`{"model":"pull"}`)
	require.NoError(t, m.PatientCancels("sandbox", booking))

	srv := httptest.NewServer(sandbox.New(m, sandbox.Options{}))
	defer srv.Close()
	b := pagetest.New(t, srv.URL)
	b.Post("/sandbox/login", url.Values{"client_id": {"sandbox"}, "client_secret": {"s3cret"}})
	code, page := b.Get("/sandbox/traffic")
	require.Equal(t, http.StatusOK, code)
	sent := page[strings.Index(page, `id="sent"`):strings.Index(page, `id="pull"`)]
	assert.Equal(t, 2, strings.Count(sent, `class="notification"`), "two notifications, however many attempts: %s", sent)
	booked := sent[strings.Index(sent, "slot-booked"):]
	assert.Regexp(t, `^slot-booked</td>\s*<td><div class="attempt">[\d:]+ → HTTP 500 <span class="muted">to http://[^<]+/docplanner</span></div><div class="attempt">retry 1: [\d:]+ → HTTP 200 [^\n]*</div></td>\s*<td class="ok">delivered on attempt 2</td>`, booked)
	created := sent[strings.Index(sent, "break-created"):]
	assert.Equal(t, 2, strings.Count(created[:strings.Index(created, "</tr>")], "retry "), "the first attempt and two retries")
	assert.Contains(t, created, `<td class="bad">given up after 3 attempts: waits for the partner&#39;s release call</td>`)
	pull := page[strings.Index(page, `id="pull"`):]
	assert.Equal(t, 1, strings.Count(pull, `class="queued"`))
	assert.Contains(t, pull, "booking-canceled")
}

// TestTheSessionsOperatorOpensAnyScenariosClinic: in a joint session the
// operator signs in with the session's key (no client id) and opens the
// clinic of any scenario, listed by its name; without the key, or on a
// standalone mock, an empty client id opens nothing.
func TestTheSessionsOperatorOpensAnyScenariosClinic(t *testing.T) {
	m, _ := fed(t)
	m.Journal().Label("sandbox", "A visit booked by a patient reaches the partner")
	tests := []struct {
		name, key, secret string
		in                bool
	}{
		{"the session's key", "session-key", "session-key", true},
		{"a wrong key", "session-key", "session-kez", false},
		{"a standalone mock has no key", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(sandbox.New(m, sandbox.Options{OperatorKey: tt.key}))
			defer srv.Close()
			b := pagetest.New(t, srv.URL)
			code, page := b.Post("/sandbox/login", url.Values{"client_id": {""}, "client_secret": {tt.secret}})
			if !tt.in {
				assert.Equal(t, http.StatusUnauthorized, code)
				code, _ = b.Post("/sandbox/clients/sandbox/open", url.Values{"token": {pagetest.FormToken(page)}})
				assert.Equal(t, http.StatusForbidden, code)
				return
			}
			require.Equal(t, http.StatusOK, code)
			assert.Contains(t, page, "A visit booked by a patient reaches the partner")
			code, _ = b.Post("/sandbox/clients/sandbox/open", url.Values{"token": {"forged"}})
			assert.Equal(t, http.StatusForbidden, code, "a page elsewhere cannot open a clinic for the operator")
			_, page = b.Post("/sandbox/clients/sandbox/open", url.Values{"token": {pagetest.FormToken(page)}})
			assert.Contains(t, page, "Clinica Sol")
			assert.Contains(t, page, `href="/sandbox/clients">scenarios</a>`)
		})
	}
}

// TestASignInEnds: a sign-in lasts its life on the sandbox's clock, and the
// page then says it ended; a form of the ended sign-in is refused.
func TestASignInEnds(t *testing.T) {
	clk := clock.New()
	m, day, _ := fedOn(t, clk)
	srv := httptest.NewServer(sandbox.New(m, sandbox.Options{Clock: clk, SessionLife: time.Hour}))
	defer srv.Close()
	b := pagetest.New(t, srv.URL)
	code, page := b.Post("/sandbox/login", url.Values{"client_id": {"sandbox"}, "client_secret": {"s3cret"}})
	require.Equal(t, http.StatusOK, code)
	token := pagetest.FormToken(page)
	require.NotEmpty(t, token)

	clk.Advance(59 * time.Minute)
	code, page = b.Get("/sandbox/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Test clinic", "still signed in before the hour is up")

	clk.Advance(time.Minute)
	_, page = b.Get("/sandbox/")
	assert.Contains(t, page, "Your session has expired: sign in again.")
	assert.Contains(t, page, `name="client_secret"`)
	week := day.Format("2006-01-02")
	_, page = b.Post("/sandbox/addresses/3001/bookings", url.Values{"token": {token}, "week": {week}, "start": {week + "T08:30"}})
	assert.Contains(t, page, "Your session has expired", "a form of the ended sign-in books nothing")
	view, err := m.Address("sandbox", "3001", day, day.AddDate(0, 0, 1))
	require.NoError(t, err)
	assert.Empty(t, view.Bookings)
}
