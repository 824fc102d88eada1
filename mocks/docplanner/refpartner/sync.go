package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
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

const timeLayout = "2006-01-02T15:04:05-07:00"

func (s *session) fmt(t time.Time) string { return t.In(s.loc).Format(timeLayout) }

// slotTime writes the wall-clock time of a slot or visit for the platform,
// in slotZone: with fixed-utc-offset that is today's offset, so a time on
// the other side of a change to summer time lands an hour off.
func (s *session) slotTime(t time.Time) string {
	c := t.In(s.loc)
	return time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, s.slotZone).Format(timeLayout)
}

// prefix is the API path of a location's address.
func (s *session) prefix(locationID string) string {
	l, _ := s.fx.LocationByID(locationID)
	doctor := ""
	for _, d := range s.fx.Doctors {
		if d.ID == l.DoctorID {
			doctor = d.DocplannerDoctorID
		}
	}
	return fmt.Sprintf("/facilities/%s/doctors/%s/addresses/%s", url.PathEscape(s.fx.Clinic.DocplannerFacilityID), url.PathEscape(doctor), url.PathEscape(l.DocplannerAddressID))
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

type listOf[T any] struct {
	Items []T `json:"_items"`
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// mapResources checks every mapped facility, doctor and address exists on
// the platform, then puts each of the clinic's services on each address.
func (p *Partner) mapResources(ctx context.Context, s *session) error {
	var facilities listOf[idName]
	if err := p.call(ctx, s, http.MethodGet, "/facilities", nil, nil, &facilities); err != nil {
		return err
	}
	if !hasID(facilities.Items, s.fx.Clinic.DocplannerFacilityID) {
		return fmt.Errorf("mapping: facility %s is not among the platform's facilities", s.fx.Clinic.DocplannerFacilityID)
	}
	var doctors listOf[idName]
	if err := p.call(ctx, s, http.MethodGet, "/facilities/"+s.fx.Clinic.DocplannerFacilityID+"/doctors", nil, nil, &doctors); err != nil {
		return err
	}
	for _, d := range s.fx.Doctors {
		if !hasID(doctors.Items, d.DocplannerDoctorID) {
			return fmt.Errorf("mapping: doctor %s (%s %s) is not in facility %s", d.DocplannerDoctorID, d.Name, d.Surname, s.fx.Clinic.DocplannerFacilityID)
		}
		var addresses listOf[idName]
		path := fmt.Sprintf("/facilities/%s/doctors/%s/addresses", s.fx.Clinic.DocplannerFacilityID, d.DocplannerDoctorID)
		if err := p.call(ctx, s, http.MethodGet, path, nil, nil, &addresses); err != nil {
			return err
		}
		for _, l := range p.locations(s) {
			if l.DoctorID == d.ID && !hasID(addresses.Items, l.DocplannerAddressID) {
				return fmt.Errorf("mapping: address %s is not an address of doctor %s", l.DocplannerAddressID, d.DocplannerDoctorID)
			}
		}
	}
	var dictionary listOf[idName]
	if err := p.call(ctx, s, http.MethodGet, "/services", nil, nil, &dictionary); err != nil {
		return err
	}
	for _, l := range p.locations(s) {
		var existing listOf[struct {
			ID        string `json:"id"`
			ServiceID string `json:"service_id"`
		}]
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/services", nil, nil, &existing); err != nil {
			return err
		}
		s.services[l.ID] = map[string]string{}
		mapped := 0
		for _, svc := range s.fx.Services {
			if !contains(svc.Locations, l.ID) {
				continue
			}
			if p.faults["partial-service-mapping"] && mapped == 1 {
				break
			}
			mapped++
			if !hasID(dictionary.Items, svc.DocplannerServiceID) {
				return fmt.Errorf("mapping: service %s is not in the platform's dictionary", svc.DocplannerServiceID)
			}
			id := ""
			for _, e := range existing.Items {
				if e.ServiceID == svc.DocplannerServiceID {
					id = e.ID
				}
			}
			if id == "" {
				var created struct {
					ID string `json:"id"`
				}
				price := svc.Price
				if p.faults["prices-in-minor-units"] {
					// The clinic's system keeps prices in grosze.
					price *= 100
				}
				body := map[string]any{"service_id": svc.DocplannerServiceID, "price": price, "is_price_from": false, "is_visible": !p.faults["maps-services-hidden"], "default_duration": svc.DurationMinutes, "description": svc.Name}
				if p.alt {
					body["custom_name"] = svc.Name
					body["allowed_patients"] = map[string]any{"minimum_age": 0, "maximum_age": nil}
					body["is_price_from"] = true
				}
				if err := p.call(ctx, s, http.MethodPost, s.prefix(l.ID)+"/services", nil, body, &created); err != nil {
					return err
				}
				id = created.ID
			}
			s.services[l.ID][svc.ID] = id
		}
	}
	return nil
}

func hasID(xs []idName, id string) bool {
	for _, x := range xs {
		if x.ID == id {
			return true
		}
	}
	return false
}

func (p *Partner) mapInsurances(ctx context.Context, s *session) error {
	if p.faults["forgets-insurances"] {
		return nil
	}
	var dictionary listOf[struct {
		ID string `json:"insurance_provider_id"`
	}]
	if err := p.call(ctx, s, http.MethodGet, "/insurance-providers", nil, nil, &dictionary); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, d := range dictionary.Items {
		known[d.ID] = true
	}
	for _, l := range p.locations(s) {
		var existing listOf[struct {
			ID string `json:"insurance_provider_id"`
		}]
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/insurance-providers", nil, nil, &existing); err != nil {
			return err
		}
		on := map[string]bool{}
		for _, e := range existing.Items {
			on[e.ID] = true
		}
		for _, in := range s.fx.Insurances {
			if !contains(in.Locations, l.ID) {
				continue
			}
			if !known[in.DocplannerInsuranceProviderID] {
				return fmt.Errorf("mapping: insurance provider %s is not in the platform's dictionary", in.DocplannerInsuranceProviderID)
			}
			switch {
			case p.alt:
				// updateOrCreate, with every plan of the provider.
				var plans listOf[struct {
					ID string `json:"insurance_plan_id"`
				}]
				if err := p.call(ctx, s, http.MethodGet, "/insurance-providers/"+url.PathEscape(in.DocplannerInsuranceProviderID)+"/plans", nil, nil, &plans); err != nil {
					return err
				}
				ids := []map[string]string{}
				for _, pl := range plans.Items {
					ids = append(ids, map[string]string{"insurance_plan_id": pl.ID})
				}
				body := map[string]any{"insurance_provider_id": in.DocplannerInsuranceProviderID, "insurance_plans": ids}
				if err := p.call(ctx, s, http.MethodPut, s.prefix(l.ID)+"/insurance-providers", nil, body, nil); err != nil {
					return err
				}
			case !on[in.DocplannerInsuranceProviderID]:
				body := map[string]any{"insurance_provider_id": in.DocplannerInsuranceProviderID}
				if err := p.call(ctx, s, http.MethodPost, s.prefix(l.ID)+"/insurance-providers", nil, body, nil); err != nil {
					return err
				}
			}
			s.insurers[l.ID] = append(s.insurers[l.ID], in.DocplannerInsuranceProviderID)
		}
	}
	return nil
}

