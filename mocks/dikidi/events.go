package dikidi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/monitor/alert"
)

// Event names.
const (
	EventRecordCreated   = "record.created"
	EventRecordUpdated   = "record.updated"
	EventRecordCancelled = "record.cancelled"
	EventClientCreated   = "client.created"
	EventClientUpdated   = "client.updated"
	EventScheduleUpdated = "schedule.updated"
	EventKeyStateChanged = "key.state_changed"
)

var eventSchema = map[string]string{
	EventRecordCreated:   "RecordCreatedEvent",
	EventRecordUpdated:   "RecordUpdatedEvent",
	EventRecordCancelled: "RecordCancelledEvent",
	EventClientCreated:   "ClientCreatedEvent",
	EventClientUpdated:   "ClientUpdatedEvent",
	EventScheduleUpdated: "ScheduleUpdatedEvent",
	EventKeyStateChanged: "KeyStateChangedEvent",
}

// Delivery statuses and attempt outcomes.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
	DeliveryDropped   = "dropped"

	OutcomeDelivered       = "delivered"
	OutcomeHTTPStatus      = "http_status"
	OutcomeTimeout         = "timeout"
	OutcomeConnectionError = "connection_error"
)

// delivery is one event on its way to one key's Path.
type delivery struct {
	eventID    string
	event      string
	seq        int64
	url        string
	body       []byte
	violations []journal.Violation
	status     string
	next       *time.Time
	attempts   []attempt
	timer      clock.Timer
	final      bool // a deleted key's last event: one attempt, no e-mail
}

type attempt struct {
	number  int
	at      time.Time
	outcome string
	status  int
}

// incident is a run of failed attempts of one key, closed by a success.
type incident struct {
	started  time.Time
	failures int
	mailed   bool
	last     string
}

// email is one letter about an incident.
type email struct {
	id              int64
	key             int64
	to              string
	subject, body   string
	incidentStarted time.Time
	sent            time.Time
	smtpErr         string
}

// emit builds the event for every key that should get it and queues it. The
// company is locked. payload renders the data for one key; visible, when not
// nil, says whether the key may see the object at all.
func (c *company) emit(name string, o origin, payload func(k *key) map[string]any, visible func(k *key) bool) {
	for _, k := range c.keys {
		if k.state() != StateActive || k.path == nil {
			continue
		}
		if visible != nil && !visible(k) {
			continue
		}
		c.enqueue(k, name, o.sourceFor(k), payload(k), false)
	}
}

// keyEvent tells a key its state changed; paused keys get it too, and a
// deleted key gets it once.
func (c *company) keyEvent(k *key, previous, reason string) {
	if k.path == nil || previous == StateDeleted {
		return
	}
	data := map[string]any{"previous_state": previous, "state": k.state(), "reason": reason, "permissions": k.perms}
	c.enqueue(k, EventKeyStateChanged, SourcePanel, data, reason == "deleted")
}

func (c *company) enqueue(k *key, name, source string, data map[string]any, final bool) {
	k.seq++
	now := c.now()
	ev := map[string]any{
		"id": newUUID(), "event": name, "sequence": k.seq, "occurred_at": c.ts(now),
		"company_id": c.id, "key_id": k.id, "source": source, "data": data,
	}
	body, _ := json.Marshal(ev)
	d := &delivery{eventID: ev["id"].(string), event: name, seq: k.seq, url: *k.path, body: body, status: DeliveryPending, final: final}
	var decoded any
	_ = json.Unmarshal(body, &decoded)
	d.violations = c.m.spec.ValidateValue(eventSchema[name], decoded)
	k.deliveries = append(k.deliveries, d)
	k.ready = append(k.ready, d)
	if !k.working {
		k.working = true
		go c.m.work(k)
	}
}

// dropDeliveries gives up everything queued for a key.
func (c *company) dropDeliveries(k *key) {
	for _, d := range k.deliveries {
		if d.status == DeliveryPending {
			d.status, d.next = DeliveryDropped, nil
			if d.timer != nil {
				d.timer.Stop()
			}
		}
	}
	k.ready = nil
}

