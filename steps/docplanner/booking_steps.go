package docplanner

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/stepkit"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

const when = day + ` at (\d\d:\d\d)`

func registerBookings(sc *godog.ScenarioContext, w *world) {
	// the clinic's side
	sc.Step(w.re(`^the receptionist (?:books|has booked) "([^"]*)" at "([^"]*)" `+when+`$`), w.receptionistBooks)
	sc.Step(w.re(`^the receptionist (?:books|has booked) "([^"]*)" at "([^"]*)" `+when+` for a patient insured with "([^"]*)"$`), w.receptionistBooksInsured)
	sc.Step(w.re(`^the receptionist cancels that visit$`), w.receptionistCancels)
	sc.Step(w.re(`^the receptionist moves that visit to `+when+`$`), w.receptionistMoves)
	sc.Step(w.re(`^the receptionist moves that visit to "([^"]*)" `+when+`$`), w.receptionistMovesTo)
	sc.Step(w.re(`^the receptionist moves the visit booked on Docplanner to `+when+`$`), w.receptionistMovesPlatformVisit)
	sc.Step(w.re(`^the receptionist tries to move that visit to `+when+`$`), w.receptionistTriesToMove)
	sc.Step(w.re(`^the partner's system refused the move$`), w.moveRefused)
	sc.Step(w.re(`^the receptionist tries to book "([^"]*)" at "([^"]*)" `+when+`$`), w.receptionistTriesToBook)
	sc.Step(w.re(`^the partner's system refused the booking$`), w.bookingRefused)
	sc.Step(w.re(`^the receptionist cancels the visit booked on Docplanner$`), w.receptionistCancelsPlatformVisit)
	// the platform's side
	sc.Step(w.re(`^a patient (?:books|has booked) "([^"]*)" `+when+` on Docplanner$`), w.patientBooks)
	sc.Step(w.re(`^a patient (?:books|has booked) "([^"]*)" at "([^"]*)" `+when+` on Docplanner$`), w.patientBooksService)
	sc.Step(w.re(`^a patient insured with "([^"]*)" (?:books|has booked) "([^"]*)" at "([^"]*)" `+when+` on Docplanner$`), w.insuredPatientBooks)
	sc.Step(w.re(`^a patient tries to book "([^"]*)" `+when+` on Docplanner$`), w.patientTries)
	sc.Step(w.re(`^the patient cancels that visit on Docplanner$`), w.patientCancels)
	sc.Step(w.re(`^the patient moves that visit on Docplanner to `+when+`$`), w.patientMoves)
	// While Docplanner is unreachable a staff action may answer that its
	// update failed: the clinic's change stands all the same.
	sc.Step(w.re(`^Docplanner is unreachable for the partner$`), func() error { w.refusing = true; return w.s.mock.SetOutage(w.clientID, true) })
	sc.Step(w.re(`^Docplanner is reachable again$`), func() error { w.refusing = false; return w.s.mock.SetOutage(w.clientID, false) })
	sc.Step(w.re(`^the network loses the next PUSH delivery to the partner$`), func() error { return w.s.mock.DropNextDeliveries(w.clientID, 1) })
	sc.Step(w.re(`^the next notification to the partner is lost$`), w.nextNotificationLost)
	sc.Step(w.re(`^the network loses the partner's answer to the next PUSH delivery$`), func() error { return w.s.mock.LoseNextAnswers(w.clientID, 1) })
	sc.Step(w.re(`^(\d+) minutes pass$`), w.minutesPass)
	sc.Step(w.re(`^the partner runs its periodic sync$`), w.partnerSyncs)
	sc.Step(w.re(`^the partner's periodic sync wrote nothing to Docplanner$`), w.syncWroteNothing)
	// checks on the partner
	sc.Step(w.re(`^within (the latency budget|\d+ minutes) the partner's system shows a visit at "([^"]*)" `+when+` booked on Docplanner$`), w.partnerShowsPlatformVisit)
	sc.Step(w.re(`^within the latency budget the partner's system shows no booked visit at "([^"]*)" `+when+`$`), w.partnerShowsNoVisit)
	sc.Step(w.re(`^within the latency budget the partner's system shows exactly one visit at "([^"]*)" `+when+` booked on Docplanner$`), w.partnerShowsOneVisit)
	sc.Step(w.re(`^the partner's visit at "([^"]*)" `+when+` carries the name and phone of the patient who booked it on Docplanner$`), w.partnerVisitHasPatient)
	sc.Step(w.re(`^Docplanner sent the partner a "([^"]*)" notification and the partner accepted it$`), w.pushedAndAccepted)
	sc.Step(w.re(`^Docplanner delivered the "([^"]*)" notification on a retry$`), w.deliveredOnRetry)
	sc.Step(w.re(`^the partner pulled its notifications$`), w.pulled)
	sc.Step(w.re(`^Docplanner asked the partner to approve the booking and the partner refused$`), w.checkRefused)
	sc.Step(w.re(`^there is no double booking at "([^"]*)" `+when+`$`), w.noDoubleBooking)
	// checks on the platform
	sc.Step(w.re(`^within the latency budget Docplanner shows a booking at "([^"]*)" `+when+`$`), w.platformBooked(true))
	sc.Step(w.re(`^Docplanner's booking at "([^"]*)" `+when+` is for "([^"]*)" and the receptionist's patient$`), w.platformBookingIsFor)
	sc.Step(w.re(`^within the latency budget Docplanner shows no booking at "([^"]*)" `+when+`$`), w.platformBooked(false))
	sc.Step(w.re(`^within the latency budget Docplanner offers "([^"]*)" `+when+`(?: again)?$`), w.platformOffers)
	sc.Step(w.re(`^Docplanner no longer offers "([^"]*)" `+when+`$`), w.platformDoesNotOffer)
}

