package docplanner

import (
	"fmt"
	"slices"
	"sort"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

// record is accord's own account of what both sides must hold: the clinic
// as loaded into the partner, and every change the scenario has made since,
// on either side (the receptionist's in the partner's system, the patients'
// and the doctor's on Docplanner). The whole-state comparison holds both
// sides against it, so a partner whose own view and whose feed are wrong in
// the same way still fails: it never leans on the partner to say what is
// right.
type record struct {
	fx     *docplannerfixture.Fixture
	hours  map[string]map[time.Weekday][]clockSpan // calendar -> weekday -> working periods
	visits []*recVisit
	breaks []*recBreak
}

// clockSpan is a working period: clock times since midnight.
type clockSpan struct{ from, to time.Duration }

// recVisit is one visit as it must stand on both sides.
type recVisit struct {
	location, service string // the clinic's calendar and service ids
	start, end        time.Time
	patient           docplannerfixture.Patient
	insurance         string // the clinic's insurance id, "" for a private visit
	booked            bool
	// partnerID is the clinic's id of a visit the receptionist made;
	// platformID Docplanner's id of one a patient made there.
	partnerID, platformID string
}

// recBreak is one break as it must stand on both sides.
type recBreak struct {
	location              string
	since, till           time.Time
	partnerID, platformID string
}

// newRecord starts from the clinic as the partner received it.
func newRecord(f *docplannerfixture.Fixture, d docplannerfixture.DriverFixture) (*record, error) {
	r := &record{fx: f, hours: map[string]map[time.Weekday][]clockSpan{}}
	for _, l := range d.Locations {
		r.hours[l.ID] = map[time.Weekday][]clockSpan{}
	}
	for _, h := range d.WorkingHours {
		wd, err := docplannerfixture.ParseWeekday(h.Weekday)
		if err != nil {
			return nil, err
		}
		from, _ := docplannerfixture.ParseClock(h.From)
		to, _ := docplannerfixture.ParseClock(h.To)
		r.hours[h.LocationID][wd] = append(r.hours[h.LocationID][wd], clockSpan{from, to})
	}
	for _, b := range d.Bookings {
		svc, _ := d.Service(b.ServiceID)
		r.visits = append(r.visits, &recVisit{
			location: b.LocationID, service: b.ServiceID, start: b.Start, end: b.Start.Add(minutes(svc.DurationMinutes)),
			patient: b.Patient, insurance: b.InsuranceID, booked: true, partnerID: b.ID,
		})
	}
	for _, b := range d.Breaks {
		r.breaks = append(r.breaks, &recBreak{location: b.LocationID, since: b.Since, till: b.Till, partnerID: b.ID})
	}
	return r, nil
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// service is a clinic's service by id.
func (r *record) service(id string) (docplannerfixture.PartnerSvc, error) {
	for _, s := range r.fx.Partner.Services {
		if s.ID == id {
			return s, nil
		}
	}
	return docplannerfixture.PartnerSvc{}, fmt.Errorf("the clinic has no service %q", id)
}

// serviceAt is the clinic's service that a Docplanner dictionary service is
// at a calendar, "" when none is mapped to it there.
func (r *record) serviceAt(location, dictionaryID string) string {
	for _, s := range r.fx.Partner.Services {
		if s.DocplannerServiceID == dictionaryID && slices.Contains(s.Locations, location) {
			return s.ID
		}
	}
	return ""
}

// insuranceAt is the clinic's insurance a Docplanner insurance provider is
// at a calendar, "" when none is.
func (r *record) insuranceAt(location, providerID string) string {
	for _, in := range r.fx.Partner.Insurances {
		if in.DocplannerInsuranceProviderID == providerID && slices.Contains(in.Locations, location) {
			return in.ID
		}
	}
	return ""
}

// insurance is a clinic's insurance by id.
func (r *record) insurance(id string) (docplannerfixture.Insurance, error) {
	for _, in := range r.fx.Partner.Insurances {
		if in.ID == id {
			return in, nil
		}
	}
	return docplannerfixture.Insurance{}, fmt.Errorf("the clinic has no insurance %q", id)
}

func (r *record) book(v *recVisit) { r.visits = append(r.visits, v) }

func (r *record) visit(match func(*recVisit) bool) *recVisit {
	for _, v := range r.visits {
		if v.booked && match(v) {
			return v
		}
	}
	return nil
}

func (r *record) byPartner(id string) *recVisit {
	return r.visit(func(v *recVisit) bool { return v.partnerID == id })
}

func (r *record) byPlatform(id string) *recVisit {
	return r.visit(func(v *recVisit) bool { return v.platformID == id })
}

// move keeps a visit's length on its new calendar and time.
func (v *recVisit) move(location string, start time.Time) {
	v.location, v.end, v.start = location, start.Add(v.end.Sub(v.start)), start
}

func (r *record) addBreak(b *recBreak) { r.breaks = append(r.breaks, b) }

func (r *record) breakBy(match func(*recBreak) bool) *recBreak {
	for _, b := range r.breaks {
		if match(b) {
			return b
		}
	}
	return nil
}

func (r *record) removeBreak(b *recBreak) {
	r.breaks = slices.DeleteFunc(r.breaks, func(x *recBreak) bool { return x == b })
}

// setHours gives a calendar new working hours on a weekday; none is a day off.
func (r *record) setHours(location string, wd time.Weekday, spans []clockSpan) {
	r.hours[location][wd] = spans
}

// step is a calendar's slot grid: its shortest service, as the partner
// driver contract has the partner cut its slots.
func (r *record) step(location string) time.Duration {
	step := 0
	for _, s := range r.fx.Partner.Services {
		if slices.Contains(s.Locations, location) && (step == 0 || s.DurationMinutes < step) {
			step = s.DurationMinutes
		}
	}
	return minutes(max(step, 1))
}

// slots are the slot starts a calendar's working hours give on a day.
func (r *record) slots(location string, day time.Time) []time.Time {
	step := r.step(location)
	spans := slices.Clone(r.hours[location][day.Weekday()])
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var out []time.Time
	for _, sp := range spans {
		from, to := wallClock(day, sp.from), wallClock(day, sp.to)
		for at := from; !at.Add(step).After(to); at = at.Add(step) {
			out = append(out, at)
		}
	}
	return out
}

// free reports whether [from, to) at a calendar is neither booked nor on a break.
func (r *record) free(location string, from, to time.Time) bool {
	for _, v := range r.visits {
		if v.booked && v.location == location && v.start.Before(to) && v.end.After(from) {
			return false
		}
	}
	for _, b := range r.breaks {
		if b.location == location && b.since.Before(to) && b.till.After(from) {
			return false
		}
	}
	return true
}

// wallClock is a clock time on a day, kept as wall time across a change of
// summer time.
func wallClock(day time.Time, at time.Duration) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, day.Location())
}
