package refpartner

// Slots: the clinic's working hours published as Docplanner's slots, and
// checked against them.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// feedCalendars enables each calendar and feeds its slots for the horizon.
func (p *Partner) feedCalendars(ctx context.Context, s *session) error {
	for _, l := range p.locations(s) {
		var cal struct {
			Status string `json:"status"`
		}
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/calendar", nil, nil, &cal); err != nil {
			if p.faults["activation-stops-at-unread-calendar"] {
				// The faulty build takes a calendar it cannot read for the end of them.
				return nil
			}
			return err
		}
		if cal.Status != "enabled" {
			if err := p.call(ctx, s, http.MethodPost, s.prefix(l.ID)+"/calendar/enable", nil, nil, nil); err != nil && !isStatus(err, http.StatusConflict) {
				return err
			}
		}
		if err := p.feed(ctx, s, l.ID, p.slotDays(s), feedOpts{}); err != nil {
			if p.faults["skips-unfed-calendars"] {
				// The faulty build feeds the other calendars and calls it done.
				continue
			}
			return err
		}
	}
	return nil
}

// slotDays are the days the partner publishes slots on: tomorrow to the
// horizon's last day (drops-last-day: all but the last).
func (p *Partner) slotDays(s *session) []time.Time {
	days := s.fx.HorizonDays
	if p.faults["drops-last-day"] {
		days--
	}
	var all []time.Time
	for d := 1; d <= days; d++ {
		all = append(all, s.day(d))
	}
	return all
}

// feedOpts say how a feed writes its periods.
type feedOpts struct {
	// clearIdle sends days without working hours too, which clears them (at
	// activation there is nothing to clear).
	clearIdle bool
	// noOffset (fault local-times-without-offset) and noInsurers (fault
	// update-slots-without-insurers) are the faulty update path's.
	noOffset, noInsurers bool
}

// feedDays replaces the platform's slots on the given days with the working
// hours; a day off is sent as a range with no services, which clears it.
func (p *Partner) feedDays(ctx context.Context, s *session, locationID string, days []time.Time, o feedOpts) error {
	o.clearIdle = true
	return p.feed(ctx, s, locationID, days, o)
}