// budgetToPartner reads "the latency budget" or "2 minutes" in a step about
// a change reaching the partner: the latency budget is the pull budget for
// a partner that pulls (see toPartner).
func (w *world) budgetToPartner(phrase string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSuffix(phrase, " minutes")); err == nil {
		return time.Duration(n) * time.Minute
	}
	return w.toPartner()
}

var patient = docplannerfixture.Patient{Name: "Ewa", Surname: "Testowa", Phone: "+48600700800", Email: "ewa.testowa@example.com"}

// platformPatients book on Docplanner's marketplace, each booking of a
// scenario by the next of them.
var platformPatients = []docplannermock.Patient{
	{Name: "Adam", Surname: "Pacjent", Phone: "+48700800900"},
	{Name: "Zofia", Surname: "Kwiatkowska", Phone: "+48601234567"},
	{Name: "Tomasz", Surname: "Lis", Phone: "+48512345678"},
}

// nextPatient is who books next on Docplanner in this scenario.
func (w *world) nextPatient() docplannermock.Patient {
	p := platformPatients[w.patients%len(platformPatients)]
	w.patients++
	return p
}

func (w *world) receptionistBooks(serviceID, locationID, day, hhmm string) error {
	return w.receptionistBooksInsured(serviceID, locationID, day, hhmm, "")
}

// receptionistBooksInsured books a visit in the clinic, covered by one of
// the clinic's insurances ("" for a private visit).
func (w *world) receptionistBooksInsured(serviceID, locationID, day, hhmm, insuranceID string) error {
	start, err := w.at(day, hhmm)
	if err != nil {
		return err
	}
	return w.receptionistBooksAt(serviceID, locationID, start, insuranceID)
}

// receptionistBooksAt is the receptionist's booking at a time.
func (w *world) receptionistBooksAt(serviceID, locationID string, start time.Time, insuranceID string) error {
	if insuranceID != "" {
		if _, err := w.rec.insurance(insuranceID); err != nil {
			return err
		}
	}
	w.changeMark = w.Mark()
	var res struct {
		BookingID string `json:"booking_id"`
	}
	params := map[string]any{"location_id": locationID, "service_id": serviceID, "start": start, "patient": patient}
	if insuranceID != "" {
		params["insurance_id"] = insuranceID
	}
	if err := w.act("bookings (partner → Docplanner)", "book-visit", params, &res); err != nil {
		return err
	}
	if res.BookingID == "" {
		return errors.New("the partner's book-visit action returned no booking_id")
	}
	w.visitID = res.BookingID
	svc, err := w.rec.service(serviceID)
	if err != nil {
		return err
	}
	w.rec.book(&recVisit{location: locationID, service: serviceID, start: start, end: start.Add(minutes(svc.DurationMinutes)),
		patient: patient, insurance: insuranceID, booked: true, partnerID: res.BookingID})
	return nil
}

