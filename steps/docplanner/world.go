package docplanner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/accord-harness/accord/internal/explore"
	"strings"
	"time"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
	mock "github.com/accord-harness/accord/mocks/docplanner"
)

// world is one scenario's state: its own platform tenant (client
// credentials), what the scenario has done so far, and named things later
// steps refer to ("that visit", "that break").
type world struct {
	s        *session
	ctx      context.Context
	scenario string
	clientID string
	secret   string
	model    string
	today    time.Time

	activateErr  error
	activateFrom int64 // journal sequence numbers bracketing activation
	activateTo   int64

	visitID         string // the receptionist's last visit (partner id)
	platformBooking string // the patient's last booking (platform id)
	patientErr      error
	partnerBreak    string // the receptionist's last break (partner id)
	platformBreak   string // the doctor's last break (platform id)
	breakLocation   string
	changeMark      int64 // journal sequence when the last change was made
	// rec is what both sides must hold: the clinic as loaded and every
	// change the scenario made since.
	rec *record
	// patients counts the patients who booked on Docplanner, so each
	// booking has its own.
	patients int
	// driverErr is the last failed driver call inside a wait: a partner whose
	// driver breaks its contract is not late, so waiting stops at once.
	driverErr error
	// refusing: Docplanner refuses the partner's writes (an exploration's
	// outage or 503), so a staff action may report the failed update.
	refusing bool
	// synced: the scenario ran the partner's periodic sync.
	synced bool
	// syncMark is the journal sequence when the last periodic sync began.
	syncMark int64
	// oneSide, when set, is the only side the whole state is compared on
	// (sideOnly).
	oneSide string
	// explore is the running exploration's outcome (explore.go).
	exploration explore.Outcome // how the scenario's exploration ended
	// failures are what failEachStage found (failure_steps.go).
	failures error
}

func (w *world) begin(ctx context.Context, name string) error {
	w.ctx = ctx
	w.scenario = name
	w.clientID = w.s.nextTenant()
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	w.secret = hex.EncodeToString(buf)
	w.s.addSecret(w.secret)
	w.today = w.s.clock.Now().In(w.s.loc)
	w.s.mock.AddTenant(w.clientID, w.secret, w.s.fixture)
	w.s.journal.Label(w.clientID, name)
	return nil
}

// connect resets the partner onto this scenario's tenant and loads the clinic.
func (w *world) connect(secret string) error {
	settings := map[string]any{
		"base_url":           w.s.mockURL + "/api/v3/integration",
		"token_url":          w.s.mockURL + "/oauth/v2/token",
		"client_id":          w.clientID,
		"client_secret":      secret,
		"notification_model": w.model,
	}
	if err := w.s.driver.Reset(w.ctx, "docplanner", settings); err != nil {
		return err
	}
	clinic := w.s.fixture.ForDriver(w.today)
	rec, err := newRecord(w.s.fixture, clinic)
	if err != nil {
		return err
	}
	w.rec = rec
	return w.s.driver.LoadFixture(w.ctx, clinic)
}

// activate asks the partner to connect the clinic and remembers which part
// of the journal is the activation.
func (w *world) activate() error {
	w.activateFrom = w.mark()
	w.activateErr = w.s.driver.Act(w.ctx, "activate", map[string]any{}, nil)
	w.activateTo = w.mark()
	return w.activateErr
}

// mark is the journal's current sequence number.
func (w *world) mark() int64 { return w.s.journal.LastSeq() }

// calls are the partner's calls to this tenant's API, in order, after seq.
func (w *world) calls(after int64) []journal.Entry {
	return w.s.journal.Select(func(e journal.Entry) bool {
		return e.Tenant == w.clientID && e.Direction == journal.Inbound && e.Seq > after
	})
}

// pushes are the platform's notifications to the partner after seq.
func (w *world) pushes(after int64) []journal.Entry {
	return w.s.journal.Select(func(e journal.Entry) bool {
		return e.Tenant == w.clientID && e.Direction == journal.Outbound && e.Seq > after
	})
}

