package refpartner

import (
	"github.com/accord-harness/accord/internal/faults"
)

// Fault is a realistic integration bug the reference partner can be started
// with, to prove that the scenarios catch it.
type Fault = faults.Fault

// catalogue pairs each fault's name with what it breaks.
var catalogue = faults.New("DIKIDI", [][2]string{
	// activation
	{"bearer-partner-key", "sends the partner key as \"Bearer <key>\" on activation, so DIKIDI refuses it and the key stays awaiting activation"},
	{"reports-active-unactivated", "never asks DIKIDI for the key's state and reports a key it was just given as active"},
	{"hides-activation-refusal", "reports the key as active although DIKIDI refused the activation"},
	// permissions and masking
	{"lists-clients-without-permission", "reads the client list even when the key may not view clients"},
	{"ignores-permissions", "attempts record changes and schedule edits the key does not allow, leaving DIKIDI to refuse them"},
	{"ignores-permission-refusals", "marks a record cancelled in its own system although DIKIDI refused the cancellation, and tries again next time"},
	{"surname-placeholder", "stores \"-\" as the surname of clients whose surname DIKIDI hides"},
	{"strips-phone-mask", "strips the asterisks from masked phones and stores the rest as a phone number"},
	// records
	{"acks-without-applying", "answers 200 to every event and applies none of them"},
	{"ignores-dikidi-cancellations", "acknowledges record.cancelled events without freeing the time"},
	{"ignores-dikidi-moves", "acknowledges record.updated events without moving the record"},
	{"new-records-without-services", "reads a record.created event's services from service_ids, which events do not carry: a record made in DIKIDI arrives without its services"},
	{"local-only-records", "keeps records added by its staff to itself: DIKIDI never hears of them"},
	{"utc-start-with-salon-offset", "sends a new record's start as its UTC clock time with the salon's offset (13:00+03:00 for 16:00), so DIKIDI books it three hours early and still offers the time"},
	{"edit-not-exported", "moves records in its own system only: DIKIDI keeps the old time"},
	{"cancel-not-exported", "cancels records in its own system only: DIKIDI keeps them booked"},
	{"occupy-not-exported", "blocks time in its own system only, without occupying it in DIKIDI"},
	{"applies-duplicates", "applies an event delivered twice twice: a redelivered record.created becomes a second record"},
	{"ignores-sequence", "applies events in the order they arrive, so a late record.created undoes a newer change"},
	{"no-external-id", "creates records without external_id, so retrying after a lost answer cannot be recognised"},
	// schedule
	{"drops-breaks", "stores DIKIDI's working hours without their breaks"},
	{"ignores-schedule-events", "acknowledges schedule.updated events without changing the working hours"},
	{"stale-free-times", "reads free times once at synchronisation and never refreshes them after events"},
	{"schedule-change-not-exported", "changes working hours in its own system only, without sending them to DIKIDI"},
	{"edits-any-schedule", "edits every master's hours although the key may edit only its own employee's"},
	// pause, resume, deletion, delivery
	{"writes-while-paused", "keeps sending record changes while the key is paused"},
	{"ignores-state-events", "acknowledges key.state_changed events without changing what it reports"},
	{"no-resync-after-resume", "does not re-read DIKIDI when the key is resumed, so changes made while paused never arrive"},
	{"keeps-working-after-deletion", "treats KEY_DELETED as a passing error: keeps calling DIKIDI and never says the link is gone"},
	{"drops-retried-events", "ignores events delivered on a retry (attempt 2 and later) as stale"},
})

// Faults lists the catalogue, sorted by name.
func Faults() []Fault { return catalogue.List() }
