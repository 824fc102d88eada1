package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/driver"
)

// The receptionist's actions change the clinic's own schedule first; each
// then hands Docplanner the object it changed to reconcile (visit, break,
// working hours), keyed by that object. A reconcile reads the object as it
// is when it runs and sends only what Docplanner lacks, so the alt
// variant, which gathers changes and sends them in batches, sends a visit
// booked and moved before its batch went as one booking at its new time, and
// a break added and removed in one batch not at all.

// params decodes an action's params; what is missing or does not decode is a 400.
func params[T any](raw json.RawMessage) (T, error) {
	var v T
	if len(raw) == 0 {
		return v, driver.Errorf(http.StatusBadRequest, "params missing")
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, driver.Errorf(http.StatusBadRequest, "%w", err)
	}
	return v, nil
}

// byID finds one of the clinic's objects by its id; kind names it. One
// that is not there is a 404.
func byID[T any](xs []*T, id string, idOf func(*T) string, kind string) (*T, error) {
	for _, x := range xs {
		if idOf(x) == id {
			return x, nil
		}
	}
	return nil, driver.Errorf(http.StatusNotFound, "no %s %q", kind, id)
}

func (s *session) visit(id string) (*visit, error) {
	return byID(s.visits, id, func(v *visit) string { return v.ID }, "visit")
}

// visitRef and breakRef are the params that name the visit or break an
// action changes.
type (
	visitRef struct {
		BookingID string `json:"booking_id"`
	}
	breakRef struct {
		BreakID string `json:"break_id"`
	}
)

func (r visitRef) find(s *session) (*visit, error) { return s.visit(r.BookingID) }
func (r breakRef) find(s *session) (*pause, error) { return s.pause(r.BreakID) }

// target decodes an action's params P and finds the object T they name.
func target[P interface{ find(*session) (T, error) }, T any](s *session, raw json.RawMessage) (P, T, error) {
	in, err := params[P](raw)
	if err != nil {
		var none T
		return in, none, err
	}
	x, err := in.find(s)
	return in, x, err
}

// kept is a staff action's result for a change the clinic keeps even when
// Docplanner has not got it yet (err): the status view says so until the
// next sync sends it.
func (s *session) kept(key string, result any, what string, err error) (any, error) {
	if err != nil {
		s.lastError = what + " not yet on the platform: " + err.Error()
	}
	return map[string]any{key: result}, nil
}

func (p *Partner) bookVisit(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, err := params[struct {
		LocationID  string                    `json:"location_id"`
		ServiceID   string                    `json:"service_id"`
		Start       time.Time                 `json:"start"`
		Patient     docplannerfixture.Patient `json:"patient"`
		InsuranceID string                    `json:"insurance_id"`
	}](raw)
	if err != nil {
		return nil, err
	}
	svc, ok := s.fx.Service(in.ServiceID)
	if !ok || !contains(svc.Locations, in.LocationID) {
		return nil, driver.Errorf(http.StatusBadRequest, "service %q is not offered at %q", in.ServiceID, in.LocationID)
	}
	if ins, ok := s.fx.Insurance(in.InsuranceID); in.InsuranceID != "" && (!ok || !contains(ins.Locations, in.LocationID)) {
		return nil, driver.Errorf(http.StatusBadRequest, "insurance %q is not taken at %q", in.InsuranceID, in.LocationID)
	}
	start := in.Start.In(s.loc)
	end := start.Add(time.Duration(svc.DurationMinutes) * time.Minute)
	// The faulty build books-onto-filled-time looks at the working hours only.
	if !p.inHours(s, in.LocationID, start, end) || (s.busy(in.LocationID, start, end, "") && !p.faults["books-onto-filled-time"]) {
		return nil, driver.Errorf(http.StatusConflict, "%s at %s is not free in the clinic's schedule", s.fmt(start), in.LocationID)
	}
	s.nextID++
	v := &visit{ID: fmt.Sprintf("visit-%d", 100+s.nextID), LocationID: in.LocationID, ServiceID: in.ServiceID, Start: start, End: end,
		Status: "booked", Source: "partner", Patient: in.Patient, InsuranceID: in.InsuranceID}
	s.visits = append(s.visits, v)
	var sent error
	if !p.faults["no-booking-export"] && s.connected {
		sent = p.sendVisit(ctx, s, v)
	}
	// The receptionist's booking stands; the next sync sends it.
	return s.kept("booking_id", v.ID, "booking "+v.ID, sent)
}