// feedCalendars enables each calendar and feeds its slots for the horizon.
func (p *Partner) feedCalendars(ctx context.Context, s *session) error {
	for _, l := range p.locations(s) {
		var cal struct {
			Status string `json:"status"`
		}
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/calendar", nil, nil, &cal); err != nil {
			return err
		}
		if cal.Status != "enabled" {
			if err := p.call(ctx, s, http.MethodPost, s.prefix(l.ID)+"/calendar/enable", nil, nil, nil); err != nil && !isStatus(err, http.StatusConflict) {
				return err
			}
		}
		days := s.fx.HorizonDays
		if p.faults["drops-last-day"] {
			days--
		}
		var all []time.Time
		for d := 1; d <= days; d++ {
			all = append(all, s.day(d))
		}
		if err := p.feed(ctx, s, l.ID, all, feedOpts{}); err != nil {
			if p.faults["skips-unfed-calendars"] {
				// The faulty build feeds the other calendars and calls it done.
				continue
			}
			return err
		}
	}
	return nil
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
	layout := timeLayout
	noOffset, clearIdle := o.noOffset, o.clearIdle
	if noOffset {
		layout = "2006-01-02T15:04:05"
	}
	var services []map[string]any
	for _, svc := range s.fx.Services {
		if id, ok := s.services[locationID][svc.ID]; ok {
			services = append(services, map[string]any{"address_service_id": id, "duration": svc.DurationMinutes})
		}
	}
	var providers []int
	for _, id := range s.insurers[locationID] {
		if o.noInsurers {
			break
		}
		if n, err := strconv.Atoi(id); err == nil {
			providers = append(providers, n)
		}
	}
	for _, day := range days {
		spans := s.spans(locationID, day)
		if len(services) == 0 {
			spans = nil
		}
		if len(spans) == 0 && (!clearIdle || p.faults["closed-days-keep-slots"]) {
			continue
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

// syncBookings sends the clinic's bookings the platform lacks, then takes in
// the platform's bookings the clinic lacks. Once connected it also sends
// again every cancellation and move Docplanner does not have yet (refused
// by a failure of the platform, or lost with the partner's own).
func (p *Partner) syncBookings(ctx context.Context, s *session) error {
	for _, v := range s.visits {
		var err error
		switch {
		case v.PlatformID == "":
			// The faulty build sync-books-canceled-visits sends every visit Docplanner lacks.
			if (v.Status != "booked" && !p.faults["sync-books-canceled-visits"]) || v.Source != "partner" || p.faults["skips-existing-bookings"] {
				continue
			}
			err = p.export(ctx, s, v)
		case s.connected && !p.faults["sync-sends-new-visits-only"]:
			err = p.reconcileVisit(ctx, s, v)
		}
		if err != nil {
			return err
		}
	}
	return p.importBookings(ctx, s)
}

func (p *Partner) export(ctx context.Context, s *session, v *visit) error {
	svc, _ := s.fx.Service(v.ServiceID)
	asID, ok := s.services[v.LocationID][v.ServiceID]
	if !ok {
		// An unmapped service cannot be booked on the platform; the visit
		// stays in the clinic and the mapping check names the service.
		s.lastError = fmt.Sprintf("visit %s not sent: service %s is not mapped at %s", v.ID, v.ServiceID, v.LocationID)
		return nil
	}
	duration := svc.DurationMinutes
	// The faulty builds below go wrong in the hook that sends the
	// receptionist's new visits (the partner is connected), not in the bulk
	// export of activation.
	if s.connected {
		for _, d := range s.fx.Services {
			if id, mapped := s.services[v.LocationID][d.ID]; mapped {
				// The calendar's default: the first service it offers.
				if p.faults["exports-default-service"] {
					asID = id
				}
				if p.faults["exports-default-duration"] {
					duration = d.DurationMinutes
				}
				break
			}
		}
		if p.faults["exports-thirty-minute-visits"] {
			duration = 30
		}
	}
	patient := map[string]any{"name": v.Patient.Name, "surname": v.Patient.Surname, "phone": v.Patient.Phone}
	if s.connected && p.faults["exports-full-name-as-name"] {
		// The faulty build's clinic keeps one name field and sends it whole.
		patient["name"] = v.Patient.Name + " " + v.Patient.Surname
		delete(patient, "surname")
	}
	if v.Patient.Email != "" {
		patient["email"] = v.Patient.Email
	}
	body := map[string]any{"address_service_id": asID, "duration": duration, "patient": patient, "is_returning": false}
	if in, ok := s.fx.Insurance(v.InsuranceID); ok && !(s.connected && p.faults["exports-visits-without-insurance"]) {
		body["insurance_provider_id"] = in.DocplannerInsuranceProviderID
	}
	if p.alt {
		body["comment"] = "Booked at the clinic's front desk (" + v.ID + ")"
		body["is_returning"] = true
		body["is_recurring"] = false
		patient["gender"] = nil
		patient["birth_date"] = nil
	}
	var created struct {
		ID string `json:"id"`
	}
	path := s.prefix(v.LocationID) + "/slots/" + url.PathEscape(s.slotTime(v.Start)) + "/book"
	if err := p.call(ctx, s, http.MethodPost, path, nil, body, &created); err != nil {
		return err
	}
	v.PlatformID = created.ID
	v.on.location, v.on.start = v.LocationID, v.Start
	return nil
}

type platformBooking struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	StartAt string `json:"start_at"`
	EndAt   string `json:"end_at"`
	Patient struct {
		Name    string  `json:"name"`
		Surname string  `json:"surname"`
		Phone   *string `json:"phone"`
	} `json:"patient"`
	AddressService *struct {
		ID string `json:"id"`
	} `json:"address_service"`
	Insurance *struct {
		ID string `json:"id"`
	} `json:"insurance"`
}

func (p *Partner) importBookings(ctx context.Context, s *session) error {
	q := url.Values{"start": {s.fmt(s.day(0))}, "end": {s.fmt(s.day(s.fx.HorizonDays + 1))}}
	for _, l := range p.locations(s) {
		items, err := p.bookings(ctx, s, l.ID, q)
		if err != nil {
			return err
		}
		for _, b := range items {
			p.applyPlatformBooking(s, l.ID, b)
		}
	}
	return nil
}

// bookingScopes are what the partner reads of a listed booking beyond its
// times: getBookings adds the patient and the address service only when
// asked to.
var bookingScopes = []string{"booking.patient", "booking.address_service"}

// bookings reads getBookings, page by page in the alt variant.
func (p *Partner) bookings(ctx context.Context, s *session, locationID string, q url.Values) ([]platformBooking, error) {
	q = p.withScopes(q, bookingScopes)
	if !p.alt {
		var list listOf[platformBooking]
		err := p.call(ctx, s, http.MethodGet, s.prefix(locationID)+"/bookings", q, nil, &list)
		return list.Items, err
	}
	var all []platformBooking
	for page := 1; page <= 1000; page++ {
		pq := url.Values{"page": {strconv.Itoa(page)}, "limit": {"2"}}
		for k, v := range q {
			pq[k] = v
		}
		var list struct {
			Items []platformBooking `json:"_items"`
			Pages int               `json:"pages"`
		}
		if err := p.call(ctx, s, http.MethodGet, s.prefix(locationID)+"/bookings", pq, nil, &list); err != nil {
			return nil, err
		}
		all = append(all, list.Items...)
		if page >= list.Pages {
			break
		}
	}
	return all, nil
}

// withScopes adds `with` to a query: comma-separated, as the official SDK
// sends it, or in the alt variant as a repeated parameter.
func (p *Partner) withScopes(q url.Values, scopes []string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	if p.faults["bookings-without-patient-scope"] {
		// The faulty build reads the patient without asking for it.
		scopes = slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return s == "booking.patient" })
	}
	if p.alt {
		out["with"] = scopes
	} else {
		out.Set("with", strings.Join(scopes, ","))
	}
	return out
}

