package docplanner

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/mockserver"
)

// bookingFields are the optional parts of a booking an answer carries.
type bookingFields struct {
	patient, service, presence, confirmed, moving bool
	// publicFlow adds is_public_insurance_flow to the address service.
	publicFlow bool
}

// listedBooking is getBookings: everything optional only with its scope.
func listedBooking(sc scopes) bookingFields {
	return bookingFields{
		patient: sc["booking.patient"], service: sc["booking.address_service"], presence: sc["booking.presence"],
		confirmed: sc["booking.confirmation"], publicFlow: sc["address_service.public_insurance_flow"],
	}
}

// wholeBooking is getBooking and moveBooking: the provider's examples carry
// the patient and the address service unasked; moving has its scope.
func wholeBooking(sc scopes) bookingFields {
	return bookingFields{patient: true, service: true, moving: sc["booking.moving"], publicFlow: sc["address_service.public_insurance_flow"]}
}

func (t *tenant) bookingJSON(b *booking, a *address, f bookingFields) map[string]any {
	var canceledAt any
	if b.canceledAt != nil {
		canceledAt = t.rfc3339(*b.canceledAt)
	}
	out := map[string]any{
		"id": b.id, "status": b.status,
		"start_at": t.rfc3339(b.start), "end_at": t.rfc3339(b.end()), "duration": b.duration,
		"booked_by": b.bookedBy, "canceled_by": b.canceledBy,
		"booked_at": t.rfc3339(b.bookedAt), "canceled_at": canceledAt,
		"comment": b.comment, "insurance": t.insuranceJSON(b),
		"visit_payment": a.visitPayment, "visit_payment_status": nil,
	}
	if f.patient {
		out["patient"] = b.patient.json()
	}
	if f.service {
		var svc any
		if s, ok := a.services[b.serviceID]; ok {
			var sc scopes
			if f.publicFlow {
				sc = scopes{"address_service.public_insurance_flow": true}
			}
			svc = addressServiceJSON(s, sc)
		}
		out["address_service"] = svc
	}
	if f.presence {
		out["presence"] = b.presence
	}
	if f.confirmed {
		out["confirmed"] = b.confirmed
	}
	if f.moving {
		// Every booking of a chain of moves names the chain's first and
		// current booking; one never moved names itself twice.
		origin, newest := b.originID, b.newestID
		if origin == "" {
			origin = b.id
		}
		if newest == "" {
			newest = b.id
		}
		out["moving"] = map[string]any{"origin_booking_id": origin, "newest_booking_id": newest}
	}
	return out
}

