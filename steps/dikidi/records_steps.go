package dikidi

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/journal"

	"github.com/cucumber/godog"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

const (
	svcMasterDay = `"([^"]*)" with (\w+ \w+) on ` + day + ` at (\d\d:\d\d)`
	masterDay    = `(\w+ \w+) on ` + day + ` at (\d\d:\d\d)`
	forClient    = ` for "([^"]*)" "([^"]*)"`
	asClient     = ` online as "([^"]*)" "([^"]*)"`
	budgetOpt    = `(within the latency budget )?`
)

func registerRecords(sc *godog.ScenarioContext, w *world) {
	// the partner's staff
	sc.Step(`^the partner's staff (try to )?(?:add|added) (?:a|an) `+svcMasterDay+forClient+`$`, w.staffAdds)
	sc.Step(`^the partner's staff (try to )?move that record to (?:(\w+ \w+) on )?`+day+` at (\d\d:\d\d)$`, w.staffMoves)
	sc.Step(`^the partner's staff (try to )?cancel that record$`, w.staffCancels)
	sc.Step(`^the partner's staff (try to )?(?:occupy|occupied) (\w+ \w+)'s time on `+day+` from (\d\d:\d\d) to (\d\d:\d\d)$`, w.staffOccupies)
	sc.Step(`^the partner's staff (try to )?move that time to `+day+` at (\d\d:\d\d)$`, w.staffMovesTime)
	sc.Step(`^the partner's staff (try to )?release that time$`, w.staffReleases)
	sc.Step(`^the partner synchronises(?: again)?$`, w.partnerSyncs)
	// the salon's side
	sc.Step(`^a client (?:books|booked) (?:a|an) `+svcMasterDay+asClient+`$`, w.clientBooks)
	sc.Step(`^the salon's staff (?:book|booked) (?:a|an) `+svcMasterDay+` for their client "([^"]*)"$`, w.staffBooksKnownClient)
	sc.Step(`^the salon's staff move that record to `+day+` at (\d\d:\d\d) in DIKIDI$`, func(weekday, hhmm string) error { return w.salonMoves("", weekday, hhmm) })
	sc.Step(`^the salon's staff give that record to (\w+ \w+) on `+day+` at (\d\d:\d\d) in DIKIDI$`, w.salonMoves)
	sc.Step(`^the salon's staff confirm that record in DIKIDI$`, w.salonConfirms)
	sc.Step(`^the salon's staff cancel that record in DIKIDI$`, w.salonCancels)
	sc.Step(`^the salon's staff change the phone of their client "([^"]*)" to "([^"]*)" in DIKIDI$`, w.salonChangesPhone)
	sc.Step(`^the salon's staff cancel (\w+ \w+)'s record on `+day+` in DIKIDI$`, w.salonCancelsClientsRecord)
	sc.Step(`^the network loses the next (?:(\d+) )?"([^"]*)" events? on (?:its|their) way to the partner$`, func(n, name string) error {
		if err := w.atPath("events lost on their way to the partner's Path"); err != nil {
			return err
		}
		return w.s.mock.DropNextEvents(w.company, w.key.ID, count(n), name)
	})
	sc.Step(`^the network loses the partner's answer to the next "([^"]*)" event$`, func(name string) error {
		if err := w.atPath("the partner's answers to events at its Path"); err != nil {
			return err
		}
		return w.s.mock.LoseNextEventAnswers(w.company, w.key.ID, 1, name)
	})
	sc.Step(`^the network loses DIKIDI's answer to the partner's next change( and the one to its retry)?$`, func(retry string) error {
		n := 1
		if retry != "" {
			n = 2
		}
		w.s.mock.LoseNextAnswers(w.key.Token, n)
		return nil
	})
	sc.Step(`^the network cuts off DIKIDI's answer to the partner's next read$`, func() error {
		w.s.mock.CutNextReads(w.key.Token, 1)
		return nil
	})
	sc.Step(`^the partner says its synchronisation failed$`, w.syncFailed)
	sc.Step(`^(\d+) minutes pass$`, w.minutesPass)
	// checks on the partner
	sc.Step(`^`+budgetOpt+`the partner shows (?:a|an) `+svcMasterDay+`$`, w.partnerShows)
	sc.Step(`^`+budgetOpt+`the partner shows no active record with `+masterDay+`$`, w.partnerShowsNone)
	sc.Step(`^the partner shows exactly one record with `+masterDay+`$`, w.partnerShowsOne)
	sc.Step(`^DIKIDI delivered the "([^"]*)" event twice$`, w.deliveredTwice)
	sc.Step(`^DIKIDI delivered the "([^"]*)" event after the "([^"]*)" event$`, w.deliveredAfter)
	// checks on DIKIDI
	sc.Step(`^within the latency budget DIKIDI shows (?:a|an) `+svcMasterDay+`( made by the partner)?$`, w.platformShows)
	sc.Step(`^within the latency budget DIKIDI shows no active record with `+masterDay+`$`, w.platformShowsNone)
	sc.Step(`^within the latency budget DIKIDI shows (\w+ \w+)'s time occupied on `+day+` from (\d\d:\d\d) to (\d\d:\d\d)$`, w.platformOccupied)
	sc.Step(`^DIKIDI no longer offers `+masterDay+`$`, w.platformNotOffered)
	sc.Step(`^within the latency budget DIKIDI offers `+masterDay+` again$`, w.platformOffered)
	sc.Step(`^DIKIDI has exactly one record of the partner with `+masterDay+`$`, w.platformExactlyOne)
	sc.Step(`^the partner's record is linked to that DIKIDI record$`, w.linked)
	sc.Step(`^the partner says it could not do that$`, w.couldNot)
	sc.Step(`^the partner holds `+masterDay+` as occupied time$`, w.partnerHoldsOccupied)
}