func (w *world) receptionistCancels() error {
	w.changeMark = w.Mark()
	if err := w.act("bookings (partner → Docplanner)", "cancel-visit", map[string]any{"booking_id": w.visitID}, nil); err != nil {
		return err
	}
	if v := w.rec.byPartner(w.visitID); v != nil {
		v.booked = false
	}
	return nil
}

func (w *world) receptionistMoves(day, hhmm string) error {
	return w.receptionistMovesTo("", day, hhmm)
}

// receptionistMovesPlatformVisit: a patient who booked on Docplanner calls
// the clinic to come another day; the receptionist moves the visit in the
// partner's system.
func (w *world) receptionistMovesPlatformVisit(day, hhmm string) error {
	if err := w.takePlatformVisit(); err != nil {
		return err
	}
	return w.receptionistMovesTo("", day, hhmm)
}

// receptionistCancelsPlatformVisit: a patient who booked on Docplanner
// calls the clinic to cancel.
func (w *world) receptionistCancelsPlatformVisit() error {
	if err := w.takePlatformVisit(); err != nil {
		return err
	}
	return w.receptionistCancels()
}

// takePlatformVisit makes the patient's last booking on Docplanner the
// visit the receptionist's next action is on, once the partner has it.
func (w *world) takePlatformVisit() error {
	booking := w.platformBooking
	what := fmt.Sprintf("bookings (Docplanner → partner): the partner's system has the visit of Docplanner booking %s", booking)
	err := w.Within(w.toPartner(), what, func() (bool, string) {
		vs, err := w.visits()
		if err != nil {
			return false, err.Error()
		}
		for _, v := range vs {
			if v.PlatformID == booking && v.Status == "booked" {
				w.visitID = v.ID
				return true, ""
			}
		}
		return false, "its bookings view has no booked visit of it; " + w.deliveries()
	})
	if err != nil {
		return err
	}
	if v := w.rec.byPlatform(booking); v != nil {
		// From now on the record knows it by the clinic's id.
		v.partnerID = w.visitID
	}
	return nil
}

// receptionistMovesTo moves the receptionist's visit to another time and,
// when locationID is given, to another calendar of the clinic.
func (w *world) receptionistMovesTo(locationID, day, hhmm string) error {
	start, err := w.at(day, hhmm)
	if err != nil {
		return err
	}
	return w.receptionistMovesAt(locationID, start)
}

// receptionistMovesAt moves the receptionist's visit to a time and, when
// locationID is given, to another calendar.
func (w *world) receptionistMovesAt(locationID string, start time.Time) error {
	params := map[string]any{"booking_id": w.visitID, "start": start}
	if locationID != "" {
		if _, err := w.location(locationID); err != nil {
			return err
		}
		params["location_id"] = locationID
	}
	w.changeMark = w.Mark()
	if err := w.act("bookings (partner → Docplanner)", "move-visit", params, nil); err != nil {
		return err
	}
	if v := w.rec.byPartner(w.visitID); v != nil {
		if locationID == "" {
			locationID = v.location
		}
		v.move(locationID, start)
	}
	return nil
}

// receptionistTriesToMove moves the receptionist's visit onto a time
// Docplanner cannot hold it at (filled, or before the doctor's hours): how
// the partner answered is in w.moveErr, and the record keeps the visit
// where it was.
func (w *world) receptionistTriesToMove(day, hhmm string) error {
	start, err := w.at(day, hhmm)
	if err != nil {
		return err
	}
	w.moveErr, err = w.tryStaffAction("move-visit", "move the visit", map[string]any{"booking_id": w.visitID, "start": start})
	return err
}

// receptionistTriesToBook asks the partner for a booking it should refuse:
// how the partner answered is in w.bookErr.
func (w *world) receptionistTriesToBook(serviceID, locationID, day, hhmm string) error {
	start, err := w.at(day, hhmm)
	if err != nil {
		return err
	}
	w.bookErr, err = w.tryStaffAction("book-visit", "book the visit", map[string]any{"location_id": locationID, "service_id": serviceID, "start": start, "patient": patient})
	return err
}

