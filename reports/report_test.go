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
		Platform: "docplanner", Title: "Docplanner", Partner: `Evil <b>Partner</b>`, Version: "test", Verdict: "failed",
		Started: at, Duration: 1500 * time.Millisecond,
		Scenarios: []Scenario{
			{Feature: "Bookings", Name: "A visit booked by a patient reaches the partner", Status: "failed",
				FailedStep: "Then the partner's system shows the visit", JudgedAfter: 2, JudgedUpTo: 3,
				Reason: "bookings (Docplanner → partner): not so after 30s " + hostile,
				Steps: []Step{
					{Keyword: "Given", Text: "the partner has activated the integration", Status: "passed"},
					{Keyword: "Then", Text: "the partner's system shows the visit", Status: "failed", Error: "not so after 30s"},
				}},
			{Feature: "Bookings", Name: "A cancellation reaches Docplanner", Status: "passed",
				Steps: []Step{{Keyword: "When", Text: "the receptionist cancels", Status: "passed"}}},
		},
		Extras: map[string]any{
			"api_coverage":           []map[string]any{{"operation": "getSlots", "required": true, "calls": 3}},
			"max_latency_seconds":    60.2,
			"latency_budget_seconds": 30,
			"latencies": []map[string]any{
				{"scenario": "A visit booked reaches the partner by PULL", "what": "bookings", "seconds": 60.2, "limit_seconds": 120},
				{"scenario": "A visit booked reaches the partner", "what": "bookings", "seconds": 31.5, "limit_seconds": 30},
				{"scenario": "A break reaches Docplanner", "what": "breaks", "seconds": 0.0042, "limit_seconds": 30},
			},
			"activation_timeline": []map[string]any{
				{"step": "callback URL declared", "first": "10:00:00.000", "last": "10:00:00.100"},
				{"step": "calendars fed with slots", "first": "10:00:00.200", "last": "10:00:01.500"},
			},
			"mock_violation_samples": nil,
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

func TestFiguresReadAsPeopleWriteThem(t *testing.T) {
	for _, tc := range []struct {
		key  string
		v    any
		want string
	}{
		{"max_latency_seconds", 0.00041715999999999997, "0.417 ms"},
		{"max_latency_seconds", 60.161392004, "60.2 s"},
		{"seconds", 1e-08, "< 0.1 ms"},
		{"validation_ns", 2845973554.0, "2.85 s"},
		{"mock_violation_samples", nil, "—"},
		{"warnings", []any{}, "none"},
		{"required", true, "yes"},
		{"exchanges", 2115.0, "2115"},
		{"ratio", 0.123456789, "0.1235"},
	} {
		assert.Equal(t, tc.want, formatValue(tc.key, tc.v), "%s = %v", tc.key, tc.v)
	}
	assert.Equal(t, "max latency", label("max_latency_seconds"))
	assert.Equal(t, "time", label("seconds"))
}

func TestFiguresKeepTheirColumnOrderAndDrawCharts(t *testing.T) {
	run := sampleRun()
	figs := figures(run.Extras, t.TempDir())
	byName := map[string]figure{}
	for _, f := range figs {
		byName[f.Name] = f
	}
	require.Equal(t, "figures of the run", figs[0].Name, "single values come first, together")
	lat := byName["latencies"]
	assert.Equal(t, []string{"limit", "scenario", "time", "what"}, lat.Columns, "a map has no order; its keys sort")
	assert.Contains(t, string(lat.Chart), "<svg")
	assert.Equal(t, 3, strings.Count(string(lat.Chart), `class="bar"`))
	assert.Equal(t, 1, strings.Count(string(lat.Chart), `#c62828`), "only the one over its own limit is red: 60 s under PULL's two minutes is not")
	assert.Contains(t, string(lat.Chart), "(own limit 120 s)")
	assert.Contains(t, lat.Note, "1 over their limit")
	tl := byName["activation timeline"]
	assert.Contains(t, string(tl.Chart), "+200 ms to +1.5 s")
	cov := byName["api coverage"]
	assert.Contains(t, string(cov.Chart), "<svg")

	type row struct {
		Operation string  `json:"operation"`
		Calls     int     `json:"calls"`
		Required  bool    `json:"required"`
		Seconds   float64 `json:"max_seconds"`
	}
	ordered := figures(map[string]any{"latencies": []row{{"getSlots", 3, true, 0.2}, {"bookSlot", 0, true, 0}}}, "")
	assert.Equal(t, []string{"operation", "calls", "required", "max"}, ordered[0].Columns, "a struct's fields keep their order")
}

func TestADashboardBesideTheReportIsLinkedRelatively(t *testing.T) {
	dir := t.TempDir()
	dash := filepath.Join(dir, "reach-dashboard.html")
	require.NoError(t, os.WriteFile(dash, []byte("<html></html>"), 0o644))
	figs := figures(map[string]any{"dashboard": dash, "elsewhere": "/nonexistent/x.html"}, dir)
	require.Len(t, figs, 2)
	assert.Equal(t, "reach-dashboard.html", figs[1].Link)
	assert.Equal(t, "/nonexistent/x.html", figs[0].Facts[0][1], "a file not beside the report stays text")
}

func TestEvidenceLeadsWithWhatTheFailingStepJudged(t *testing.T) {
	es := []journal.Entry{
		{Seq: 1, Status: 503}, // the outage the scenario asked for
		{Seq: 2, Status: 200}, // an earlier step's call
		{Seq: 3, Status: 200}, // the check the failing step read
		{Seq: 4, Status: 409}, // refused while the step ran
		{Seq: 5, Status: 200}, // the scenario's clean-up
	}
	seqs := func(sc Scenario) []int64 {
		var out []int64
		for _, e := range evidence(es, sc) {
			out = append(out, e.Seq)
		}
		return out
	}
	assert.Equal(t, []int64{4, 3, 1, 2, 5}, seqs(Scenario{Status: "failed", JudgedAfter: 2, JudgedUpTo: 4}))
	assert.Equal(t, []int64{1, 4, 2, 3, 5}, seqs(Scenario{Status: "failed"}), "without a window, refused calls first")
}

func TestReasonsThatAreListsAreShownAsLists(t *testing.T) {
	for _, tc := range []struct {
		reason string
		head   string
		items  int
	}{
		{"balance sheet 2026-03: cash 10 want 12; receivables 5 want 4; equity 3 want 2; total 18 want 18", "balance sheet 2026-03:", 4},
		{"data accuracy: lantern: P&L: a is 1; lantern: P&L: b is 2; lantern: P&L: c is 3; lantern: P&L: d is 4", "data accuracy:", 4},
		{"refused requests: a; b", "", 0},
		{"whole state: 2 differences:\n  item | field", "", 0},
		{"a; b; c; d; e", "", 5},
		{"permissions: the partner acted although the key does not allow it (key active; clients all; records false; schedule all), instead of refusing; the partner sent no request", "", 0},
	} {
		got := listed(tc.reason)
		if tc.items == 0 {
			assert.Nil(t, got, tc.reason)
			continue
		}
		require.NotNil(t, got, tc.reason)
		assert.Equal(t, tc.head, got.Head)
		assert.Len(t, got.Items, tc.items)
	}
}