// count reads an optional number of a step; none is one.
func count(n string) int {
	if v, err := strconv.Atoi(n); err == nil {
		return v
	}
	return 1
}

type actionResult struct {
	RecordID string `json:"record_id"`
	DikidiID int64  `json:"dikidi_id"`
}

// act runs a staff action; with "try to" a refusal is kept for a later Then,
// otherwise it fails the step in the flow's name.
func (w *world) act(try, flow, what, action string, params map[string]any, res any) error {
	w.actMark = w.Mark()
	w.actErr = w.s.Driver.Act(w.Ctx, action, params, res)
	if w.actErr != nil && try == "" {
		return fmt.Errorf("%s: the partner could not %s: %w (%s)", flow, what, w.actErr, w.evidence(w.actMark))
	}
	return nil
}

func splitName(full string) (string, string) {
	name, surname, _ := strings.Cut(full, " ")
	return name, surname
}

// services reads "Men's haircut + Beard trim": services booked one after another.
func (w *world) services(phrase string) ([]int64, error) {
	var ids []int64
	for _, name := range strings.Split(phrase, " + ") {
		svc, err := w.service(name)
		if err != nil {
			return nil, err
		}
		ids = append(ids, svc.ID)
	}
	return ids, nil
}

// booking resolves a record as a step names it: its services, master and start.
func (w *world) booking(serviceNames, masterName, weekday, hhmm string) ([]int64, dikidifixture.Master, time.Time, error) {
	ids, err := w.services(serviceNames)
	if err != nil {
		return nil, dikidifixture.Master{}, time.Time{}, err
	}
	m, start, err := w.masterAt(masterName, weekday, hhmm)
	return ids, m, start, err
}

func (w *world) staffAdds(try, serviceNames, masterName, weekday, hhmm, client, phone string) error {
	ids, m, start, err := w.booking(serviceNames, masterName, weekday, hhmm)
	if err != nil {
		return err
	}
	name, surname := splitName(client)
	var res actionResult
	params := map[string]any{"master_id": m.ID, "service_ids": ids, "start": start,
		"client": map[string]any{"name": name, "surname": surname, "phone": phone}, "comment": staffComment}
	if err := w.act(try, "records (partner → DIKIDI)", "add the record", "add-record", params, &res); err != nil {
		return err
	}
	if w.actErr == nil {
		if res.RecordID == "" {
			return fmt.Errorf("records (partner → DIKIDI): the partner's add-record action returned no record_id")
		}
		w.record, w.dikidiID = res.RecordID, res.DikidiID
		w.entered = dikidimock.Client{Name: name, Surname: surname, Phone: phone}
	}
	return nil
}

