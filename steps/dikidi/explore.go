package dikidi

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/explore"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// explorer is DIKIDI's side of an exploration (internal/explore): every
// sequence starts on a fresh salon whose key the partner has activated;
// its steps are the salon's and its clients' changes in DIKIDI, the
// partner's staff's changes, lost and repeated events, a failing Path, time
// passing and the key paused; after every step both sides' whole state is
// compared (sides.compare), leaving out only what DIKIDI has not yet managed
// to deliver.
type explorer struct {
	w *world
	m *model
}

// explored is the step every @explore scenario ends with.
const explored = explore.AgreedStep

func registerExplore(sc *godog.ScenarioContext, w *world) {
	sc.Step(explore.PlanStep, w.explore)
	sc.Step(`^`+explored+`$`, w.exploredInAgreement)
}

func (w *world) explorer() (*explorer, error) {
	m, err := newModel(w.fx, w.s.Clock, w.s.withPath())
	if err != nil {
		return nil, err
	}
	return &explorer{w: w, m: m}, nil
}

// explore runs the feature's plan, or what accord explore asks for instead.
func (w *world) explore(sequences, steps int, seed string) error {
	x, err := w.explorer()
	if err != nil {
		return err
	}
	rec, err := explore.Scenario(w.Ctx, x, w.Name, sequences, steps, seed, w.s.Explore)
	var failure *explore.Failure
	if err != nil && !errors.As(err, &failure) {
		return err
	}
	w.s.RecordExploration(rec)
	w.exploration.Set(err)
	return nil
}

func (w *world) exploredInAgreement() error { return w.exploration.Agreed("explore") }

// Begin is a fresh salon on DIKIDI whose administrator key the partner has
// activated, and the model of it.
func (x *explorer) Begin(ctx context.Context) error {
	w := x.w
	w.end()
	if err := w.begin(ctx, w.Name); err != nil {
		return err
	}
	if err := w.createKey(dikidimock.KeySpec{AccessType: dikidimock.AccessAdministrator}); err != nil {
		return err
	}
	if err := w.hasActivated(); err != nil {
		return err
	}
	return x.m.reset(w.fx)
}

func (x *explorer) Next(r *rand.Rand) explore.Step { return x.m.next(r) }

// Ending reconnects a partner a sequence left cut off from DIKIDI, so that
// what it missed is still checked.
func (x *explorer) Ending() (explore.Step, bool) {
	s, _ := proposeReconnect(x.m, nil)
	return s, x.m.cut
}

var _ explore.Ender = (*explorer)(nil)

// Agree waits for the first attempt of every event, then compares the
// whole state within the latency budget.
func (x *explorer) Agree(context.Context) error {
	if x.m.cut {
		// Cut off, the partner cannot be expected to hold what DIKIDI
		// changed: the step that reconnects it (Ending, at the latest)
		// waits for agreement.
		return nil
	}
	x.w.settle()
	return x.w.agreeWhole(true)
}

// Do applies a step to the model first (a step the model refuses no longer
// applies: a shrunk replay lost what it needs), then does it for real.
func (x *explorer) Do(_ context.Context, s explore.Step) error {
	a, m, w := s.Args, x.m, x.w
	if m.cut && reachesDIKIDI(s.Action) {
		return explore.ErrInapplicable // a shrunk replay lost the reconnection
	}
	if m.late {
		m.lateFor++
	}
	if net := a["net"]; net != "" {
		if !m.withPath || m.paused || m.failing {
			return explore.ErrInapplicable
		}
		x.trouble(net, eventOf[s.Action])
		defer x.trouble("", "")
		m.late, m.lateBy, m.lateFor, m.lateRef = true, sideOf(s.Action), 0, a["ref"]
	}
	switch s.Action {
	case "client-books", "salon-books", "salon-occupies":
		return x.salonMakes(s)
	case "salon-moves", "salon-confirms", "salon-cancels":
		return x.salonChanges(s)
	case "salon-hours":
		master, date, h, err := hoursOf(a, m.loc)
		if err != nil {
			return err
		}
		if m.shadow.SetHours(m.company(), master, date, h) != nil {
			return explore.ErrInapplicable
		}
		w.changeMark = w.Mark()
		if err := w.s.mock.SetHours(w.company, master, date, h); err != nil {
			return fmt.Errorf("schedule (DIKIDI → partner): DIKIDI refused the salon's staff %q: %v", s.Text, err)
		}
		return nil
	case "partner-adds", "partner-occupies":
		return x.partnerMakes(s)
	case "partner-moves", "partner-confirms", "partner-cancels":
		return x.partnerChanges(s)
	case "partner-hours":
		return x.partnerHours(s)
	case "partner-syncs":
		if err := w.act("", "records (DIKIDI → partner)", "synchronise", "sync", map[string]any{}, nil); err != nil {
			return err
		}
		m.holdAll()
		return nil
	case "path-fails", "path-works":
		fails := s.Action == "path-fails"
		if !m.withPath || m.failing == fails || (fails && m.paused) {
			return explore.ErrInapplicable
		}
		m.failing, m.late = fails, m.late || fails
		if fails {
			w.changeMark = w.Mark()
		}
		w.s.relay.fail(w.company, fails)
		return nil
	case "cut", "reconnect":
		cut := s.Action == "cut"
		if m.cut == cut || (cut && (m.paused || m.failing)) {
			return explore.ErrInapplicable
		}
		m.cut, m.late = cut, m.late || cut
		return w.s.mock.SetUnreachable(w.company, w.key.ID, cut)
	case "minutes":
		n, err := strconv.Atoi(a["n"])
		if err != nil {
			return err
		}
		if m.late = m.late && (m.failing || m.cut); !m.late {
			m.lateBy, m.lateFor, m.lateRef = "", 0, ""
		}
		return w.minutesPass(n)
	case "pause", "resume":
		pause := s.Action == "pause"
		if m.paused == pause || m.failing {
			return explore.ErrInapplicable
		}
		m.paused = pause
		if pause {
			return w.pause()
		}
		m.holdAll() // the partner reads DIKIDI again on resuming
		return w.resume()
	}
	return fmt.Errorf("explore: unknown step %q (%s)", s.Action, s.Text)
}

