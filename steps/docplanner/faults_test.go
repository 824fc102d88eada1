package docplanner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// Scenario names, as in features/docplanner.
const (
	scTokenReuse      = "The partner signs in with its client credentials and reuses its token"
	scWrongSecret     = "Wrong credentials are refused and the partner says so"
	scTokenExpiry     = "The partner signs in again when its token expires"
	scActivationOrder = "Activation follows the order Docplanner asks for"
	scMapping         = "Every resource of the clinic is mapped"
	scCoverage        = "The partner uses every required method"
	scPushBooking     = "A visit booked by a patient on Docplanner reaches the partner by PUSH"
	scPullBooking     = "A visit booked by a patient on Docplanner reaches the partner by PULL"
	scStaffBooking    = "A visit booked by the receptionist reaches Docplanner"
	scPlatformCancel  = "A cancellation on Docplanner frees the time in the partner's system"
	scStaffCancel     = "A cancellation by the receptionist reaches Docplanner"
	scPlatformMove    = "A visit moved on Docplanner is moved in the partner's system"
	scStaffMove       = "A visit moved by the receptionist is moved on Docplanner"
	scMoveThenCancel  = "A visit moved and then cancelled on Docplanner frees the new time in the partner's system"
	scDoubleBooking   = "A patient cannot take a time the clinic has already filled"
	scPushRetry       = "A notification delivered again after a failed attempt is still applied"
	scPushRetryOnce   = "A notification delivered again after its answer was lost is applied once"
	scLostPush        = "A visit and a break whose notifications were lost reach the partner, the visit with its patient, by the periodic sync"
	scWorkingHours    = "A change of working hours reaches Docplanner within the latency budget"
	scStaffBreaks     = "Breaks managed in the partner's system reach Docplanner"
	scPlatformBreaks  = "Breaks managed on Docplanner reach the partner's system"
	scCrossCheck      = "Changes made while Docplanner was unreachable reach it with the periodic sync"
	scSummerTime      = "Slots and visits after the change to summer time keep the clinic's wall-clock time"
	// Scenarios with other calendars, services, days and batches.
	scPatientCardio      = "A patient's booking of svc-cardio at piotr-centrum Thursday of the second week reaches the partner whole"
	scPatientMokotow     = "A patient's booking of svc-consult at anna-mokotow next Wednesday reaches the partner whole"
	scTogetherPush       = "Several changes made on Docplanner together all reach the partner by PUSH"
	scTogetherPull       = "Several changes made on Docplanner together all reach the partner by PULL"
	scStaffCardio        = "The receptionist's booking of svc-cardio at piotr-centrum Friday of the second week reaches Docplanner whole"
	scStaffEkg           = "The receptionist's booking of svc-ekg at piotr-centrum next Tuesday reaches Docplanner whole"
	scStaffMoveAway      = "A visit the receptionist moves to another calendar and week is moved there on Docplanner"
	scStaffMovesTheirs   = "A visit booked on Docplanner that the receptionist moves is moved on Docplanner"
	scStaffCancelsTheirs = "A visit booked on Docplanner that the receptionist cancels is cancelled on Docplanner"
	scPullAfterOutage    = "A notification that waited while Docplanner was unreachable is pulled afterwards"
	scBreakOtherDay      = "A break the receptionist moves to another day reaches Docplanner on that day"
	scBreakLastDay       = "A break the doctor adds on the last day of the horizon blocks that day in the partner's system"
	scHoursFridays       = "New working hours of piotr-centrum on Fridays reach Docplanner for both weeks of the horizon"
	scHoursWednesdays    = "New working hours of anna-mokotow on Wednesdays reach Docplanner for both weeks of the horizon"
	scHoursSaturdays     = "New working hours of anna-mokotow on Saturdays reach Docplanner for both weeks of the horizon"
	scTokenRenewal       = "The partner renews its token before it expires"
	scRetryAfterMove     = "A notification delivered again after the patient moved the visit adds no second visit"
	scRefusedCancel      = "A change Docplanner refused shows in the partner's status until the periodic sync sends it: the receptionist cancels that visit"
	scRefusedClosing     = "A change Docplanner refused shows in the partner's status until the periodic sync sends it: the receptionist closes \"anna-mokotow\" on Wednesdays"
	scRefusedBreakMove   = "A change Docplanner refused shows in the partner's status until the periodic sync sends it: the receptionist moves that break to Friday of the second week from 14:00 to 15:30"
	scRefusedHoursShift  = "A change Docplanner refused shows in the partner's status until the periodic sync sends it: the receptionist changes the working hours of \"piotr-centrum\" on Tuesdays to 08:45-12:45"
	scMoveOntoFilled     = "The receptionist cannot move a visit onto a time a patient has booked on Docplanner"
	scBookOntoFilled     = "The receptionist cannot book a time a patient has booked on Docplanner"
	scBeforeHours        = "The receptionist cannot book or move a visit to start before the doctor's working hours"
	// Explored sequences.
	scExplore              = "Changes on both sides, lost and repeated deliveries and short failures of Docplanner leave both sides in agreement"
	scExplorePull          = "Changes on both sides and short failures of Docplanner leave a partner that pulls in agreement"
	scFailedActivationCall = "A call Docplanner fails during the activation is never taken for a finished activation"
	scFailedSyncCall       = "A call Docplanner fails during the periodic sync is never taken for a finished sync"
	scFailedNoVisitsCall   = "A call Docplanner fails during the activation of a clinic with no visits is never taken for a finished activation"
	scLostDaysLater        = "A visit and a break made on Docplanner Wednesday of the second week, their notifications lost, reach the partner by the periodic sync"
	scLostLastDay          = "A visit and a break made on Docplanner on the last working day of the horizon, their notifications lost, reach the partner by the periodic sync"
	scUnsentCancel         = "A visit booked and canceled at the clinic before it reached Docplanner is never sent there"
	scLostBreakMove        = "A break the doctor moves on Docplanner, its notification lost, is moved by the periodic sync"
	scLostBreakRemoval     = "A break the doctor removes on Docplanner, its notification lost, is removed by the periodic sync"
	scLostCancel           = "A visit the patient cancels on Docplanner, its notification lost, is canceled by the periodic sync"
	scLostMove             = "A visit the patient moves on Docplanner, its notification lost, is moved by the periodic sync"
)