func (p *Partner) cancelVisit(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	_, v, err := target[visitRef](s, raw)
	if err != nil {
		return nil, err
	}
	if v.Status != "booked" {
		return nil, driver.Errorf(http.StatusConflict, "visit %s is already canceled", v.ID)
	}
	v.Status = "canceled"
	if p.faults["cancelled-spelling"] {
		// The faulty build's clinic writes it the British way.
		v.Status = "cancelled"
	}
	return s.answer("booking_id", v.ID, p.sendVisit(ctx, s, v))
}

func (p *Partner) moveVisit(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, v, err := target[struct {
		visitRef
		Start      time.Time `json:"start"`
		LocationID string    `json:"location_id"`
	}](s, raw)
	if err != nil {
		return nil, err
	}
	to := v.LocationID
	if in.LocationID != "" {
		to = in.LocationID
	}
	if svc, _ := s.fx.Service(v.ServiceID); !contains(svc.Locations, to) {
		return nil, driver.Errorf(http.StatusConflict, "service %s is not offered at %s", v.ServiceID, to)
	}
	start := in.Start.In(s.loc)
	end := start.Add(v.End.Sub(v.Start))
	// The faulty build moves-onto-filled-time looks at the working hours only.
	if !p.inHours(s, to, start, end) || (s.busy(to, start, end, v.ID) && !p.faults["moves-onto-filled-time"]) {
		return nil, driver.Errorf(http.StatusConflict, "%s is not free at %s", s.fmt(start), to)
	}
	v.LocationID, v.Start, v.End = to, start, end
	return s.answer("booking_id", v.ID, p.sendVisit(ctx, s, v))
}

// inHours is the clinic's rule for its receptionist: a visit lies wholly
// within the doctor's working hours, where Docplanner has the slots.
func (p *Partner) inHours(s *session, locationID string, start, end time.Time) bool {
	if p.faults["hours-checked-at-visit-end"] {
		// The faulty build asks only whether the visit is over within them.
		return s.open(locationID, end, end)
	}
	return s.open(locationID, start, end)
}

func (p *Partner) sendVisit(ctx context.Context, s *session, v *visit) error {
	return p.send(ctx, s, "visit "+v.ID, func(ctx context.Context) error { return p.reconcileVisit(ctx, s, v) })
}

// answer is a staff action's result: the object's id, or the platform
// update that failed, which the status view shows too.
func (s *session) answer(key, id string, err error) (any, error) {
	if err != nil {
		return nil, s.fail(err)
	}
	return map[string]any{key: id}, nil
}