// tryStaffAction asks the partner for a staff action it should refuse:
// answer is how it answered, and err says the step itself failed, since an
// operator's skip, or a driver that did not answer, is no refusal.
func (w *world) tryStaffAction(action, what string, params map[string]any) (answer, err error) {
	w.changeMark = w.Mark()
	answer = w.s.Driver.Act(w.Ctx, action, params, nil)
	var de *driver.Error
	if errors.Is(answer, godog.ErrSkip) || (errors.As(answer, &de) && de.Status == 0) {
		return answer, fmt.Errorf("bookings (partner → Docplanner): the partner could not %s: %w", what, answer)
	}
	return answer, nil
}

// bookingRefused: as moveRefused, for a new visit.
func (w *world) bookingRefused() error {
	if w.bookErr == nil {
		return fmt.Errorf("double booking: the partner booked a visit on a time another visit fills, instead of refusing it; %s", w.evidence(w.changeMark))
	}
	return nil
}

// moveRefused: Docplanner cannot hold a visit on a time another booking
// fills, so the partner must not make the move. How it says no is its own
// (accord never judges an action's code, docs/driver-docplanner.md).
func (w *world) moveRefused() error {
	if w.moveErr == nil {
		return fmt.Errorf("double booking: the partner moved visit %s onto a time another visit fills, instead of refusing the move; %s", w.visitID, w.evidence(w.changeMark))
	}
	return nil
}

func (w *world) patientBooks(locationID, day, hhmm string) error {
	return w.patientBooksService("", locationID, day, hhmm)
}

// patientBooksService books one of the clinic's services (by the clinic's
// id, "" for the slot's first) as a patient on Docplanner.
func (w *world) patientBooksService(serviceID, locationID, day, hhmm string) error {
	return w.insuredPatientBooks("", serviceID, locationID, day, hhmm)
}

// insuredPatientBooks books as a patient with one of the insurances the
// clinic takes (the clinic's id, "" for a private visit).
func (w *world) insuredPatientBooks(insuranceID, serviceID, locationID, day, hhmm string) error {
	if err := w.patientBooking(insuranceID, serviceID, locationID, day, hhmm); err != nil {
		return err
	}
	if w.patientErr != nil {
		return fmt.Errorf("bookings (Docplanner → partner): the patient could not book: %v", w.patientErr)
	}
	return nil
}

func (w *world) patientTries(locationID, day, hhmm string) error {
	return w.patientBooking("", "", locationID, day, hhmm)
}

// patientBooking tries to book on Docplanner; whether it could is in
// w.patientErr, for the steps that judge it.
func (w *world) patientBooking(insuranceID, serviceID, locationID, day, hhmm string) error {
	l, start, err := w.calendarAt(locationID, day, hhmm)
	if err != nil {
		return err
	}
	dictionaryID := ""
	if serviceID != "" {
		svc, err := w.rec.service(serviceID)
		if err != nil {
			return err
		}
		dictionaryID = svc.DocplannerServiceID
	}
	return w.patientBooksAt(l, start, dictionaryID, insuranceID, w.nextPatient())
}

// patientBooksAt books as patient p on Docplanner, for a dictionary service
// ("" the slot's first) and with one of the clinic's insurances ("" private);
// whether it could is in w.patientErr.
func (w *world) patientBooksAt(l docplannerfixture.Location, start time.Time, dictionaryID, insuranceID string, p docplannermock.Patient) error {
	if insuranceID != "" {
		in, err := w.rec.insurance(insuranceID)
		if err != nil {
			return err
		}
		p.Insurer = in.DocplannerInsuranceProviderID
	}
	w.changeMark = w.Mark()
	w.platformBooking, w.patientErr = w.s.mock.PatientBooksService(w.clientID, l.DocplannerAddressID, start, dictionaryID, p)
	if w.patientErr != nil {
		return nil
	}
	return w.recordPatientBooking(l, p)
}