func argInt(a map[string]string, name string) int64 {
	n, _ := strconv.ParseInt(a[name], 10, 64)
	return n
}

func argTime(a map[string]string, name string) time.Time {
	t, _ := time.Parse(time.RFC3339, a[name])
	return t
}

// heldNew says whether the partner surely holds a record DIKIDI makes now:
// the key is not paused (changes made while paused are neither sent nor
// readable until it resumes), the partner can reach DIKIDI (cut off, what it
// holds of an event is its own choice), and the partner reads DIKIDI itself, or the
// record's event reaches it at once: the Path works and the step does not
// lose the event.
func (m *model) heldNew(net string) bool {
	return !m.paused && !m.cut && (!m.withPath || (!m.failing && net != netLose))
}

// reachesDIKIDI says whether an action is left out while the partner is cut
// off from DIKIDI (see reaching): its staff's changes, and the steps that
// are outages of their own (a pause, whose resume the partner answers by
// reading DIKIDI, and a failing Path).
func reachesDIKIDI(action string) bool {
	switch action {
	case "pause", "resume", "path-fails":
		return true
	}
	return strings.HasPrefix(action, "partner-")
}

// trouble arms the mock to lose the next event of a name, or the partner's
// answer to it; with no trouble it waits for every event's first attempt
// and disarms, so that a loss never reaches past its step.
func (x *explorer) trouble(net, event string) {
	w := x.w
	switch net {
	case netLose:
		_ = w.s.mock.DropNextEvents(w.company, w.key.ID, 1, event)
	case netAnswer:
		_ = w.s.mock.LoseNextEventAnswers(w.company, w.key.ID, 1, event)
	default:
		w.settle()
		_ = w.s.mock.DropNextEvents(w.company, w.key.ID, 0, "")
		_ = w.s.mock.LoseNextEventAnswers(w.company, w.key.ID, 0, "")
	}
}

// salonMakes is a client booking online, the salon's staff booking in the
// panel, or the salon's staff occupying time.
func (x *explorer) salonMakes(s explore.Step) error {
	a, m, w := s.Args, x.m, x.w
	mr := &modelRecord{ref: a["ref"], held: m.heldNew(a["net"])}
	var create func(*dikidimock.Mock, int64) (dikidimock.RecordView, error)
	if s.Action == "salon-occupies" {
		mr.occupied = true
		create = func(on *dikidimock.Mock, company int64) (dikidimock.RecordView, error) {
			return on.Occupy(company, argInt(a, "master"), argTime(a, "start"), argTime(a, "end"), "Held in the panel")
		}
	} else {
		mr.services = splitIDs(a["services"])
		b := dikidimock.Booking{MasterID: argInt(a, "master"), ServiceIDs: mr.services, Start: argTime(a, "start"), Online: s.Action == "client-books"}
		if b.Online {
			name, surname := splitName(a["client"])
			b.Client = dikidimock.Client{Name: name, Surname: surname, Phone: a["phone"]}
		} else {
			b.Client = dikidimock.Client{ID: argInt(a, "client_id")}
		}
		create = func(on *dikidimock.Mock, company int64) (dikidimock.RecordView, error) { return on.Book(company, b) }
	}
	v, err := create(m.shadow, m.company())
	if err != nil {
		return explore.ErrInapplicable
	}
	m.add(mr, v.ID)
	w.changeMark = w.Mark()
	got, err := create(w.s.mock, w.company)
	if err != nil {
		return fmt.Errorf("records (partner → DIKIDI): DIKIDI refused %q, which fits DIKIDI as it should be: the partner's changes left DIKIDI otherwise: %v", s.Text, err)
	}
	mr.dikidiID = got.ID
	return nil
}

