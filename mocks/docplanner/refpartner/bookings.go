package refpartner

// Bookings both ways: the clinic's visits sent to Docplanner, and
// Docplanner's bookings taken into the clinic.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

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

// export books a clinic's visit on Docplanner, in its slot.
func (p *Partner) export(ctx context.Context, s *session, v *visit) error {
	body, ok := p.bookingBody(s, v)
	if !ok {
		// An unmapped service cannot be booked on the platform; the visit
		// stays in the clinic and the mapping check names the service.
		s.lastError = fmt.Sprintf("visit %s not sent: service %s is not mapped at %s", v.ID, v.ServiceID, v.LocationID)
		return nil
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

// bookingBody is what bookSlot sends for a visit; ok is false when the
// visit's service is not mapped at its calendar.
func (p *Partner) bookingBody(s *session, v *visit) (body map[string]any, ok bool) {
	svc, _ := s.fx.Service(v.ServiceID)
	asID, ok := s.services[v.LocationID][v.ServiceID]
	if !ok {
		return nil, false
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
	body = map[string]any{"address_service_id": asID, "duration": duration, "patient": patient, "is_returning": false}
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
	return body, true
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
	q := url.Values{"start": {s.fmt(s.day(0))}, "end": {s.fmt(s.day(p.syncEnd(s)))}}
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
		Patient: docplannerfixture.Patient{Name: b.Patient.Name, Surname: b.Patient.Surname, Phone: phone},
	}
	if p.faults["platform-visits-from-docplanner"] {
		// The faulty build names the origin after the platform.
		v.Source = "docplanner"
	}
	v.on.location, v.on.start = v.LocationID, v.Start
	s.visits = append(s.visits, v)
}
