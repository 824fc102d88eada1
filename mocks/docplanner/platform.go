package docplanner

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"
)

// This file is the platform's own side: what patients and doctors do on
// Docplanner, and what a specialist can read off it. Scenarios drive it
// directly; a partner never can.

// Patient is someone booking on the marketplace.
type Patient struct {
	Name, Surname, Phone, Email string
	// Insurer is the insurance provider the patient books with ("" for a
	// private visit): the slot must accept it.
	Insurer string
}

// ErrDenied means the partner refused a blocking check.
var ErrDenied = errors.New("the partner denied the booking")

// PatientBooks books a free slot as a patient would on the marketplace, for
// the first service the slot offers. With real-time checks on, the partner
// is asked first and can deny.
func (m *Mock) PatientBooks(clientID, addressID string, start time.Time, p Patient) (string, error) {
	return m.PatientBooksService(clientID, addressID, start, "", p)
}

// PatientBooksService books a free slot for one of the services it offers,
// named by its dictionary service id ("" for the slot's first service).
func (m *Mock) PatientBooksService(clientID, addressID string, start time.Time, serviceID string, p Patient) (string, error) {
	t, err := m.tenant(clientID)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	a, ok := t.addresses[addressID]
	if !ok || !a.calendarEnabled {
		t.mu.Unlock()
		return "", fmt.Errorf("address %s has no calendar on the platform", addressID)
	}
	s, fed := a.findSlot(start, t.loc)
	if !fed || len(s.services) == 0 {
		t.mu.Unlock()
		return "", fmt.Errorf("the platform offers no slot at %s at address %s", t.rfc3339(start), addressID)
	}
	svc := s.services[0]
	if serviceID != "" {
		i := slices.IndexFunc(s.services, func(ss slotService) bool { return a.services[ss.addressServiceID].serviceID == serviceID })
		if i < 0 {
			t.mu.Unlock()
			return "", fmt.Errorf("the slot at %s at address %s is not for service %s", t.rfc3339(start), addressID, serviceID)
		}
		svc = s.services[i]
	}
	if why := t.canBook(a, start, svc.duration, svc.addressServiceID, ""); why != "" {
		t.mu.Unlock()
		return "", errors.New(why)
	}
	if p.Insurer != "" && (!slices.Contains(s.insurers, p.Insurer) || s.insurance == "without-insurance-only") {
		t.mu.Unlock()
		return "", fmt.Errorf("the slot at %s at address %s does not accept insurer %s", t.rfc3339(start), addressID, p.Insurer)
	}
	pt := patient{Name: p.Name, Surname: p.Surname, Phone: p.Phone}
	if p.Email != "" {
		pt.Email = &p.Email
	}
	now := m.stamp()
	check := t.envelope(a)
	signature := newSignature()
	check["visit_booking_request"] = t.bookingRequestJSON(a, start, svc.duration, svc.addressServiceID, pt, now, signature)
	t.mu.Unlock()

	if approved, answer := m.ask(t, "slot-booking", check); !approved {
		return "", fmt.Errorf("%w (%s)", ErrDenied, answer)
	}

	t.mu.Lock()
	if why := t.canBook(a, start, svc.duration, svc.addressServiceID, ""); why != "" {
		t.mu.Unlock()
		return "", errors.New(why)
	}
	b := t.addBooking(a, start, svc.duration, svc.addressServiceID, "user", pt, nil, now)
	b.signature = signature // the booking is the request the partner approved
	b.insurer = p.Insurer
	data := t.envelope(a)
	data["visit_booking"] = t.bookingNotificationJSON(b)
	t.mu.Unlock()
	m.emit(t, "slot-booked", data)
	return b.id, nil
}