// flowNames are how failure reasons start: every reason names its flow.
var flowNames = []string{
	"authentication", "activation order", "activation failed", "mapping", "all methods implemented",
	"bookings (", "schedule (", "breaks (", "real-time booking check", "double booking",
	"notifications", "schedule cross-check", "whole state",
}

// catches says which scenarios each fault must fail (it may fail others).
var catches = map[string][]string{
	"token-per-call":                       {scTokenReuse},
	"hides-auth-errors":                    {scWrongSecret},
	"no-reauth":                            {scTokenExpiry},
	"callback-after-feeding":               {scActivationOrder},
	"partial-service-mapping":              {scMapping},
	"forgets-insurances":                   {scMapping, scCoverage},
	"skips-existing-bookings":              {scActivationOrder, scCrossCheck},
	"drops-last-day":                       {scCrossCheck},
	"no-booking-export":                    {scStaffBooking},
	"exports-default-service":              {scStaffBooking, scStaffCardio},
	"cancel-not-exported":                  {scStaffCancel, scCoverage},
	"move-not-exported":                    {scStaffMove, scCoverage},
	"ignores-platform-cancellations":       {scPlatformCancel},
	"ignores-platform-moves":               {scPlatformMove},
	"keeps-id-after-platform-move":         {scMoveThenCancel},
	"push-ack-without-acting":              {scPushBooking, scPlatformMove, scPlatformBreaks, scPushRetry},
	"anonymous-platform-visits":            {scPushBooking},
	"bookings-without-patient-scope":       {scLostPush},
	"push-only":                            {scPullBooking},
	"drops-push-retries":                   {scPushRetry},
	"double-books-slot":                    {scDoubleBooking},
	"applies-push-retries-twice":           {scPushRetryOnce},
	"late-schedule-push":                   {scWorkingHours},
	"local-times-without-offset":           {scWorkingHours},
	"ignores-platform-breaks":              {scPlatformBreaks},
	"no-break-moves":                       {scStaffBreaks, scCoverage},
	"slots-one-minute-late":                {scWorkingHours},
	"moves-to-old-time":                    {scStaffMove},
	"fixed-utc-offset":                     {scSummerTime},
	"push-answers-500":                     {scPushBooking},
	"platform-visits-one-slot-long":        {scPatientCardio, scTogetherPush, scTogetherPull},
	"exports-default-duration":             {scStaffCardio},
	"exports-thirty-minute-visits":         {scStaffEkg},
	"update-slots-without-insurers":        {scWorkingHours, scHoursFridays, scHoursWednesdays},
	"hours-change-next-week-only":          {scWorkingHours, scHoursFridays, scHoursWednesdays},
	"calendar-by-doctor":                   {scPatientMokotow, scTogetherPush, scTogetherPull},
	"pull-applies-first-of-batch":          {scTogetherPull},
	"crosscheck-counts-slots":              {scCrossCheck},
	"prices-in-minor-units":                {scMapping},
	"break-moves-keep-day":                 {scBreakOtherDay},
	"sync-sends-new-visits-only":           {scExplore, scExplorePull},
	"ignores-platform-break-moves":         {scPlatformBreaks},
	"platform-service-from-first-calendar": {scPatientMokotow},
	"exports-full-name-as-name":            {scStaffBooking},
	"same-day-moves-not-exported":          {scStaffMove},
	"move-ignores-calendar":                {scStaffMoveAway},
	"skips-unfed-calendars":                {scFailedActivationCall},
	"sync-skips-unread-calendars":          {scFailedSyncCall},
	"breaks-without-description":           {scBreakOtherDay, scCrossCheck},
	"sync-doubles-moved-breaks":            {scLostBreakMove},
	"cancels-unsent-visits":                {scUnsentCancel},
	"sync-reads-one-week":                  {scLostDaysLater, scLostLastDay},
	"sync-keeps-removed-breaks":            {scLostBreakRemoval},
	"maps-services-hidden":                 {scMapping},
	"clears-day-until-23":                  {scHoursSaturdays},
	"denies-real-time-bookings":            {scDoubleBooking},
	"sync-misses-cancellations":            {scFailedSyncCall, scLostCancel, scLostMove},
	"drops-last-day-events":                {scBreakLastDay},
	"platform-visits-read-only":            {scStaffMovesTheirs, scStaffCancelsTheirs},
	"poller-stops-on-error":                {scPullAfterOutage},
	"exports-visits-without-insurance":     {scStaffCardio, scStaffEkg},
	"platform-visits-without-insurance":    {scPatientCardio},
	"activation-answers-done":              {scWrongSecret},
	"sync-refeeds-everything":              {scPlatformMove},
	"break-ids-per-calendar":               {scBreakOtherDay, scCrossCheck},
	"renews-token-late":                    {scTokenRenewal},
	"cancelled-spelling":                   {scStaffCancel},
	"sync-ignores-platform-breaks":         {scLostPush},
	"sync-books-canceled-visits":           {scCrossCheck},
	"activates-past-refused-sign-in":       {scWrongSecret},
	"platform-visits-from-docplanner":      {scPushBooking},
	"hides-update-failures":                {scRefusedCancel, scRefusedClosing},
	"keeps-error-after-recovery":           {scRefusedCancel, scRefusedClosing},
	"dedups-by-booking-id":                 {scRetryAfterMove},
	"closed-days-keep-slots":               {scRefusedClosing},
	"hides-break-move-failures":            {scRefusedBreakMove},
	"moves-onto-filled-time":               {scMoveOntoFilled},
	"books-onto-filled-time":               {scBookOntoFilled},
	"activation-stops-at-unread-calendar":  {scFailedNoVisitsCall},
	"hours-checked-at-visit-end":           {scBeforeHours},
	"crosscheck-skips-first-slot":          {scRefusedHoursShift},
}

