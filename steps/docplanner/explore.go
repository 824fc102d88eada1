package docplanner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/cucumber/godog"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/explore"
)

// explorer is Docplanner's side of an exploration (internal/explore): every
// sequence starts on a fresh client whose clinic the partner has activated;
// its steps are the patients' and the doctor's changes on Docplanner, the
// receptionist's in the clinic, lost and repeated PUSH deliveries, time
// passing, short outages and writes Docplanner refuses (503, 429), and the
// partner's periodic sync. After every step the whole state is compared
// with the record (wholestate.go): of both sides when nothing is on its
// way, of Docplanner alone while a delivery to the partner is lost, and not
// at all while Docplanner lacks some of the partner's writes (an outage, a
// 503) until the partner's periodic sync.
type explorer struct {
	w *world
	m *model
	// unlimited lifts the rate limits of each fresh client before its
	// activation (failure_steps.go runs one flow again and again).
	unlimited bool
}

// explored is the step every @explore scenario ends with.
const explored = explore.AgreedStep

func registerExplore(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^accord explores (\d+) sequences? of (\d+) steps from seed (\d+)$`), w.explore)
	sc.Step(w.re(`^`+explored+`$`), w.exploredInAgreement)
}

// explore runs the feature's plan, or what accord explore asks for instead.
func (w *world) explore(sequences, steps int, seed string) error {
	first, err := strconv.ParseUint(seed, 10, 64)
	if err != nil {
		return fmt.Errorf("seed %q: %v", seed, err)
	}
	plan := explore.Plan{Seed: first, Sequences: sequences, Steps: steps}.Over(w.s.Explore)
	err = explore.Explore(w.Ctx, &explorer{w: w}, plan)
	var failure *explore.Failure
	if err != nil && !errors.As(err, &failure) {
		return fmt.Errorf("explore: the exploration could not go on: %w", err)
	}
	w.s.recordExploration(exploration{Scenario: w.Name, Model: w.model, Seed: plan.Seed, Sequences: plan.Sequences, Steps: plan.Steps, Failed: failure != nil})
	w.exploration.Set(err)
	return nil
}

func (w *world) exploredInAgreement() error { return w.exploration.Agreed("whole state (explored)") }

// Begin is a fresh client on Docplanner whose clinic the partner has
// loaded and activated, and the model of it.
func (x *explorer) Begin(ctx context.Context) error {
	w := x.w
	_ = w.s.mock.Retire(w.clientID)
	*w = world{Scenario: w.Scenario, s: w.s, model: w.model}
	if err := w.begin(ctx, w.Name); err != nil {
		return err
	}
	if x.unlimited {
		if err := w.s.mock.LiftRateLimits(w.clientID); err != nil {
			return err
		}
	}
	if err := w.connect(w.secret); err != nil {
		return err
	}
	if err := w.hasActivated(); err != nil {
		return err
	}
	x.m = newModel(w)
	return nil
}

func (x *explorer) Next(r *rand.Rand) explore.Step { return x.m.next(r) }

// Agree compares the whole state once nothing is on its way. While only a
// delivery to the partner is on its way (lost, its retry to come),
// Docplanner must already hold everything, the partner's own changes
// included. While Docplanner lacks some of the partner's writes, it waits
// for the sync.
func (x *explorer) Agree(context.Context) error {
	m, w := x.m, x.w
	switch {
	case !m.inFlight():
	case m.partnerAhead():
		return nil
	default:
		w.oneSide = sidePlatform
		defer func() { w.oneSide = "" }()
	}
	return w.agree()
}

// Do checks a step against the model (a step whose object a shrunk replay
// lost, or whose time is no longer free, does not apply), then does it.
func (x *explorer) Do(_ context.Context, s explore.Step) error {
	m := x.m
	// While Docplanner may lack some of the clinic's changes, it may refuse
	// what follows from them too (a visit moved into working hours it has
	// not got): the partner may say so, and its sync must repair it.
	x.w.refusing = m.partnerAhead()
	err := x.do(s)
	x.w.refusing = false
	if errors.Is(err, explore.ErrInapplicable) {
		return err
	}
	m.settle()
	return err
}

func (x *explorer) do(s explore.Step) error {
	a, m, w := s.Args, x.m, x.w
	switch s.Action {
	case "patient-books", "patient-cancels", "patient-moves", "doctor-adds-break", "doctor-moves-break", "doctor-removes-break":
		return x.onPlatform(s)
	case "receptionist-books", "receptionist-cancels", "receptionist-moves", "receptionist-adds-break", "receptionist-moves-break", "receptionist-removes-break", "hours":
		return x.inClinic(s)
	case "sync":
		if m.outage {
			return explore.ErrInapplicable
		}
		if err := w.partnerSyncs(); err != nil {
			return err
		}
		m.unsent = false
		if !m.lost {
			m.needSync = false
		}
		return nil
	case "minutes":
		n, err := strconv.Atoi(a["n"])
		if err != nil {
			return err
		}
		if err := w.minutesPass(n); err != nil {
			return err
		}
		if n >= 5 && m.lost {
			// The retry has come; after a newer change, only the sync repairs.
			m.lost, m.needSync = false, m.reordered
		}
		return nil
	case "outage":
		if m.outage {
			return explore.ErrInapplicable
		}
		m.outage = true
		return w.s.mock.SetOutage(w.clientID, true)
	case "reachable":
		if !m.outage {
			return explore.ErrInapplicable
		}
		// What the partner could not send waits for its periodic sync.
		m.outage, m.unsent = false, true
		return w.s.mock.SetOutage(w.clientID, false)
	}
	return fmt.Errorf("explore: unknown step %q (%s)", s.Action, s.Text)
}

func argTime(a map[string]string, name string) time.Time {
	t, _ := time.Parse(time.RFC3339, a[name])
	return t
}

// onPlatform is a change on Docplanner's own side: a patient's or the
// doctor's. With a PUSH partner its delivery may be lost (the retry comes
// five minutes on) or its answer lost (the retry repeats it); with a PULL
// partner its notification may expire unpulled.
func (x *explorer) onPlatform(s explore.Step) error {
	a, m, w := s.Args, x.m, x.w
	net := a["net"]
	if net != "" && (net == netExpire) == m.push {
		return explore.ErrInapplicable
	}
	// The partner may not get this change until later: a lost delivery, an
	// expired notification, or a PULL partner during an outage.
	late := net == netLose || net == netExpire || (!m.push && m.outage)
	var err error
	arm := func() {
		switch net {
		case netLose:
			_ = w.s.mock.DropNextDeliveries(w.clientID, 1)
		case netAnswer:
			_ = w.s.mock.LoseNextAnswers(w.clientID, 1)
		case netExpire:
			_ = w.s.mock.ExpireNextPulls(w.clientID, 1)
		}
	}
	defer func() {
		_ = w.s.mock.DropNextDeliveries(w.clientID, 0)
		_ = w.s.mock.LoseNextAnswers(w.clientID, 0)
		_ = w.s.mock.ExpireNextPulls(w.clientID, 0)
	}()
	switch s.Action {
	case "patient-books":
		l, ierr := w.location(a["location"])
		svc, serr := w.rec.service(a["service"])
		p, perr := strconv.Atoi(a["patient"])
		if errors.Join(ierr, serr, perr) != nil || p < 0 || p >= len(explorePatients) {
			return fmt.Errorf("explore: %q: %v", s.Text, errors.Join(ierr, serr, perr))
		}
		start := argTime(a, "start")
		if !m.free(l.ID, start, start.Add(minutes(svc.DurationMinutes)), nil, nil) || !m.open(l.ID, start, start.Add(minutes(svc.DurationMinutes))) || !m.mayChange(l.ID, start, true) {
			return explore.ErrInapplicable
		}
		arm()
		if err = w.patientBooksAt(l, start, svc.DocplannerServiceID, a["insurance"], explorePatients[p]); err == nil && w.patientErr != nil {
			return x.platformRefused(s, w.patientErr)
		}
		if err == nil {
			v := &modelVisit{recVisit: w.rec.byPlatform(w.platformBooking), byPatient: true, undelivered: late}
			m.visits[a["ref"]] = v
		}
	case "patient-cancels", "patient-moves":
		v, ok := m.visits[a["ref"]]
		if !ok || !v.booked || !v.byPatient || !m.mayChange(v.location, v.start, true) {
			return explore.ErrInapplicable
		}
		start := argTime(a, "start")
		if s.Action == "patient-moves" && (!m.free(v.location, start, start.Add(v.end.Sub(v.start)), v.recVisit, nil) || !m.open(v.location, start, start.Add(v.end.Sub(v.start))) || !m.mayChange(v.location, start, true)) {
			return explore.ErrInapplicable
		}
		freed := dayAt{v.location, v.start}
		if err := x.currentBooking(v); err != nil {
			return err
		}
		arm()
		if s.Action == "patient-cancels" {
			err = w.patientCancels()
		} else {
			err = w.patientMovesAt(start)
		}
		if err != nil {
			return x.platformRefused(s, err)
		}
		// The partner's id of the visit is looked up again when the
		// receptionist next acts on it: its booking id changed.
		v.partnerID = ""
		m.changed(v.undelivered)
		v.undelivered = v.undelivered || late
		m.freed(freed, late)
	case "doctor-adds-break":
		l, err := w.location(a["location"])
		if err != nil {
			return err
		}
		since, till := argTime(a, "since"), argTime(a, "till")
		if !m.free(l.ID, since, till, nil, nil) || !m.mayChange(l.ID, since, true) {
			return explore.ErrInapplicable
		}
		arm()
		if err := w.doctorAddsBreakAt(l, since, till); err != nil {
			return x.platformRefused(s, err)
		}
		m.breaks[a["ref"]] = &modelBreak{recBreak: w.rec.breakBy(w.doctorsBreak), byDoctor: true, undelivered: late}
	case "doctor-moves-break", "doctor-removes-break":
		b, ok := m.breaks[a["ref"]]
		if !ok || !b.byDoctor || !slicesContains(w.rec.breaks, b.recBreak) || !m.mayChange(b.location, b.since, true) {
			return explore.ErrInapplicable
		}
		since, till := argTime(a, "since"), argTime(a, "till")
		if s.Action == "doctor-moves-break" && (!m.free(b.location, since, till, nil, b.recBreak) || !m.mayChange(b.location, since, true)) {
			return explore.ErrInapplicable
		}
		freed := dayAt{b.location, b.since}
		l, err := w.location(b.location)
		if err != nil {
			return err
		}
		w.breakLocation, w.platformBreak = l.DocplannerAddressID, b.platformID
		arm()
		if s.Action == "doctor-moves-break" {
			err = w.doctorMovesBreakTo(since, till)
		} else {
			err = w.doctorRemovesBreak()
			delete(m.breaks, a["ref"])
		}
		if err != nil {
			return x.platformRefused(s, err)
		}
		m.changed(b.undelivered)
		b.undelivered = b.undelivered || late
		m.freed(freed, late)
	}
	if err == nil && late {
		m.lost = m.lost || net == netLose
		m.needSync = m.needSync || net == netExpire
	}
	return err
}

// freed notes time a change on Docplanner freed, which the partner may not
// know of yet when its delivery is late.
func (m *model) freed(at dayAt, late bool) {
	if late {
		m.stale[m.dayKey(at.location, at.at)] = true
	}
}

// changed notes a change on Docplanner of an object the partner may not
// have: when its delivery was lost, the retry comes after this change.
func (m *model) changed(undelivered bool) {
	if undelivered && m.lost {
		m.reordered = true
	}
}

func slicesContains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// platformRefused: a change the model holds possible is refused by
// Docplanner, which must then differ from the record: the partner's updates
// left it otherwise.
func (x *explorer) platformRefused(s explore.Step, err error) error {
	return fmt.Errorf("whole state: Docplanner refused %q, which the clinic's record allows, so Docplanner does not hold what both sides must: %v; %s",
		s.Text, err, x.w.evidence(0))
}

// currentBooking makes the record name a visit's booking as Docplanner
// has it now: the receptionist's moves give it new ids there.
func (x *explorer) currentBooking(v *modelVisit) error {
	w := x.w
	for _, l := range w.s.fixture.Partner.Locations {
		a, err := w.platform(l)
		if err != nil {
			return err
		}
		for _, b := range a.Bookings {
			if b.ID == v.platformID && b.NewestID != "" {
				v.platformID = b.NewestID
			}
		}
	}
	w.platformBooking = v.platformID
	return nil
}

// inClinic is a change the receptionist makes in the partner's system,
// with Docplanner perhaps refusing the partner's next write: a 503 (the
// periodic sync must send it again) or 429 (wait and send again).
func (x *explorer) inClinic(s explore.Step) error {
	a, m, w := s.Args, x.m, x.w
	fail := a["fail"]
	if fail != "" && m.outage {
		return explore.ErrInapplicable
	}
	var touched []dayAt // the calendar days the change touches
	var do func() error
	switch s.Action {
	case "receptionist-books":
		svc, err := w.rec.service(a["service"])
		if err != nil {
			return err
		}
		start, l := argTime(a, "start"), a["location"]
		end := start.Add(minutes(svc.DurationMinutes))
		if !m.free(l, start, end, nil, nil) || !m.open(l, start, end) {
			return explore.ErrInapplicable
		}
		touched = []dayAt{{l, start}}
		do = func() error {
			if err := w.receptionistBooksAt(svc.ID, l, start, a["insurance"]); err != nil {
				return err
			}
			m.visits[a["ref"]] = &modelVisit{recVisit: w.rec.byPartner(w.visitID)}
			return nil
		}
	case "receptionist-cancels", "receptionist-moves":
		v, ok := m.visits[a["ref"]]
		if !ok || !v.booked || v.undelivered {
			return explore.ErrInapplicable
		}
		start, to := argTime(a, "start"), a["location"]
		touched = []dayAt{{v.location, v.start}}
		if s.Action == "receptionist-moves" {
			end := start.Add(v.end.Sub(v.start))
			if !slicesContains(m.serviceLocations(v.service), to) || !m.free(to, start, end, v.recVisit, nil) || !m.open(to, start, end) {
				return explore.ErrInapplicable
			}
			touched = append(touched, dayAt{to, start})
		}
		if v.partnerID == "" {
			// A visit booked on Docplanner: the receptionist finds it in the
			// clinic's system by its booking.
			w.platformBooking = v.platformID
			if err := x.currentBooking(v); err != nil {
				return err
			}
			if err := w.takePlatformVisit(); err != nil {
				return err
			}
		}
		do = func() error {
			w.visitID = v.partnerID
			if s.Action == "receptionist-cancels" {
				return w.receptionistCancels()
			}
			return w.receptionistMovesAt(to, start)
		}
	case "receptionist-adds-break":
		since, till, l := argTime(a, "since"), argTime(a, "till"), a["location"]
		if !m.free(l, since, till, nil, nil) {
			return explore.ErrInapplicable
		}
		touched = []dayAt{{l, since}}
		do = func() error {
			if err := w.receptionistAddsBreakAt(l, since, till); err != nil {
				return err
			}
			m.breaks[a["ref"]] = &modelBreak{recBreak: w.rec.breakBy(w.receptionistsBreak)}
			return nil
		}
	case "receptionist-moves-break", "receptionist-removes-break":
		b, ok := m.breaks[a["ref"]]
		if !ok || b.byDoctor || !slicesContains(w.rec.breaks, b.recBreak) {
			return explore.ErrInapplicable
		}
		since, till := argTime(a, "since"), argTime(a, "till")
		touched = []dayAt{{b.location, b.since}}
		if s.Action == "receptionist-moves-break" {
			if !m.free(b.location, since, till, nil, b.recBreak) {
				return explore.ErrInapplicable
			}
			touched = append(touched, dayAt{b.location, since})
		}
		do = func() error {
			w.partnerBreak = b.partnerID
			if s.Action == "receptionist-moves-break" {
				return w.receptionistMovesBreakTo(since, till)
			}
			delete(m.breaks, a["ref"])
			return w.receptionistRemovesBreak()
		}
	case "hours":
		wd, err := docplannerfixture.ParseWeekday(a["weekday"])
		from, ferr := docplannerfixture.ParseClock(a["from"])
		to, terr := docplannerfixture.ParseClock(a["to"])
		if err := errors.Join(err, ferr, terr); err != nil {
			return err
		}
		if !m.keepsVisits(a["location"], wd, clockSpan{from, to}) {
			return explore.ErrInapplicable
		}
		for _, d := range m.days {
			if d.Weekday() == wd {
				touched = append(touched, dayAt{a["location"], d})
			}
		}
		do = func() error { return w.changesHours(a["location"], a["weekday"], a["from"], a["to"]) }
	}
	for _, t := range touched[min(1, len(touched)-1):] {
		if s.Action != "hours" && !m.mayChange(t.location, t.at, false) {
			return explore.ErrInapplicable
		}
	}
	// Docplanner may lack the change until the partner's sync: its own
	// side keeps off those days until then.
	for _, t := range touched {
		if m.partnerAhead() || fail == fail503 {
			m.dirty[m.dayKey(t.location, t.at)] = true
		}
	}
	if fail == "" {
		return do()
	}
	return x.refused(fail, do)
}

// dayAt is a calendar and a time on the day a change touches.
type dayAt struct {
	location string
	at       time.Time
}

// refused does a staff action while Docplanner refuses the partner's next
// write, then waits (within the latency budget) until the partner has made
// one; a partner that sent nothing (it merged the change away) is not held
// to anything more.
func (x *explorer) refused(fail string, do func() error) error {
	w, m := x.w, x.m
	switch fail {
	case fail503:
		if err := w.s.mock.FailNextWrites(w.clientID, 1); err != nil {
			return err
		}
		w.refusing = true
		defer func() { _ = w.s.mock.FailNextWrites(w.clientID, 0) }()
	case fail429:
		// The client's writes of this minute were spent elsewhere.
		if err := w.s.mock.FillWriteWindow(w.clientID, time.Second); err != nil {
			return err
		}
	default:
		return fmt.Errorf("explore: unknown refusal %q", fail)
	}
	if err := do(); err != nil {
		return err
	}
	if fail != fail503 {
		return nil
	}
	_ = w.Within(w.s.Budget, "explore: the partner's next write", func() (bool, string) {
		n, err := w.s.mock.WritesStillToFail(w.clientID)
		return err == nil && n == 0, "the partner has not written to Docplanner since"
	})
	if n, _ := w.s.mock.WritesStillToFail(w.clientID); n == 0 {
		// Docplanner refused it: only the partner's periodic sync can be
		// held to sending it again.
		m.unsent = true
	}
	return nil
}