// applyPlatformBooking makes the clinic agree with one platform booking.
func (p *Partner) applyPlatformBooking(s *session, locationID string, b platformBooking) {
	for _, v := range s.visits {
		if v.PlatformID == b.ID {
			if b.Status == "canceled" && v.Status == "booked" && v.Source == "platform" && !p.faults["sync-misses-cancellations"] {
				v.Status, v.on.canceled = "canceled", true
			}
			return
		}
	}
	if b.Status != "booked" {
		return
	}
	p.addPlatformVisit(s, locationID, b)
}

// firstCalendar is the first of the calendars of a calendar's doctor.
func (p *Partner) firstCalendar(s *session, locationID string) string {
	l, _ := s.fx.LocationByID(locationID)
	for _, c := range s.fx.Locations {
		if c.DoctorID == l.DoctorID {
			return c.ID
		}
	}
	return locationID
}

// addPlatformVisit takes a platform booking into the clinic as a new visit.
func (p *Partner) addPlatformVisit(s *session, locationID string, b platformBooking) {
	start, err1 := time.Parse(time.RFC3339, b.StartAt)
	end, err2 := time.Parse(time.RFC3339, b.EndAt)
	if err1 != nil || err2 != nil {
		return
	}
	serviceID := ""
	services := s.services[locationID]
	if p.faults["platform-service-from-first-calendar"] {
		// The faulty build keeps one service map per doctor: that of the
		// doctor's first calendar.
		services = s.services[p.firstCalendar(s, locationID)]
	}
	if b.AddressService != nil {
		for svc, id := range services {
			if id == b.AddressService.ID {
				serviceID = svc
			}
		}
	}
	if p.faults["platform-visits-one-slot-long"] {
		// The faulty build gives every visit from Docplanner one slot of
		// the calendar's grid, whatever the service booked.
		end = start.Add(s.step(locationID))
	}
	s.nextID++
	phone := ""
	if b.Patient.Phone != nil {
		phone = *b.Patient.Phone
	}
	insurance := ""
	if b.Insurance != nil && !p.faults["platform-visits-without-insurance"] {
		insurance = s.insuranceOf(locationID, b.Insurance.ID)
	}
	v := &visit{
		ID: fmt.Sprintf("dp-%d", s.nextID), LocationID: locationID, ServiceID: serviceID, InsuranceID: insurance,
		Start: start.In(s.loc), End: end.In(s.loc), Status: "booked", Source: "platform", PlatformID: b.ID,
		Patient: fixture.Patient{Name: b.Patient.Name, Surname: b.Patient.Surname, Phone: phone},
	}
	if p.faults["platform-visits-from-docplanner"] {
		// The faulty build names the origin after the platform.
		v.Source = "docplanner"
	}
	v.on.location, v.on.start = v.LocationID, v.Start
	s.visits = append(s.visits, v)
}