// recordPatientBooking takes the booking a patient just made into the
// record, with the service and length Docplanner gave it.
func (w *world) recordPatientBooking(l docplannerfixture.Location, p docplannermock.Patient) error {
	a, err := w.platform(l)
	if err != nil {
		return err
	}
	for _, b := range a.Bookings {
		if b.ID == w.platformBooking {
			w.rec.book(&recVisit{location: l.ID, service: w.rec.serviceAt(l.ID, b.Service), start: b.Start, end: b.Start.Add(minutes(b.Duration)),
				patient: docplannerfixture.Patient{Name: p.Name, Surname: p.Surname, Phone: p.Phone}, insurance: w.rec.insuranceAt(l.ID, b.Insurer),
				booked: true, platformID: b.ID})
			return nil
		}
	}
	return fmt.Errorf("Docplanner has no booking %s at %s", w.platformBooking, l.ID)
}

func (w *world) patientCancels() error {
	w.changeMark = w.Mark()
	if err := w.s.mock.PatientCancels(w.clientID, w.platformBooking); err != nil {
		return err
	}
	if v := w.rec.byPlatform(w.platformBooking); v != nil {
		v.booked = false
	}
	return nil
}

func (w *world) patientMoves(day, hhmm string) error {
	start, err := w.at(day, hhmm)
	if err != nil {
		return err
	}
	return w.patientMovesAt(start)
}

// patientMovesAt moves the patient's last booking to a time.
func (w *world) patientMovesAt(start time.Time) error {
	w.changeMark = w.Mark()
	id, err := w.s.mock.PatientMoves(w.clientID, w.platformBooking, start)
	if err != nil {
		return fmt.Errorf("bookings (Docplanner → partner): the patient could not move the visit: %w", err)
	}
	if v := w.rec.byPlatform(w.platformBooking); v != nil {
		v.platformID = id
		v.move(v.location, start)
	}
	w.platformBooking = id
	return nil
}

// nextNotificationLost loses the next notification the way the scenario's
// model can: a PUSH delivery dropped by the network (Docplanner retries it
// five minutes later), or a PULL notification expired unpulled (gone for
// good). Either way only the partner's periodic sync can still repair what
// it carried, which every partner must run, whatever its model (DP-XCK-1).
func (w *world) nextNotificationLost() error {
	if w.model == docplannermock.ModelPull {
		return w.s.mock.ExpireNextPulls(w.clientID, 1)
	}
	return w.s.mock.DropNextDeliveries(w.clientID, 1)
}

func (w *world) minutesPass(n int) error {
	w.s.Clock.Advance(time.Duration(n) * time.Minute)
	return nil
}

func (w *world) partnerSyncs() error {
	w.synced = true
	w.syncMark = w.Mark()
	return w.act("schedule cross-check", "sync", map[string]any{}, nil)
}

func (w *world) partnerShowsPlatformVisit(budget, locationID, weekday, hhmm string) error {
	start, err := w.at(weekday, hhmm)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("bookings (Docplanner → partner): the partner's system shows the visit booked on Docplanner at %s %s", locationID, w.fmtTime(start))
	return w.Within(w.budgetToPartner(budget), what, func() (bool, string) {
		vs, err := w.visits()
		if err != nil {
			return false, err.Error()
		}
		for _, v := range vs {
			if v.LocationID == locationID && v.Start.Equal(start) && v.Status == "booked" {
				return true, ""
			}
		}
		return false, fmt.Sprintf("its bookings view has no booked visit there (%d visits); %s", len(vs), w.deliveries())
	})
}

// bookedVisitsAt reads the partner's booked visits at a calendar and time.
func (w *world) bookedVisitsAt(locationID, weekday, hhmm string) (time.Time, []partnerVisit, error) {
	start, err := w.at(weekday, hhmm)
	if err != nil {
		return start, nil, err
	}
	all, err := w.visits()
	if err != nil {
		return start, nil, err
	}
	var out []partnerVisit
	for _, v := range all {
		if v.LocationID == locationID && v.Start.Equal(start) && v.Status == "booked" {
			out = append(out, v)
		}
	}
	return start, out, nil
}

