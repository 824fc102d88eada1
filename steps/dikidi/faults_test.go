package dikidi_test

import (
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// Scenario names, as in features/dikidi (an outline's rows named with their values).
const (
	scAwaiting          = "A key stays awaiting activation until the partner activates it"
	scWrongPK           = "A wrong partner key is refused and the partner says so"
	scNeverCalls        = "The partner never calls what the key does not allow"
	scShrinks           = "The partner copes when the business takes a permission away"
	scMaskNothing       = "Clients' surnames and phones stay as DIKIDI shows them: nothing shown"
	scMaskExceptList    = "Clients' surnames and phones stay as DIKIDI shows them: phones on records, not in the list"
	scOnlineTwoServices = "A Men's haircut + Beard trim booked online with Dmitry Orlov on Friday of the second week reaches the partner"
	scOnlineLastDay     = "A Pedicure booked online with Olga Kim on Sunday of the second week reaches the partner"
	scPanel             = "A record the salon's staff enter in DIKIDI for a client it knows reaches the partner"
	scMovedCanceled     = "A record moved and then cancelled in DIKIDI is moved and cancelled at the partner"
	scAdds              = "A Women's haircut the partner adds for Anna Smirnova appears in DIKIDI"
	scAddsTwo           = "A Men's haircut + Beard trim the partner adds for Dmitry Orlov appears in DIKIDI"
	scMovesCancels      = "A record the partner moves and cancels changes in DIKIDI"
	scOccupies          = "Time the partner occupies is blocked in DIKIDI, and freed when released"
	scTwice             = "An event delivered twice is applied once"
	scOutOfOrder        = "Events that arrive out of order leave the newest state"
	scRefusedTaken      = "A change DIKIDI refuses because the time is taken changes nothing at the partner"
	scOwnBeforeEvents   = "The partner's own changes stand as DIKIDI answered them before DIKIDI's events of them arrive"
	scMovedTwiceLost    = "A record moved twice in DIKIDI whose first move's event is lost frees the time it first held at the partner"
	scCancelMoved       = "A record the partner's staff cancel after DIKIDI moved it, the move's event still on its way, frees both its times"
	scCancelReassigned  = "A record the partner's staff cancel after DIKIDI gave it to another master, the move's event still on its way, frees both masters' times"
	scLostAnswer        = "A record is not made twice when DIKIDI's answer to the partner is lost, and reaches the partner when the retry's is lost too"
	scOwnMovedInDIKIDI  = "A record the partner added and DIKIDI's staff moved and confirmed changes at the partner too"
	scMovedToMaster     = "A record booked in DIKIDI that the partner's staff move to another master moves in DIKIDI"
	scTogether          = "Changes made together in DIKIDI all reach the partner, whatever order their events arrive in"
	scHours             = "The partner reflects DIKIDI's working hours and free times"
	scHoursChange       = "A change of working hours in DIKIDI reaches the partner"
	scPartnerHours      = "Working hours the partner sets where the key allows it appear in DIKIDI"
	scPause             = "Removing the record permissions pauses the partner"
	scResume            = "Restoring a record permission resumes the partner"
	scPauseEvery        = "A paused key changes no record, whichever change the partner's staff try"
	scPauseLost         = "The partner learns of the pause from DIKIDI's refusal when the pause's event is lost"
	scDeleted           = "The partner stops and says the link is gone when the key is deleted"
	scDeletedLost       = "The partner notices the deletion even when the last event is lost"
	scDeletedEvery      = "After the key is deleted the partner calls DIKIDI for nothing its staff try"
	scDelivery          = "A Path that keeps failing produces one e-mail, and no event is lost once it answers again"
	scUnreachable       = "Changes made in DIKIDI while the partner could not reach it all reach the partner once it can"
	scExplore           = "Random sequences of changes on both sides keep DIKIDI and the partner in agreement"
	scOtherKeyDeleted   = "Deleting another key the salon gave the partner leaves the partner's own key working"
	scSyncUnanswered    = "A synchronisation whose answer from DIKIDI is cut off is reported, and the next one agrees with DIKIDI"
	scAnswersLost       = "A cancellation whose answers never reached the partner stands there once DIKIDI's event of it comes"
)

// flowNames are how failure reasons start: every reason names its flow.
var flowNames = []string{
	"activation", "permissions", "masking", "records (DIKIDI → partner)", "records (partner → DIKIDI)", "events",
	"schedule (DIKIDI → partner)", "schedule (partner → DIKIDI)", "pause", "deletion", "delivery", "whole state", "explore",
}

// catches says which scenarios each fault must fail (it may fail others).
var catches = map[string][]string{
	"bearer-partner-key":                   {scAwaiting},
	"reports-active-unactivated":           {scAwaiting},
	"hides-activation-refusal":             {scWrongPK},
	"lists-clients-without-permission":     {scNeverCalls},
	"ignores-permissions":                  {scNeverCalls, scPartnerHours},
	"ignores-permission-refusals":          {scShrinks},
	"learns-pause-from-events-only":        {scPauseLost},
	"own-hours-wait-for-event":             {scPartnerHours},
	"drops-staff-breaks":                   {scPartnerHours},
	"free-times-never-retried":             {scUnreachable, scExplore},
	"owes-latest-days-only":                {scUnreachable},
	"poller-stops-on-error":                {scUnreachable},
	"surname-placeholder":                  {scMaskNothing},
	"strips-phone-mask":                    {scMaskNothing},
	"record-clients-from-list":             {scMaskExceptList},
	"acks-without-applying":                {scOnlineLastDay, scMovedCanceled, scDelivery, scResume},
	"ignores-dikidi-cancellations":         {scMovedCanceled},
	"ignores-dikidi-moves":                 {scMovedCanceled, scOutOfOrder},
	"new-records-without-services":         {scOnlineLastDay},
	"first-service-from-events":            {scOnlineTwoServices},
	"imports-online-bookings-only":         {scPanel},
	"trusts-own-records":                   {scOwnMovedInDIKIDI},
	"ignores-status-changes":               {scOwnMovedInDIKIDI},
	"global-sequence":                      {scTogether},
	"local-only-records":                   {scAdds, scMovesCancels},
	"utc-start-with-salon-offset":          {scAdds},
	"refuses-last-slot":                    {scAdds},
	"sends-first-service-only":             {scAddsTwo},
	"edit-not-exported":                    {scMovesCancels},
	"cancel-not-exported":                  {scMovesCancels},
	"edits-own-records-only":               {scMovedToMaster},
	"refreshes-new-master-only":            {scMovedToMaster},
	"occupy-not-exported":                  {scOccupies},
	"applies-duplicates":                   {scTwice},
	"ignores-sequence":                     {scOutOfOrder},
	"skips-own-echoes":                     {scExplore},
	"resync-duplicates":                    {scResume},
	"no-external-id":                       {scLostAnswer},
	"drops-breaks":                         {scHours},
	"repeats-first-week-hours":             {scHours},
	"ignores-schedule-events":              {scHoursChange},
	"stale-free-times":                     {scHoursChange},
	"refreshes-first-week-only":            {scOnlineLastDay, scHoursChange},
	"horizon-one-day-short":                {scOnlineLastDay},
	"schedule-change-not-exported":         {scPartnerHours},
	"edits-any-schedule":                   {scPartnerHours},
	"writes-while-paused":                  {scPause},
	"pause-blocks-new-records-only":        {scPauseEvery},
	"ignores-state-events":                 {scPause, scDeleted},
	"no-resync-after-resume":               {scResume},
	"keeps-working-after-deletion":         {scDeleted, scDeletedLost},
	"staff-actions-ignore-deletion":        {scDeletedEvery},
	"connected-after-deletion":             {scDeleted},
	"full-name-as-name":                    {scAdds},
	"drops-staff-comments":                 {scAdds, scOccupies},
	"drops-cancel-reason":                  {scMovesCancels},
	"keeps-refused-changes":                {scRefusedTaken},
	"waits-for-own-events":                 {scOwnBeforeEvents},
	"ignores-client-events":                {scPanel},
	"reactivates-deleted-key":              {scDeletedEvery},
	"cancel-refreshes-answer-only":         {scCancelMoved, scCancelReassigned},
	"refreshes-old-day-only":               {scCancelReassigned},
	"refreshes-event-spots-only":           {scMovedTwiceLost},
	"record-permissions-for-occupied-time": {scNeverCalls},
	"drops-retried-events":                 {scDelivery},
	"routes-events-by-company":             {scOtherKeyDeleted},
	"own-changes-from-answers-only":        {scAnswersLost},
	"hides-unanswered-sync":                {scSyncUnanswered},
	"drops-echoes-of-unknown-records":      {scLostAnswer},
}

// TestEveryFaultIsCaught runs, for each fault, the features meant to catch it
// against the reference partner started with that fault: the fault must fail
// those scenarios, each reason must name the flow that broke, and every
// scenario must be failed by at least one fault (else nothing proves it can
// fail). accord run --fault runs every feature; here only the relevant ones
// run, to keep the race-detector run short.
func TestEveryFaultIsCaught(t *testing.T) {
	racedetector.SkipRepeat(t, "the reference partner's suite")
	suitetest.EveryFaultIsCaught(t, suitetest.Faults{
		Platform: dikidisteps.Platform{},
		Catches:  catches,
		Flows:    flowNames,
		// The bundled partner settles within seconds of the run clock: a
		// scenario a fault breaks need not wait the default 30 to fail.
		Config:   runner.Config{LatencyBudget: 10 * time.Second},
		Parallel: true,
		Failed: func(t *testing.T, fault string, r runner.ScenarioResult) {
			if r.Name == scExplore {
				assertShrunk(t, fault, r.Reason)
			}
		},
	})
}
