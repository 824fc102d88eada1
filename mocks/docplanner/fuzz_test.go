package docplanner_test

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// FuzzMockRequest throws arbitrary methods, paths, queries, headers and
// bodies at the mock with a valid token: it must never panic or fail
// internally, and every refusal must be a 4xx with a JSON error body.
func FuzzMockRequest(f *testing.F) {
	seeds := []struct{ method, path, ctype, body string }{
		{"GET", "/api/v3/integration/facilities", "", ""},
		{"PUT", addr + "/slots", "application/json", `{"slots":[{"start":"2026-12-01T09:00:00+01:00","end":"2026-12-01T10:00:00+01:00","address_services":[{"address_service_id":"1","duration":30}]}]}`},
		{"PUT", addr + "/slots", "application/json", `{"slots":[{"start":"2026-12-01T09:00:00","end":1}]}`},
		{"POST", addr + "/slots/2026-12-01T09%3A00%3A00%2B01%3A00/book", "application/json", `{"address_service_id":"1","duration":30,"patient":{"name":"a","phone":"1"}}`},
		{"POST", addr + "/breaks", "application/json", `{"since":"2026-12-01T09:00:00+01:00","till":"2026-12-01T08:00:00+01:00"}`},
		{"GET", addr + "/bookings?start=2026-12-01T00:00:00%2B01:00&end=2026-12-02T00:00:00%2B01:00&page=-1&limit=0", "", ""},
		{"GET", "/api/v3/integration/notifications/multiple?limit=1000", "", ""},
		{"PUT", "/api/v3/integration/notifications/settings", "application/json", `{"model":"push","url":"not a url"}`},
		{"POST", "/oauth/v2/token", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--"},
		{"DELETE", addr + "/bookings/%00", "application/json", `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`},
		{"PATCH", addr, "application/json", "\xff\xfe{\"insurance_support\":\"x\"}"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.ctype, s.body)
	}
	clk := clock.New()
	m, err := docplannermock.New(docplannermock.Options{Clock: clk, GetsPerHour: 1 << 30, WritesPerMinute: 1 << 30})
	require.NoError(f, err)
	fx, err := docplannerfixture.Clinic()
	require.NoError(f, err)
	m.AddTenant("fuzz", "fuzz-secret", fx)
	r := httptest.NewRequest("POST", "/oauth/v2/token", strings.NewReader("grant_type=client_credentials"))
	r.SetBasicAuth("fuzz", "fuzz-secret")
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	m.ServeHTTP(w, r)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(f, json.Unmarshal(w.Body.Bytes(), &tok))

	f.Fuzz(func(t *testing.T, method, path, ctype, body string) {
		if !validMethod(method) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") {
			return
		}
		req, err := http.NewRequest(method, "http://mock"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if ctype != "" && !strings.ContainsAny(ctype, "\r\n") {
			req.Header.Set("Content-Type", ctype)
		}
		w := httptest.NewRecorder()
		m.ServeHTTP(w, req)
		if w.Code >= 500 && w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %s answered %d: %s", method, path, w.Code, w.Body.String())
		}
		if w.Code >= 400 {
			mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
			if !strings.HasSuffix(mt, "json") || !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %s answered %d without a JSON error: %q %s", method, path, w.Code, mt, w.Body.String())
			}
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		return true
	}
	return false
}