// TestEveryFaultIsCaught runs each fault against the features of the
// scenarios it must fail (the full matrix, every fault against every
// scenario with each scenario's sharpest fault, is make faults: accord
// faults --run): each must fail them, say why starting with the flow, and
// every scenario must be failed by some fault.
func TestEveryFaultIsCaught(t *testing.T) {
	racedetector.SkipRepeat(t, "the reference partner's suite")
	suitetest.EveryFaultIsCaught(t, suitetest.Faults{Platform: docplannersteps.Platform{}, Catches: catches, Flows: flowNames})
}

// TestAPullingPartnersPeriodicSyncIsChecked: a notification is lost for a
// partner that pulls too (it expires unpulled), so the scenarios that lose
// one apply to a PULL-only partner, and a periodic sync that misses what
// only it can repair fails that partner as it fails one that takes PUSH.
func TestAPullingPartnersPeriodicSyncIsChecked(t *testing.T) {
	racedetector.SkipRepeat(t, "the reference partner's suite")
	pull := map[string]string{"notification_model": "pull"}
	tests := []struct {
		fault string
		fails []string
	}{
		{"sync-reads-one-week", []string{scLostDaysLater, scLostLastDay}},
		{"sync-ignores-platform-breaks", []string{scLostDaysLater, scLostBreakMove, scLostBreakRemoval}},
		{"sync-keeps-removed-breaks", []string{scLostBreakRemoval}},
		{"sync-doubles-moved-breaks", []string{scLostBreakMove}},
		{"sync-misses-cancellations", []string{scLostCancel, scLostMove}},
		{"bookings-without-patient-scope", []string{scLostDaysLater, scLostLastDay}},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			sum, err := runner.Run(context.Background(), docplannersteps.Platform{}, runner.Options{
				Config: runner.Config{Faults: []string{tt.fault}, Capabilities: pull}, Tags: "@bookings,@breaks"})
			require.NoError(t, err)
			failed := map[string]bool{}
			for _, r := range sum.Failed() {
				failed[r.Name] = true
			}
			for _, name := range tt.fails {
				assert.True(t, failed[name], "fault %s should fail %q for a partner that pulls; it failed %v", tt.fault, name, failed)
			}
		})
	}
}