// The notes the partner's staff write: DIKIDI must show them as written.
const (
	staffComment  = "First visit, allergic to ammonia dye"
	occupyComment = "Held by the partner"
	cancelReason  = "Cancelled at the partner"
)

// recordID is the partner's own id of "that record": the one its staff made,
// or, for a record made in DIKIDI, the one the partner learned it as (waited
// for within the latency budget).
func (w *world) recordID() (string, error) {
	if w.record != "" || w.dikidiID == 0 {
		return w.record, nil
	}
	id, err := w.partnerIDOf(w.dikidiID, "record")
	w.record = id
	return id, err
}

// partnerIDOf is the partner's own id of a DIKIDI record (or occupied time,
// as what names it), waited for within the latency budget.
func (w *world) partnerIDOf(dikidiID int64, what string) (string, error) {
	var id string
	err := w.Within(w.s.Budget, fmt.Sprintf("records (DIKIDI → partner): the partner holds DIKIDI's %s %d", what, dikidiID), func() (bool, string) {
		rs, err := w.records()
		if err != nil {
			return w.CannotTell(err)
		}
		for _, r := range rs {
			if r.DikidiID == dikidiID {
				id = r.ID
				return true, ""
			}
		}
		return false, "its records view has no record with that dikidi_id; " + w.deliveries(w.changeMark)
	})
	return id, err
}

func (w *world) staffMoves(try, masterName, weekday, hhmm string) error {
	start, err := w.at(weekday, hhmm)
	if err != nil {
		return err
	}
	id, err := w.recordID()
	if err != nil {
		return err
	}
	params := map[string]any{"record_id": id, "start": start}
	if masterName != "" {
		m, err := w.master(masterName)
		if err != nil {
			return err
		}
		params["master_id"] = m.ID
	}
	return w.act(try, "records (partner → DIKIDI)", "move the record", "edit-record", params, nil)
}

func (w *world) staffCancels(try string) error {
	id, err := w.recordID()
	if err != nil {
		return err
	}
	if err := w.act(try, "records (partner → DIKIDI)", "cancel the record", "cancel-record", map[string]any{"record_id": id, "reason": cancelReason}, nil); err != nil {
		return err
	}
	if w.actErr == nil {
		w.cancelReason = cancelReason
	}
	return nil
}

func (w *world) staffOccupies(try, masterName, weekday, from, to string) error {
	d, err := w.workday(masterName, weekday, from, to)
	if err != nil {
		return err
	}
	m, start, end := d.master, d.hours.From, d.hours.To
	var res actionResult
	if err := w.act(try, "records (partner → DIKIDI)", "occupy the time", "occupy-time", map[string]any{"master_id": m.ID, "start": start, "end": end, "comment": occupyComment}, &res); err != nil {
		return err
	}
	if w.actErr == nil {
		w.occupied = res.RecordID
	}
	return nil
}

func (w *world) staffMovesTime(try, weekday, hhmm string) error {
	start, err := w.at(weekday, hhmm)
	if err != nil {
		return err
	}
	return w.act(try, "records (partner → DIKIDI)", "move the occupied time", "edit-record", map[string]any{"record_id": w.occupied, "start": start}, nil)
}

func (w *world) staffReleases(try string) error {
	return w.act(try, "records (partner → DIKIDI)", "release the time", "cancel-record", map[string]any{"record_id": w.occupied}, nil)
}

// partnerSyncs runs the partner's own synchronisation; its outcome is judged by later steps.
func (w *world) partnerSyncs() error {
	w.actMark = w.Mark()
	w.actErr = w.s.Driver.Act(w.Ctx, "sync", map[string]any{}, nil)
	return nil
}

