package docplanner_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

const addr = "/api/v3/integration/facilities/1001/doctors/2001/addresses/3001"

// fedMock returns a mock with one tenant whose calendar at address 3001 is
// fed for two weeks, and a token for it.
func fedMock(tb testing.TB, opts docplannermock.Options) (*docplannermock.Mock, string, time.Time) {
	tb.Helper()
	opts.Clock = clock.New()
	opts.GetsPerHour = 1 << 30
	opts.WritesPerMinute = 1 << 30
	m, err := docplannermock.New(opts)
	require.NoError(tb, err)
	f, err := docplannerfixture.Clinic()
	require.NoError(tb, err)
	m.AddTenant("bench", "secret", f)

	do := func(method, path, token, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
		} else {
			r.SetBasicAuth("bench", "secret")
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		require.Less(tb, w.Code, 300, "%s %s: %s", method, path, w.Body.String())
		return w
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(tb, json.Unmarshal(do("POST", "/oauth/v2/token", "", "grant_type=client_credentials&scope=integration").Body.Bytes(), &tok))
	do("POST", addr+"/calendar/enable", tok.AccessToken, "")
	var svc struct {
		ID string `json:"id"`
	}
	require.NoError(tb, json.Unmarshal(do("POST", addr+"/services", tok.AccessToken, `{"service_id":"11","default_duration":30}`).Body.Bytes(), &svc))
	loc := f.Location()
	start := time.Now().In(loc).AddDate(0, 0, 1)
	day0 := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	// One request per day, as the platform demands.
	for d := range 14 {
		day := day0.AddDate(0, 0, d)
		body, _ := json.Marshal(map[string]any{"slots": []map[string]any{{
			"start": day.Add(8 * time.Hour).Format(time.RFC3339), "end": day.Add(16 * time.Hour).Format(time.RFC3339),
			"address_services": []map[string]any{{"address_service_id": svc.ID, "duration": 30}},
		}}})
		do("PUT", addr+"/slots", tok.AccessToken, string(body))
	}
	return m, tok.AccessToken, day0
}

func benchGetSlots(b *testing.B, opts docplannermock.Options) {
	m, tok, day0 := fedMock(b, opts)
	q := url.Values{"start": {day0.Format(time.RFC3339)}, "end": {day0.AddDate(0, 0, 7).Format(time.RFC3339)}}
	path := addr + "/slots?" + q.Encode()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("getSlots answered %d: %s", w.Code, w.Body.String())
		}
	}
}

// BenchmarkGetSlotsValidated is the mock's normal path: the request and the
// 128-slot answer are both checked against the document.
func BenchmarkGetSlotsValidated(b *testing.B) { benchGetSlots(b, docplannermock.Options{}) }

// BenchmarkGetSlotsUnvalidated is the same request with validation off; the
// ratio of the two is validation's cost.
func BenchmarkGetSlotsUnvalidated(b *testing.B) {
	benchGetSlots(b, docplannermock.Options{SkipRequestValidation: true, SkipResponseValidation: true})
}
