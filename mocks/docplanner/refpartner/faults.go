package refpartner

import (
	"github.com/accord-harness/accord/internal/faults"
)

// Fault is a realistic integration bug the reference partner can be started
// with, to prove that the scenarios catch it.
type Fault = faults.Fault

// catalogue pairs each fault's name with what it breaks.
var catalogue = faults.New("Docplanner", [][2]string{
	{"token-per-call", "requests a new OAuth token before every API call instead of reusing it"},
	{"hides-auth-errors", "reports the integration as connected although the platform refused its credentials"},
	{"no-reauth", "never requests a new token after the platform answers 401, so work stops when a token expires"},
	{"callback-after-feeding", "declares its PUSH callback URL only after feeding calendars, breaking the activation order"},
	{"partial-service-mapping", "maps only the first service of each calendar; the other services never reach the doctor's profile"},
	{"forgets-insurances", "never maps insurance providers to the doctor's addresses"},
	{"skips-existing-bookings", "does not send the clinic's existing bookings to the platform when activating"},
	{"drops-last-day", "feeds slots for one day less than its schedule horizon"},
	{"no-booking-export", "keeps bookings made by the receptionist to itself: the platform still offers the time"},
	{"exports-default-service", "books the receptionist's visits on Docplanner under the calendar's default (first) service instead of the service chosen"},
	{"cancel-not-exported", "does not tell the platform when the receptionist cancels a visit"},
	{"move-not-exported", "does not tell the platform when the receptionist moves a visit"},
	{"ignores-platform-cancellations", "acknowledges booking-canceled notifications without freeing the time"},
	{"keeps-id-after-platform-move", "moves the visit on a booking-moved notification but keeps the old booking id, so a later cancellation on Docplanner never frees the time"},
	{"ignores-platform-moves", "acknowledges booking-moved notifications without moving the visit"},
	{"bookings-without-patient-scope", "reads the patient of each booking from getBookings without asking for the booking.patient scope: a visit it takes in from the list (when a notification was lost) has no patient"},
	{"anonymous-platform-visits", "takes in a visit booked on Docplanner without its patient (looks for the patient beside visit_booking in the notification, not inside it): the clinic cannot tell who is coming"},
	{"push-ack-without-acting", "answers 200 to every PUSH notification and acts on none"},
	{"push-only", "never pulls notifications, so a PULL-model integration misses every platform booking"},
	{"drops-push-retries", "ignores a notification delivered again after a failed attempt (treats it as stale)"},
	{"applies-push-retries-twice", "applies a notification delivered again after its answer was lost a second time: one booking on Docplanner becomes two visits"},
	{"double-books-slot", "approves the platform's slot-booking check even when the time is taken in its own system"},
	{"late-schedule-push", "sends working-hours changes to the platform five minutes late"},
	{"local-times-without-offset", "sends working-hours changes with local times without a UTC offset"},
	{"ignores-platform-breaks", "acknowledges break notifications from the platform without blocking the time"},
	{"no-break-moves", "does not tell the platform when a break is moved in its own system"},
	{"slots-one-minute-late", "sends working-hours changes from one minute past each period's start (10:01 instead of 10:00), an off-by-one in its update path"},
	{"fixed-utc-offset", "takes the clinic's UTC offset once, from today, and writes every slot and visit time with it: after a change to summer time they are an hour off"},
	{"moves-to-old-time", "moves a visit on the platform to the time it already has (sends the old start instead of the new one)"},
})

// Faults lists the catalogue, sorted by name.
func Faults() []Fault { return catalogue.List() }