// PatientCancels cancels a booking as the patient.
func (m *Mock) PatientCancels(clientID, bookingID string) error {
	t, err := m.tenant(clientID)
	if err != nil {
		return err
	}
	t.mu.Lock()
	b, ok := t.bookings[bookingID]
	if !ok || b.status != statusBooked {
		t.mu.Unlock()
		return fmt.Errorf("no booked visit %s on the platform", bookingID)
	}
	t.cancel(b, "user", m.stamp())
	data := t.envelope(t.addresses[b.address])
	data["visit_booking"] = t.bookingNotificationJSON(b)
	t.mu.Unlock()
	m.emit(t, "booking-canceled", data)
	return nil
}

// PatientMoves moves a booking to another free slot of the same address.
func (m *Mock) PatientMoves(clientID, bookingID string, start time.Time) (string, error) {
	t, err := m.tenant(clientID)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	b, ok := t.bookings[bookingID]
	if !ok || b.status != statusBooked {
		t.mu.Unlock()
		return "", fmt.Errorf("no booked visit %s on the platform", bookingID)
	}
	a := t.addresses[b.address]
	if why := t.canBook(a, start, b.duration, b.serviceID, b.id); why != "" {
		t.mu.Unlock()
		return "", errors.New(why)
	}
	now := m.stamp()
	check := t.envelope(a)
	check["canceling_booking"] = t.bookingNotificationJSON(b)
	signature := newSignature()
	check["creating_booking"] = t.bookingRequestJSON(a, start, b.duration, b.serviceID, b.patient, now, signature)
	t.mu.Unlock()

	if approved, answer := m.ask(t, "booking-moving", check); !approved {
		return "", fmt.Errorf("%w (%s)", ErrDenied, answer)
	}

	t.mu.Lock()
	nb := t.move(b, a, start, b.duration, b.serviceID, "user", now)
	nb.signature = signature
	// The old booking as it now stands: canceled, pointing at its successor.
	old := t.bookingNotificationJSON(b)
	data := t.envelope(a)
	data["old_visit_booking"] = old
	data["new_visit_booking"] = t.bookingNotificationJSON(nb)
	t.mu.Unlock()
	m.emit(t, "booking-moved", data)
	return nb.id, nil
}

// DoctorAddsBreak adds a break in the doctor's Docplanner calendar.
func (m *Mock) DoctorAddsBreak(clientID, addressID string, since, till time.Time) (string, error) {
	t, err := m.tenant(clientID)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	a, ok := t.addresses[addressID]
	if !ok {
		t.mu.Unlock()
		return "", fmt.Errorf("no address %s", addressID)
	}
	b := &calBreak{id: t.id(), since: since, till: till}
	a.breaks[b.id] = b
	data := t.envelope(a)
	data["break"] = map[string]any{"id": b.id, "since": t.rfc3339(since), "till": t.rfc3339(till)}
	t.mu.Unlock()
	m.emit(t, "break-created", data)
	return b.id, nil
}

// DoctorMovesBreak moves a break in the doctor's Docplanner calendar.
func (m *Mock) DoctorMovesBreak(clientID, addressID, breakID string, since, till time.Time) error {
	return m.editBreak(clientID, addressID, breakID, "break-moved", func(a *address, b *calBreak) {
		b.since, b.till = since, till
	})
}

// DoctorRemovesBreak removes a break from the doctor's Docplanner calendar.
func (m *Mock) DoctorRemovesBreak(clientID, addressID, breakID string) error {
	return m.editBreak(clientID, addressID, breakID, "break-removed", func(a *address, b *calBreak) {
		delete(a.breaks, b.id)
	})
}

func (m *Mock) editBreak(clientID, addressID, breakID, event string, edit func(*address, *calBreak)) error {
	t, err := m.tenant(clientID)
	if err != nil {
		return err
	}
	t.mu.Lock()
	a, ok := t.addresses[addressID]
	if !ok {
		t.mu.Unlock()
		return fmt.Errorf("no address %s", addressID)
	}
	b, ok := a.breaks[breakID]
	if !ok {
		t.mu.Unlock()
		return fmt.Errorf("no break %s at address %s", breakID, addressID)
	}
	edit(a, b)
	data := t.envelope(a)
	data["break"] = map[string]any{"id": b.id, "since": t.rfc3339(b.since), "till": t.rfc3339(b.till)}
	t.mu.Unlock()
	m.emit(t, event, data)
	return nil
}