// work sends the first attempts of a key's events, in the order they happened.
func (m *Mock) work(k *key) {
	c := k.c
	for {
		c.mu.Lock()
		if len(k.ready) == 0 || c.removed {
			k.working = false
			c.mu.Unlock()
			return
		}
		d := k.ready[0]
		k.ready = k.ready[1:]
		c.mu.Unlock()
		m.attempt(k, d)
	}
}

// attempt makes one delivery attempt and decides what follows: done, a retry
// on the run clock, or giving up; it opens and counts the key's incident and
// sends its one e-mail.
func (m *Mock) attempt(k *key, d *delivery) {
	k.sendMu.Lock()
	defer k.sendMu.Unlock()
	c := k.c
	c.mu.Lock()
	if d.status != DeliveryPending || c.removed {
		c.mu.Unlock()
		return
	}
	n := len(d.attempts) + 1
	drop := k.dropNext > 0 && (k.dropEvent == "" || k.dropEvent == d.event)
	if drop {
		k.dropNext--
	}
	lose := !drop && k.loseNext > 0 && (k.loseEvent == "" || k.loseEvent == d.event)
	if lose {
		k.loseNext--
	}
	tenant := KeyTenant(c.id, k.id)
	c.mu.Unlock()

	header := http.Header{
		"Content-Type":              {"application/json"},
		"X-Dikidi-Event":            {d.event},
		"X-Dikidi-Event-Id":         {d.eventID},
		"X-Dikidi-Delivery-Attempt": {strconv.Itoa(n)},
	}
	at := m.opts.Clock.Now()
	entry := journal.Entry{
		Tenant: tenant, Time: at, Direction: journal.Outbound, Operation: "event:" + d.event,
		Method: http.MethodPost, URL: d.url, RequestHeader: header, RequestBody: d.body, RequestViolations: d.violations,
	}
	outcome, status := OutcomeConnectionError, 0
	if drop {
		entry.Error = "simulated network failure (accord): the event was lost before it reached the Path"
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), m.opts.DeliveryTimeout)
		res, err := boundedhttp.Do(ctx, m.events, http.MethodPost, d.url, header, d.body, 64<<10)
		cancel()
		entry.Duration, entry.Status, entry.ResponseHeader, entry.ResponseBody = res.Took, res.Status, res.Header, res.Body
		switch {
		case res.Status == 0 && err != nil:
			entry.Error = err.Error()
			var ne net.Error
			if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
				outcome = OutcomeTimeout
			}
		case res.Status >= 200 && res.Status < 300:
			outcome, status = OutcomeDelivered, res.Status
		default:
			outcome, status = OutcomeHTTPStatus, res.Status
		}
		if lose && outcome == OutcomeDelivered {
			entry.Error = "simulated network failure (accord): the Path's answer was lost on the way back, so the attempt counts as failed"
			outcome, status = OutcomeConnectionError, 0
		}
	}
	m.journal.Add(entry)

	failedAt := m.opts.Clock.Now()
	c.mu.Lock()
	d.attempts = append(d.attempts, attempt{number: n, at: at, outcome: outcome, status: status})
	if d.status != DeliveryPending { // dropped while we were sending
		c.mu.Unlock()
		return
	}
	var mail *email
	switch {
	case outcome == OutcomeDelivered:
		d.status, d.next = DeliveryDelivered, nil
		k.incident = nil
	case d.final:
		d.status, d.next = DeliveryFailed, nil
	default:
		if k.incident == nil {
			k.incident = &incident{started: at}
		}
		k.incident.failures++
		k.incident.last = describeOutcome(outcome, status)
		if k.incident.failures >= m.opts.EmailAfter && !k.incident.mailed && k.email != nil {
			k.incident.mailed = true
			mail = c.compose(k, d, failedAt)
		}
		if n > len(m.opts.RetryDelays) {
			d.status, d.next = DeliveryFailed, nil
			break
		}
		delay := m.opts.RetryDelays[n-1]
		next := failedAt.Add(delay)
		d.next = &next
		d.timer = m.opts.Clock.AfterFunc(delay, func() { m.attempt(k, d) })
	}
	c.mu.Unlock()
	if mail != nil {
		m.send(c, mail)
	}
}