// feedBreaks sends the clinic's breaks the platform lacks; once connected,
// also every move and removal of a break Docplanner does not have yet.
func (p *Partner) feedBreaks(ctx context.Context, s *session) error {
	for _, b := range s.pauses {
		var err error
		switch {
		case b.Source != "partner":
		case b.PlatformID == "":
			err = p.exportBreak(ctx, s, b)
		case s.connected && !p.faults["sync-sends-new-visits-only"]:
			err = p.reconcileBreak(ctx, s, b)
		}
		if err != nil {
			return err
		}
	}
	if !s.connected || p.faults["sync-sends-new-visits-only"] {
		return nil
	}
	for len(s.gone) > 0 {
		if err := p.reconcileBreak(ctx, s, s.gone[0]); err != nil {
			return err
		}
		s.gone = s.gone[1:]
	}
	return nil
}

func (p *Partner) exportBreak(ctx context.Context, s *session, b *pause) error {
	var created struct {
		ID string `json:"id"`
	}
	body := map[string]any{"since": s.fmt(b.Since), "till": s.fmt(b.Till)}
	if b.Description != "" && !(p.faults["breaks-without-description"] && s.connected) {
		body["description"] = b.Description
	}
	if err := p.call(ctx, s, http.MethodPost, s.prefix(b.LocationID)+"/breaks", nil, body, &created); err != nil {
		return err
	}
	b.PlatformID = created.ID
	b.on.since, b.on.till = b.Since, b.Till
	return nil
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

// importBreaks makes the clinic's copy of the doctor's Docplanner breaks
// match getCalendarBreaks, in case a notification was missed.
func (p *Partner) importBreaks(ctx context.Context, s *session) error {
	q := url.Values{"since": {s.fmt(s.day(0))}, "till": {s.fmt(s.day(s.fx.HorizonDays + 1))}}
	for _, l := range p.locations(s) {
		var list listOf[struct {
			ID    string `json:"id"`
			Since string `json:"since"`
			Till  string `json:"till"`
		}]
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/breaks", q, nil, &list); err != nil {
			if p.faults["sync-skips-unread-calendars"] {
				continue
			}
			return err
		}
		onPlatform := map[string]bool{}
		for _, b := range list.Items {
			onPlatform[b.ID] = true
			// A break the clinic knows takes Docplanner's times: the
			// doctor may have moved it while the notification was lost.
			event := "break-created"
			if slices.ContainsFunc(s.pauses, func(x *pause) bool { return x.PlatformID == b.ID && x.Source == "platform" }) {
				event = "break-moved"
			}
			p.applyBreak(s, l.ID, event, b.ID, b.Since, b.Till)
		}
		kept := s.pauses[:0]
		for _, b := range s.pauses {
			if b.LocationID == l.ID && b.Source == "platform" && !onPlatform[b.PlatformID] {
				continue
			}
			kept = append(kept, b)
		}
		s.pauses = kept
	}
	return nil
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
		want := 0
		match := true
		days := s.fx.HorizonDays
		if p.faults["drops-last-day"] {
			days--
		}
		var all []time.Time
		for d := 1; d <= days; d++ {
			all = append(all, s.day(d))
			for _, st := range s.grid(l.ID, s.day(d), s.step(l.ID)) {
				want++
				match = match && have[st.Unix()]
			}
		}
		if p.faults["crosscheck-counts-slots"] {
			// The faulty build counts the slots instead of comparing them.
			match = true
		}
		if match && want == len(have) && !p.faults["sync-refeeds-everything"] {
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

// insuranceOf is the clinic's insurance a Docplanner insurance provider is
// at a calendar, "" when the calendar takes none such.
func (s *session) insuranceOf(locationID, providerID string) string {
	for _, in := range s.fx.Insurances {
		if in.DocplannerInsuranceProviderID == providerID && contains(in.Locations, locationID) {
			return in.ID
		}
	}
	return ""
}
