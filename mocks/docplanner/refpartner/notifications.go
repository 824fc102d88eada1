package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/driver"
)

// notification is the platform's event envelope.
type notification struct {
	Name      string          `json:"name"`
	Data      json.RawMessage `json:"data"`
	CreatedAt string          `json:"created_at"`
}

type eventData struct {
	Doctor struct {
		ID string `json:"id"`
	} `json:"doctor"`
	Address struct {
		ID string `json:"id"`
	} `json:"address"`
	VisitBooking        *platformBooking `json:"visit_booking"`
	OldVisitBooking     *platformBooking `json:"old_visit_booking"`
	NewVisitBooking     *platformBooking `json:"new_visit_booking"`
	CancelingBooking    *platformBooking `json:"canceling_booking"`
	CreatingBooking     *platformBooking `json:"creating_booking"`
	VisitBookingRequest *platformBooking `json:"visit_booking_request"`
	Break               *struct {
		ID    string `json:"id"`
		Since string `json:"since"`
		Till  string `json:"till"`
	} `json:"break"`
}

// callback is the PUSH receiver.
func (p *Partner) callback(w http.ResponseWriter, r *http.Request) {
	body, err := boundedhttp.ReadLimited(r.Body, 1<<20)
	var n notification
	if err == nil {
		err = json.Unmarshal(body, &n)
	}
	if err != nil {
		driver.WriteError(w, http.StatusBadRequest, "invalid notification: %v", err)
		return
	}
	if p.faults["push-ack-without-acting"] {
		w.WriteHeader(http.StatusOK)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s == nil || p.s.fx == nil || !p.s.connected {
		driver.WriteError(w, http.StatusServiceUnavailable, "not connected")
		return
	}
	status, msg := p.apply(p.s, n)
	if p.faults["push-answers-500"] && n.Name != "slot-booking" && n.Name != "booking-moving" {
		// The faulty build applies the notification, then fails writing its answer.
		status, msg = http.StatusInternalServerError, "internal error"
	}
	if status >= 300 {
		// A 4xx with an error_code lets the platform show the patient why.
		driver.WriteJSON(w, status, map[string]any{"error_code": 1, "message": msg})
		return
	}
	w.WriteHeader(status)
}

// apply acts on one notification, once: the same event delivered twice
// (retries, PULL after PUSH) changes nothing the second time.
func (p *Partner) apply(s *session, n notification) (int, string) {
	var d eventData
	if err := json.Unmarshal(n.Data, &d); err != nil {
		return http.StatusBadRequest, "unreadable data: " + err.Error()
	}
	if p.faults["drops-push-retries"] {
		if at, err := time.Parse(time.RFC3339, n.CreatedAt); err == nil && p.opts.Clock.Now().Sub(at) > time.Minute {
			return http.StatusOK, "stale"
		}
	}
	locationID := ""
	for id, addr := range s.address {
		if addr == d.Address.ID {
			locationID = id
		}
	}
	if p.faults["calendar-by-doctor"] {
		// The faulty build finds the calendar by the doctor: the first of
		// the doctor's calendars, whichever address the event is at.
		locationID = ""
		for _, l := range s.fx.Locations {
			for _, doc := range s.fx.Doctors {
				if locationID == "" && doc.ID == l.DoctorID && doc.DocplannerDoctorID == d.Doctor.ID {
					locationID = l.ID
				}
			}
		}
	}
	if locationID == "" {
		return http.StatusOK, "not one of our addresses"
	}
	if p.faults["drops-last-day-events"] && d.startsOnLastDay(s) {
		// The faulty build keeps events of [today, today+horizon): one day short.
		return http.StatusOK, "outside the horizon"
	}
	key := n.Name + "|" + n.CreatedAt + "|" + string(n.Data)
	blocking := n.Name == "slot-booking" || n.Name == "booking-moving"
	// The faulty builds trust every delivery to be a new event (the second
	// then finds a booking it knows by its id).
	if !blocking && !p.faults["applies-push-retries-twice"] && !p.faults["dedups-by-booking-id"] {
		if s.seen[key] {
			return http.StatusOK, "already applied"
		}
		s.seen[key] = true
	}
	switch n.Name {
	case "slot-booking":
		return p.check(s, locationID, d.VisitBookingRequest, "")
	case "booking-moving":
		ignore := ""
		if d.CancelingBooking != nil {
			for _, v := range s.visits {
				if v.PlatformID == d.CancelingBooking.ID {
					ignore = v.ID
				}
			}
		}
		return p.check(s, locationID, d.CreatingBooking, ignore)
	case "slot-booked":
		switch {
		case d.VisitBooking == nil:
		case p.faults["applies-push-retries-twice"]:
			// No look-up by booking id either: a second delivery is a second visit.
			p.addPlatformVisit(s, locationID, *d.VisitBooking)
		default:
			b := *d.VisitBooking
			if p.faults["anonymous-platform-visits"] {
				// The faulty build reads data.patient, which Docplanner
				// never sends: the patient lives in data.visit_booking.
				b.Patient.Name, b.Patient.Surname, b.Patient.Phone = "", "", nil
			}
			p.applyPlatformBooking(s, locationID, b)
		}
	case "booking-canceled":
		if d.VisitBooking != nil && !p.faults["ignores-platform-cancellations"] {
			for _, v := range s.visits {
				if v.PlatformID == d.VisitBooking.ID {
					v.Status, v.on.canceled = "canceled", true
				}
			}
		}
	case "booking-moved":
		if d.OldVisitBooking != nil && d.NewVisitBooking != nil && !p.faults["ignores-platform-moves"] {
			start, err1 := time.Parse(time.RFC3339, d.NewVisitBooking.StartAt)
			end, err2 := time.Parse(time.RFC3339, d.NewVisitBooking.EndAt)
			if err1 == nil && err2 == nil {
				for _, v := range s.visits {
					if v.PlatformID != d.OldVisitBooking.ID {
						continue
					}
					v.Start, v.End = start.In(s.loc), end.In(s.loc)
					v.on.start = v.Start
					// A move on Docplanner makes a new booking id; the faulty
					// build keeps the old one, so later events miss the visit.
					if !p.faults["keeps-id-after-platform-move"] {
						v.PlatformID = d.NewVisitBooking.ID
					}
				}
			}
		}
	case "break-created", "break-moved", "break-removed":
		// The second faulty build knows no break-moved event.
		if d.Break != nil && !p.faults["ignores-platform-breaks"] && (n.Name != "break-moved" || !p.faults["ignores-platform-break-moves"]) {
			p.applyBreak(s, locationID, n.Name, d.Break.ID, d.Break.Since, d.Break.Till)
		}
	}
	return http.StatusOK, "ok"
}

// check answers a blocking check: approve only if the time is free here.
func (p *Partner) check(s *session, locationID string, b *platformBooking, ignore string) (int, string) {
	if b == nil {
		return http.StatusBadRequest, "no booking in the check"
	}
	if p.faults["double-books-slot"] {
		return http.StatusOK, "approved"
	}
	if p.faults["denies-real-time-bookings"] {
		// The faulty build denies first and was meant to look later.
		return http.StatusConflict, "not free"
	}
	start, err1 := time.Parse(time.RFC3339, b.StartAt)
	end, err2 := time.Parse(time.RFC3339, b.EndAt)
	if err1 != nil || err2 != nil {
		return http.StatusBadRequest, "unreadable times"
	}
	if s.busy(locationID, start, end, ignore) || !s.open(locationID, start.In(s.loc), end.In(s.loc)) {
		return http.StatusConflict, fmt.Sprintf("%s is taken in the clinic's schedule", start.Format(time.RFC3339))
	}
	return http.StatusOK, "approved"
}

func (p *Partner) applyBreak(s *session, locationID, event, platformID, since, till string) {
	from, err1 := time.Parse(time.RFC3339, since)
	to, err2 := time.Parse(time.RFC3339, till)
	for i, b := range s.pauses {
		if b.PlatformID != platformID {
			continue
		}
		switch event {
		case "break-removed":
			s.pauses = append(s.pauses[:i], s.pauses[i+1:]...)
		case "break-moved":
			if err1 == nil && err2 == nil {
				b.Since, b.Till = from.In(s.loc), to.In(s.loc)
				b.on.since, b.on.till = b.Since, b.Till
			}
		}
		return
	}
	if event == "break-created" && err1 == nil && err2 == nil {
		s.nextID++
		b := &pause{ID: fmt.Sprintf("dp-break-%d", s.nextID), LocationID: locationID, Since: from.In(s.loc), Till: to.In(s.loc), Source: "platform", PlatformID: platformID}
		b.on.since, b.on.till = b.Since, b.Till
		s.pauses = append(s.pauses, b)
	}
}

// pullAll empties the PULL queue, 100 at a time.
func (p *Partner) pullAll(ctx context.Context, s *session) error {
	for range 100 {
		var batch struct {
			Notifications []notification `json:"notifications"`
			Remaining     int            `json:"remaining"`
		}
		err := p.call(ctx, s, http.MethodGet, "/notifications/multiple", url.Values{"limit": {"100"}}, nil, &batch)
		if isStatus(err, http.StatusNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		for i, n := range batch.Notifications {
			if i > 0 && p.faults["pull-applies-first-of-batch"] {
				// The faulty build handles a batch as if it were one notification.
				break
			}
			p.apply(s, n)
		}
		if batch.Remaining == 0 {
			return nil
		}
	}
	return nil
}

// schedulePoll pulls every PollEvery on the partner's clock while the session lives.
func (p *Partner) schedulePoll(s *session) {
	s.poll = p.opts.Clock.AfterFunc(p.opts.PollEvery, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.s != s {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := p.pullAll(ctx, s); err != nil {
			s.lastError = "pull: " + err.Error()
			if p.faults["poller-stops-on-error"] {
				// The faulty build's poller ends with its first failed pull.
				return
			}
		}
		p.schedulePoll(s)
	})
}

// startsOnLastDay reports whether the booking or break of an event starts
// on the last day of the partner's horizon.
func (d eventData) startsOnLastDay(s *session) bool {
	var at string
	switch {
	case d.Break != nil:
		at = d.Break.Since
	case d.VisitBooking != nil:
		at = d.VisitBooking.StartAt
	case d.NewVisitBooking != nil:
		at = d.NewVisitBooking.StartAt
	}
	t, err := time.Parse(time.RFC3339, at)
	return err == nil && !t.Before(s.day(s.fx.HorizonDays))
}