func describeOutcome(outcome string, status int) string {
	switch outcome {
	case OutcomeHTTPStatus:
		return fmt.Sprintf("HTTP %d", status)
	case OutcomeTimeout:
		return "timeout"
	}
	return "connection error"
}

// compose writes the incident's e-mail into the outbox; the company is locked.
func (c *company) compose(k *key, d *delivery, at time.Time) *email {
	c.nextEmail++
	inc := k.incident
	e := &email{
		id: c.nextEmail, key: k.id, to: *k.email, incidentStarted: inc.started, sent: at,
		subject: fmt.Sprintf("DIKIDI: events for key %q cannot be delivered", k.name),
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\n")
	fmt.Fprintf(&b, "Since %s the address %s has not accepted events of %s for the API access key %q (key %d).\n",
		inc.started.In(c.loc).Format("2006-01-02 15:04 (-07:00)"), d.url, c.info.Name, k.name, k.id)
	fmt.Fprintf(&b, "Failed attempts so far: %d. Last result: %s.\n\n", inc.failures, inc.last)
	fmt.Fprintf(&b, "DIKIDI keeps retrying every event up to %d times over about two hours (waits of %s);\n", len(c.m.opts.RetryDelays)+1, waits(c.m.opts.RetryDelays))
	fmt.Fprintf(&b, "events still undelivered after that are given up. Please check that the address answers\n")
	fmt.Fprintf(&b, "POST requests with a 2xx status within 10 seconds.\n\n")
	fmt.Fprintf(&b, "This is the only letter about this incident; the next one comes only after deliveries\nhave worked again and failed anew.\n\n-- \nDIKIDI Business (accord mock)\n")
	e.body = b.String()
	c.outbox = append(c.outbox, e)
	return e
}

func waits(ds []time.Duration) string {
	var out []string
	for _, d := range ds {
		out = append(out, strconv.Itoa(int(d/time.Minute))+" min")
	}
	return strings.Join(out, ", ")
}

// send hands an outbox letter to the mailer (a real SMTP conversation).
func (m *Mock) send(c *company, e *email) {
	if m.opts.Mailer == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := m.opts.Mailer.Send(ctx, alert.Message{
		Endpoint: fmt.Sprintf("dikidi company %d key %d", c.id, e.key),
		Kind:     "alert",
		To:       []string{e.to},
		Subject:  e.subject,
		Body:     e.body,
		Created:  e.sent,
		ID:       fmt.Sprintf("dikidi-%d-%d-%d", c.id, e.key, e.id),
	})
	if err != nil {
		c.mu.Lock()
		e.smtpErr = err.Error()
		c.mu.Unlock()
	}
}

// rendering for the owner panel ---------------------------------------------------

func (c *company) deliveryJSON(d *delivery) map[string]any {
	attempts := make([]map[string]any, 0, len(d.attempts))
	for _, a := range d.attempts {
		var st any
		if a.status != 0 {
			st = a.status
		}
		attempts = append(attempts, map[string]any{"number": a.number, "at": c.ts(a.at), "outcome": a.outcome, "http_status": st})
	}
	return map[string]any{
		"event_id": d.eventID, "event": d.event, "sequence": d.seq, "url": d.url, "status": d.status,
		"next_attempt_at": c.tsPtr(d.next), "attempts": attempts,
	}
}

func (c *company) emailJSON(e *email) map[string]any {
	return map[string]any{
		"id": e.id, "key_id": e.key, "to": e.to, "subject": e.subject, "body": e.body,
		"incident_started_at": c.ts(e.incidentStarted), "sent_at": c.ts(e.sent),
	}
}