// partnerVisitHasPatient: a visit the clinic cannot put a name or a phone
// number to is no use to the receptionist.
func (w *world) partnerVisitHasPatient(locationID, day, hhmm string) error {
	start, vs, err := w.bookedVisitsAt(locationID, day, hhmm)
	if err != nil {
		return err
	}
	booked := w.rec.visit(func(v *recVisit) bool { return v.location == locationID && v.start.Equal(start) && v.platformID != "" })
	if booked == nil {
		return fmt.Errorf("no patient booked at %s %s on Docplanner in this scenario", locationID, w.fmtTime(start))
	}
	want := booked.patient
	var seen []string
	for _, v := range vs {
		if v.Patient.Name == want.Name && v.Patient.Surname == want.Surname && v.Patient.Phone == want.Phone {
			return nil
		}
		seen = append(seen, fmt.Sprintf("visit %s is for %q %q, phone %q", v.ID, v.Patient.Name, v.Patient.Surname, v.Patient.Phone))
	}
	if len(seen) == 0 {
		return fmt.Errorf("bookings (Docplanner → partner): the partner's system shows no booked visit at %s %s", locationID, w.fmtTime(start))
	}
	return fmt.Errorf("bookings (Docplanner → partner): the visit booked on Docplanner at %s %s does not carry its patient %s %s (%s): %s",
		locationID, w.fmtTime(start), want.Name, want.Surname, want.Phone, strings.Join(seen, "; "))
}

// partnerShowsOneVisit waits for the visit, then counts: one booking on
// Docplanner delivered twice must still be one visit in the clinic.
func (w *world) partnerShowsOneVisit(locationID, weekday, hhmm string) error {
	if err := w.partnerShowsPlatformVisit("the latency budget", locationID, weekday, hhmm); err != nil {
		return err
	}
	start, vs, err := w.bookedVisitsAt(locationID, weekday, hhmm)
	if err != nil {
		return err
	}
	var held []string
	for _, v := range vs {
		held = append(held, fmt.Sprintf("%s (Docplanner booking %s)", v.ID, v.PlatformID))
	}
	if len(held) > 1 {
		return fmt.Errorf("notifications: the partner's system shows %d visits at %s %s for one booking on Docplanner, %s: a notification delivered again was applied again; %s",
			len(held), locationID, w.fmtTime(start), strings.Join(held, " and "), w.deliveries())
	}
	return nil
}

// deliveries describes what the platform sent the partner since the change.
func (w *world) deliveries() string {
	ps := w.pushes(w.changeMark)
	if len(ps) == 0 {
		if n, _ := w.s.mock.PendingPull(w.clientID); n > 0 {
			return fmt.Sprintf("%d notifications wait unpulled in the PULL queue", n)
		}
		return "Docplanner sent no PUSH notification since the change"
	}
	var out []string
	for _, e := range ps {
		if e.Error != "" {
			out = append(out, fmt.Sprintf("%s → %s", e.Operation, e.Error))
		} else {
			out = append(out, fmt.Sprintf("%s → HTTP %d", e.Operation, e.Status))
		}
	}
	return "Docplanner's notifications: " + strings.Join(out, ", ")
}

func (w *world) partnerShowsNoVisit(locationID, weekday, hhmm string) error {
	start, err := w.at(weekday, hhmm)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("bookings (Docplanner → partner): the time at %s %s is free again in the partner's system", locationID, w.fmtTime(start))
	return w.Within(w.toPartner(), what, func() (bool, string) {
		vs, err := w.visits()
		if err != nil {
			return false, err.Error()
		}
		for _, v := range vs {
			if v.LocationID == locationID && v.Start.Equal(start) && v.Status == "booked" {
				return false, fmt.Sprintf("visit %s is still booked there; %s", v.ID, w.deliveries())
			}
		}
		return true, ""
	})
}

func (w *world) pushedAndAccepted(event string) error {
	for _, e := range w.pushes(w.changeMark) {
		if e.Operation == "push:"+event && e.OK() {
			return nil
		}
	}
	return fmt.Errorf("notifications: no %q notification was accepted by the partner; %s", event, w.deliveries())
}

func (w *world) deliveredOnRetry(event string) error {
	var failed, retried bool
	for _, e := range w.pushes(w.changeMark) {
		if e.Operation != "push:"+event {
			continue
		}
		if !e.OK() {
			failed = true
		} else if failed {
			retried = true
		}
	}
	if !retried {
		return fmt.Errorf("notifications: %q was not delivered on a retry; %s", event, w.deliveries())
	}
	return nil
}