// SetRealTime turns the blocking slot-booking and booking-moving checks on or off.
func (m *Mock) SetRealTime(clientID string, on bool) error {
	return m.with(clientID, func(t *tenant) { t.realTime = on })
}

// SetPMS makes the client a DocplannerPMS client, the only kind the
// provider lets remove an address's integration mark.
func (m *Mock) SetPMS(clientID string, on bool) error {
	return m.with(clientID, func(t *tenant) { t.pms = on })
}

// SetOutage makes every API call of the tenant answer 503 while on.
func (m *Mock) SetOutage(clientID string, on bool) error {
	return m.with(clientID, func(t *tenant) { t.outage = on })
}

// FailNextWrites answers the partner's next n writes (POST, PUT, PATCH,
// DELETE) with 503, as a short failure of the platform does: the partner's
// change is not made, and it must send it again (its periodic sync).
func (m *Mock) FailNextWrites(clientID string, n int) error {
	return m.with(clientID, func(t *tenant) { t.failWrites = n })
}

// WritesStillToFail counts the writes FailNextWrites has yet to refuse.
func (m *Mock) WritesStillToFail(clientID string) (n int, err error) {
	err = m.with(clientID, func(t *tenant) { n = t.failWrites })
	return
}

// FailCall answers the partner's n-th call from now (reads and writes
// alike, n >= 1) with 503, once, as a passing fault on Docplanner's side
// would; 0 takes it back. Token requests are not counted.
func (m *Mock) FailCall(clientID string, n int) error {
	return m.with(clientID, func(t *tenant) { t.failCallIn = max(n, 0) })
}

// LiftRateLimits stops refusing the client's calls for the rate limits
// (they are still counted and announced), for a scenario that activates and
// syncs one client again and again to try something else: a partner in real
// time would otherwise wait out the write window for real each time.
func (m *Mock) LiftRateLimits(clientID string) error {
	return m.with(clientID, func(t *tenant) { t.unlimited = true })
}

// FailCallPending says whether the call FailCall chose has yet to come.
func (m *Mock) FailCallPending(clientID string) (pending bool, err error) {
	err = m.with(clientID, func(t *tenant) { pending = t.failCallIn > 0 })
	return
}

// CallsAdmitted counts the partner's calls (token requests aside) that
// reached admission, refused or not: the count FailCall's n runs on.
func (m *Mock) CallsAdmitted(clientID string) (n int, err error) {
	err = m.with(clientID, func(t *tenant) { n = t.admitted })
	return
}

// FillWriteWindow uses up the client's writes of the current window, which
// ends in left: the partner's next write is refused with 429 until then, as
// when another process of the same client (a second worker, a bulk job)
// spent the quota.
func (m *Mock) FillWriteWindow(clientID string, left time.Duration) error {
	left = min(left, m.opts.WriteWindow)
	return m.with(clientID, func(t *tenant) {
		t.limits.writeStart = m.opts.Clock.Now().Add(left - m.opts.WriteWindow)
		t.limits.writes = m.opts.WritesPerMinute
	})
}

// DropNextDeliveries makes the next n PUSH deliveries fail on the way, as a
// network fault between platform and partner would.
func (m *Mock) DropNextDeliveries(clientID string, n int) error {
	return m.with(clientID, func(t *tenant) { t.dropDeliveries = n })
}

// ExpireNextPulls makes the next n notifications for the PULL queue expire
// before the partner pulls them. Docplanner deletes a notification nobody
// pulled within 72 hours (a partner down over a long weekend loses it); a
// scenario cannot let three days pass on the run clock without moving the
// whole horizon, so the notification never enters the queue instead, which
// the partner cannot tell apart.
func (m *Mock) ExpireNextPulls(clientID string, n int) error {
	return m.with(clientID, func(t *tenant) { t.expirePulls = n })
}

