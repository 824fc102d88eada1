package docplanner

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/accord-harness/accord/internal/mockserver"
)

// getCalendar: only a commercial (premium) address has a calendar; another
// answers 404 CalendarNotFound.
func (m *Mock) getCalendar(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	if a.commercialType != "premium" {
		return errResp(http.StatusNotFound, "Calendar does not exist")
	}
	status := "disabled"
	if a.calendarEnabled {
		status = "enabled"
	}
	return ok(map[string]any{"status": status})
}

func (m *Mock) enableCalendar(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	if a.calendarEnabled {
		return errResp(http.StatusConflict, "Calendar already enabled")
	}
	if a.commercialType != "premium" {
		return errResp(http.StatusUnprocessableEntity, fmt.Sprintf("Cannot activate calendar on address %s, profile/address is not commercial", a.id))
	}
	a.calendarEnabled = true
	return mockserver.Response{Status: http.StatusOK}
}

func (m *Mock) disableCalendar(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	if !a.calendarEnabled {
		return errResp(http.StatusConflict, "Calendar already disabled")
	}
	a.calendarEnabled = false
	return mockserver.Response{Status: http.StatusOK}
}

// calendarOf resolves an address whose calendar is on: slots and bookings
// live only in an enabled calendar.
func (t *tenant) calendarOf(req *mockserver.Request) (*address, *mockserver.Response) {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return nil, refuse
	}
	if !a.calendarEnabled {
		r := errResp(http.StatusNotFound, "Calendar not found for this address")
		return nil, &r
	}
	return a, nil
}

// addressPeriod resolves the request's address, then the period of its
// listing that two required date-time query parameters, from and to, name.
func (t *tenant) addressPeriod(req *mockserver.Request, from, to string) (*address, time.Time, time.Time, *mockserver.Response) {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return nil, time.Time{}, time.Time{}, refuse
	}
	q := req.Query()
	start, err1 := time.Parse(time.RFC3339, q.Get(from))
	end, err2 := time.Parse(time.RFC3339, q.Get(to))
	if err1 != nil || err2 != nil {
		r := errResp(http.StatusBadRequest, "Invalid date given.")
		return a, start, end, &r
	}
	if !end.After(start) {
		r := errResp(http.StatusBadRequest, "Invalid date range")
		return a, start, end, &r
	}
	return a, start, end, nil
}

// getSlots lists the slots as fed, as Docplanner's guide ("Validating
// schedule coverage") describes it: every slot currently added, booked or
// on a break alike; free time is these minus getBookings and
// getCalendarBreaks. A period without any slot (or an address without a
// calendar) is 404 NoSlotsOnAddress, "No slots found on given address".
func (m *Mock) getSlots(t *tenant, req *mockserver.Request) mockserver.Response {
	a, start, end, refuse := t.addressPeriod(req, "start", "end")
	if refuse != nil {
		return *refuse
	}
	if end.Sub(start) > 180*24*time.Hour {
		return errResp(http.StatusBadRequest, "Date range must not exceed 180 days")
	}
	fed := a.slotsBetween(start, end, t.loc)
	if !a.calendarEnabled || len(fed) == 0 {
		return errResp(http.StatusNotFound, "No slots found on given address")
	}
	withServices := scopesOf(req)["slot.services"]
	out := make([]slotJSON, 0, len(fed))
	for _, s := range fed {
		item := slotJSON{Start: t.rfc3339(s.start)}
		if withServices {
			var svcs []map[string]any
			for _, ss := range s.services {
				if as, ok := a.services[ss.addressServiceID]; ok {
					j := addressServiceJSON(as, nil)
					j["duration"] = ss.duration
					svcs = append(svcs, j)
				}
			}
			item.AddressServices = items(svcs)
		}
		out = append(out, item)
	}
	return ok(slotsJSON{out})
}

type slotsJSON struct {
	Items []slotJSON `json:"_items"`
}

// slotJSON is one slot of getSlots' answer; its fields are in the order the
// keys of a map would be written, so the answer reads as it always has.
type slotJSON struct {
	AddressServices map[string]any `json:"address_services,omitempty"`
	Start           string         `json:"start"`
}

type slotRange struct {
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	AddressServices []struct {
		AddressServiceID string `json:"address_service_id"`
		Duration         int    `json:"duration"`
	} `json:"address_services"`
	InsuranceAccepted  string `json:"insurance_accepted"`
	InsuranceProviders []int  `json:"insurance_providers"`
}

