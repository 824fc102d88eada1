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
	{"record-permissions-for-occupied-time", "moves and releases occupied time under the record permissions (records.add_edit, records.cancel) instead of records.occupy_time"},
	{"poller-stops-on-error", "reads DIKIDI in a loop that ends at the first read that fails: a partner that takes no events never hears of anything again after DIKIDI could not be reached once"},
	{"owes-latest-days-only", "keeps, of the days whose free times it could not re-read, only the latest of each master: a master booked on one day and given new hours on another while DIKIDI could not be reached offers the booked time on the first day"},
	{"free-times-never-retried", "never tries again a re-read of free times that failed (DIKIDI could not be reached): after an event of a booking it offers the booked time until that master's day changes again"},
	{"refreshes-old-day-only", "after its staff cancel a record DIKIDI had moved, re-reads the free times of the record's old place only when DIKIDI moved it to another day: given to another master the same day, the old master keeps the time booked at the partner"},
	{"drops-staff-breaks", "sends the working hours its staff set without the day's breaks: DIKIDI offers clients the time the master keeps for a break"},
	{"own-hours-wait-for-event", "keeps a master's old working hours after its staff changed them in DIKIDI until DIKIDI's event of the change comes: when that event is lost, its schedule shows hours DIKIDI no longer has"},
	{"learns-pause-from-events-only", "hears of a pause only from DIKIDI's event: when that event is lost it keeps reporting the key active and sends every record change its staff make, though DIKIDI refuses each with KEY_PAUSED"},
	{"ignores-permission-refusals", "marks a record cancelled in its own system although DIKIDI refused the cancellation, and tries again next time"},
	{"surname-placeholder", "stores \"-\" as the surname of clients whose surname DIKIDI hides"},
	{"record-clients-from-list", "gives a record the client as its client list shows it, so where the key shows phones everywhere except the list a record's client has a masked phone DIKIDI shows in full"},
	{"strips-phone-mask", "strips the asterisks from masked phones and stores the rest as a phone number"},
	// records
	{"acks-without-applying", "answers 200 to every event and applies none of them"},
	{"ignores-dikidi-cancellations", "acknowledges record.cancelled events without freeing the time"},
	{"ignores-dikidi-moves", "acknowledges record.updated events without moving the record"},
	{"new-records-without-services", "reads a record.created event's services from service_ids, which events do not carry: a record made in DIKIDI arrives without its services"},
	{"first-service-from-events", "keeps only the first service of a record that arrives by an event, so a record of two services booked in DIKIDI looks shorter at the partner"},
	{"imports-online-bookings-only", "adds a record made in DIKIDI only when a client booked it online: records the salon's staff enter in the panel never reach it"},
	{"trusts-own-records", "ignores DIKIDI's record.updated for records its own staff made, so when the salon moves one the partner keeps the old time"},
	{"ignores-status-changes", "applies a record.updated's time, master and services but keeps the status it had"},
	{"global-sequence", "keeps one last sequence per key instead of per object, so an older event of another record, delivered late, is dropped as stale"},
	{"local-only-records", "keeps records added by its staff to itself: DIKIDI never hears of them"},
	{"utc-start-with-salon-offset", "sends a new record's start as its UTC clock time with the salon's offset (13:00+03:00 for 16:00), so DIKIDI books it three hours early and still offers the time"},
	{"edit-not-exported", "moves records in its own system only: DIKIDI keeps the old time"},
	{"edits-own-records-only", "moves and cancels records it learned from DIKIDI in its own system only: only its own staff's records reach DIKIDI"},
	{"refreshes-new-master-only", "after its staff move a record to another master, re-reads the new master's free times only (also when DIKIDI's event names the previous master), so the old master's freed time is never offered"},
	{"refuses-last-slot", "checks a record its staff add against the master's working day itself, off by one: a record that ends exactly when the day ends is refused, although DIKIDI offers that time"},
	{"sends-first-service-only", "sends only the first service of a record its staff add with several, so DIKIDI books a shorter record"},
	{"full-name-as-name", "sends a new client's name and surname together as the name (\"Pavel Sokolov\", no surname), so DIKIDI's client card has no surname"},
	{"drops-staff-comments", "sends neither the comment of a record its staff add nor that of time they occupy: DIKIDI's staff see no note"},
	{"drops-cancel-reason", "cancels records in DIKIDI without the reason its staff gave"},
	{"keeps-refused-changes", "when DIKIDI refuses a move or occupied time because the time is taken, keeps the change in its own system and reports it done"},
	{"cancel-refreshes-answer-only", "after its staff cancel a record, re-reads the free times only where DIKIDI's answer puts it: when DIKIDI had moved the record and the move's event is still on its way, the time the partner showed it at stays taken"},
	{"cancel-not-exported", "cancels records in its own system only: DIKIDI keeps them booked"},
	{"occupy-not-exported", "blocks time in its own system only, without occupying it in DIKIDI"},
	{"waits-for-own-events", "ignores DIKIDI's answer to its staff's changes and waits for DIKIDI's events of them, so while such an event is on its way its records lack DIKIDI's id, end and status"},
	{"ignores-client-events", "acknowledges client.created and client.updated events without applying them, so a client whose phone the salon corrects keeps the old one at the partner"},
	{"refreshes-event-spots-only", "after a record event re-reads the free times only where the event puts the record and its previous place, not where it last held the record itself: when an earlier move's event was lost, the time the record first held is never offered again"},
	{"applies-duplicates", "applies an event delivered twice twice: a redelivered record.created of a record made in DIKIDI becomes a second record"},
	{"ignores-sequence", "applies events in the order they arrive, so a late record.created undoes a newer change"},
	{"own-changes-from-answers-only", "takes its staff's changes from DIKIDI's answers only and drops DIKIDI's events of them (source this_key), noting their sequence: when both DIKIDI's answer to a cancellation and the one to its retry are lost, the record stays booked at the partner though DIKIDI cancelled it"},
	{"skips-own-echoes", "ignores the events of its own changes (source this_key) without noting their sequence, so an older event of the same record that DIKIDI delivers late, on a retry, undoes its staff's newer change"},
	{"resync-duplicates", "on a re-read matches DIKIDI's records to its own by external_id only, so every record made in DIKIDI is stored again as a new one and its staff see the time booked twice"},
	{"drops-echoes-of-unknown-records", "takes an event of its own key's change (source this_key) of a record it does not hold for the echo of a change it gave up, and drops it: when DIKIDI's answers to a new record and to its retry are both lost, DIKIDI has the client booked while the partner's staff see the time free"},
	{"no-external-id", "creates records without external_id, so retrying after a lost answer cannot be recognised"},
	// schedule
	{"drops-breaks", "stores DIKIDI's working hours without their breaks"},
	{"ignores-schedule-events", "acknowledges schedule.updated events without changing the working hours"},
	{"hides-unanswered-sync", "gives a synchronisation up quietly when DIKIDI's answer to its first read (the key's state) does not arrive whole: it answers that all went well and names no error, so its staff take what it holds for DIKIDI's"},
	{"stale-free-times", "reads free times once at synchronisation and never refreshes them after events"},
	{"refreshes-first-week-only", "re-reads free times after a change only for the first seven days, as if the horizon were one week"},
	{"horizon-one-day-short", "re-reads free times after a change only up to the day before the horizon's last (an off-by-one on date_to)"},
	{"repeats-first-week-hours", "reads the first week's working hours and repeats them for the following days, so a day the salon changed in the second week shows its weekday's usual hours"},
	{"schedule-change-not-exported", "changes working hours in its own system only, without sending them to DIKIDI"},
	{"edits-any-schedule", "edits every master's hours although the key may edit only its own employee's"},
	// pause, resume, deletion, delivery
	{"writes-while-paused", "keeps sending record changes while the key is paused"},
	{"pause-blocks-new-records-only", "refuses to add records while the key is paused, but still sends moves, cancellations and occupied time to DIKIDI"},
	{"ignores-state-events", "acknowledges key.state_changed events without changing what it reports"},
	{"no-resync-after-resume", "does not re-read DIKIDI when the key is resumed, so changes made while paused never arrive"},
	{"keeps-working-after-deletion", "treats KEY_DELETED as a passing error: keeps calling DIKIDI and never says the link is gone"},
	{"connected-after-deletion", "keeps its status's connected flag from the activation, so once the key is deleted it reports key_state deleted and still connected: the salon's staff read that the link works"},
	{"reactivates-deleted-key", "asked to activate again after the key was deleted, calls DIKIDI's activation with it instead of saying a new key is needed"},
	{"staff-actions-ignore-deletion", "stops syncing and adding records once the key is deleted, but its staff's other changes still call DIKIDI"},
	{"drops-retried-events", "ignores events delivered on a retry (attempt 2 and later) as stale"},
	{"routes-events-by-company", "takes every event for its salon as its own, whichever key DIKIDI sent it for: when the business deletes another key the partner activated for the salon, whose Path is the partner's one Path, the partner reports its own key deleted and stops"},
}).Under("poller-stops-on-error", map[string]string{"events": "none"}) // only a partner without a Path polls

// Faults lists the catalogue, sorted by name.
func Faults() []Fault { return catalogue.List() }