// active is the record a step names, booked in DIKIDI as it should be.
func (x *explorer) active(ref string) (*modelRecord, dikidimock.RecordView, error) {
	mr, ok := x.m.record(ref)
	if !ok {
		return nil, dikidimock.RecordView{}, explore.ErrInapplicable
	}
	v, err := x.m.shadow.Record(x.m.company(), mr.id)
	if err != nil || v.Status == dikidimock.StatusCancelled {
		return nil, v, explore.ErrInapplicable
	}
	return mr, v, nil
}

// salonChanges moves, confirms or cancels a record in DIKIDI's panel.
func (x *explorer) salonChanges(s explore.Step) error {
	a, m, w := s.Args, x.m, x.w
	mr, _, err := x.active(a["ref"])
	if err != nil {
		return err
	}
	var change func(*dikidimock.Mock, int64, int64) error
	switch s.Action {
	case "salon-moves":
		change = func(on *dikidimock.Mock, company, id int64) error {
			_, err := on.Move(company, id, argTime(a, "start"), argInt(a, "master"))
			return err
		}
	case "salon-confirms":
		confirmed := dikidimock.StatusConfirmed
		change = func(on *dikidimock.Mock, company, id int64) error {
			_, err := on.Edit(company, id, dikidimock.RecordChange{Status: &confirmed})
			return err
		}
	default:
		change = func(on *dikidimock.Mock, company, id int64) error {
			_, err := on.Cancel(company, id, "Changed plans")
			return err
		}
	}
	if change(m.shadow, m.company(), mr.id) != nil {
		return explore.ErrInapplicable
	}
	m.touch(mr)
	if mr.dikidiID == 0 {
		return fmt.Errorf("records (partner → DIKIDI): the salon's staff cannot change %s in DIKIDI: it never reached DIKIDI (the partner's action gave no DIKIDI id); %s", mr.ref, w.evidence(0))
	}
	w.changeMark = w.Mark()
	if err := change(w.s.mock, w.company, mr.dikidiID); err != nil {
		return fmt.Errorf("records (partner → DIKIDI): DIKIDI refused %q, which fits DIKIDI as it should be: the partner's changes left DIKIDI otherwise: %v", s.Text, err)
	}
	return nil
}

// partnerParams are a partner action's parameters for a step; the model
// applies the change first when it is to be carried out.
type partnerParams struct {
	action, what string
	params       map[string]any
	result       *actionResult
}

// partner does what the partner's staff do: tried while the key is paused
// (the partner must refuse it itself), else carried out, with DIKIDI's
// answer lost on the way back when the step says so.
func (x *explorer) partner(s explore.Step, p partnerParams) error {
	w := x.w
	if s.Args["try"] == "yes" {
		if err := w.act("try to ", "pause", p.what, p.action, p.params, nil); err != nil {
			return err
		}
		if w.actErr == nil {
			return fmt.Errorf("pause: the partner's staff could %s while the key was paused: the partner should refuse it itself, saying it is paused (%s)", p.what, w.evidence(w.actMark))
		}
		return nil
	}
	if s.Args["lose_answer"] == "yes" {
		w.s.mock.LoseNextAnswers(w.key.Token, 1)
		defer w.s.mock.LoseNextAnswers(w.key.Token, 0)
	}
	flow := "records (partner → DIKIDI)"
	if p.action == "change-schedule" {
		flow = "schedule (partner → DIKIDI)"
	}
	var res any // a nil *actionResult would be a typed nil
	if p.result != nil {
		res = p.result
	}
	return w.act("", flow, p.what, p.action, p.params, res)
}

// tryable checks a partner step against the key's state in the model: a
// try while paused, a change otherwise.
func (x *explorer) tryable(s explore.Step) error {
	if x.m.paused != (s.Args["try"] == "yes") {
		return explore.ErrInapplicable
	}
	return nil
}