// SetNow sets the tenant's calendar: from now on it reads at as the run
// clock reads now, and runs on with it. A scenario uses it to live on another
// date (a change to summer time, say) without moving the whole run: the
// 12-week slot horizon and what is past or future follow it. What the
// partner reads stays on its own clock (stamp): booking and notification
// times, tokens and rate limits.
func (m *Mock) SetNow(clientID string, at time.Time) error {
	return m.with(clientID, func(t *tenant) { t.shift.Store(int64(at.Sub(m.opts.Clock.Now()))) })
}

// calendar is the tenant's calendar clock: the run clock, shifted by SetNow.
func (m *Mock) calendar(t *tenant) time.Time {
	return m.opts.Clock.Now().Add(time.Duration(t.shift.Load()))
}

// stamp is now on the partner's clock: the instant written into whatever
// the partner can read (booked_at, canceled_at, created_at).
func (m *Mock) stamp() time.Time { return m.opts.PartnerClock.Now() }

// forPartner moves an instant of the run clock onto the partner's clock,
// for deadlines the partner reads (X-RateLimit-Reset): scenario waits move
// the run clock ahead of a partner living in real time.
func (m *Mock) forPartner(at time.Time) time.Time {
	return at.Add(m.opts.PartnerClock.Now().Sub(m.opts.Clock.Now()))
}

// LoseNextAnswers makes the partner's answers to the next n PUSH deliveries
// get lost on the way back: the partner has the notification, the platform
// sees a failure and delivers it again on its retry schedule.
func (m *Mock) LoseNextAnswers(clientID string, n int) error {
	return m.with(clientID, func(t *tenant) { t.loseAnswers = n })
}

// ExpireTokens ends every access token of a client now.
func (m *Mock) ExpireTokens(clientID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.PartnerClock.Now()
	for tok, info := range m.tokens {
		if info.clientID == clientID {
			info.expires = now
			m.tokens[tok] = info
		}
	}
}

// Retire ends a tenant's deliveries: its scenario is over, and a retry it
// left pending must not reach the partner, which now serves another tenant
// with the same address ids. Its state stays for the report.
func (m *Mock) Retire(clientID string) error {
	return m.with(clientID, func(t *tenant) { t.retired = true })
}

func (m *Mock) with(clientID string, fn func(*tenant)) error {
	t, err := m.tenant(clientID)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fn(t)
	return nil
}

// Views for checks -------------------------------------------------------------

// BookingView is a platform booking as a check reads it.
type BookingView struct {
	ID, AddressID, Status, BookedBy, CanceledBy string
	Start                                       time.Time
	Duration                                    int
	PatientName, PatientSurname, PatientPhone   string
	NewestID                                    string
	// Insurer is the insurance provider the booking was made with, "" for a
	// private visit.
	Insurer string
	// Service is the dictionary service id of the booking's address service.
	Service string
}

// SlotView is one fed slot as a check reads it.
type SlotView struct {
	Start  time.Time
	Length time.Duration
	// Free: neither booked nor on a break.
	Free bool
	// Services are what the slot can be booked for: dictionary service ids
	// with their visit lengths.
	Services []SlotServiceView
	// Insurers are the insurance provider ids the slot accepts; Insurance
	// which patients it is for (with-and-without-insurance, ...).
	Insurers  []string
	Insurance string
}

// SlotServiceView is a service a slot can be booked for.
type SlotServiceView struct {
	Service  string
	Duration int
}

// AddressServiceView is an address service: what the doctor's profile
// shows of one service at one address.
type AddressServiceView struct {
	ID, Service string
	Price       *float64
	Duration    int
	Visible     bool // shown to patients on the doctor's profile
}

// BreakView is a platform calendar break.
type BreakView struct {
	ID          string
	Since, Till time.Time
	Description string
}