// evidence summarises what the partner sent since seq, for failure reasons:
// the refused calls with their answers, or that nothing was sent at all.
func (w *world) evidence(after int64) string {
	cs := w.calls(after)
	if len(cs) == 0 {
		return "the partner sent no request to Docplanner"
	}
	var refused []string
	for _, e := range cs {
		if e.Status >= 400 {
			refused = append(refused, describe(e))
		}
	}
	if len(refused) == 0 {
		ops := make([]string, 0, len(cs))
		for _, e := range cs {
			ops = append(ops, e.Operation)
		}
		return fmt.Sprintf("the partner's %d requests all succeeded (%s)", len(cs), strings.Join(tail(ops, 8), ", "))
	}
	return "refused requests: " + strings.Join(tail(refused, 3), "; ")
}

func describe(e journal.Entry) string {
	// Violations are the reason and are given whole; a body is only a hint
	// (the evidence has it whole), so a long one is shortened.
	reason := strings.TrimSpace(string(e.ResponseBody))
	if r := []rune(reason); len(r) > 240 {
		reason = string(r[:240]) + "… (the whole body is in the evidence)"
	}
	if len(e.RequestViolations) > 0 {
		reason = spec.Summary(e.RequestViolations)
	}
	return fmt.Sprintf("%s %s (%s) → %d: %s", e.Method, e.URL, e.Operation, e.Status, reason)
}

func tail[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[len(xs)-n:]
	}
	return xs
}

// location resolves a partner calendar id from the fixture.
func (w *world) location(id string) (fixture.Location, error) {
	for _, l := range w.s.fixture.Partner.Locations {
		if l.ID == id {
			return l, nil
		}
	}
	var ids []string
	for _, l := range w.s.fixture.Partner.Locations {
		ids = append(ids, l.ID)
	}
	return fixture.Location{}, fmt.Errorf("the fixture has no calendar %q (it has %s)", id, strings.Join(ids, ", "))
}

// day is how a step names a day of the horizon: "next Monday" (the first
// Monday after today, in the horizon's first week), "Monday of the second
// week" (seven days later) or "on the last day of the horizon".
const day = `(next \w+|\w+ of the second week|on the last day of the horizon)`

// at turns a day and "10:30" into a time on the clinic's wall clock.
func (w *world) at(day, hhmm string) (time.Time, error) {
	c, err := fixture.ParseClock(hhmm)
	if err != nil {
		return time.Time{}, err
	}
	loc := w.s.loc
	wall := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), int(c/time.Hour), int(c%time.Hour/time.Minute), 0, 0, loc)
	}
	switch {
	case day == "on the last day of the horizon":
		_, end := w.horizon()
		return wall(end.AddDate(0, 0, -1)), nil
	case strings.HasSuffix(day, " of the second week"):
		wd, err := fixture.ParseWeekday(strings.TrimSuffix(day, " of the second week"))
		if err != nil {
			return time.Time{}, err
		}
		return wall(w.s.fixture.NextWeekday(w.today, wd, 0).AddDate(0, 0, 7)), nil
	}
	wd, err := fixture.ParseWeekday(strings.TrimPrefix(day, "next "))
	if err != nil {
		return time.Time{}, err
	}
	return w.s.fixture.NextWeekday(w.today, wd, c), nil
}

// calendarAt resolves a calendar and a time on it ("next Monday at 10:30").
func (w *world) calendarAt(locationID, day, hhmm string) (fixture.Location, time.Time, error) {
	l, err := w.location(locationID)
	if err != nil {
		return l, time.Time{}, err
	}
	at, err := w.at(day, hhmm)
	return l, at, err
}

// horizon is the window the partner feeds: tomorrow to the last day.
func (w *world) horizon() (time.Time, time.Time) {
	loc := w.s.loc
	d := time.Date(w.today.Year(), w.today.Month(), w.today.Day(), 0, 0, 0, 0, loc)
	return d.AddDate(0, 0, 1), d.AddDate(0, 0, w.s.fixture.HorizonDays+1)
}