// insuranceJSON is the insurance a booking was made with, or nil.
func (t *tenant) insuranceJSON(b *booking) any {
	if b.insurer == "" {
		return nil
	}
	p, _ := t.insurer(b.insurer)
	out := map[string]any{"id": b.insurer, "name": p.Name, "plan": nil, "plan_id": nil}
	for _, pl := range p.Plans {
		if pl.ID == b.plan {
			out["plan"], out["plan_id"] = pl.Name, pl.ID
		}
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (p patient) json() map[string]any {
	return map[string]any{
		"name": p.Name, "surname": p.Surname, "email": p.Email, "phone": p.Phone,
		"birth_date": p.BirthDate, "nin": p.NIN, "gender": p.Gender, "is_returning": p.IsReturning,
		"insurance_number": nil,
	}
}

// canBook explains why [start, start+duration) cannot be booked at a, or
// returns "" when it can. ignore is a booking that does not count (the one
// being moved).
func (t *tenant) canBook(a *address, start time.Time, duration int, serviceID string, ignore string) string {
	s, fed := a.findSlot(start, t.loc)
	if !fed {
		return fmt.Sprintf("Unable to perform booking. Requested target slot (%s) not found", t.rfc3339(start))
	}
	supported := false
	for _, ss := range s.services {
		supported = supported || ss.addressServiceID == serviceID
	}
	if !supported {
		return fmt.Sprintf("Unable to perform booking. Slot (%s) does not support service %s", t.rfc3339(start), serviceID)
	}
	end := start.Add(time.Duration(duration) * time.Minute)
	for _, b := range t.activeBookings(a.id, start, end) {
		if b.id != ignore {
			return fmt.Sprintf("Unable to perform booking. Requested target slot (%s) not found", t.rfc3339(start))
		}
	}
	for _, br := range a.breaks {
		if br.since.Before(end) && br.till.After(start) {
			return fmt.Sprintf("Unable to perform booking. Requested target slot (%s) not found", t.rfc3339(start))
		}
	}
	return ""
}

// newSignature is an opaque uuid-like id, as the provider's notifications carry.
func newSignature() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (t *tenant) addBooking(a *address, start time.Time, duration int, serviceID, bookedBy string, p patient, comment *string, now time.Time) *booking {
	b := &booking{
		id: t.id(), address: a.id, doctor: a.doctor, facility: a.facility,
		status: statusBooked, start: start, duration: duration, bookedBy: bookedBy,
		bookedAt: now, serviceID: serviceID, patient: p, comment: comment, signature: newSignature(),
	}
	t.bookings[b.id] = b
	t.order = append(t.order, b.id)
	return b
}

func (m *Mock) bookSlot(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.calendarOf(req)
	if refuse != nil {
		return *refuse
	}
	start, err := time.Parse(time.RFC3339, req.Params["start"])
	if err != nil {
		return errResp(http.StatusBadRequest, "Invalid date given.")
	}
	var body struct {
		AddressServiceID string  `json:"address_service_id"`
		Duration         int     `json:"duration"`
		Patient          patient `json:"patient"`
		Comment          *string `json:"comment"`
		IsReturning      bool    `json:"is_returning"`
		InsurerID        *string `json:"insurance_provider_id"`
		PlanID           *string `json:"insurance_plan_id"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	if _, ok := a.services[body.AddressServiceID]; !ok {
		return errResp(http.StatusNotFound, "Service does not exist")
	}
	if body.Duration < 1 {
		return fieldErr(http.StatusBadRequest, "Invalid arguments", "duration", "Duration must be at least 1 minute")
	}
	insurer, plan := deref(body.InsurerID), deref(body.PlanID)
	if insurer != "" {
		p, known := t.insurer(insurer)
		if !known {
			return fieldErr(http.StatusBadRequest, "Invalid arguments", "insurance_provider_id", "Insurance provider "+insurer+" is not in the dictionary")
		}
		if plan != "" && !slices.ContainsFunc(p.Plans, func(x docplannerfixture.InsurancePlan) bool { return x.ID == plan }) {
			return fieldErr(http.StatusBadRequest, "Invalid arguments", "insurance_plan_id", "Insurance plan "+plan+" is not a plan of provider "+insurer)
		}
	}
	if why := t.canBook(a, start, body.Duration, body.AddressServiceID, ""); why != "" {
		return errResp(http.StatusNotFound, why)
	}
	body.Patient.IsReturning = body.IsReturning
	b := t.addBooking(a, start, body.Duration, body.AddressServiceID, "integration", body.Patient, body.Comment, m.stamp())
	b.insurer, b.plan = insurer, plan
	// The provider's example answer is the bare booking: no patient, no
	// address service (the partner sent both).
	return ok(t.bookingJSON(b, a, bookingFields{}))
}

func (m *Mock) getBookings(t *tenant, req *mockserver.Request) mockserver.Response {
	a, start, end, refuse := t.addressPeriod(req, "start", "end")
	if refuse != nil {
		return *refuse
	}
	fields := listedBooking(scopesOf(req))
	var list []map[string]any
	for _, id := range t.order {
		b := t.bookings[id]
		if b.address == a.id && !b.start.Before(start) && b.start.Before(end) {
			list = append(list, t.bookingJSON(b, a, fields))
		}
	}
	if list == nil {
		list = []map[string]any{}
	}
	q := req.HTTP.URL.Query()
	if q.Get("page") == "" {
		return ok(map[string]any{"_items": list})
	}
	page, _ := strconv.Atoi(q.Get("page"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if page < 1 {
		page = 1
	}
	if limit < 1 {
		limit = 100
	}
	pages := (len(list) + limit - 1) / limit
	from := min((page-1)*limit, len(list))
	to := min(from+limit, len(list))
	return ok(map[string]any{"_items": list[from:to], "page": page, "limit": limit, "pages": pages, "total": len(list)})
}

func (t *tenant) bookingOf(a *address, req *mockserver.Request) (*booking, *mockserver.Response) {
	b, refuse := named(t.bookings, req, "booking_id", "Object not found")
	if refuse != nil {
		return nil, refuse
	}
	if b.address != a.id {
		r := errResp(http.StatusForbidden, "This booking does not belong to this address")
		return nil, &r
	}
	return b, nil
}

func (m *Mock) getBooking(t *tenant, req *mockserver.Request) mockserver.Response {
	a, b, refuse := inAddress(t, req, t.bookingOf)
	if refuse != nil {
		return *refuse
	}
	return ok(t.bookingJSON(b, a, wholeBooking(scopesOf(req))))
}

func (t *tenant) cancel(b *booking, by string, now time.Time) {
	b.status, b.canceledBy, b.canceledAt = statusCanceled, by, &now
}

func (m *Mock) cancelBooking(t *tenant, req *mockserver.Request) mockserver.Response {
	_, b, refuse := inAddress(t, req, t.bookingOf)
	if refuse != nil {
		return *refuse
	}
	if b.status != statusBooked {
		return errResp(http.StatusBadRequest, fmt.Sprintf("Visit %s cannot be canceled because it is not booked", b.id))
	}
	t.cancel(b, "integration", m.stamp())
	return noContent()
}

func (m *Mock) moveBooking(t *tenant, req *mockserver.Request) mockserver.Response {
	a, b, refuse := inAddress(t, req, t.bookingOf)
	if refuse != nil {
		return *refuse
	}
	var body struct {
		Start            time.Time `json:"start"`
		AddressServiceID string    `json:"address_service_id"`
		Duration         int       `json:"duration"`
		AddressID        string    `json:"address_id"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	if b.status != statusBooked {
		return errResp(http.StatusConflict, "The visit has already been canceled or moved")
	}
	target := a
	if body.AddressID != "" && body.AddressID != a.id {
		other, ok := t.addresses[body.AddressID]
		if !ok || other.facility != a.facility {
			return errResp(http.StatusBadRequest, "Address does not exist")
		}
		target = other
	}
	if !target.calendarEnabled {
		return errResp(http.StatusNotFound, "Calendar not found for this address")
	}
	if _, ok := target.services[body.AddressServiceID]; !ok {
		return errResp(http.StatusBadRequest, "Service does not belong to the address")
	}
	duration := body.Duration
	if duration < 1 {
		duration = b.duration
	}
	if body.Start.Equal(b.start) && target == a {
		return errResp(http.StatusBadRequest, "Invalid arguments: the visit already starts at "+t.rfc3339(b.start))
	}
	if why := t.canBook(target, body.Start, duration, body.AddressServiceID, b.id); why != "" {
		return errResp(http.StatusNotFound, why)
	}
	now := m.stamp()
	nb := t.move(b, target, body.Start, duration, body.AddressServiceID, "integration", now)
	f := wholeBooking(scopesOf(req))
	f.moving = false
	resp := ok(t.bookingJSON(nb, target, f))
	resp.Status = http.StatusCreated
	resp.Header = http.Header{"Location": {fmt.Sprintf("/api/v3/integration/facilities/%s/doctors/%s/addresses/%s/bookings/%s", target.facility, target.doctor, target.id, nb.id)}}
	return resp
}

// move cancels b and books its successor, linking both: moving creates a new
// booking id, as on the platform.
func (t *tenant) move(b *booking, target *address, start time.Time, duration int, serviceID, by string, now time.Time) *booking {
	t.cancel(b, by, now)
	nb := t.addBooking(target, start, duration, serviceID, b.bookedBy, b.patient, b.comment, now)
	nb.bookedAt = b.bookedAt
	// The visit keeps the insurance it was booked with.
	nb.insurer, nb.plan = b.insurer, b.plan
	origin := b.originID
	if origin == "" {
		origin = b.id
	}
	nb.originID = origin
	b.newestID = nb.id
	for _, x := range t.bookings {
		if x.originID == origin || x.id == origin {
			x.newestID = nb.id
		}
	}
	nb.newestID = ""
	return nb
}

func (m *Mock) confirmBooking(t *tenant, req *mockserver.Request) mockserver.Response {
	_, b, refuse := inAddress(t, req, t.bookingOf)
	if refuse != nil {
		return *refuse
	}
	switch {
	case b.status == statusCanceled:
		return errResp(http.StatusConflict, "Visit has been canceled")
	case b.confirmed:
		return errResp(http.StatusConflict, "Visit has already been confirmed")
	case b.start.Before(m.calendar(t)):
		return errResp(http.StatusConflict, "Visit is in the past")
	}
	b.confirmed = true
	return noContent()
}

// requestOpinion takes an optional body, as the document says; without a
// phone there is no one to ask.
func (m *Mock) requestOpinion(t *tenant, req *mockserver.Request) mockserver.Response {
	if _, _, refuse := t.doctorOf(req); refuse != nil {
		return *refuse
	}
	var body struct {
		Phone string `json:"phone"`
	}
	if len(req.Body) > 0 {
		if err := req.Decode(&body); err != nil {
			return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
		}
	}
	if strings.TrimSpace(body.Phone) == "" {
		return errResp(http.StatusBadRequest, "Phone number is invalid.")
	}
	return mockserver.Response{Status: http.StatusOK}
}

func (m *Mock) presence(t *tenant, req *mockserver.Request, value string) mockserver.Response {
	_, b, refuse := inAddress(t, req, t.bookingOf)
	if refuse != nil {
		return *refuse
	}
	if b.status == statusCanceled {
		return errResp(http.StatusConflict, "Visit is marked as canceled")
	}
	if b.start.After(m.calendar(t)) {
		return errResp(http.StatusBadRequest, "Visit is in the future")
	}
	b.presence = &value
	return noContent()
}

func (m *Mock) markPatientPresence(t *tenant, req *mockserver.Request) mockserver.Response {
	return m.presence(t, req, "present")
}

func (m *Mock) markPatientAbsence(t *tenant, req *mockserver.Request) mockserver.Response {
	return m.presence(t, req, "absent")
}

// sortedBookings of an address, earliest first.
func (t *tenant) sortedBookings(addressID string) []*booking {
	var out []*booking
	for _, id := range t.order {
		if b := t.bookings[id]; b.address == addressID {
			out = append(out, b)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start.Before(out[j].start) })
	return out
}
