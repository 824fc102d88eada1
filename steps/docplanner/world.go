package docplanner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/stepkit"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/journal"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// world is one scenario's state: its own platform tenant (client
// credentials), what the scenario has done so far, and named things later
// steps refer to ("that visit", "that break").
type world struct {
	stepkit.Scenario
	s        *stage
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
	moveErr         error  // how the partner answered the receptionist's last move it was asked to refuse
	bookErr         error  // how the partner answered the receptionist's last booking it was asked to refuse
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
	w.Begin(&w.s.Base, ctx, name)
	w.clientID = w.s.nextTenant()
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	w.secret = hex.EncodeToString(buf)
	w.s.AddSecrets(w.secret)
	w.today = w.s.Clock.Now().In(w.s.loc)
	w.s.mock.AddTenant(w.clientID, w.secret, w.s.fixture)
	w.s.Journal.Label(w.clientID, name)
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
	if err := w.s.Driver.Reset(w.Ctx, "docplanner", settings); err != nil {
		return err
	}
	clinic := w.s.fixture.ForDriver(w.today)
	rec, err := newRecord(w.s.fixture, clinic)
	if err != nil {
		return err
	}
	w.rec = rec
	return w.s.Driver.LoadFixture(w.Ctx, clinic)
}

// activate asks the partner to connect the clinic and remembers which part
// of the journal is the activation.
func (w *world) activate() error {
	w.activateFrom = w.Mark()
	w.activateErr = w.s.Driver.Act(w.Ctx, "activate", map[string]any{}, nil)
	w.activateTo = w.Mark()
	return w.activateErr
}

// calls are the partner's calls to this tenant's API, in order, after seq.
func (w *world) calls(after int64) []journal.Entry {
	return w.s.Journal.Select(func(e journal.Entry) bool {
		return e.Tenant == w.clientID && e.Direction == journal.Inbound && e.Seq > after
	})
}

// pushes are the platform's notifications to the partner after seq.
func (w *world) pushes(after int64) []journal.Entry {
	return w.s.Journal.Select(func(e journal.Entry) bool {
		return e.Tenant == w.clientID && e.Direction == journal.Outbound && e.Seq > after
	})
}

// evidence summarises what the partner sent since seq, for failure reasons:
// the refused calls with their answers, or that nothing was sent at all.
func (w *world) evidence(after int64) string { return stepkit.Evidence("Docplanner", w.calls(after)) }

// location resolves a partner calendar id from the fixture.
func (w *world) location(id string) (docplannerfixture.Location, error) {
	for _, l := range w.s.fixture.Partner.Locations {
		if l.ID == id {
			return l, nil
		}
	}
	var ids []string
	for _, l := range w.s.fixture.Partner.Locations {
		ids = append(ids, l.ID)
	}
	return docplannerfixture.Location{}, fmt.Errorf("the fixture has no calendar %q (it has %s)", id, strings.Join(ids, ", "))
}

// day is how a step names a day of the horizon: "next Monday" (the first
// Monday after today, in the horizon's first week), "Monday of the second
// week" (seven days later), "on the last day of the horizon" or "on the last
// working day of the horizon" (its last Monday to Friday: the days a
// partner reads last are where a sync that stops short shows).
const day = `(next \w+|\w+ of the second week|on the last day of the horizon|on the last working day of the horizon)`

// at turns a day and "10:30" into a time on the clinic's wall clock.
func (w *world) at(day, hhmm string) (time.Time, error) {
	c, err := docplannerfixture.ParseClock(hhmm)
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
	case day == "on the last working day of the horizon":
		_, end := w.horizon()
		last := end.AddDate(0, 0, -1)
		for last.Weekday() == time.Saturday || last.Weekday() == time.Sunday {
			last = last.AddDate(0, 0, -1)
		}
		return wall(last), nil
	case strings.HasSuffix(day, " of the second week"):
		wd, err := docplannerfixture.ParseWeekday(strings.TrimSuffix(day, " of the second week"))
		if err != nil {
			return time.Time{}, err
		}
		return wall(w.s.fixture.NextWeekday(w.today, wd, 0).AddDate(0, 0, 7)), nil
	}
	wd, err := docplannerfixture.ParseWeekday(strings.TrimPrefix(day, "next "))
	if err != nil {
		return time.Time{}, err
	}
	return w.s.fixture.NextWeekday(w.today, wd, c), nil
}

// calendarAt resolves a calendar and a time on it ("next Monday at 10:30").
func (w *world) calendarAt(locationID, day, hhmm string) (docplannerfixture.Location, time.Time, error) {
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

func (w *world) platform(l docplannerfixture.Location) (docplannermock.AddressView, error) {
	from, to := w.horizon()
	return w.s.mock.Address(w.clientID, l.DocplannerAddressID, from, to)
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
	return out, w.View("bookings", &out)
}

func (w *world) breaks() ([]partnerBreak, error) {
	var out []partnerBreak
	return out, w.View("breaks", &out)
}

func (w *world) freeSlots() ([]partnerSlot, error) {
	var out []partnerSlot
	return out, w.View("free-slots", &out)
}

// act asks the partner to do something; a failure names the flow it was for.
// While Docplanner refuses the partner's writes (an exploration's outage or
// 503), a partner may say that its update failed: the clinic's change stands
// all the same, and the whole state tells whether it reached Docplanner.
func (w *world) act(flow, action string, params, result any) error {
	if err := w.s.Driver.Act(w.Ctx, action, params, result); err != nil && !w.refusing {
		return fmt.Errorf("%s: the partner could not %s: %w", flow, strings.ReplaceAll(action, "-", " "), err)
	}
	return nil
}