func (w *world) platform(l fixture.Location) (mock.AddressView, error) {
	from, to := w.horizon()
	return w.s.mock.Address(w.clientID, l.DocplannerAddressID, from, to)
}

// within waits up to the latency budget (or d) for cond; on time-out the
// error carries cond's last explanation.
func (w *world) within(budget time.Duration, what string, cond func() (bool, string)) error {
	return w.withinBy(w.s.waiter, budget, what, cond)
}

// withinBy is within with its own waiter (another tick).
func (w *world) withinBy(waiter clock.Waiter, budget time.Duration, what string, cond func() (bool, string)) error {
	var why string
	w.driverErr = nil
	took, ok := waiter.Until(w.ctx, budget, func() bool {
		var done bool
		done, why = cond()
		return done || w.driverErr != nil
	})
	if w.driverErr != nil {
		return fmt.Errorf("%s: cannot tell: %w", what, w.driverErr)
	}
	if !ok {
		return fmt.Errorf("%s: not so after %s on the run clock: %s", what, budget, why)
	}
	w.s.recordLatency(latency{Scenario: w.scenario, What: what, Seconds: took.Seconds(), Limit: budget.Seconds()})
	return nil
}

// explain is a wait's condition and, only when it does not hold, why: the
// why reads the run's journal, which on a shared mock is long.
func explain(ok bool, why func() string) (bool, string) {
	if ok {
		return true, ""
	}
	return false, why()
}

func (w *world) fmtTime(t time.Time) string {
	return t.In(w.s.loc).Format("Mon 2006-01-02 15:04 -07:00")
}

// partner views ----------------------------------------------------------------

type partnerVisit struct {
	ID         string    `json:"id"`
	LocationID string    `json:"location_id"`
	ServiceID  string    `json:"service_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Status     string    `json:"status"`
	Source     string    `json:"source"`
	PlatformID string    `json:"platform_booking_id"`
	// InsuranceID is the clinic's insurance covering the visit, "" private.
	InsuranceID string `json:"insurance_id"`
	Patient     struct {
		Name    string `json:"name"`
		Surname string `json:"surname"`
		Phone   string `json:"phone"`
	} `json:"patient"`
}

type partnerBreak struct {
	ID          string    `json:"id"`
	LocationID  string    `json:"location_id"`
	Since       time.Time `json:"since"`
	Till        time.Time `json:"till"`
	Description string    `json:"description"`
}

type partnerSlot struct {
	LocationID string    `json:"location_id"`
	Start      time.Time `json:"start"`
}

type partnerStatus struct {
	Connected bool   `json:"connected"`
	LastError string `json:"last_error"`
}

func (w *world) visits() ([]partnerVisit, error) {
	var out []partnerVisit
	return out, w.view("bookings", &out)
}

func (w *world) breaks() ([]partnerBreak, error) {
	var out []partnerBreak
	return out, w.view("breaks", &out)
}

func (w *world) freeSlots() ([]partnerSlot, error) {
	var out []partnerSlot
	return out, w.view("free-slots", &out)
}

func (w *world) view(name string, out any) error {
	err := w.s.driver.View(w.ctx, name, out)
	if err != nil {
		w.driverErr = err
	}
	return err
}

// act asks the partner to do something; a failure names the flow it was for.
// While Docplanner refuses the partner's writes (an exploration's outage or
// 503), a partner may say that its update failed: the clinic's change stands
// all the same, and the whole state tells whether it reached Docplanner.
func (w *world) act(flow, action string, params, result any) error {
	if err := w.s.driver.Act(w.ctx, action, params, result); err != nil && !w.refusing {
		return fmt.Errorf("%s: the partner could not %s: %w", flow, strings.ReplaceAll(action, "-", " "), err)
	}
	return nil
}
