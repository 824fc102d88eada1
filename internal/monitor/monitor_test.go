package monitor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/monitor"
	"github.com/accord-harness/accord/internal/monitor/monitortest"
	"github.com/accord-harness/accord/internal/monitor/smtptest"
)

func newEnv(t *testing.T, body string) *monitortest.Env {
	t.Helper()
	e, err := monitortest.NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := e.Start(body); err != nil {
		t.Fatal(err)
	}
	return e
}

// acmeEnv monitors one endpoint, acme, at path on the partner.
func acmeEnv(t *testing.T, path string) *monitortest.Env {
	t.Helper()
	return newEnv(t, "endpoints:\n  - name: acme\n    url: \"{{partner}}"+path+"\"\n    alert_to: [ops@acme.test]\n")
}

func advance(t *testing.T, e *monitortest.Env, d time.Duration, times int) {
	t.Helper()
	for range times {
		if err := e.Advance(d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAlertAfterThreeFailures(t *testing.T) {
	e := acmeEnv(t, "/health")
	e.Partner.Set("/health", monitortest.Behavior{Status: 503, Body: "<h1>maintenance</h1>"})
	advance(t, e, 5*time.Minute, 2)
	if n := len(e.SMTP.Mails()); n != 0 {
		t.Fatalf("after 2 failures: %d mails, want 0", n)
	}
	advance(t, e, 5*time.Minute, 1)
	mails := e.SMTP.Mails()
	if len(mails) != 1 {
		t.Fatalf("after 3 failures: %d mails, want 1", len(mails))
	}
	if !strings.Contains(mails[0].Body, "HTTP 503") {
		t.Error("no status in body")
	}
	if got := e.Partner.Hits("/health"); got != 3 {
		t.Errorf("hits = %d, want 3", got)
	}
}

func TestSlowEndpointDoesNotDelayOthers(t *testing.T) {
	var b strings.Builder
	b.WriteString("concurrency: 4\nalert_to: [ops@platform.test]\nendpoints:\n")
	for i := range 12 {
		fmt.Fprintf(&b, "  - name: ep-%02d\n    url: \"{{partner}}/ep-%02d\"\n", i, i)
	}
	e := newEnv(t, b.String())
	e.Partner.Set("/ep-00", monitortest.Behavior{Hang: true})

	// Let every slot of the interval pass without letting the hung probe time
	// out: the others must all be checked meanwhile.
	e.Clock.Advance(5 * time.Minute)
	deadline := time.Now().Add(5 * time.Second)
	for {
		checked := 0
		for _, s := range e.Monitor.Status().Endpoints {
			if !s.LastCheck.IsZero() {
				checked++
			}
		}
		if checked == 11 && e.Partner.Hanging() == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of 11 fast endpoints checked while one hangs", checked)
		}
		time.Sleep(time.Millisecond)
	}
	if err := e.Settle(); err != nil { // gives the hung probe its timeout
		t.Fatal(err)
	}
	st := e.Monitor.Status().Endpoints[0]
	if st.State != "down" || !strings.Contains(st.LastResult, "timeout") {
		t.Errorf("slow endpoint: %+v", st)
	}
}

func TestProbesAreSpreadOverTheInterval(t *testing.T) {
	var b strings.Builder
	b.WriteString("alert_to: [ops@platform.test]\nendpoints:\n")
	for i := range 200 {
		fmt.Fprintf(&b, "  - name: partner-%d\n    url: \"{{partner}}/p\"\n", i)
	}
	e := newEnv(t, b.String())
	bins := make([]int, 10)
	for _, s := range e.Monitor.Status().Endpoints {
		off := s.NextCheck.Sub(monitortest.Epoch)
		if off <= 0 || off > 5*time.Minute {
			t.Fatalf("%s first due at +%s, outside the first interval", s.Name, off)
		}
		bins[int(off*10/(5*time.Minute+1))]++
	}
	for i, n := range bins {
		if n < 5 {
			t.Errorf("30s-slice %d holds %d of 200 first checks: not spread (%v)", i, n, bins)
		}
	}
	// After one interval everyone has been checked exactly once.
	advance(t, e, 5*time.Minute, 1)
	if got := e.Partner.Hits("/p"); got != 200 {
		t.Errorf("%d checks in one interval, want 200", got)
	}
	advance(t, e, 5*time.Minute, 1)
	if got := e.Partner.Hits("/p"); got != 400 {
		t.Errorf("%d checks in two intervals, want 400", got)
	}
}

func TestShutdownAbandonsInFlightProbesWithoutCountingThem(t *testing.T) {
	e := acmeEnv(t, "/h")
	e.Partner.Set("/h", monitortest.Behavior{Status: 503})
	advance(t, e, 5*time.Minute, 2)
	e.Partner.Set("/h", monitortest.Behavior{Hang: true})
	e.Clock.Advance(5 * time.Minute)
	for e.Partner.Hanging() == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if err := e.Restart(); err != nil { // Stop cancels the hung probe
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	if st := e.Monitor.Status().Endpoints[0]; st.ConsecutiveFailures != 2 {
		t.Errorf("after restart: %d failures in a row, want the 2 counted before the abandoned probe", st.ConsecutiveFailures)
	}
	e.Partner.Set("/h", monitortest.Behavior{Status: 503})
	advance(t, e, 5*time.Minute, 1)
	if n := len(e.SMTP.Mails()); n != 1 {
		t.Errorf("%d mails after the third counted failure, want 1", n)
	}
}

func TestMetricsAndStatus(t *testing.T) {
	e := newEnv(t, `
endpoints:
  - name: acme
    url: "{{partner}}/acme?key=secret"
    alert_to: [ops@acme.test]
  - name: "<script>alert(1)</script>"
    url: "{{partner}}/ok"
    alert_to: [ops@acme.test]
  - name: refused
    url: "http://127.0.0.1:1/"
    alert_to: [ops@acme.test]
`)
	e.Partner.Set("/acme", monitortest.Behavior{Status: 503})
	advance(t, e, 5*time.Minute, 3)
	srv := httptest.NewServer(e.Monitor.Handler())
	defer srv.Close()

	metrics := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`accord_monitor_probe_success{endpoint="acme"} 0`,
		`accord_monitor_probe_http_status_code{endpoint="acme"} 503`,
		`accord_monitor_consecutive_failures{endpoint="acme"} 3`,
		`accord_monitor_alerting{endpoint="acme"} 1`,
		`accord_monitor_alerts_sent_total{endpoint="acme"} 1`,
		`accord_monitor_probe_duration_seconds{endpoint="acme"}`,
		`accord_monitor_probe_success{endpoint="<script>alert(1)</script>"} 1`,
		`accord_monitor_probes_total{result="down"} 6`,
		`accord_monitor_probes_total{result="alive"} 3`,
		`accord_monitor_emails_delivered_total{kind="alert"} 2`,
		`accord_monitor_outbox_pending 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
			for _, l := range strings.Split(metrics, "\n") {
				if strings.HasPrefix(l, "accord_") {
					t.Log(l)
				}
			}
		}
	}

	doc, err := os.ReadFile("../../docs/monitor.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(metrics, "\n") {
		name, _, _ := strings.Cut(strings.TrimPrefix(l, "# HELP "), " ")
		if strings.HasPrefix(l, "# HELP accord_") && !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/monitor.md does not document the metric %s", name)
		}
	}

	var st monitor.Status
	if err := json.Unmarshal([]byte(get(t, srv.URL+"/status")), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Endpoints) != 3 || st.Threshold != 3 || st.Interval != "5m0s" {
		t.Fatalf("%+v", st)
	}
	acme := st.Endpoints[0]
	if acme.State != "alerting" || acme.ConsecutiveFailures != 3 || acme.LastStatus != 503 || acme.AlertsSent != 1 {
		t.Errorf("acme %+v", acme)
	}
	if acme.DownSince.IsZero() || acme.DownSince.After(acme.LastCheck) || st.Endpoints[1].DownSince != (time.Time{}) {
		t.Errorf("down since: acme %v (last check %v), the endpoint that is up %v", acme.DownSince, acme.LastCheck, st.Endpoints[1].DownSince)
	}
	if strings.Contains(acme.URL, "secret") {
		t.Errorf("status shows the query secret: %s", acme.URL)
	}
	if st.Endpoints[1].State != "up" || st.Endpoints[1].LastResult != "HTTP 200 OK" {
		t.Errorf("ok endpoint %+v", st.Endpoints[1])
	}
	if r := st.Endpoints[2]; r.State != "alerting" || !strings.Contains(r.LastResult, "connection refused") {
		t.Errorf("refused endpoint %+v", r)
	}

	var d monitor.Detail
	if err := json.Unmarshal([]byte(get(t, srv.URL+"/status/acme")), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Deliveries) != 1 || d.State.Consecutive != 3 || len(d.State.History) != 1 {
		t.Errorf("detail %+v", d)
	}

	page := get(t, srv.URL+"/status.html")
	if strings.Contains(page, "<script>alert(1)") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("endpoint name not escaped in the HTML page")
	}
	if !strings.Contains(page, `href="/status/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"`) {
		t.Errorf("detail link not path-escaped")
	}
	get(t, srv.URL+"/status/%3Cscript%3Ealert%281%29%3C%2Fscript%3E") // the link works
	if !strings.Contains(page, `<td class="url">`+acme.URL+`</td>`) || !strings.Contains(page, `<td class="since">`+acme.DownSince.UTC().Format("2006-01-02 15:04:05Z")+`</td>`) {
		t.Errorf("the page lacks the endpoint's URL or since when it is down")
	}
	if !strings.Contains(page, `class="alerting"`) {
		t.Errorf("page does not show the alerting state")
	}
}

func TestRejectedRecipientIsParkedAndOthersStillDelivered(t *testing.T) {
	e, err := monitortest.NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.SMTP.Stop()
	e.SMTP, err = smtptest.Start(smtptest.Options{Reject: "gone@acme.test"})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Start(`threshold: 1
endpoints:
  - name: a
    url: "{{partner}}/a"
    alert_to: [gone@acme.test]
  - name: b
    url: "{{partner}}/b"
    alert_to: [ops@acme.test]
`)
	if err != nil {
		t.Fatal(err)
	}
	e.Partner.Set("/a", monitortest.Behavior{Status: 500})
	e.Partner.Set("/b", monitortest.Behavior{Status: 500})
	advance(t, e, 5*time.Minute, 1)
	st := e.Monitor.Status()
	if st.Parked != 1 || st.OutboxPending != 0 || len(e.SMTP.Mails()) != 1 || e.SMTP.Mails()[0].To[0] != "ops@acme.test" {
		t.Errorf("parked=%d pending=%d mails=%v", st.Parked, st.OutboxPending, e.SMTP.Mails())
	}
}

func TestCycleChecksEveryEndpointOnce(t *testing.T) {
	e := newEnv(t, "concurrency: 3\nalert_to: [o@p.test]\nendpoints:\n  - {name: a, url: \"{{partner}}/x\"}\n  - {name: b, url: \"{{partner}}/x\"}\n  - {name: c, url: \"{{partner}}/x\"}\n  - {name: d, url: \"{{partner}}/x\"}\n")
	e.Monitor.Cycle(context.Background())
	if got := e.Partner.Hits("/x"); got != 4 {
		t.Errorf("%d checks, want 4", got)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}