// syncFailed: a synchronisation that met no answer from DIKIDI is not done,
// and the partner says so, in its answer to the sync or in its status's
// last_error (either will do: accord does not judge the sync's answer alone).
func (w *world) syncFailed() error {
	if w.actErr != nil {
		return nil
	}
	st, err := w.status()
	if err != nil {
		return err
	}
	if st.LastError == "" {
		return fmt.Errorf("records (DIKIDI → partner): DIKIDI's answer to a read of the partner's synchronisation was cut off, yet the partner answered that the synchronisation was done and its status names no error (%s)", w.evidence(w.actMark))
	}
	return nil
}

// book makes "that record" on DIKIDI's side; the partner's id of it is
// learned when a step needs it.
func (w *world) book(who, serviceNames, masterName, weekday, hhmm string, client dikidimock.Client, online bool) error {
	ids, m, start, err := w.booking(serviceNames, masterName, weekday, hhmm)
	if err != nil {
		return err
	}
	w.changeMark = w.Mark()
	r, err := w.s.mock.Book(w.company, dikidimock.Booking{MasterID: m.ID, ServiceIDs: ids, Start: start, Client: client, Online: online})
	if err != nil {
		return fmt.Errorf("%s could not book on DIKIDI: %w", who, err)
	}
	w.record, w.dikidiID = "", r.ID
	return nil
}

func (w *world) clientBooks(serviceNames, masterName, weekday, hhmm, client, phone string) error {
	name, surname := splitName(client)
	return w.book("the client", serviceNames, masterName, weekday, hhmm, dikidimock.Client{Name: name, Surname: surname, Phone: phone}, true)
}

func (w *world) staffBooksKnownClient(serviceNames, masterName, weekday, hhmm, client string) error {
	c, err := w.fixtureClient(client)
	if err != nil {
		return err
	}
	return w.book("the salon's staff", serviceNames, masterName, weekday, hhmm, dikidimock.Client{ID: c.ID}, false)
}

func (w *world) salonChangesPhone(client, phone string) error {
	c, err := w.fixtureClient(client)
	if err != nil {
		return err
	}
	w.changeMark = w.Mark()
	return w.s.mock.EditClient(w.company, c.ID, dikidimock.ClientChange{Phone: &phone})
}

// fixtureClient finds one of the salon's clients by "Name Surname".
func (w *world) fixtureClient(full string) (dikidifixture.Client, error) {
	return named(w.fx.Clients, "client", full, func(c dikidifixture.Client) string {
		if c.Surname != nil {
			return c.Name + " " + *c.Surname
		}
		return c.Name
	})
}

// inDIKIDI is the salon's staff making a change to "that record" in DIKIDI.
func (w *world) inDIKIDI(change func(id int64) (dikidimock.RecordView, error)) error {
	if w.dikidiID == 0 {
		return fmt.Errorf("records (partner → DIKIDI): the salon's staff cannot change the partner's record %s in DIKIDI: it never reached DIKIDI (its add-record action gave no DIKIDI id); %s", w.record, w.evidence(0))
	}
	w.changeMark = w.Mark()
	_, err := change(w.dikidiID)
	return err
}

// salonMoves moves the scenario's record in DIKIDI, to another master when
// one is named (the same master otherwise).
func (w *world) salonMoves(masterName, weekday, hhmm string) error {
	start, err := w.at(weekday, hhmm)
	if err != nil {
		return err
	}
	var masterID int64
	if masterName != "" {
		m, err := w.master(masterName)
		if err != nil {
			return err
		}
		masterID = m.ID
	}
	return w.inDIKIDI(func(id int64) (dikidimock.RecordView, error) { return w.s.mock.Move(w.company, id, start, masterID) })
}

func (w *world) salonConfirms() error {
	confirmed := dikidimock.StatusConfirmed
	return w.inDIKIDI(func(id int64) (dikidimock.RecordView, error) {
		return w.s.mock.Edit(w.company, id, dikidimock.RecordChange{Status: &confirmed})
	})
}

func (w *world) salonCancels() error {
	return w.inDIKIDI(func(id int64) (dikidimock.RecordView, error) {
		return w.s.mock.Cancel(w.company, id, "Client called the salon")
	})
}

