package refpartner

import (
	"sort"
	"time"
)

// day is midnight of the d-th day after today in the clinic's zone.
func (s *session) day(d int) time.Time {
	return time.Date(s.today.Year(), s.today.Month(), s.today.Day()+d, 0, 0, 0, 0, s.loc)
}

// step is the slot grid of a location: its shortest service.
func (s *session) step(locationID string) time.Duration {
	step := 0
	for _, svc := range s.fx.Services {
		if contains(svc.Locations, locationID) && (step == 0 || svc.DurationMinutes < step) {
			step = svc.DurationMinutes
		}
	}
	if step == 0 {
		step = 30
	}
	return time.Duration(step) * time.Minute
}

// grid lists the slot starts of a day from the working hours.
func (s *session) grid(locationID string, day time.Time, step time.Duration) []time.Time {
	var out []time.Time
	for _, sp := range s.spans(locationID, day) {
		from := wall(day, sp.from)
		to := wall(day, sp.to)
		for at := from; !at.Add(step).After(to); at = at.Add(step) {
			out = append(out, at)
		}
	}
	return out
}

// wall is a clock time on a day, kept as wall time across DST changes.
func wall(day time.Time, at time.Duration) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, day.Location())
}

func (s *session) spans(locationID string, day time.Time) []span {
	sp := append([]span(nil), s.hours[locationID][day.Weekday()]...)
	sort.Slice(sp, func(i, j int) bool { return sp[i].from < sp[j].from })
	return sp
}

// busy reports whether [from, to) at a location overlaps a booked visit
// (other than ignore) or a break.
func (s *session) busy(locationID string, from, to time.Time, ignore string) bool {
	for _, v := range s.visits {
		if v.LocationID == locationID && v.Status == "booked" && v.ID != ignore && v.Start.Before(to) && v.End.After(from) {
			return true
		}
	}
	for _, b := range s.pauses {
		if b.LocationID == locationID && b.Since.Before(to) && b.Till.After(from) {
			return true
		}
	}
	return false
}

// open reports whether [from, to) lies inside the location's working hours.
func (s *session) open(locationID string, from, to time.Time) bool {
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, s.loc)
	for _, sp := range s.spans(locationID, day) {
		if !from.Before(wall(day, sp.from)) && !to.After(wall(day, sp.to)) {
			return true
		}
	}
	return false
}
