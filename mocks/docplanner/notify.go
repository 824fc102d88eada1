package docplanner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/mockserver"
)

// Notification models.
const (
	ModelPush = "push"
	ModelPull = "pull"
)

type notifySettings struct {
	model string
	url   string
}

// notification is one event for the partner.
type notification struct {
	Name      string         `json:"name"`
	Data      map[string]any `json:"data"`
	CreatedAt string         `json:"created_at"`
	created   time.Time
	attempts  int
}

// pullExpiry is how long an unpulled notification waits.
const pullExpiry = 72 * time.Hour

func (m *Mock) setNotificationSettings(t *tenant, req *mockserver.Request) mockserver.Response {
	var body struct {
		Model string `json:"model"`
		URL   string `json:"url"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	if body.Model == ModelPush && body.URL == "" {
		return fieldErr(http.StatusBadRequest, "Invalid arguments", "url", "A PUSH model needs the URL that receives the notifications")
	}
	if body.Model == ModelPull {
		body.URL = ""
	}
	t.notify = notifySettings{model: body.Model, url: body.URL}
	return noContent()
}

func (m *Mock) getNotificationSettings(t *tenant, _ *mockserver.Request) mockserver.Response {
	model := t.notify.model
	if model == "" {
		model = ModelPull
	}
	return ok(map[string]any{"model": model, "url": nullable(t.notify.url)})
}

// livePull drops expired notifications and returns the queue.
func (t *tenant) livePull(now time.Time) []*notification {
	kept := t.pull[:0]
	for _, n := range t.pull {
		if now.Sub(n.created) < pullExpiry {
			kept = append(kept, n)
		}
	}
	t.pull = kept
	return t.pull
}

func (m *Mock) pullNotification(t *tenant, _ *mockserver.Request) mockserver.Response {
	q := t.livePull(m.opts.Clock.Now())
	if len(q) == 0 {
		return errResp(http.StatusNotFound, "No notifications found")
	}
	n := q[0]
	t.pull = q[1:]
	return ok(n)
}

func (m *Mock) pullMultipleNotifications(t *tenant, req *mockserver.Request) mockserver.Response {
	q := t.livePull(m.opts.Clock.Now())
	if len(q) == 0 {
		return errResp(http.StatusNotFound, "No notifications found")
	}
	limit, err := strconv.Atoi(req.HTTP.URL.Query().Get("limit"))
	if err != nil || limit < 1 {
		limit = 1
	}
	limit = min(limit, 100, len(q))
	batch := q[:limit]
	t.pull = q[limit:]
	return ok(map[string]any{"notifications": batch, "remaining": len(t.pull)})
}

// releaseNotifications re-sends the buried PUSH notifications; at most once an hour.
func (m *Mock) releaseNotifications(ctx context.Context, req *mockserver.Request) mockserver.Response {
	t, err := m.tenant(req.Tenant)
	if err != nil {
		return errResp(http.StatusUnauthorized, "Invalid token: its client no longer exists")
	}
	now := m.opts.Clock.Now()
	t.mu.Lock()
	if t.notify.model != ModelPush {
		t.mu.Unlock()
		return errResp(http.StatusForbidden, "You are not allowed to use this method")
	}
	if !t.lastRelease.IsZero() && now.Sub(t.lastRelease) < time.Hour {
		wait := time.Hour - now.Sub(t.lastRelease)
		t.mu.Unlock()
		resp := errResp(http.StatusTooManyRequests, "Release can be called once an hour")
		resp.Header = http.Header{"Retry-After": {strconv.Itoa(int(wait.Seconds()) + 1)}}
		return resp
	}
	t.lastRelease = now
	buried := t.buried
	t.buried = nil
	url := t.notify.url
	t.mu.Unlock()
	for _, n := range buried {
		n.attempts = 0
		m.deliver(ctx, t, url, n)
	}
	return noContent()
}

// emit hands an event to the partner by its model: PUSH now (retries on the
// clock), or into the PULL queue.
func (m *Mock) emit(t *tenant, name string, data map[string]any) {
	n := &notification{Name: name, Data: data, CreatedAt: t.rfc3339(m.stamp()), created: m.opts.Clock.Now()}
	t.mu.Lock()
	settings := t.notify
	if settings.model != ModelPush {
		if t.expirePulls > 0 {
			t.expirePulls--
		} else {
			t.pull = append(t.pull, n)
		}
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	m.deliver(context.Background(), t, settings.url, n)
}

// deliver makes one PUSH attempt and, on failure, schedules the next one on
// the run's clock; after the last retry the notification is buried until
// the partner calls release.
func (m *Mock) deliver(ctx context.Context, t *tenant, url string, n *notification) {
	t.mu.Lock()
	retired := t.retired
	t.mu.Unlock()
	if retired {
		return
	}
	n.attempts++
	entry := m.send(ctx, t, url, n)
	if entry.OK() {
		return
	}
	if n.attempts > len(m.opts.PushRetries) {
		t.mu.Lock()
		t.buried = append(t.buried, n)
		t.mu.Unlock()
		return
	}
	m.retryAt(t, n, m.opts.Clock.Now().Add(m.opts.PushRetries[n.attempts-1]))
}

// pendingPush is a PUSH notification waiting for its next attempt.
type pendingPush struct {
	n   *notification
	due time.Time
}

// retryAt schedules n's next attempt at due on the run clock. The tenant
// lists it meanwhile, so a snapshot keeps it and a restored mock retries.
func (m *Mock) retryAt(t *tenant, n *notification, due time.Time) {
	t.mu.Lock()
	t.retrying = append(t.retrying, pendingPush{n: n, due: due})
	t.mu.Unlock()
	m.opts.Clock.AfterFunc(max(due.Sub(m.opts.Clock.Now()), 0), func() {
		t.mu.Lock()
		t.retrying = slices.DeleteFunc(t.retrying, func(p pendingPush) bool { return p.n == n })
		current := t.notify
		t.mu.Unlock()
		if current.model != ModelPush {
			return
		}
		m.deliver(context.Background(), t, current.url, n)
	})
}

// send POSTs one notification and journals the exchange. A simulated network
// failure (set by a scenario) never reaches the partner.
func (m *Mock) send(ctx context.Context, t *tenant, url string, n *notification) journal.Entry {
	body, _ := json.Marshal(n)
	entry := journal.Entry{
		Tenant: t.clientID, Time: m.opts.Clock.Now(), Direction: journal.Outbound,
		Operation: "push:" + n.Name, Method: http.MethodPost, URL: url,
		RequestHeader: http.Header{"Content-Type": {"application/json"}}, RequestBody: body,
	}
	var decoded any
	_ = json.Unmarshal(body, &decoded)
	entry.RequestViolations = m.spec.ValidateValue(notificationSchema(n.Name), decoded)

	t.mu.Lock()
	drop := t.dropDeliveries > 0
	if drop {
		t.dropDeliveries--
	}
	t.mu.Unlock()
	if drop {
		entry.Error = "simulated network failure (accord): the delivery was dropped before reaching the partner"
		return m.journal.Add(entry)
	}
	res, err := boundedhttp.Do(ctx, m.push, http.MethodPost, url, entry.RequestHeader, body, 64<<10)
	entry.Duration = res.Took
	entry.Status = res.Status
	entry.ResponseHeader = res.Header
	entry.ResponseBody = res.Body
	if err != nil && res.Status == 0 {
		entry.Error = err.Error()
	}
	if entry.Error == "" && t.takeLostAnswer() {
		entry.Error = fmt.Sprintf("simulated network failure (accord): the partner's answer (HTTP %d) was lost on the way back", res.Status)
	}
	return m.journal.Add(entry)
}

// takeLostAnswer reports whether this delivery's answer is to be lost.
func (t *tenant) takeLostAnswer() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.loseAnswers == 0 {
		return false
	}
	t.loseAnswers--
	return true
}

// ask sends a blocking check (slot-booking, booking-moving): one attempt,
// and only a 2xx answer approves.
func (m *Mock) ask(t *tenant, name string, data map[string]any) (approved bool, answer string) {
	t.mu.Lock()
	settings := t.notify
	realTime := t.realTime
	t.mu.Unlock()
	if !realTime || settings.model != ModelPush {
		return true, "no real-time check configured"
	}
	n := &notification{Name: name, Data: data, CreatedAt: t.rfc3339(m.stamp()), created: m.opts.Clock.Now(), attempts: 1}
	e := m.send(context.Background(), t, settings.url, n)
	if e.Error != "" {
		return false, e.Error
	}
	return e.OK(), fmt.Sprintf("HTTP %d %s", e.Status, strings.TrimSpace(string(e.ResponseBody)))
}

func notificationSchema(name string) string {
	return "Notification_" + strings.ReplaceAll(name, "-", "_")
}

// payloads --------------------------------------------------------------------

func (t *tenant) envelope(a *address) map[string]any {
	d := t.doctors[a.doctor]
	var fname string
	for _, f := range t.facilities {
		if f.id == a.facility {
			fname = f.name
		}
	}
	return map[string]any{
		"facility": map[string]any{"id": a.facility, "name": fname},
		"doctor":   map[string]any{"id": d.id, "name": d.name, "surname": d.surname},
		"address":  map[string]any{"id": a.id, "name": a.name, "street": a.street, "post_code": a.postCode, "city_name": a.city},
	}
}

func (t *tenant) bookingNotificationJSON(b *booking) map[string]any {
	a := t.addresses[b.address]
	var svc any
	if s, ok := a.services[b.serviceID]; ok {
		var price any
		if s.price != nil {
			price = int(*s.price)
		}
		svc = map[string]any{"id": s.id, "name": s.name, "price": price, "is_price_from": s.isPriceFrom, "is_visible": s.isVisible}
	}
	var canceledAt any
	if b.canceledAt != nil {
		canceledAt = t.rfc3339(*b.canceledAt)
	}
	p := b.patient.json()
	delete(p, "is_returning")
	var insurance any
	if in, ok := t.insuranceJSON(b).(map[string]any); ok {
		// Notifications write a missing plan as '', not null.
		for _, k := range []string{"plan", "plan_id"} {
			if in[k] == nil {
				in[k] = ""
			}
		}
		insurance = in
	}
	return map[string]any{
		"id": b.id, "status": b.status, "start_at": t.rfc3339(b.start), "end_at": t.rfc3339(b.end()),
		"duration": b.duration, "booked_by": b.bookedBy, "canceled_by": b.canceledBy,
		"booked_at": t.rfc3339(b.bookedAt), "canceled_at": canceledAt,
		"address_service": svc, "patient": p, "comment": b.comment, "insurance": insurance,
		"visit_payment": a.visitPayment, "signature": b.signature,
	}
}

func (t *tenant) bookingRequestJSON(a *address, start time.Time, duration int, serviceID string, p patient, now time.Time, signature string) map[string]any {
	var svc any
	if s, ok := a.services[serviceID]; ok {
		var price any
		if s.price != nil {
			price = int(*s.price)
		}
		svc = map[string]any{"id": s.id, "name": s.name, "price": price, "is_price_from": s.isPriceFrom, "is_visible": s.isVisible}
	}
	pj := p.json()
	delete(pj, "is_returning")
	delete(pj, "insurance_number")
	return map[string]any{
		"booking_at": t.rfc3339(now), "booking_by": "user", "duration": duration,
		"start_at": t.rfc3339(start), "end_at": t.rfc3339(start.Add(time.Duration(duration) * time.Minute)),
		"address_service": svc, "patient": pj, "comment": nil, "visit_payment": a.visitPayment, "signature": signature,
	}
}

// IsCheck tells a blocking real-time check (slot-booking, booking-moving),
// sent once and answered at once, from a notification, which is retried.
func IsCheck(name string) bool { return name == "slot-booking" || name == "booking-moving" }