// AddressView is what the platform holds for one address.
type AddressView struct {
	ID              string
	CalendarEnabled bool
	// Services are the dictionary service ids with an address service here.
	Services []string
	// Insurers are the insurance provider ids accepted here.
	Insurers []string
	// Slots are the fed slot starts, Free those neither booked nor on a break.
	Slots, Free []time.Time
	// SlotDetails are the fed slots with what each offers.
	SlotDetails []SlotView
	// AddressServices are the address services, in the order they were added.
	AddressServices []AddressServiceView
	Bookings        []BookingView
	Breaks          []BreakView
}

// Address reads an address's state; slots are limited to [from, to).
func (m *Mock) Address(clientID, addressID string, from, to time.Time) (AddressView, error) {
	var v AddressView
	err := m.with(clientID, func(t *tenant) {
		a, ok := t.addresses[addressID]
		if !ok {
			return
		}
		v.ID = a.id
		v.CalendarEnabled = a.calendarEnabled
		for _, id := range a.serviceOrder {
			as := a.services[id]
			v.Services = append(v.Services, as.serviceID)
			v.AddressServices = append(v.AddressServices, AddressServiceView{ID: as.id, Service: as.serviceID, Price: as.price, Duration: as.duration, Visible: as.isVisible})
		}
		for id := range a.insurers {
			v.Insurers = append(v.Insurers, id)
		}
		sort.Strings(v.Insurers)
		for _, s := range a.slotsBetween(from, to, t.loc) {
			free := t.free(a, s)
			v.Slots = append(v.Slots, s.start)
			if free {
				v.Free = append(v.Free, s.start)
			}
			sv := SlotView{Start: s.start, Length: s.length, Free: free, Insurers: slices.Clone(s.insurers), Insurance: s.insurance}
			for _, ss := range s.services {
				id := ss.addressServiceID
				if as, ok := a.services[id]; ok {
					id = as.serviceID
				}
				sv.Services = append(sv.Services, SlotServiceView{Service: id, Duration: ss.duration})
			}
			v.SlotDetails = append(v.SlotDetails, sv)
		}
		for _, b := range t.sortedBookings(a.id) {
			service := ""
			if as, ok := a.services[b.serviceID]; ok {
				service = as.serviceID
			}
			v.Bookings = append(v.Bookings, BookingView{
				ID: b.id, AddressID: b.address, Status: b.status, BookedBy: b.bookedBy, CanceledBy: b.canceledBy,
				Start: b.start, Duration: b.duration, PatientName: b.patient.Name, PatientSurname: b.patient.Surname, PatientPhone: b.patient.Phone, Insurer: b.insurer,
				NewestID: b.newestID, Service: service,
			})
		}
		for _, b := range a.breaks {
			v.Breaks = append(v.Breaks, BreakView{ID: b.id, Since: b.since, Till: b.till, Description: deref(b.description)})
		}
		sort.Slice(v.Breaks, func(i, j int) bool { return v.Breaks[i].Since.Before(v.Breaks[j].Since) })
	})
	if err == nil && v.ID == "" {
		err = fmt.Errorf("no address %s", addressID)
	}
	return v, err
}

// NotificationSettings returns the model and URL the partner declared ("" when none).
func (m *Mock) NotificationSettings(clientID string) (model, url string, err error) {
	err = m.with(clientID, func(t *tenant) { model, url = t.notify.model, t.notify.url })
	return
}

// PendingPull counts notifications waiting to be pulled.
func (m *Mock) PendingPull(clientID string) (n int, err error) {
	err = m.with(clientID, func(t *tenant) { n = len(t.livePull(m.opts.Clock.Now())) })
	return
}

// Buried counts PUSH notifications that failed every attempt.
func (m *Mock) Buried(clientID string) (n int, err error) {
	err = m.with(clientID, func(t *tenant) { n = len(t.buried) })
	return
}
