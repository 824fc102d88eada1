package refpartner

// The partner's two jobs: activation, which connects the clinic, and the
// periodic sync, which repairs what Docplanner lacks.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/accord-harness/accord/internal/driver"
)

func (p *Partner) actions() map[string]driver.ActionFunc[*session] {
	return map[string]driver.ActionFunc[*session]{
		"activate":          p.activate,
		"book-visit":        p.bookVisit,
		"cancel-visit":      p.cancelVisit,
		"move-visit":        p.moveVisit,
		"set-working-hours": p.setWorkingHours,
		"add-break":         p.addBreak,
		"move-break":        p.moveBreak,
		"remove-break":      p.removeBreak,
		"sync":              p.sync,
	}
}

// fail records a failure of the platform's for the status view; it is a 502
// answer to the action it ends.
func (s *session) fail(err error) error {
	s.lastError = err.Error()
	return driver.Errorf(http.StatusBadGateway, "%w", err)
}

// activate connects the clinic in the order the platform asks for: callback
// URL, mapped services and insurances, calendars with slots, bookings both
// ways, then breaks.
func (p *Partner) activate(ctx context.Context, s *session, _ json.RawMessage) (any, error) {
	s.connected = false
	s.services = map[string]map[string]string{}
	s.insurers = map[string][]string{}
	if _, err := p.token(ctx, s, true); err != nil {
		if p.faults["activates-past-refused-sign-in"] {
			// The faulty build goes on with whatever token it holds.
			s.token, s.tokenExpires = "none", p.opts.Clock.Now().Add(time.Hour)
			_ = p.declareNotifications(ctx, s)
		}
		err = s.fail(fmt.Errorf("the platform refused the client credentials: %w", err))
		if p.faults["hides-auth-errors"] {
			s.connected, s.lastError = true, ""
			return map[string]any{"connected": true}, nil
		}
		if p.faults["activation-answers-done"] {
			// The faulty build answers that the job ran, not whether it worked.
			return map[string]any{"connected": false}, nil
		}
		return nil, err
	}
	steps := []func(context.Context, *session) error{p.declareNotifications, p.mapResources, p.mapInsurances, p.feedCalendars, p.syncBookings, p.feedBreaks}
	if p.faults["callback-after-feeding"] {
		steps = []func(context.Context, *session) error{p.mapResources, p.mapInsurances, p.feedCalendars, p.declareNotifications, p.syncBookings, p.feedBreaks}
	}
	for _, step := range steps {
		if err := step(ctx, s); err != nil {
			return nil, s.fail(err)
		}
	}
	s.connected, s.lastError = true, ""
	if s.settings.NotificationModel == "pull" && !p.faults["push-only"] {
		p.schedulePoll(s)
	}
	return map[string]any{"connected": true}, nil
}

func (p *Partner) declareNotifications(ctx context.Context, s *session) error {
	body := map[string]any{"model": s.settings.NotificationModel}
	if s.settings.NotificationModel == "push" {
		body["url"] = p.publicURL + "/callbacks"
	}
	return p.call(ctx, s, http.MethodPut, "/notifications/settings", nil, body, nil)
}

// sync is the periodic job: pull notifications, send what failed to go out,
// and cross-check the platform's schedule against the clinic's, repairing
// any difference.
func (p *Partner) sync(ctx context.Context, s *session, _ json.RawMessage) (any, error) {
	if !s.connected {
		return nil, driver.Errorf(http.StatusConflict, "not connected: activate first")
	}
	if s.settings.NotificationModel == "pull" && !p.faults["push-only"] {
		if err := p.pullAll(ctx, s); err != nil {
			return nil, s.fail(err)
		}
	}
	// Slots first, as in activation: a visit booked in working hours
	// Docplanner has not got yet (their update was refused) needs its slot.
	repaired, err := p.crossCheckSlots(ctx, s)
	if err != nil {
		return nil, s.fail(err)
	}
	if err := p.syncBookings(ctx, s); err != nil {
		return nil, s.fail(err)
	}
	if err := p.feedBreaks(ctx, s); err != nil {
		return nil, s.fail(err)
	}
	// The faulty build trusts notifications for the doctor's breaks.
	if p.faults["sync-ignores-platform-breaks"] {
		s.lastError = ""
		return map[string]any{"repaired_locations": repaired}, nil
	}
	if err := p.importBreaks(ctx, s); err != nil {
		return nil, s.fail(err)
	}
	if !p.faults["keeps-error-after-recovery"] {
		s.lastError = ""
	}
	return map[string]any{"repaired_locations": repaired}, nil
}

// syncEnd is the day after the last the periodic sync reads of Docplanner's
// bookings and breaks: the whole horizon, its last day included.
func (p *Partner) syncEnd(s *session) int {
	if p.faults["sync-reads-one-week"] {
		return 8
	}
	return s.fx.HorizonDays + 1
}