// reconcileVisit makes Docplanner hold a visit as the clinic has it now:
// books it there, moves it (to another time, or another calendar's
// address), or cancels it, whichever Docplanner lacks.
func (p *Partner) reconcileVisit(ctx context.Context, s *session, v *visit) error {
	switch {
	case v.Source == "platform" && p.faults["platform-visits-read-only"]:
		// The faulty build takes Docplanner's bookings as read-only.
		return nil
	case v.Status != "booked":
		// The faulty build cancels-unsent-visits sends the cancellation of a
		// visit Docplanner never had.
		if (v.PlatformID == "" && !p.faults["cancels-unsent-visits"]) || v.on.canceled || p.faults["cancel-not-exported"] {
			return nil
		}
		body := map[string]any{"reason": "Canceled at the clinic"}
		if err := p.call(ctx, s, http.MethodDelete, s.prefix(v.on.location)+"/bookings/"+url.PathEscape(v.PlatformID), nil, body, nil); err != nil {
			return err
		}
		v.on.canceled = true
		return nil
	case v.PlatformID == "":
		return p.export(ctx, s, v)
	case v.on.location == v.LocationID && v.on.start.Equal(v.Start), p.faults["move-not-exported"]:
		return nil
	case p.faults["same-day-moves-not-exported"] && v.on.location == v.LocationID && s.fmt(v.on.start)[:10] == s.fmt(v.Start)[:10]:
		// The faulty build looks for a changed date, not a changed time.
		return nil
	}
	from, to, start := v.on.location, v.LocationID, v.Start
	if p.faults["moves-to-old-time"] {
		start = v.on.start
	}
	if p.faults["move-ignores-calendar"] {
		// The faulty build moves the booking within the address it is at.
		to = from
	}
	svc, _ := s.fx.Service(v.ServiceID)
	// The booking is moved from the address it is at, to the address of
	// its calendar now (another of the doctor's, or another doctor's in the
	// facility), for that address's service.
	body := map[string]any{"start": s.slotTime(start), "address_service_id": s.services[to][v.ServiceID], "duration": svc.DurationMinutes}
	if p.alt || to != from {
		body["address_id"] = s.address[to]
	}
	var moved struct {
		ID string `json:"id"`
	}
	if err := p.call(ctx, s, http.MethodPost, s.prefix(from)+"/bookings/"+url.PathEscape(v.PlatformID)+"/move", nil, body, &moved); err != nil {
		return err
	}
	v.PlatformID = moved.ID
	v.on.location, v.on.start = to, start
	return nil
}

func (p *Partner) setWorkingHours(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, err := params[struct {
		LocationID string `json:"location_id"`
		Weekday    string `json:"weekday"`
		From       string `json:"from"`
		To         string `json:"to"`
	}](raw)
	if err != nil {
		return nil, err
	}
	wd, err := docplannerfixture.ParseWeekday(in.Weekday)
	if err != nil {
		return nil, driver.Errorf(http.StatusBadRequest, "%w", err)
	}
	if _, ok := s.hours[in.LocationID]; !ok {
		return nil, driver.Errorf(http.StatusBadRequest, "no location %q", in.LocationID)
	}
	var spans []span
	if in.From != "" || in.To != "" {
		from, err1 := docplannerfixture.ParseClock(in.From)
		to, err2 := docplannerfixture.ParseClock(in.To)
		if err1 != nil || err2 != nil || to <= from {
			return nil, driver.Errorf(http.StatusBadRequest, "%q-%q is not a time range", in.From, in.To)
		}
		spans = []span{{from, to}}
	}
	s.hours[in.LocationID][wd] = spans
	var days []time.Time
	for d := 1; d <= s.fx.HorizonDays; d++ {
		if s.day(d).Weekday() == wd && (len(days) == 0 || !p.faults["hours-change-next-week-only"]) {
			days = append(days, s.day(d))
		}
	}
	push := func(ctx context.Context) error {
		return p.feedDays(ctx, s, in.LocationID, days,
			feedOpts{noOffset: p.faults["local-times-without-offset"], noInsurers: p.faults["update-slots-without-insurers"]})
	}
	if p.faults["late-schedule-push"] {
		p.opts.Clock.AfterFunc(5*time.Minute, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.s == s {
				_ = push(context.Background())
			}
		})
		return map[string]any{"updated": true}, nil
	}
	sent := p.send(ctx, s, "hours "+in.LocationID+" "+wd.String(), push)
	return s.kept("updated", true, "schedule", sent)
}

func (s *session) pause(id string) (*pause, error) {
	return byID(s.pauses, id, func(b *pause) string { return b.ID }, "break")
}

