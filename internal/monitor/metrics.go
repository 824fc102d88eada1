package monitor

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/accord-harness/accord/internal/monitor/rules"
)

// metrics are registered on a registry of this monitor alone, so two
// monitors in one process (tests do that) never share or clash.
type metrics struct {
	latency          prometheus.Histogram
	probes           *prometheus.CounterVec
	alerts           prometheus.Counter
	delivered        *prometheus.CounterVec
	deliveryFailures prometheus.Counter
	skipped          prometheus.Counter
	storeErrors      prometheus.Counter
}

func counter(name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
}

func counterVec(name, help, label string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
}

func newMetrics(m *Monitor) (*prometheus.Registry, *metrics) {
	reg := prometheus.NewRegistry()
	met := &metrics{
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "accord_monitor_probe_latency_seconds",
			Help:    "Latency of all probes, alive or not.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		probes: counterVec("accord_monitor_probes_total",
			"Probes run, by result (alive or down).", "result"),
		alerts: counter("accord_monitor_alerts_raised_total",
			"Alerts and reminders raised by this process, all endpoints."),
		delivered: counterVec("accord_monitor_emails_delivered_total",
			"E-mails accepted by the SMTP relay, by kind (alert, reminder, recovery).", "kind"),
		deliveryFailures: counter("accord_monitor_email_failures_total",
			"Failed delivery attempts (the message stays queued unless rejected for good)."),
		skipped: counter("accord_monitor_probes_skipped_total",
			"Slots skipped because the previous probe of the endpoint was still running."),
		storeErrors: counter("accord_monitor_store_errors_total",
			"Checks that could not be recorded in the state file."),
	}
	reg.MustRegister(met.latency, met.probes, met.alerts, met.delivered, met.deliveryFailures,
		met.skipped, met.storeErrors, endpointCollector{m},
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "accord_monitor_checks_in_flight_limit",
			Help: "Checks allowed in flight now: endpoints per interval times the observed latency, twice over, within the configured concurrency.",
		}, func() float64 { return float64(m.gate.Limit()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "accord_monitor_outbox_pending",
			Help: "E-mails waiting in the outbox for the relay.",
		}, func() float64 { e, _ := m.store.Pending(); return float64(len(e)) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg, met
}

func (met *metrics) observe(c rules.Check) {
	met.latency.Observe(c.LatencyNS.Seconds())
	if c.Alive {
		met.probes.WithLabelValues("alive").Inc()
	} else {
		met.probes.WithLabelValues("down").Inc()
	}
}

var (
	descSuccess     = endpointDesc("accord_monitor_probe_success", "1 if the last probe found the endpoint alive, 0 if down.")
	descDuration    = endpointDesc("accord_monitor_probe_duration_seconds", "Duration of the last probe.")
	descStatus      = endpointDesc("accord_monitor_probe_http_status_code", "HTTP status of the last probe; 0 when no answer arrived.")
	descConsecutive = endpointDesc("accord_monitor_consecutive_failures", "Failed probes in a row.")
	descAlerting    = endpointDesc("accord_monitor_alerting", "1 while an alert is open for the endpoint.")
	descAlertsSent  = endpointDesc("accord_monitor_alerts_sent_total", "Alert and reminder e-mails raised for the endpoint, over its whole stored history.")
)

func endpointDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, []string{"endpoint"}, nil)
}

// endpointCollector renders per-endpoint series from the snapshots at scrape
// time, the way blackbox_exporter renders a probe: nothing per endpoint is
// kept in the registry between scrapes, which is what keeps 100,000
// endpoints cheap.
type endpointCollector struct{ m *Monitor }

func (c endpointCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSuccess, descDuration, descStatus, descConsecutive, descAlerting, descAlertsSent} {
		ch <- d
	}
}

func (c endpointCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.snapMu.RLock()
	defer c.m.snapMu.RUnlock()
	for _, t := range c.m.targets {
		s, name := t.snap, t.ep.Name
		ch <- prometheus.MustNewConstMetric(descConsecutive, prometheus.GaugeValue, float64(s.consecutive), name)
		ch <- prometheus.MustNewConstMetric(descAlerting, prometheus.GaugeValue, b2f(s.alerting), name)
		ch <- prometheus.MustNewConstMetric(descAlertsSent, prometheus.CounterValue, float64(s.alertsSent), name)
		if !s.checked {
			continue // no probe yet: absent beats a made-up 0
		}
		ch <- prometheus.MustNewConstMetric(descSuccess, prometheus.GaugeValue, b2f(s.alive), name)
		ch <- prometheus.MustNewConstMetric(descDuration, prometheus.GaugeValue, s.latency.Seconds(), name)
		ch <- prometheus.MustNewConstMetric(descStatus, prometheus.GaugeValue, float64(s.status), name)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
