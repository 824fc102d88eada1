package monitor

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/accord-harness/accord/internal/monitor/rules"
	"github.com/accord-harness/accord/internal/monitor/store"
)

// EndpointStatus is one row of /status.
type EndpointStatus struct {
	Name                string    `json:"name"`
	URL                 string    `json:"url"`   // without credentials or query
	State               string    `json:"state"` // unknown, up, down, alerting
	ConsecutiveFailures int       `json:"consecutive_failures"`
	DownSince           time.Time `json:"down_since,omitzero"` // first failure of the current streak
	LastCheck           time.Time `json:"last_check,omitzero"`
	LastStatus          int       `json:"last_status,omitempty"`
	LastResult          string    `json:"last_result,omitempty"`
	LatencyMS           float64   `json:"latency_ms,omitempty"`
	AlertsSent          int       `json:"alerts_sent"`
	NextCheck           time.Time `json:"next_check,omitzero"`
}

// Status is the document served at /status.
type Status struct {
	Now           time.Time        `json:"now"`
	Interval      string           `json:"interval"`
	Timeout       string           `json:"timeout"`
	Threshold     int              `json:"threshold"`
	OutboxPending int              `json:"outbox_pending"`
	Parked        int              `json:"parked"`
	Endpoints     []EndpointStatus `json:"endpoints"`
}

// Detail is served at /status/{name}: the endpoint's stored state and what
// left the outbox for it.
type Detail struct {
	EndpointStatus
	State      rules.State      `json:"stored_state"`
	Deliveries []store.Delivery `json:"deliveries"`
}

// Status reports every endpoint, in configuration order.
func (m *Monitor) Status() Status {
	s := Status{
		Now: m.clock.Now(), Interval: m.cfg.Interval.String(), Timeout: m.cfg.Timeout.String(),
		Threshold: m.cfg.Threshold, Endpoints: make([]EndpointStatus, 0, len(m.targets)),
	}
	if p, err := m.store.Pending(); err == nil {
		s.OutboxPending = len(p)
	}
	if p, err := m.store.Parked(); err == nil {
		s.Parked = len(p)
	}
	m.mu.Lock()
	next := make([]time.Time, len(m.targets))
	for i, t := range m.targets {
		next[i] = t.due
	}
	m.mu.Unlock()
	m.snapMu.RLock()
	defer m.snapMu.RUnlock()
	for i, t := range m.targets {
		s.Endpoints = append(s.Endpoints, m.endpointStatus(t, next[i]))
	}
	return s
}

func (m *Monitor) endpointStatus(t *target, next time.Time) EndpointStatus {
	sn := t.snap
	e := EndpointStatus{
		Name: t.ep.Name, URL: DisplayURL(t.ep.URL), State: "unknown",
		ConsecutiveFailures: int(sn.consecutive), AlertsSent: int(sn.alertsSent), NextCheck: next,
	}
	if sn.checked {
		e.LastCheck, e.LastStatus, e.LastResult = sn.at, int(sn.status), sn.Reason()
		e.DownSince = sn.downSince
		e.LatencyMS = float64(sn.latency.Microseconds()) / 1000
		switch {
		case sn.alerting:
			e.State = "alerting"
		case sn.alive:
			e.State = "up"
		default:
			e.State = "down"
		}
	}
	return e
}

// Handler serves /metrics (Prometheus), /status (JSON), /status/{name}
// (JSON detail) and /status.html (the same for people).
func (m *Monitor) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, m.Status())
	})
	mux.HandleFunc("GET /status/{name}", func(w http.ResponseWriter, r *http.Request) {
		t, ok := m.byName[r.PathValue("name")]
		if !ok {
			http.Error(w, "no such endpoint", http.StatusNotFound)
			return
		}
		st, _, err := m.store.State(t.ep.Name)
		if err != nil {
			http.Error(w, "cannot read state", http.StatusInternalServerError)
			return
		}
		ds, _ := m.store.Deliveries(t.ep.Name)
		m.mu.Lock()
		next := t.due
		m.mu.Unlock()
		m.snapMu.RLock()
		d := Detail{EndpointStatus: m.endpointStatus(t, next), State: st, Deliveries: ds}
		m.snapMu.RUnlock()
		writeJSON(w, d)
	})
	mux.HandleFunc("GET /status.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := statusPage.Execute(w, m.Status()); err != nil {
			http.Error(w, "cannot render", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/status.html", http.StatusFound)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// statusPage is html/template so that endpoint names and partner answers
// (which end up in last_result) are escaped, never interpreted.
var statusPage = template.Must(template.New("status").Funcs(template.FuncMap{
	"pathEscape": url.PathEscape,
	"ts": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="30">
<title>accord monitor</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em}
table{border-collapse:collapse}
td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
.up{color:#176f2c}.down{color:#a35b00}.alerting{color:#b00020;font-weight:bold}.unknown{color:#777}
</style></head><body>
<h1>accord monitor</h1>
<p>{{len .Endpoints}} endpoints, checked every {{.Interval}} (timeout {{.Timeout}}), alert after {{.Threshold}} failures in a row.
Outbox: {{.OutboxPending}} waiting{{if .Parked}}, {{.Parked}} parked{{end}}. As of {{ts .Now}}.
<a href="/status">JSON</a> · <a href="/metrics">metrics</a></p>
<table>
<tr><th>Endpoint</th><th>URL</th><th>State</th><th>Down since</th><th>Failures in a row</th><th>Last check</th><th>Result</th><th>Last latency (ms)</th><th>Alerts</th><th>Next check</th></tr>
{{range .Endpoints}}<tr>
<td><a href="/status/{{pathEscape .Name}}">{{.Name}}</a></td>
<td class="url">{{.URL}}</td>
<td class="{{.State}}">{{.State}}</td>
<td class="since">{{ts .DownSince}}</td>
<td>{{.ConsecutiveFailures}}</td>
<td>{{ts .LastCheck}}</td>
<td>{{.LastResult}}</td>
<td class="latency">{{if not .LastCheck.IsZero}}{{printf "%.1f" .LatencyMS}}{{else}}—{{end}}</td>
<td>{{.AlertsSent}}</td>
<td>{{ts .NextCheck}}</td>
</tr>{{end}}
</table>
</body></html>
`))