// feed publishes the working hours of each day, one request per day (the
// platform refuses a request mixing days): an entry clearing the whole day,
// then one entry per working period, each with every service of the
// calendar and every insurer it takes.
func (p *Partner) feed(ctx context.Context, s *session, locationID string, days []time.Time, o feedOpts) error {
	services, providers := p.offer(s, locationID, o)
	for _, day := range days {
		entries := p.dayEntries(s, locationID, day, services, providers, o)
		if entries == nil {
			continue
		}
		requests := [][]map[string]any{entries}
		if p.alt {
			// deleteSlots clears the day, with its date written as the
			// official PHP SDK writes every date: a date-time with offset.
			// Then one entry per request: each replaces only its own period.
			date := wall(day, 0).In(s.loc).Format(timeLayout)
			if err := p.call(ctx, s, http.MethodDelete, s.prefix(locationID)+"/slots/"+url.PathEscape(date), nil, nil, nil); err != nil {
				return err
			}
			requests = nil
			for _, e := range entries[1:] {
				requests = append(requests, []map[string]any{e})
			}
		}
		for _, r := range requests {
			if err := p.call(ctx, s, http.MethodPut, s.prefix(locationID)+"/slots", nil, map[string]any{"slots": r}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// offer is what every slot of a calendar offers: its mapped services (with
// their durations) and the insurers it takes (none with noInsurers).
func (p *Partner) offer(s *session, locationID string, o feedOpts) (services []map[string]any, providers []int) {
	for _, svc := range s.fx.Services {
		if id, ok := s.services[locationID][svc.ID]; ok {
			services = append(services, map[string]any{"address_service_id": id, "duration": svc.DurationMinutes})
		}
	}
	for _, id := range s.insurers[locationID] {
		if o.noInsurers {
			break
		}
		if n, err := strconv.Atoi(id); err == nil {
			providers = append(providers, n)
		}
	}
	return services, providers
}

// dayEntries are the slot entries of one day: one clearing the whole day,
// then one per working period; nil when the day is not sent (no working
// hours, or no service to offer, and nothing to clear).
func (p *Partner) dayEntries(s *session, locationID string, day time.Time, services []map[string]any, providers []int, o feedOpts) []map[string]any {
	layout := timeLayout
	noOffset, clearIdle := o.noOffset, o.clearIdle
	if noOffset {
		layout = "2006-01-02T15:04:05"
	}
	spans := s.spans(locationID, day)
	if len(services) == 0 {
		spans = nil
	}
	if len(spans) == 0 && (!clearIdle || p.faults["closed-days-keep-slots"]) {
		return nil
	}
	dayEnd := 23*time.Hour + 59*time.Minute
	if p.faults["clears-day-until-23"] {
		// The faulty build takes the last hour of a day for its end.
		dayEnd = 23 * time.Hour
	}
	entries := []map[string]any{{"start": wall(day, 0).In(s.loc).Format(layout), "end": wall(day, dayEnd).In(s.loc).Format(layout), "address_services": nil}}
	for _, sp := range spans {
		from := sp.from
		if p.faults["slots-one-minute-late"] && clearIdle {
			// The bug lives in the update path only, not the first feed.
			from += time.Minute
		}
		start, end := s.slotTime(wall(day, from)), s.slotTime(wall(day, sp.to))
		if noOffset {
			start, end = wall(day, from).In(s.loc).Format(layout), wall(day, sp.to).In(s.loc).Format(layout)
		}
		r := map[string]any{"start": start, "end": end, "address_services": services}
		if len(providers) > 0 {
			r["insurance_providers"] = providers
		}
		entries = append(entries, r)
	}
	return entries
}

// crossCheckSlots compares getSlots with the clinic's grid and re-feeds a
// location whose slots differ.
func (p *Partner) crossCheckSlots(ctx context.Context, s *session) ([]string, error) {
	repaired := []string{}
	q := url.Values{"start": {s.fmt(s.day(1))}, "end": {s.fmt(s.day(s.fx.HorizonDays + 1))}}
	for _, l := range p.locations(s) {
		var slots listOf[struct {
			Start string `json:"start"`
		}]
		err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/slots", q, nil, &slots)
		if err != nil && !isStatus(err, http.StatusNotFound) {
			if p.faults["sync-skips-unread-calendars"] {
				// The faulty build checks the calendars it could read.
				continue
			}
			return nil, err
		}
		have := map[int64]bool{}
		for _, sl := range slots.Items {
			if t, err := time.Parse(time.RFC3339, sl.Start); err == nil {
				have[t.Unix()] = true
			}
		}
		all := p.slotDays(s)
		if p.slotsAgree(s, l.ID, all, have) && !p.faults["sync-refeeds-everything"] {
			// The faulty build re-feeds every calendar, in case.
			continue
		}
		if err := p.feedDays(ctx, s, l.ID, all, feedOpts{}); err != nil {
			return nil, err
		}
		repaired = append(repaired, l.ID)
	}
	return repaired, nil
}

// slotsAgree reports whether the slot starts Docplanner has at a calendar
// (have, by Unix second) are exactly the clinic's grid on days.
func (p *Partner) slotsAgree(s *session, locationID string, days []time.Time, have map[int64]bool) bool {
	want := 0
	match := true
	for _, day := range days {
		for i, st := range s.grid(locationID, day, s.step(locationID)) {
			want++
			if i == 0 && p.faults["crosscheck-skips-first-slot"] {
				// The faulty build's loop over a day starts at its second slot.
				continue
			}
			match = match && have[st.Unix()]
		}
	}
	if p.faults["crosscheck-counts-slots"] {
		// The faulty build counts the slots instead of comparing them.
		match = true
	}
	return match && want == len(have)
}