func (w *world) pulled() error {
	for _, e := range w.calls(w.changeMark) {
		if (e.Operation == "pullNotification" || e.Operation == "pullMultipleNotifications") && e.OK() {
			return nil
		}
	}
	n, _ := w.s.mock.PendingPull(w.clientID)
	return fmt.Errorf("notifications (PULL): the partner never pulled a notification; %d wait in the queue (%s)", n, w.evidence(w.changeMark))
}

func (w *world) checkRefused() error {
	var check string
	for _, e := range w.pushes(w.changeMark) {
		if e.Operation == "push:slot-booking" {
			check = fmt.Sprintf("HTTP %d", e.Status)
			if e.Error != "" {
				check = e.Error
			}
		}
	}
	if check == "" {
		return errors.New("real-time booking check: Docplanner never asked the partner (no slot-booking notification was sent)")
	}
	if !errors.Is(w.patientErr, docplannermock.ErrDenied) {
		return fmt.Errorf("real-time booking check: the partner approved a booking for a time its own system had already filled (it answered the slot-booking check with %s)", check)
	}
	return nil
}

func (w *world) noDoubleBooking(locationID, weekday, hhmm string) error {
	l, start, err := w.calendarAt(locationID, weekday, hhmm)
	if err != nil {
		return err
	}
	a, err := w.platform(l)
	if err != nil {
		return err
	}
	vs, err := w.visits()
	if err != nil {
		return err
	}
	var held []string
	known := map[string]bool{}
	for _, v := range vs {
		if v.LocationID == locationID && v.Status == "booked" && v.Start.Equal(start) {
			held = append(held, "the partner's visit "+v.ID)
			known[v.PlatformID] = true
		}
	}
	for _, b := range a.Bookings {
		if b.Status == "booked" && b.Start.Equal(start) && !known[b.ID] {
			held = append(held, fmt.Sprintf("Docplanner booking %s by %s %s", b.ID, b.PatientName, b.PatientSurname))
		}
	}
	if len(held) > 1 {
		return fmt.Errorf("double booking at %s %s: %s", locationID, w.fmtTime(start), strings.Join(held, " and "))
	}
	return nil
}

func (w *world) platformBookingAt(l docplannerfixture.Location, start time.Time) (bool, string, error) {
	a, err := w.platform(l)
	if err != nil {
		return false, "", err
	}
	for _, b := range a.Bookings {
		if b.Status == "booked" && b.Start.Equal(start) {
			return true, b.ID, nil
		}
	}
	return false, "", nil
}

// present waits within budget until look finds what it looks for (want) or
// no longer does; shows and gone name the check either way, and look's why
// says, only for a failure, what it found. A look that fails holds neither.
func (w *world) present(budget time.Duration, want bool, shows, gone string, look func() (found bool, why func() string, err error)) error {
	what := shows
	if !want {
		what = gone
	}
	return w.Within(budget, what, func() (bool, string) {
		found, why, err := look()
		if err != nil {
			return w.CannotTell(err)
		}
		return stepkit.Explain(found == want, why)
	})
}

// platformBooked: Docplanner shows a booked visit at a calendar and time
// (want), or no longer has one there.
func (w *world) platformBooked(want bool) func(locationID, weekday, hhmm string) error {
	return func(locationID, weekday, hhmm string) error {
		l, start, err := w.calendarAt(locationID, weekday, hhmm)
		if err != nil {
			return err
		}
		at := locationID + " " + w.fmtTime(start)
		return w.present(w.s.Budget, want, "bookings (partner → Docplanner): Docplanner shows the clinic's visit at "+at,
			"bookings (partner → Docplanner): Docplanner no longer has a booked visit at "+at, func() (bool, func() string, error) {
				found, id, err := w.platformBookingAt(l, start)
				return found, func() string {
					if found {
						return fmt.Sprintf("booking %s is still booked there; %s", id, w.evidence(w.changeMark))
					}
					return "getBookings has no booked visit there; " + w.evidence(w.changeMark)
				}, err
			})
	}
}