// replaceSlots applies the entries in order: each replaces every slot that
// starts inside its period with the slots cut from it (by its shortest
// service); an entry with no services only clears its period. One request
// covers one day, as on the platform.
func (m *Mock) replaceSlots(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.calendarOf(req)
	if refuse != nil {
		return *refuse
	}
	var body struct {
		Slots []slotRange `json:"slots"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	now := m.calendar(t)
	horizon := now.Add(12 * 7 * 24 * time.Hour)
	day := ""
	type entry struct {
		from, to time.Time
		slots    []slot
	}
	var entries []entry
	for i, r := range body.Slots {
		field := fmt.Sprintf("slots[%d]", i)
		if r.End.Sub(r.Start) < time.Minute {
			return fieldErr(http.StatusBadRequest, "Invalid arguments", field+".minimumDifferenceBetweenDates", "The end date must be at least 1 minute after the start date")
		}
		if r.End.After(horizon) {
			return fieldErr(http.StatusBadRequest, "Invalid arguments", field+".end", "End date should be less than or equal to "+t.rfc3339(horizon)+".")
		}
		d := t.dayKey(r.Start)
		if t.dayKey(r.End.Add(-time.Nanosecond)) != d {
			return errResp(http.StatusBadRequest, fmt.Sprintf("Slot for date range %s - %s exceeds a single day boundary", t.rfc3339(r.Start), t.rfc3339(r.End)))
		}
		if day != "" && d != day {
			return fieldErr(http.StatusBadRequest, "Invalid arguments", field+".start", "Slots comes from different days")
		}
		day = d
		switch r.InsuranceAccepted {
		case "with-insurance-only":
			if len(r.InsuranceProviders) == 0 {
				return errResp(http.StatusBadRequest, "Slot requires insurance (with-insurance-only), but insurance providers are missing")
			}
		case "without-insurance-only":
			if len(r.InsuranceProviders) > 0 {
				return errResp(http.StatusBadRequest, "Insurance providers are not supported. Slot does not allow insurances (without-insurance-only)")
			}
		}
		for _, p := range r.InsuranceProviders {
			if _, on := a.insurers[fmt.Sprint(p)]; !on {
				return errResp(http.StatusBadRequest, fmt.Sprintf("Insurance provider(s) with id (%d) not found for address id (%s)", p, a.id))
			}
		}
		var services []slotService
		step := 0
		for _, s := range r.AddressServices {
			if _, ok := a.services[s.AddressServiceID]; !ok {
				return fieldErr(http.StatusBadRequest, "Invalid arguments", field+".address_services", "Address service does not exist")
			}
			if s.Duration < 1 {
				return fieldErr(http.StatusBadRequest, "Invalid arguments", field+".address_services.duration", "Duration must be at least 1 minute")
			}
			services = append(services, slotService{addressServiceID: s.AddressServiceID, duration: s.Duration})
			if step == 0 || s.Duration < step {
				step = s.Duration
			}
		}
		e := entry{from: r.Start, to: r.End}
		insurance := r.InsuranceAccepted
		if insurance == "" {
			insurance = "with-and-without-insurance"
		}
		var insurers []string
		for _, p := range r.InsuranceProviders {
			insurers = append(insurers, fmt.Sprint(p))
		}
		if step > 0 {
			length := time.Duration(step) * time.Minute
			for at := r.Start; !at.Add(length).After(r.End); at = at.Add(length) {
				e.slots = append(e.slots, slot{start: at, length: length, services: services, insurers: insurers, insurance: insurance})
			}
		}
		entries = append(entries, e)
	}
	// Validated whole: now apply, in order.
	for _, e := range entries {
		kept := a.slots[day][:0:0]
		for _, s := range a.slots[day] {
			if s.start.Before(e.from) || !s.start.Before(e.to) {
				kept = append(kept, s)
			}
		}
		kept = append(kept, e.slots...)
		sort.Slice(kept, func(i, j int) bool { return kept[i].start.Before(kept[j].start) })
		if len(kept) == 0 {
			delete(a.slots, day)
		} else {
			a.slots[day] = kept
		}
	}
	return mockserver.Response{Status: http.StatusCreated}
}

func (m *Mock) deleteSlots(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.calendarOf(req)
	if refuse != nil {
		return *refuse
	}
	day, err := time.ParseInLocation("2006-01-02", req.Params["date"], t.loc)
	if err != nil {
		return errResp(http.StatusBadRequest, "Invalid date given.")
	}
	delete(a.slots, day.Format("2006-01-02"))
	return noContent()
}

// breaks --------------------------------------------------------------------

func breakJSON(t *tenant, b *calBreak) map[string]any {
	return map[string]any{"id": b.id, "since": t.rfc3339(b.since), "till": t.rfc3339(b.till), "description": b.description}
}

func (m *Mock) getCalendarBreaks(t *tenant, req *mockserver.Request) mockserver.Response {
	a, since, till, refuse := t.addressPeriod(req, "since", "till")
	if refuse != nil {
		return *refuse
	}
	var bs []*calBreak
	for _, b := range a.breaks {
		if b.since.Before(till) && b.till.After(since) {
			bs = append(bs, b)
		}
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].since.Before(bs[j].since) })
	var out []map[string]any
	for _, b := range bs {
		out = append(out, breakJSON(t, b))
	}
	return ok(items(out))
}

func (m *Mock) addCalendarBreak(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	var body struct {
		Since       time.Time `json:"since"`
		Till        time.Time `json:"till"`
		Description *string   `json:"description"`
		Coupled     bool      `json:"apply_on_coupled_addresses"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	if !body.Till.After(body.Since) {
		return errResp(http.StatusUnprocessableEntity, "Invalid date range")
	}
	if a.commercialType != "premium" {
		return errResp(http.StatusUnprocessableEntity, fmt.Sprintf("Cannot activate calendar on address %s, profile/address is not commercial", a.id))
	}
	for _, b := range a.breaks {
		if b.since.Equal(body.Since) && b.till.Equal(body.Till) && deref(b.description) == deref(body.Description) {
			return errResp(http.StatusConflict, "Break for given address, date range and description exists")
		}
	}
	// Adding a break creates the calendar when there is none (API 1.0.13).
	a.calendarEnabled = true
	b := &calBreak{id: t.id(), since: body.Since, till: body.Till, description: body.Description, coupled: map[string]string{}}
	a.breaks[b.id] = b
	if body.Coupled {
		for _, c := range t.coupledAddresses(a) {
			cb := &calBreak{id: t.id(), since: body.Since, till: body.Till, description: body.Description}
			c.breaks[cb.id] = cb
			b.coupled[c.id] = cb.id
		}
	}
	return mockserver.Response{Status: http.StatusCreated, Body: breakJSON(t, b), Header: http.Header{"Location": {req.HTTP.URL.Path + "/" + b.id}}}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (a *address) breakOf(req *mockserver.Request) (*calBreak, *mockserver.Response) {
	return named(a.breaks, req, "break_id", "Invalid break ID")
}

func (m *Mock) getCalendarBreak(t *tenant, req *mockserver.Request) mockserver.Response {
	_, b, refuse := inAddress(t, req, (*address).breakOf)
	if refuse != nil {
		return *refuse
	}
	return ok(breakJSON(t, b))
}

func (m *Mock) moveCalendarBreak(t *tenant, req *mockserver.Request) mockserver.Response {
	_, b, refuse := inAddress(t, req, (*address).breakOf)
	if refuse != nil {
		return *refuse
	}
	var body struct {
		Since time.Time `json:"since"`
		Till  time.Time `json:"till"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	if !body.Till.After(body.Since) {
		return errResp(http.StatusUnprocessableEntity, fmt.Sprintf("Till (%s) cannot be set before since (%s)", t.rfc3339(body.Till), t.rfc3339(body.Since)))
	}
	if body.Since.Equal(b.since) && body.Till.Equal(b.till) {
		return errResp(http.StatusUnprocessableEntity, "Same Date Range")
	}
	b.since, b.till = body.Since, body.Till
	for addressID, id := range b.coupled {
		if cb, ok := t.addresses[addressID].breaks[id]; ok {
			cb.since, cb.till = body.Since, body.Till
		}
	}
	return noContent()
}

func (m *Mock) deleteCalendarBreak(t *tenant, req *mockserver.Request) mockserver.Response {
	a, b, refuse := inAddress(t, req, (*address).breakOf)
	if refuse != nil {
		return *refuse
	}
	delete(a.breaks, b.id)
	for addressID, id := range b.coupled {
		delete(t.addresses[addressID].breaks, id)
	}
	return noContent()
}

// coupledAddresses are the doctor's addresses in the same facility on the
// other side of online-only: the online-only ones for a physical address
// and the other way round.
func (t *tenant) coupledAddresses(a *address) []*address {
	var out []*address
	for _, id := range t.doctors[a.doctor].addresses {
		if c := t.addresses[id]; c.id != a.id && c.facility == a.facility && c.onlineOnly != a.onlineOnly {
			out = append(out, c)
		}
	}
	return out
}