func (p *Partner) addBreak(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, err := params[struct {
		LocationID  string    `json:"location_id"`
		Since       time.Time `json:"since"`
		Till        time.Time `json:"till"`
		Description string    `json:"description"`
	}](raw)
	if err != nil {
		return nil, err
	}
	if _, ok := s.hours[in.LocationID]; !ok || !in.Till.After(in.Since) {
		return nil, driver.Errorf(http.StatusBadRequest, "need a known location and since before till")
	}
	s.nextID++
	id := fmt.Sprintf("break-%d", 100+s.nextID)
	if p.faults["break-ids-per-calendar"] {
		// The faulty build numbers breaks within their calendar.
		id = fmt.Sprintf("break-%d", 1+len(slices.DeleteFunc(slices.Clone(s.pauses), func(x *pause) bool { return x.LocationID != in.LocationID })))
	}
	b := &pause{ID: id, LocationID: in.LocationID, Since: in.Since.In(s.loc), Till: in.Till.In(s.loc), Description: in.Description, Source: "partner"}
	s.pauses = append(s.pauses, b)
	var sent error
	if s.connected {
		sent = p.sendBreak(ctx, s, b)
	}
	return s.kept("break_id", b.ID, "break "+b.ID, sent)
}

func (p *Partner) moveBreak(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, b, err := target[struct {
		breakRef
		Since time.Time `json:"since"`
		Till  time.Time `json:"till"`
	}](s, raw)
	if err != nil {
		return nil, err
	}
	b.Since, b.Till = in.Since.In(s.loc), in.Till.In(s.loc)
	return s.answer("break_id", b.ID, p.sendBreak(ctx, s, b))
}

func (p *Partner) removeBreak(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	_, b, err := target[breakRef](s, raw)
	if err != nil {
		return nil, err
	}
	for i, x := range s.pauses {
		if x == b {
			s.pauses = append(s.pauses[:i], s.pauses[i+1:]...)
			break
		}
	}
	b.removed = true
	s.gone = append(s.gone, b)
	return s.answer("break_id", b.ID, p.sendBreak(ctx, s, b))
}

func (p *Partner) sendBreak(ctx context.Context, s *session, b *pause) error {
	return p.send(ctx, s, "break "+b.ID, func(ctx context.Context) error { return p.reconcileBreak(ctx, s, b) })
}

// reconcileBreak makes Docplanner hold a break as the clinic has it now:
// adds it there, moves it, or removes it, whichever Docplanner lacks.
func (p *Partner) reconcileBreak(ctx context.Context, s *session, b *pause) error {
	switch {
	case b.removed:
		if b.PlatformID == "" {
			return nil
		}
		if err := p.call(ctx, s, http.MethodDelete, s.prefix(b.LocationID)+"/breaks/"+url.PathEscape(b.PlatformID), nil, nil, nil); err != nil {
			return err
		}
		b.PlatformID = ""
		return nil
	case b.PlatformID == "":
		return p.exportBreak(ctx, s, b)
	case b.on.since.Equal(b.Since) && b.on.till.Equal(b.Till), p.faults["no-break-moves"]:
		return nil
	}
	since, till := b.Since, b.Till
	if p.faults["break-moves-keep-day"] {
		// The faulty build takes the new clock times and keeps the break's day.
		since, till = onDayOf(b.on.since, since), onDayOf(b.on.since, till)
	}
	body := map[string]any{"since": s.fmt(since), "till": s.fmt(till)}
	if err := p.call(ctx, s, http.MethodPatch, s.prefix(b.LocationID)+"/breaks/"+url.PathEscape(b.PlatformID), nil, body, nil); err != nil {
		if p.faults["hides-break-move-failures"] {
			// The faulty build leaves a refused move to the next sync, and says nothing.
			return nil
		}
		return err
	}
	b.on.since, b.on.till = since, till
	return nil
}

// onDayOf is the clock time of at on the day of day.
func onDayOf(day, at time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), at.Hour(), at.Minute(), 0, 0, day.Location())
}