// platformBookingIsFor: the receptionist's booking on Docplanner is for the
// service chosen, its length, and the patient, not just for the time.
func (w *world) platformBookingIsFor(locationID, weekday, hhmm, serviceID string) error {
	l, start, err := w.calendarAt(locationID, weekday, hhmm)
	if err != nil {
		return err
	}
	var svc *docplannerfixture.PartnerSvc
	for i, s := range w.s.fixture.Partner.Services {
		if s.ID == serviceID {
			svc = &w.s.fixture.Partner.Services[i]
		}
	}
	if svc == nil {
		return fmt.Errorf("the clinic has no service %q", serviceID)
	}
	a, err := w.platform(l)
	if err != nil {
		return err
	}
	var seen []string
	for _, b := range a.Bookings {
		if b.Status != "booked" || !b.Start.Equal(start) {
			continue
		}
		var wrong []string
		if b.Service != svc.DocplannerServiceID {
			wrong = append(wrong, fmt.Sprintf("service %q instead of %q (%s)", b.Service, svc.DocplannerServiceID, svc.ID))
		}
		if b.Duration != svc.DurationMinutes {
			wrong = append(wrong, fmt.Sprintf("%d minutes instead of %d", b.Duration, svc.DurationMinutes))
		}
		if b.PatientName != patient.Name || b.PatientSurname != patient.Surname {
			wrong = append(wrong, fmt.Sprintf("patient %q %q instead of %q %q", b.PatientName, b.PatientSurname, patient.Name, patient.Surname))
		}
		if len(wrong) == 0 {
			return nil
		}
		seen = append(seen, fmt.Sprintf("booking %s has %s", b.ID, strings.Join(wrong, ", ")))
	}
	if len(seen) == 0 {
		return fmt.Errorf("bookings (partner → Docplanner): Docplanner has no booked visit at %s %s; %s", locationID, w.fmtTime(start), w.evidence(w.changeMark))
	}
	return fmt.Errorf("bookings (partner → Docplanner): the receptionist's booking of %s at %s %s reached Docplanner wrong: %s", svc.ID, locationID, w.fmtTime(start), strings.Join(seen, "; "))
}

func (w *world) offered(l docplannerfixture.Location, start time.Time) (bool, error) {
	a, err := w.platform(l)
	if err != nil {
		return false, err
	}
	for _, f := range a.Free {
		if f.Equal(start) {
			return true, nil
		}
	}
	return false, nil
}

func (w *world) platformOffers(locationID, weekday, hhmm string) error {
	l, start, err := w.calendarAt(locationID, weekday, hhmm)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("schedule (partner → Docplanner): Docplanner offers %s %s to patients", locationID, w.fmtTime(start))
	return w.Within(w.s.Budget, what, func() (bool, string) {
		ok, err := w.offered(l, start)
		if err != nil {
			return w.CannotTell(err)
		}
		return stepkit.Explain(ok, func() string {
			return "getSlots minus bookings and breaks has no free slot there; " + w.evidence(w.changeMark)
		})
	})
}

func (w *world) platformDoesNotOffer(locationID, weekday, hhmm string) error {
	l, start, err := w.calendarAt(locationID, weekday, hhmm)
	if err != nil {
		return err
	}
	ok, err := w.offered(l, start)
	if err != nil {
		return err
	}
	if ok {
		return fmt.Errorf("schedule (partner → Docplanner): Docplanner still offers %s %s to patients; %s", locationID, w.fmtTime(start), w.evidence(w.changeMark))
	}
	return nil
}

// syncWroteNothing: a periodic sync that finds both sides in agreement has
// nothing to send. Every write counts against the client's write limit
// (40 a minute), and a booking moved where it already is tells its patient
// of a move that never happened.
func (w *world) syncWroteNothing() error {
	var writes []string
	for _, e := range w.calls(w.syncMark) {
		if e.Method != http.MethodGet && e.Operation != "getToken" {
			writes = append(writes, e.Operation)
		}
	}
	if len(writes) > 0 {
		return fmt.Errorf("schedule cross-check: both sides already agreed, yet the partner's periodic sync wrote to Docplanner: %s", strings.Join(writes, ", "))
	}
	return nil
}
