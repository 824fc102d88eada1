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
	{"exports-default-service", "books the receptionist's new visits on Docplanner under the calendar's default (first) service instead of the service chosen"},
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
	{"push-answers-500", "applies each PUSH notification, then answers it with HTTP 500 (its response fails after the work is done): Docplanner counts every delivery as failed"},
	{"platform-visits-one-slot-long", "takes in a visit booked on Docplanner as one slot of the calendar's grid long, whatever the service's length: a 30-minute visit on a 15-minute grid leaves its second half free in the clinic"},
	{"exports-default-duration", "books the receptionist's new visits on Docplanner with the length of the calendar's default (first) service: a 30-minute visit on a calendar whose first service takes 15 leaves its second half free on Docplanner"},
	{"exports-thirty-minute-visits", "books every new visit of the receptionist on Docplanner for 30 minutes, whatever the service: a 15-minute visit takes the next slot too"},
	{"update-slots-without-insurers", "sends changed working hours to Docplanner without the calendar's insurers: on those days no insured patient finds a slot"},
	{"hours-change-next-week-only", "sends changed working hours for the next such weekday only: the same weekday in the second week of the horizon keeps the old hours on Docplanner"},
	{"calendar-by-doctor", "finds the calendar of a Docplanner notification by its doctor, not its address: a booking or break at a doctor's second address lands on the first calendar"},
	{"pull-applies-first-of-batch", "pulls notifications in batches but applies only the first of each batch: changes made on Docplanner together are lost but one"},
	{"crosscheck-counts-slots", "cross-checks the platform's slots by counting them per calendar: slots moved to other hours, in the same number, are never repaired"},
	{"prices-in-minor-units", "feeds the doctor's profile with the clinic's prices in grosze, as its own system keeps them: every service costs a hundred times more"},
	{"break-moves-keep-day", "sends a break moved to another day with its new hours on its old day"},
	{"drops-last-day-events", "ignores Docplanner's notifications about the last day of its horizon (keeps events of today to today+horizon, one day short)"},
	{"platform-visits-read-only", "moves and cancels on Docplanner only the visits its own receptionist booked: a visit booked on Docplanner that the receptionist moves or cancels stays as it was there"},
	{"poller-stops-on-error", "stops pulling notifications after the first pull that fails (its poller ends on an error): after Docplanner was unreachable once, nothing made there reaches the clinic until the next periodic sync"},
	{"exports-visits-without-insurance", "books the receptionist's new visits on Docplanner without their insurance: an insured patient's visit shows as private there"},
	{"platform-visits-without-insurance", "takes in visits booked on Docplanner without the insurance the patient booked with: the clinic bills an insured visit as private"},
	{"sync-sends-new-visits-only", "its periodic sync sends the clinic's visits and breaks Docplanner has never had, but not a cancellation, move or removal Docplanner refused once (a 503): the visit stays booked there for good"},
	{"ignores-platform-break-moves", "acknowledges break-moved notifications without moving the break: the doctor's break stays at its old time in the clinic"},
	{"platform-service-from-first-calendar", "takes the service of a visit booked on Docplanner from the address services of the doctor's first calendar: a visit at the doctor's second address comes without its service"},
	{"exports-full-name-as-name", "books the receptionist's new visits on Docplanner with the patient's full name as the name and no surname"},
	{"same-day-moves-not-exported", "tells the platform of a visit the receptionist moves only when its day changes: moved to another hour of the same day, it keeps its old time on Docplanner"},
	{"activation-answers-done", "answers the activation as done although Docplanner refused its credentials (only its status says so): whoever started it believes the clinic is connected"},
	{"sync-refeeds-everything", "its periodic sync feeds every calendar's slots again although they match the clinic's: each sync spends the client's write limit on nothing"},
	{"break-ids-per-calendar", "numbers the breaks of each calendar on their own (break-1, break-2 at every calendar): two calendars' breaks share an id, and a move or removal of one may hit the other"},
	{"renews-token-late", "keeps its access token past expires_in until Docplanner refuses it: the first call after each hour fails with 401 before it signs in again"},
	{"cancelled-spelling", "shows a visit the receptionist cancelled with status \"cancelled\", not the contract's \"canceled\": a driver reading the bookings view cannot tell what became of it"},
	{"sync-ignores-platform-breaks", "its periodic sync takes in Docplanner's bookings but not the doctor's breaks: a break whose notification was lost stays unknown to the clinic until Docplanner delivers it again"},
	{"sync-books-canceled-visits", "its periodic sync books on Docplanner every visit Docplanner lacks, cancelled ones too: a visit booked and cancelled while Docplanner was unreachable is booked there afterwards"},
	{"activates-past-refused-sign-in", "goes on with the activation after Docplanner refused its sign-in (declares its callback with no valid token): every call is refused, and the client's failures pile up"},
	{"platform-visits-from-docplanner", "shows a visit booked on Docplanner with source \"docplanner\", not the contract's \"platform\": a driver reading the bookings view cannot tell where it was made"},
	{"hides-update-failures", "answers the receptionist's change as done and shows no error when Docplanner refused to take it: the clinic believes Docplanner has the change until the next sync sends it"},
	{"keeps-error-after-recovery", "keeps showing the error of an update Docplanner refused after its periodic sync has sent it: the clinic's screen says Docplanner is behind when it is not"},
	{"dedups-by-booking-id", "recognises a notification delivered again by its booking id, not by the delivery it already applied: a booking delivered again after the patient moved it becomes a second visit"},
	{"closed-days-keep-slots", "sends changed working hours only for days that still have hours: a weekday the clinic closes keeps its slots on Docplanner"},
	{"skips-unfed-calendars", "activates a clinic when Docplanner failed to take one calendar's slots, feeding the others and reporting the integration connected: that calendar has no slots on Docplanner until something changes there"},
	{"sync-skips-unread-calendars", "skips a calendar whose slots or breaks Docplanner failed to answer in the periodic sync and reports the sync done: what differs there stays unrepaired, and the clinic is told all is well"},
	{"breaks-without-description", "sends the breaks the receptionist adds after the activation to Docplanner without their description: the doctor sees blocked time on Docplanner with no word of what it is for"},
	{"maps-services-hidden", "maps the clinic's services onto the doctor's addresses with is_visible false: they are on Docplanner, but no patient sees them on the doctor's profile"},
	{"move-ignores-calendar", "moves a visit the receptionist puts on another calendar to the new time at its old Docplanner address (sends no address_id)"},
})

// Faults lists the catalogue, sorted by name.
func Faults() []Fault { return catalogue.List() }