// salonCancelsClientsRecord cancels the salon's active record of a client on a day.
func (w *world) salonCancelsClientsRecord(client, weekday string) error {
	c, err := w.fixtureClient(client)
	if err != nil {
		return err
	}
	date, err := w.date(weekday)
	if err != nil {
		return err
	}
	rs, err := w.s.mock.Records(w.company, date, date.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.ClientID == c.ID && r.Status != dikidimock.StatusCancelled {
			w.dikidiID, w.record = r.ID, ""
			return w.salonCancels()
		}
	}
	return fmt.Errorf("%s has no active record on %s", client, date.Format("Mon 2006-01-02"))
}

// settle waits (in real time, briefly) until every event of the key has had
// its first attempt: first attempts leave from a worker, and a retry is only
// scheduled once its attempt failed.
func (w *world) settle() {
	if !w.hasKey {
		return
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ds, err := w.s.mock.Deliveries(w.company, w.key.ID)
		if err != nil {
			return
		}
		waiting := false
		for _, d := range ds {
			waiting = waiting || (d.Status == dikidimock.DeliveryPending && len(d.Attempts) == 0)
		}
		if !waiting {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func (w *world) minutesPass(n int) error {
	w.settle()
	w.s.Clock.Advance(time.Duration(n) * time.Minute)
	return nil
}

// partner checks -----------------------------------------------------------------

func (w *world) partnerAt(masterID int64, start time.Time) ([]partnerRecord, error) {
	rs, err := w.records()
	if err != nil {
		return nil, err
	}
	var out []partnerRecord
	for _, r := range rs {
		if r.MasterID == masterID && r.Start.Equal(start) && r.active() {
			out = append(out, r)
		}
	}
	return out, nil
}

// hasAll reports whether a record's services include every one asked for.
func hasAll(got, want []int64) bool {
	for _, id := range want {
		if !slices.Contains(got, id) {
			return false
		}
	}
	return true
}

// atSpot waits within the latency budget (or looks once, unless wait) until
// holds is true of the active records look finds with a master at a time;
// what, before " with <master> at <time>", names the check. A look that
// fails stops it at once: waiting would only hide why.
func atSpot[R any](w *world, wait bool, what string, look func(int64, time.Time) ([]R, error), masterName, weekday, hhmm string, holds func([]R) (bool, string)) error {
	m, start, err := w.masterAt(masterName, weekday, hhmm)
	if err != nil {
		return err
	}
	what = fmt.Sprintf("%s with %s at %s", what, masterName, w.fmtTime(start))
	return w.eventually(wait, what, func() (bool, string) {
		rs, err := look(m.ID, start)
		if err != nil {
			return w.CannotTell(err)
		}
		return holds(rs)
	})
}

func (w *world) partnerShows(within, serviceNames, masterName, weekday, hhmm string) error {
	ids, err := w.services(serviceNames)
	if err != nil {
		return err
	}
	what := "records (DIKIDI → partner): the partner shows a " + serviceNames
	return atSpot(w, within != "", what, w.partnerAt, masterName, weekday, hhmm, func(rs []partnerRecord) (bool, string) {
		for _, r := range rs {
			if hasAll(r.ServiceIDs, ids) {
				return true, ""
			}
		}
		if len(rs) > 0 {
			var got []string
			for _, r := range rs {
				got = append(got, fmt.Sprintf("%s (DIKIDI %d) with services %v", r.ID, r.DikidiID, r.ServiceIDs))
			}
			return false, fmt.Sprintf("its active records there lack services %v: %s; %s", ids, strings.Join(got, ", "), w.deliveries(w.changeMark))
		}
		return false, fmt.Sprintf("its records view has no active record there; %s", w.deliveries(w.changeMark))
	})
}

func (w *world) partnerShowsNone(within, masterName, weekday, hhmm string) error {
	what := "records (DIKIDI → partner): the partner shows no active record"
	return atSpot(w, within != "", what, w.partnerAt, masterName, weekday, hhmm, func(rs []partnerRecord) (bool, string) {
		if len(rs) > 0 {
			return false, fmt.Sprintf("record %s (DIKIDI %d) is still %s there; %s", rs[0].ID, rs[0].DikidiID, rs[0].Status, w.deliveries(w.changeMark))
		}
		return true, ""
	})
}

func (w *world) partnerShowsOne(masterName, weekday, hhmm string) error {
	what := "events: the partner shows exactly one record"
	return atSpot(w, true, what, w.partnerAt, masterName, weekday, hhmm, func(rs []partnerRecord) (bool, string) {
		if len(rs) != 1 {
			var ids []string
			for _, r := range rs {
				ids = append(ids, fmt.Sprintf("%s (DIKIDI %d)", r.ID, r.DikidiID))
			}
			return false, fmt.Sprintf("it shows %d: %s; %s", len(rs), strings.Join(ids, ", "), w.deliveries(w.changeMark))
		}
		return true, ""
	})
}

// accepted are the deliveries of an event the partner answered 2xx (even if
// the answer was then lost on the way back), by event id.
func (w *world) accepted(name string) map[string][]int64 {
	out := map[string][]int64{}
	for _, e := range w.events(0) {
		if e.Operation == "event:"+name && e.Status >= 200 && e.Status < 300 {
			id := e.RequestHeader.Get("X-Dikidi-Event-Id")
			out[id] = append(out[id], e.Seq)
		}
	}
	return out
}

func (w *world) deliveredTwice(name string) error {
	if err := w.atPath("events delivered again to the partner's Path"); err != nil {
		return err
	}
	for _, seqs := range w.accepted(name) {
		if len(seqs) >= 2 {
			return nil
		}
	}
	// Sent twice but not taken twice: the partner refused the redelivery
	// (a 409 for a duplicate, say), which DIKIDI counts as a failed delivery
	// and retries; a duplicate must be dropped and answered 2xx.
	for id, es := range w.sent(name) {
		if len(es) < 2 {
			continue
		}
		var answers []string
		for _, e := range es {
			answers = append(answers, fmt.Sprint(e.Status))
		}
		return fmt.Errorf("events: DIKIDI delivered %q (event %s) %d times and the partner answered %s: a duplicate is dropped and answered 2xx, otherwise DIKIDI counts the delivery as failed and retries it; %s",
			name, id, len(es), strings.Join(answers, ", then "), w.deliveries(w.changeMark))
	}
	return fmt.Errorf("events: DIKIDI did not deliver %q twice: %s", name, w.deliveries(w.changeMark))
}

// sent are the deliveries of an event whatever the partner answered, by
// event id.
func (w *world) sent(name string) map[string][]journal.Entry {
	out := map[string][]journal.Entry{}
	for _, e := range w.events(0) {
		if e.Operation == "event:"+name {
			id := e.RequestHeader.Get("X-Dikidi-Event-Id")
			out[id] = append(out[id], e)
		}
	}
	return out
}

func (w *world) deliveredAfter(later, earlier string) error {
	if err := w.atPath("the order in which events reach the partner's Path"); err != nil {
		return err
	}
	first := func(name string) int64 {
		var min int64
		for _, seqs := range w.accepted(name) {
			for _, s := range seqs {
				if min == 0 || s < min {
					min = s
				}
			}
		}
		return min
	}
	a, b := first(later), first(earlier)
	if a == 0 || b == 0 || a < b {
		return fmt.Errorf("events: %q did not arrive after %q: %s", later, earlier, w.deliveries(w.changeMark))
	}
	return nil
}

// partnerHoldsOccupied makes "that time" the time occupied in DIKIDI at a
// spot, by the partner's own id of it (waited for within the latency budget).
func (w *world) partnerHoldsOccupied(masterName, weekday, hhmm string) error {
	rs, start, err := w.platformAtSpot(masterName, weekday, hhmm)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Type == dikidimock.TypeOccupied {
			w.occupied, err = w.partnerIDOf(r.ID, "occupied time")
			return err
		}
	}
	return fmt.Errorf("DIKIDI has no occupied time with %s at %s", masterName, w.fmtTime(start))
}

// couldNot: the staff's last change was not done (DIKIDI refused it), and
// the partner's answer says so rather than reporting it done.
func (w *world) couldNot() error {
	if w.actErr == nil {
		return fmt.Errorf("records (partner → DIKIDI): the partner reported the change done although DIKIDI refused it; %s", w.evidence(w.actMark))
	}
	return nil
}

// DIKIDI checks -------------------------------------------------------------------

// platformAtSpot is platformAt for a spot named as the features name it.
func (w *world) platformAtSpot(masterName, weekday, hhmm string) ([]dikidimock.RecordView, time.Time, error) {
	m, start, err := w.masterAt(masterName, weekday, hhmm)
	if err != nil {
		return nil, start, err
	}
	rs, err := w.platformAt(m.ID, start)
	return rs, start, err
}

func (w *world) platformAt(masterID int64, start time.Time) ([]dikidimock.RecordView, error) {
	rs, err := w.s.mock.Records(w.company, start.Add(-time.Minute), start.Add(time.Minute))
	if err != nil {
		return nil, err
	}
	var out []dikidimock.RecordView
	for _, r := range rs {
		if r.MasterID == masterID && r.Start.Equal(start) && r.Status != dikidimock.StatusCancelled {
			out = append(out, r)
		}
	}
	return out, nil
}

// platformShows: DIKIDI's journal has the record with every service asked
// for; "made by the partner" asks that the key made it.
func (w *world) platformShows(serviceNames, masterName, weekday, hhmm, byPartner string) error {
	ids, err := w.services(serviceNames)
	if err != nil {
		return err
	}
	what := "records (partner → DIKIDI): DIKIDI shows the partner's " + serviceNames
	return atSpot(w, true, what, w.platformAt, masterName, weekday, hhmm, func(rs []dikidimock.RecordView) (bool, string) {
		var there []string
		for _, r := range rs {
			if (byPartner == "" || r.KeyID == w.key.ID) && hasAll(r.ServiceIDs, ids) {
				if byPartner == "" || w.entered.Phone == "" {
					return true, ""
				}
				return w.asEntered(r)
			}
			there = append(there, fmt.Sprintf("%d with services %v (by %s)", r.ID, r.ServiceIDs, r.Source))
		}
		return false, fmt.Sprintf("DIKIDI's journal has no such record there (it has %s); %s", orNone(strings.Join(there, ", ")), w.evidence(w.actMark))
	})
}

// asEntered: a record the partner's staff added reaches DIKIDI with the new
// client as they entered them (name and surname apart, as DIKIDI keeps
// them) and with their comment: the salon's staff read both in the panel.
func (w *world) asEntered(r dikidimock.RecordView) (bool, string) {
	got := fmt.Sprintf("client %q %q %s, comment %q", r.ClientName, r.Surname, r.Phone, r.Comment)
	want := fmt.Sprintf("client %q %q %s, comment %q", w.entered.Name, w.entered.Surname, w.entered.Phone, staffComment)
	if got != want {
		return false, fmt.Sprintf("DIKIDI's record %d has %s, but the partner's staff entered %s; %s", r.ID, got, want, w.evidence(w.actMark))
	}
	return true, ""
}

func (w *world) platformShowsNone(masterName, weekday, hhmm string) error {
	what := "records (partner → DIKIDI): DIKIDI has no active record"
	return atSpot(w, true, what, w.platformAt, masterName, weekday, hhmm, func(rs []dikidimock.RecordView) (bool, string) {
		if len(rs) > 0 {
			return false, fmt.Sprintf("record %d is still %s there; %s", rs[0].ID, rs[0].Status, w.evidence(w.actMark))
		}
		return w.cancelledAsEntered()
	})
}

// cancelledAsEntered: a record the partner's staff cancelled with a reason
// carries that reason in DIKIDI, where the salon's staff read why it went.
func (w *world) cancelledAsEntered() (bool, string) {
	if w.cancelReason == "" || w.dikidiID == 0 {
		return true, ""
	}
	r, err := w.s.mock.Record(w.company, w.dikidiID)
	if err != nil {
		return w.CannotTell(err)
	}
	if r.Status == dikidimock.StatusCancelled && r.CancelReason != w.cancelReason {
		return false, fmt.Sprintf("DIKIDI's record %d was cancelled with the reason %q, but the partner's staff gave %q; %s", r.ID, r.CancelReason, w.cancelReason, w.evidence(w.actMark))
	}
	return true, ""
}

func (w *world) platformOccupied(masterName, weekday, from, to string) error {
	d, err := w.workday(masterName, weekday, from, to)
	if err != nil {
		return err
	}
	m, start, end := d.master, d.hours.From, d.hours.To
	what := fmt.Sprintf("records (partner → DIKIDI): DIKIDI shows %s's time occupied from %s to %s", masterName, w.fmtTime(start), end.Format("15:04"))
	return w.Within(w.s.Budget, what, func() (bool, string) {
		rs, err := w.platformAt(m.ID, start)
		if err != nil {
			return w.CannotTell(err)
		}
		for _, r := range rs {
			if r.Type == dikidimock.TypeOccupied && r.End.Equal(end) && r.KeyID == w.key.ID {
				if r.Comment != occupyComment {
					return false, fmt.Sprintf("DIKIDI's occupied time %d has the comment %q, but the partner's staff wrote %q; %s", r.ID, r.Comment, occupyComment, w.evidence(w.actMark))
				}
				return true, ""
			}
		}
		return false, "DIKIDI's journal has no occupied time there made through the key; " + w.evidence(w.actMark)
	})
}

// offered reports whether any service the master provides can start at t.
func (w *world) offered(masterName string, t time.Time) (bool, error) {
	m, err := w.master(masterName)
	if err != nil {
		return false, err
	}
	for _, sid := range m.ServiceIDs {
		free, err := w.s.mock.FreeTimes(w.company, []int64{sid}, m.ID, t)
		if err != nil {
			return false, err
		}
		for _, f := range free {
			if f.Equal(t) {
				return true, nil
			}
		}
	}
	return false, nil
}

func (w *world) platformNotOffered(masterName, weekday, hhmm string) error {
	t, err := w.at(weekday, hhmm)
	if err != nil {
		return err
	}
	ok, err := w.offered(masterName, t)
	if err != nil {
		return err
	}
	if ok {
		return fmt.Errorf("records (partner → DIKIDI): DIKIDI still offers %s at %s to its clients; %s", masterName, w.fmtTime(t), w.evidence(w.actMark))
	}
	return nil
}

func (w *world) platformOffered(masterName, weekday, hhmm string) error {
	t, err := w.at(weekday, hhmm)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("records (partner → DIKIDI): DIKIDI offers %s at %s again", masterName, w.fmtTime(t))
	return w.Within(w.s.Budget, what, func() (bool, string) {
		ok, err := w.offered(masterName, t)
		if err != nil {
			return w.CannotTell(err)
		}
		return ok, "no service of the master can start there; " + w.evidence(w.actMark)
	})
}

func (w *world) platformExactlyOne(masterName, weekday, hhmm string) error {
	rs, start, err := w.platformAtSpot(masterName, weekday, hhmm)
	if err != nil {
		return err
	}
	var mine []dikidimock.RecordView
	for _, r := range rs {
		if r.KeyID == w.key.ID {
			mine = append(mine, r)
		}
	}
	if len(mine) != 1 {
		return fmt.Errorf("records (partner → DIKIDI): DIKIDI has %d records of the partner with %s at %s, want exactly one; %s", len(mine), masterName, w.fmtTime(start), w.evidence(w.actMark))
	}
	w.dikidiID = mine[0].ID
	return nil
}

func (w *world) linked() error {
	r, err := w.thatRecord("records (partner → DIKIDI): the partner has no record " + w.record + " any more")
	if err == nil && r.DikidiID != w.dikidiID {
		err = fmt.Errorf("records (partner → DIKIDI): the partner's record %s points at DIKIDI record %d, but DIKIDI made it as %d", r.ID, r.DikidiID, w.dikidiID)
	}
	return err
}

// thatRecord is "that record" in the partner's records view; missing is the
// failure when the view has it no more.
func (w *world) thatRecord(missing string) (partnerRecord, error) {
	rs, err := w.records()
	if err != nil {
		return partnerRecord{}, err
	}
	for _, r := range rs {
		if r.ID == w.record {
			return r, nil
		}
	}
	return partnerRecord{}, errors.New(missing)
}