// partnerMakes adds a record or occupies time at the partner.
func (x *explorer) partnerMakes(s explore.Step) error {
	a, m := s.Args, x.m
	if err := x.tryable(s); err != nil {
		return err
	}
	mr := &modelRecord{ref: a["ref"], byPartner: true, held: true, occupied: s.Action == "partner-occupies"}
	master, start, end := argInt(a, "master"), argTime(a, "start"), argTime(a, "end")
	name, surname := splitName(a["client"])
	p := partnerParams{result: &actionResult{}}
	if mr.occupied {
		p.action, p.what = "occupy-time", "occupy the time"
		p.params = map[string]any{"master_id": master, "start": start, "end": end, "comment": "Held by the partner"}
	} else {
		mr.services = splitIDs(a["services"])
		p.action, p.what = "add-record", "add the record"
		p.params = map[string]any{"master_id": master, "service_ids": mr.services, "start": start,
			"client": map[string]any{"name": name, "surname": surname, "phone": a["phone"]}}
	}
	if a["try"] == "yes" {
		return x.partner(s, p)
	}
	var v dikidimock.RecordView
	var err error
	if mr.occupied {
		v, err = m.shadow.Occupy(m.company(), master, start, end, "")
	} else {
		v, err = m.shadow.Book(m.company(), dikidimock.Booking{MasterID: master, ServiceIDs: mr.services, Start: start, Client: dikidimock.Client{Name: name, Surname: surname, Phone: a["phone"]}})
	}
	if err != nil {
		return explore.ErrInapplicable
	}
	m.add(mr, v.ID)
	if err := x.partner(s, p); err != nil {
		return err
	}
	if p.result.RecordID == "" {
		return fmt.Errorf("records (partner → DIKIDI): the partner's %s action returned no record_id", p.action)
	}
	mr.partnerID, mr.dikidiID = p.result.RecordID, p.result.DikidiID
	return nil
}

// partnerID is the partner's own id of a record: known when its staff made
// it, else the one it holds DIKIDI's record as.
func (x *explorer) partnerID(mr *modelRecord) (string, error) {
	if mr.partnerID != "" {
		return mr.partnerID, nil
	}
	rs, err := x.w.records()
	if err != nil {
		return "", err
	}
	for _, r := range rs {
		if r.DikidiID == mr.dikidiID && r.active() {
			return r.ID, nil
		}
	}
	return "", fmt.Errorf("records (DIKIDI → partner): the partner's staff cannot find %s: the partner holds no active record of DIKIDI's record %d; %s", mr.ref, mr.dikidiID, x.w.deliveries(0))
}

// partnerChanges moves, confirms or cancels a record the partner holds.
func (x *explorer) partnerChanges(s explore.Step) error {
	a, m := s.Args, x.m
	if err := x.tryable(s); err != nil {
		return err
	}
	mr, v, err := x.active(a["ref"])
	if err != nil {
		return err
	}
	if !mr.held {
		return explore.ErrInapplicable
	}
	var p partnerParams
	var change func() error
	switch s.Action {
	case "partner-moves":
		master, start := argInt(a, "master"), argTime(a, "start")
		p = partnerParams{action: "edit-record", what: "move " + mr.ref, params: map[string]any{"start": start}}
		if master != v.MasterID {
			p.params["master_id"] = master
		}
		change = func() error { _, err := m.shadow.Move(m.company(), mr.id, start, master); return err }
	case "partner-confirms":
		p = partnerParams{action: "edit-record", what: "confirm " + mr.ref, params: map[string]any{"status": dikidimock.StatusConfirmed}}
		confirmed := dikidimock.StatusConfirmed
		change = func() error {
			_, err := m.shadow.Edit(m.company(), mr.id, dikidimock.RecordChange{Status: &confirmed})
			return err
		}
	default:
		p = partnerParams{action: "cancel-record", what: cancelVerb(mr) + " " + mr.ref, params: map[string]any{"reason": "Cancelled at the partner"}}
		change = func() error { _, err := m.shadow.Cancel(m.company(), mr.id, "Cancelled at the partner"); return err }
	}
	if a["try"] != "yes" {
		if change() != nil {
			return explore.ErrInapplicable
		}
		m.touch(mr)
	}
	id, err := x.partnerID(mr)
	if err != nil {
		return err
	}
	p.params["record_id"] = id
	return x.partner(s, p)
}

// partnerHours sets a master's day at the partner; the key allows it while
// paused too (the schedule is not a record permission).
func (x *explorer) partnerHours(s explore.Step) error {
	m := x.m
	master, date, h, err := hoursOf(s.Args, m.loc)
	if err != nil {
		return err
	}
	if s.Args["try"] == "yes" || (m.paused && s.Args["lose_answer"] == "yes") {
		return explore.ErrInapplicable
	}
	if m.shadow.SetHours(m.company(), master, date, h) != nil {
		return explore.ErrInapplicable
	}
	params := map[string]any{"master_id": master, "date": date.Format(time.DateOnly), "working": h.Working}
	if h.Working {
		params["work_from"], params["work_to"] = h.From, h.To
		var breaks []map[string]any
		for _, b := range h.Breaks {
			breaks = append(breaks, map[string]any{"from": b[0], "to": b[1]})
		}
		if breaks != nil {
			params["breaks"] = breaks
		}
	}
	return x.partner(s, partnerParams{action: "change-schedule", what: "set the working hours", params: params})
}
