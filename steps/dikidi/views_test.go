package dikidi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/suitetest"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// otherShapes rewrites the reference partner's views into other shapes the
// driver contract allows: every time in UTC ("…T06:00:00Z", RFC 3339 like
// the salon's "+03:00"), refusals as sentences, the optional ids null.
func otherShapes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/view/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var v any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &v) != nil {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		if st, ok := v.(map[string]any); ok && strings.HasSuffix(r.URL.Path, "/status") {
			var sentences []any
			for _, x := range asList(st["refusals"]) {
				o, _ := x.(map[string]any)
				sentences = append(sentences, o["action"].(string)+" refused by "+o["by"].(string)+": "+o["reason"].(string))
			}
			st["refusals"] = sentences
			st["key_id"], st["company_id"], st["employee_id"], st["permissions"] = nil, nil, nil, nil
		}
		v = inUTC(v)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	})
}

func asList(v any) []any {
	xs, _ := v.([]any)
	return xs
}

// inUTC rewrites every RFC 3339 date-time in a JSON value to UTC.
func inUTC(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			x[k] = inUTC(y)
		}
	case []any:
		for i, y := range x {
			x[i] = inUTC(y)
		}
	case string:
		if t, err := time.Parse(time.RFC3339, x); err == nil && strings.Contains(x, "T") {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return v
}

// TestViewsInOtherCorrectShapesPassEverything: a partner whose views give
// times in UTC and refusals as sentences (both as the contract allows) passes
// every scenario. Times are compared as instants, whatever offset they carry,
// and an optional field in another allowed shape never stops a read.
func TestViewsInOtherCorrectShapesPassEverything(t *testing.T) {
	racedetector.SkipRepeat(t, "the suite against the reference partner")
	suitetest.PassesEverything(t, dikidisteps.WithPartnerWrapper(dikidisteps.Platform{}, otherShapes), suitetest.Correct{})
}

// TestViewsAreCheckedAgainstTheContract: what the contract allows is read,
// what it does not is refused with the field and the schema named.
func TestViewsAreCheckedAgainstTheContract(t *testing.T) {
	status := func(refusals string) []byte {
		return []byte(`{"key_state": "active", "connected": true, "paused": false, "deleted": false, "events_url": "http://127.0.0.1:1/events", "refusals": ` + refusals + `}`)
	}
	tests := []struct {
		name, view string
		raw        []byte
		want       []string // in the error; none means accepted
	}{
		{"refusals as objects", "status", status(`[{"action": "add-record", "by": "partner", "reason": "paused"}]`), nil},
		{"refusals as sentences", "status", status(`["add-record refused: the key is paused"]`), nil},
		{"no refusals", "status", status(`null`), nil},
		{"refusals in no allowed shape", "status", status(`5`), []string{"status view", "DikidiStatusView", "refusals"}},
		{"a refusal in no allowed shape", "status", status(`[7]`), []string{"DikidiStatusView", "refusals.0"}},
		{"a key state the contract does not know", "status", []byte(`{"key_state": "linked", "connected": true, "paused": false, "deleted": false, "events_url": ""}`), []string{"key_state"}},
		{"a schedule in UTC", "schedule", []byte(`[{"master_id": 201, "date": "2026-12-01", "working": true, "work_from": "2026-12-01T07:00:00Z", "work_to": "2026-12-01T16:00:00Z", "breaks": [{"from": "2026-12-01T11:00:00Z", "to": "2026-12-01T12:00:00Z"}]}]`), nil},
		{"a time without an offset", "schedule", []byte(`[{"master_id": 201, "date": "2026-12-01", "working": true, "work_from": "2026-12-01 10:00:00", "work_to": "2026-12-01T19:00:00+03:00"}]`), []string{"DikidiScheduleView", "0.work_from"}},
		{"a record without its times", "records", []byte(`[{"id": "r1", "type": "record", "status": "new", "master_id": 201}]`), []string{"DikidiRecordsView", "start"}},
		{"free times in UTC", "free-times", []byte(`[{"service_id": 301, "master_id": 201, "date": "2026-12-01", "times": ["2026-12-01T07:00:00Z"]}]`), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := dikidisteps.DecodeView(tc.view, bytes.Clone(tc.raw))
			if len(tc.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
