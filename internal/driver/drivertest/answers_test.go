package drivertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnswersOffTheContractAreNamed(t *testing.T) {
	tests := []struct {
		name, method, path, body, answer string
		status                           int
		violation                        string // "" when the answer keeps to the contract
		checked                          string // the schema checked, "" when none applies
	}{
		{"a view as the contract says", "GET", "/view/free-slots", "", `[{"location_id":"anna-centrum","start":"2026-12-08T10:00:00+01:00"}]`, 200, "", "DocplannerFreeSlotsView"},
		{"a view with a time that is not RFC 3339", "GET", "/view/free-slots", "", `[{"location_id":"anna-centrum","start":"Tue 10:00"}]`, 200, "start", "DocplannerFreeSlotsView"},
		{"a mappings view without insurances", "GET", "/view/mappings", "", `{"facilities":[],"doctors":[],"locations":[],"services":[]}`, 200, "insurances", "DocplannerMappingsView"},
		{"a result without its id", "POST", "/actions", `{"action":"book-visit","params":{}}`, `{"result":{"id":"v1"}}`, 200, "booking_id", "DocplannerBookVisitResult"},
		{"an action without a result", "POST", "/actions", `{"action":"cancel-visit","params":{}}`, `{"result":{}}`, 200, "", ""},
		{"a refusal is not a view", "GET", "/view/bookings", "", `{"error":"not connected"}`, 409, "", ""},
		{"a view the contract leaves free", "GET", "/view/debug", "", `"anything"`, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			partner := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.answer))
			})
			a, err := NewAnswers("docplanner", partner)
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
			assert.Equal(t, tt.status, rec.Code, "the answer passes through")
			assert.Equal(t, tt.answer, rec.Body.String())
			if tt.violation == "" {
				assert.Empty(t, a.Violations())
			} else {
				require.Len(t, a.Violations(), 1)
				assert.Contains(t, a.Violations()[0], tt.violation)
			}
			if tt.checked == "" {
				assert.Empty(t, a.Checked())
			} else {
				assert.Equal(t, []string{tt.checked}, a.Checked())
			}
		})
	}
}
