package reports

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
)

// hostile is what a malicious or broken partner might answer.
const hostile = `<script>window.__pwned = 1; document.title = "pwned"</script><img src=x onerror="window.__pwned=2">`

func sampleRun() Run {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	return Run{
		Platform: "docplanner", Partner: `Evil <b>Partner</b>`, Version: "test", Verdict: "failed",
		Started: at, Duration: 1500 * time.Millisecond,
		Scenarios: []Scenario{
			{Feature: "Bookings", Name: "A visit booked by a patient reaches the partner", Status: "failed",
				FailedStep: "Then the partner's system shows the visit",
				Reason:     "bookings (Docplanner → partner): not so after 30s " + hostile,
				Steps: []Step{
					{Keyword: "Given", Text: "the partner has activated the integration", Status: "passed"},
					{Keyword: "Then", Text: "the partner's system shows the visit", Status: "failed", Error: "not so after 30s"},
				}},
			{Feature: "Bookings", Name: "A cancellation reaches Docplanner", Status: "passed",
				Steps: []Step{{Keyword: "When", Text: "the receptionist cancels", Status: "passed"}}},
		},
		Extras: map[string]any{
			"api_coverage":        []map[string]any{{"operation": "getSlots", "required": true, "calls": 3}},
			"max_latency_seconds": 0.25,
		},
		Labels: map[string]string{"t1": "A visit booked by a patient reaches the partner"},
		Exchanges: []journal.Entry{
			{Seq: 1, Tenant: "t1", Time: at, Duration: 12 * time.Millisecond, Direction: journal.Outbound, Operation: "push:slot-booked",
				Method: "POST", URL: "http://127.0.0.1:9/callbacks", RequestHeader: http.Header{"Content-Type": {"application/json"}},
				RequestBody: []byte(`{"name":"slot-booked"}`), Status: 500,
				ResponseHeader: http.Header{"Content-Type": {"text/html"}}, ResponseBody: []byte(hostile)},
			{Seq: 2, Tenant: "t1", Time: at, Direction: journal.Inbound, Operation: "replaceSlots", Method: "PUT",
				URL: "http://127.0.0.1:8/api/v3/integration/x/slots", Status: 400,
				RequestViolations: []journal.Violation{{In: "body", Field: "slots.0.start", Rule: "format", Message: `must be a date-time, got "2026-12-01T09:00:00"`}}},
			{Seq: 3, Tenant: "t1", Time: at, Direction: journal.Inbound, Operation: "deleteSlots", Method: "DELETE",
				URL: "http://127.0.0.1:8/api/v3/integration/x/slots/2026-12-01T00%3A00%3A00%2B01%3A00", Status: 204,
				Warnings: []journal.Violation{{In: "path", Field: "date", Rule: "format", Message: "a date-time where a date is expected; taken as 2026-12-01"}}},
		},
	}
}

func TestHTMLEscapesEverythingThePartnerSent(t *testing.T) {
	path := filepath.Join(t.TempDir(), HTMLFile)
	require.NoError(t, WriteHTML(path, sampleRun()))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	html := string(b)
	assert.NotContains(t, html, "<script>", "no partner text may become markup")
	assert.NotContains(t, html, "<img src=x", "no partner text may become markup")
	assert.NotContains(t, html, "<b>Partner</b>")
	assert.Contains(t, html, "&lt;script&gt;")
	assert.Contains(t, html, "default-src 'none'", "a CSP forbids scripts even if escaping ever failed")
	assert.Contains(t, html, "slots.0.start")
	assert.Contains(t, html, `class="warnings"`, "a request let pass with a warning shows it")
	assert.Contains(t, html, "taken as 2026-12-01")
	assert.Contains(t, html, "api coverage")
	assert.NotContains(t, html, "src=\"http", "the page loads nothing external")
}

func TestHARIsValidJSONWithEveryExchange(t *testing.T) {
	path := filepath.Join(t.TempDir(), HARFile)
	require.NoError(t, WriteHAR(path, sampleRun()))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var h struct {
		Log struct {
			Version string `json:"version"`
			Entries []struct {
				Request struct {
					Method, URL string
				} `json:"request"`
				Response struct {
					Status  int `json:"status"`
					Content struct {
						Text     string `json:"text"`
						Encoding string `json:"encoding"`
					} `json:"content"`
				} `json:"response"`
				Comment string `json:"comment"`
			} `json:"entries"`
		} `json:"log"`
	}
	require.NoError(t, json.Unmarshal(b, &h))
	assert.Equal(t, "1.2", h.Log.Version)
	require.Len(t, h.Log.Entries, 3)
	assert.Equal(t, 500, h.Log.Entries[0].Response.Status)
	assert.Equal(t, "base64", h.Log.Entries[0].Response.Content.Encoding)
	assert.True(t, strings.Contains(h.Log.Entries[1].Comment, "violation: body slots.0.start format"))
	assert.True(t, strings.Contains(h.Log.Entries[2].Comment, "warning: path date format"))
}
