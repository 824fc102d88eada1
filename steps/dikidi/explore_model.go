package dikidi

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/explore"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// model is what an exploration knows of the salon, and all that Next reads:
// DIKIDI as it should be (a second mock, the shadow, given every change of
// the sequence through DIKIDI's own rules), the records a step can name, and
// the state of the key and the network. It never reads the partner, so a
// seed gives the same sequence whatever the partner does.
type model struct {
	shadow   *dikidimock.Mock
	fx       *dikidifixture.Fixture
	loc      *time.Location
	dates    []time.Time
	withPath bool // DIKIDI sends the partner events (capability events=path)

	records []*modelRecord // the fixture's active records, then those the sequence made
	made    int            // names handed out: "record 3", "time 4"
	paused  bool           // the business removed every record permission
	failing bool           // the partner's Path fails
	cut     bool           // the partner's calls cannot reach DIKIDI
	changes int            // changes made to records so far, to tell the latest
	late    bool           // an event may wait for a retry: time passing is worth more
	lateBy  string         // whose change's event was lost last: "salon", "partner" or "key"
	lateFor int            // steps done since then without time passing
	lateRef string         // the record whose event was lost last
}

// modelRecord is a record (or occupied time) a step can name.
type modelRecord struct {
	ref       string
	id        int64 // the shadow's id
	occupied  bool
	services  []int64
	byPartner bool
	held      bool // the partner surely holds it, so its staff can change it
	changed   int  // model.changes when it was last made or changed
	// what Do learned of the real sides; Next never reads these
	dikidiID  int64
	partnerID string
}

func newModel(fx *dikidifixture.Fixture, c clock.Clock, withPath bool) (*model, error) {
	shadow, err := dikidimock.New(dikidimock.Options{Clock: c})
	if err != nil {
		return nil, err
	}
	loc, err := fx.Location()
	if err != nil {
		return nil, err
	}
	return &model{shadow: shadow, loc: loc, withPath: withPath}, nil
}

// reset starts the model over on a fresh salon: the fixture's, activated.
func (m *model) reset(fx *dikidifixture.Fixture) error {
	if m.fx != nil {
		m.shadow.RemoveCompany(m.fx.Company.ID)
	}
	dates, err := fx.Dates()
	if err != nil {
		return err
	}
	*m = model{shadow: m.shadow, fx: fx, loc: m.loc, dates: dates, withPath: m.withPath}
	if err := m.shadow.AddCompany(fx); err != nil {
		return err
	}
	named := map[string]int{}
	for _, r := range fx.Records {
		if r.Status == dikidimock.StatusCancelled {
			continue
		}
		mr := &modelRecord{id: r.ID, dikidiID: r.ID, occupied: r.Type == dikidimock.TypeOccupied, held: true}
		for _, s := range r.Services {
			mr.services = append(mr.services, s.ID)
		}
		// named by who and when it was at the start, as the salon would
		if r.Client != nil {
			mr.ref = fmt.Sprintf("%s's record on %s", fullName(r.Client.Name, r.Client.Surname), m.dayName(r.Start))
		} else {
			mr.ref = fmt.Sprintf("%s's time occupied on %s", m.masterName(r.MasterID), m.dayName(r.Start))
		}
		if named[mr.ref]++; named[mr.ref] > 1 {
			mr.ref += " at " + r.Start.In(m.loc).Format("15:04")
		}
		m.records = append(m.records, mr)
	}
	return nil
}

func (m *model) company() int64 { return m.fx.Company.ID }

func fullName(name string, surname *string) string {
	if surname == nil || *surname == "" {
		return name
	}
	return name + " " + *surname
}

// dayName is how the features name a day: "Tuesday" in the first week,
// "Tuesday of the second week" after.
func (m *model) dayName(t time.Time) string {
	t = t.In(m.loc)
	name := t.Weekday().String()
	if len(m.dates) > 0 && !t.Before(m.dates[0].AddDate(0, 0, 7)) {
		name += " of the second week"
	}
	return name
}

func (m *model) masterName(id int64) string {
	for _, ms := range m.fx.Masters {
		if ms.ID == id {
			return ms.Name
		}
	}
	return fmt.Sprintf("master %d", id)
}

func (m *model) serviceNames(ids []int64) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		for _, s := range m.fx.Services {
			if s.ID == id {
				names = append(names, s.Name)
			}
		}
	}
	return strings.Join(names, " + ")
}

func (m *model) duration(ids []int64) time.Duration {
	total := 0
	for _, id := range ids {
		for _, s := range m.fx.Services {
			if s.ID == id {
				total += s.Duration
			}
		}
	}
	return time.Duration(total) * time.Minute
}

// record finds a record a step names; ok is false when the sequence never
// made it (a shrunk replay lost the step).
func (m *model) record(ref string) (*modelRecord, bool) {
	for _, r := range m.records {
		if r.ref == ref {
			return r, true
		}
	}
	return nil, false
}

// active are the records DIKIDI should have booked, in the order made; held
// keeps only those the partner surely holds.
func (m *model) active(held bool) []*modelRecord {
	var out []*modelRecord
	for _, r := range m.records {
		if v, err := m.shadow.Record(m.company(), r.id); err == nil && v.Status != dikidimock.StatusCancelled && (!held || r.held) {
			out = append(out, r)
		}
	}
	return out
}

// pickRecord draws a record to change: mostly the one changed last while
// its event may still wait for a retry, half the time otherwise, so that
// changes on both sides, late events and retries meet on one record, where
// ordering bugs live. With none to draw from it draws nothing.
func (m *model) pickRecord(r *rand.Rand, rs []*modelRecord) (*modelRecord, bool) {
	if len(rs) == 0 {
		return nil, false
	}
	n := r.IntN(4)
	if m.late && n < 3 {
		for _, mr := range rs {
			if mr.ref == m.lateRef {
				return mr, true
			}
		}
	}
	if n < 2 || (m.late && n < 3) {
		latest := rs[0]
		for _, mr := range rs {
			if mr.changed > latest.changed {
				latest = mr
			}
		}
		return latest, true
	}
	return pick(r, rs), true
}

// add notes a record the sequence made, booked in the shadow as id.
func (m *model) add(mr *modelRecord, id int64) {
	mr.id = id
	m.made++
	m.records = append(m.records, mr)
	m.touch(mr)
}

// touch notes a change to a record.
func (m *model) touch(mr *modelRecord) {
	m.changes++
	mr.changed = m.changes
}

// holdAll: the partner has just read everything again.
func (m *model) holdAll() {
	for _, r := range m.records {
		r.held = true
	}
}

// people who book online or at the partner; one gives a phone DIKIDI knows
// under another spelling of her name, one gives no surname.
var people = []struct{ name, phone string }{
	{"Pavel Sokolov", "+79031112233"},
	{"Ivan Petrov", "+79031112244"},
	{"Olga Sidorova", "+79031112255"},
	{"Masha Lebedeva", "+79161234502"},
	{"Timur", "+79031112266"},
}

// eventOf is the event a change sends the partner.
var eventOf = map[string]string{
	"client-books": dikidimock.EventRecordCreated, "salon-books": dikidimock.EventRecordCreated, "salon-occupies": dikidimock.EventRecordCreated,
	"partner-adds": dikidimock.EventRecordCreated, "partner-occupies": dikidimock.EventRecordCreated,
	"salon-moves": dikidimock.EventRecordUpdated, "salon-confirms": dikidimock.EventRecordUpdated,
	"partner-moves": dikidimock.EventRecordUpdated, "partner-confirms": dikidimock.EventRecordUpdated,
	"salon-cancels": dikidimock.EventRecordCancelled, "partner-cancels": dikidimock.EventRecordCancelled,
	"salon-hours": dikidimock.EventScheduleUpdated, "partner-hours": dikidimock.EventScheduleUpdated,
	"pause": dikidimock.EventKeyStateChanged,
}

// Trouble on the way of a change's event ("net").
const (
	netLose   = "lose"   // the event is lost; DIKIDI retries it a minute later
	netAnswer = "answer" // the partner's answer is lost; DIKIDI delivers it again
)

// withNetwork now and then has the network lose a change's event, or the
// partner's answer to it, so that late, repeated and out-of-order deliveries
// meet the changes around them. The loss is part of the step: it hits that
// change's event and no other.
func (m *model) withNetwork(r *rand.Rand, s explore.Step) explore.Step {
	if !m.withPath || m.paused || m.failing {
		return s
	}
	switch r.IntN(8) {
	case 0, 1, 2:
		s.Args["net"] = netLose
		s.Text += ", and the network loses its event on the way to the partner"
	case 3:
		s.Args["net"] = netAnswer
		s.Text += ", and the partner's answer to its event is lost"
	}
	return s
}

// proposing -------------------------------------------------------------------------

// proposal makes one kind of step from the model, or says it has none now.
type proposal func(m *model, r *rand.Rand) (explore.Step, bool)

type kind struct {
	weight  func(m *model) int
	propose proposal
}

func always(n int) func(*model) int { return func(*model) int { return n } }

// kinds are every kind of step, weighted by what the model's state makes
// worth trying: an outage ends soon, time passes more often while events
// are late, a pause is lifted soon.
var kinds = []kind{
	{always(4), proposeClientBooks},
	{always(2), proposeSalonBooks},
	{crossing("partner", 3), proposeSalonMoves},
	{always(1), proposeSalonConfirms},
	{crossing("partner", 2), proposeSalonCancels},
	{always(1), proposeSalonOccupies},
	{always(2), proposeSalonHours},
	{reaching(always(3)), proposePartnerAdds},
	{reaching(crossing("salon", 3)), proposePartnerMoves},
	{reaching(always(1)), proposePartnerConfirms},
	{reaching(crossing("salon", 3)), proposePartnerCancels},
	{reaching(always(1)), proposePartnerOccupies},
	{reaching(always(1)), proposePartnerHours},
	{reaching(always(1)), proposePartnerSyncs},
	{reaching(func(m *model) int { return onlyIf(m.withPath && !m.failing && !m.paused, 1) }), proposePathFails},
	{func(m *model) int { return onlyIf(m.failing, 6) }, proposePathWorks},
	{waiting, proposeMinutes},
	{reaching(func(m *model) int { return onlyIf(!m.paused && !m.failing, 1) }), proposePause},
	{reaching(func(m *model) int { return onlyIf(m.paused && !m.failing, 4+onlyIf(m.lateBy == "key", 8)) }), proposeResume},
	{reaching(func(m *model) int { return onlyIf(!m.paused && !m.failing, 1) }), proposeCut},
	{func(m *model) int { return onlyIf(m.cut, 3) }, proposeReconnect},
}

// reaching is a kind of step only while the partner can reach DIKIDI. Cut
// off, its staff's changes cannot go through, and what a partner does with
// them then (refuse them, keep them for later) is its own choice; only
// DIKIDI's side changes, and time passes.
func reaching(weight func(*model) int) func(*model) int {
	return func(m *model) int { return onlyIf(!m.cut, weight(m)) }
}

// crossing weighs a change by the other side more while one side's event
// waits for its retry: the late event and the other side's newer change
// cross, which is where ordering bugs live (pickRecord makes them meet on
// one record).
func crossing(other string, n int) func(*model) int {
	return func(m *model) int {
		return n + onlyIf(m.lateBy == other && m.lateFor == 0, 10*n) + onlyIf(m.lateBy == other, 2*n)
	}
}

// waiting weighs time passing: seldom while nothing waits for a retry, and
// once a lost event has had a step or two for the other side's changes to
// cross it, more and more, so that the retry comes and the crossing shows.
func waiting(m *model) int {
	if !m.late {
		return 1
	}
	return 2 + 8*min(m.lateFor, 3)
}

// sideOf is whose change an action is: the partner's, the salon's, or the
// business's with its key (whose late event a resume then crosses).
func sideOf(action string) string {
	switch {
	case strings.HasPrefix(action, "partner-"):
		return "partner"
	case action == "pause":
		return "key"
	}
	return "salon"
}

func onlyIf(ok bool, n int) int {
	if ok {
		return n
	}
	return 0
}

// next proposes a step that makes sense in the model's state. A kind with
// nothing to propose (no record to move, no free time that day) is drawn
// again; time can always pass.
func (m *model) next(r *rand.Rand) explore.Step {
	weights := make([]int, len(kinds))
	total := 0
	for i, k := range kinds {
		weights[i] = k.weight(m)
		total += weights[i]
	}
	for range 20 {
		n := r.IntN(total)
		for i, w := range weights {
			if n < w {
				if s, ok := kinds[i].propose(m, r); ok {
					return s
				}
				break
			}
			n -= w
		}
	}
	s, _ := proposeMinutes(m, r)
	return s
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (m *model) hhmm(t time.Time) string { return t.In(m.loc).Format("15:04") }

// spot is where something could be booked: a master, a day and a start.
type spot struct {
	master int64
	start  time.Time
}

// freeSpot draws a start on DIKIDI's quarter-hour grid where dur fits with
// the master on one of a few days drawn, clear of everything but except.
func (m *model) freeSpot(r *rand.Rand, master int64, dur time.Duration, except int64) (spot, bool) {
	for range 4 {
		date := pick(r, m.dates)
		h, err := m.shadow.Day(m.company(), master, date)
		if err != nil || !h.Working {
			continue
		}
		var starts []time.Time
		for t := h.From; !t.Add(dur).After(h.To); t = t.Add(dikidimock.Step * time.Minute) {
			if m.shadow.Place(m.company(), master, t, t.Add(dur), except) == nil {
				starts = append(starts, t)
			}
		}
		if len(starts) > 0 {
			return spot{master, pick(r, starts)}, true
		}
	}
	return spot{}, false
}

// services draws what a client books with a master: one service, or now
// and then two one after another.
func (m *model) services(r *rand.Rand, master dikidifixture.Master) []int64 {
	ids := master.ServiceIDs
	if len(ids) > 1 && r.IntN(4) == 0 {
		i := r.IntN(len(ids) - 1)
		return []int64{ids[i], ids[i+1]}
	}
	return []int64{pick(r, ids)}
}

func (m *model) at(s spot) string {
	return fmt.Sprintf("%s on %s at %s", m.masterName(s.master), m.dayName(s.start), m.hhmm(s.start))
}

// bookingArgs are a new record's arguments.
func (m *model) bookingArgs(ref string, ids []int64, s spot) map[string]string {
	return map[string]string{"ref": ref, "master": strconv.FormatInt(s.master, 10), "services": joinIDs(ids), "start": s.start.Format(time.RFC3339)}
}

func joinIDs(ids []int64) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, strconv.FormatInt(id, 10))
	}
	return strings.Join(out, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// booking draws a new record: a master, what is booked with them and a
// free start; the step's arguments name it "record N".
type booking struct {
	ids  []int64
	at   spot
	ref  string
	args map[string]string
}

func (m *model) booking(r *rand.Rand) (booking, bool) {
	master := pick(r, m.fx.Masters)
	ids := m.services(r, master)
	s, ok := m.freeSpot(r, master.ID, m.duration(ids), 0)
	ref := fmt.Sprintf("record %d", m.made+1)
	return booking{ids, s, ref, m.bookingArgs(ref, ids, s)}, ok
}

// person draws someone who books online or at the partner.
func (b booking) person(r *rand.Rand) (name, phone string) {
	who := pick(r, people)
	b.args["client"], b.args["phone"] = who.name, who.phone
	return who.name, who.phone
}

func proposeClientBooks(m *model, r *rand.Rand) (explore.Step, bool) {
	b, ok := m.booking(r)
	if !ok {
		return explore.Step{}, false
	}
	name, phone := b.person(r)
	return m.withNetwork(r, explore.Step{Action: "client-books", Args: b.args,
		Text: fmt.Sprintf("a client books a %q with %s online as %q %q (%s)", m.serviceNames(b.ids), m.at(b.at), name, phone, b.ref)}), true
}

func proposeSalonBooks(m *model, r *rand.Rand) (explore.Step, bool) {
	b, ok := m.booking(r)
	if !ok || len(m.fx.Clients) == 0 {
		return explore.Step{}, false
	}
	c := pick(r, m.fx.Clients)
	b.args["client_id"] = strconv.FormatInt(c.ID, 10)
	return m.withNetwork(r, explore.Step{Action: "salon-books", Args: b.args,
		Text: fmt.Sprintf("the salon's staff book a %q with %s for their client %q (%s)", m.serviceNames(b.ids), m.at(b.at), fullName(c.Name, c.Surname), b.ref)}), true
}

func proposePartnerAdds(m *model, r *rand.Rand) (explore.Step, bool) {
	b, ok := m.booking(r)
	if !ok {
		return explore.Step{}, false
	}
	name, phone := b.person(r)
	return m.partnerStep(r, "partner-adds", b.args, fmt.Sprintf("add a %q with %s for %q %q", m.serviceNames(b.ids), m.at(b.at), name, phone), " ("+b.ref+")"), true
}

// partnerStep is a change the partner's staff make: tried (and to be
// refused) while the key is paused; now and then with DIKIDI's answer lost
// on the way back, so the partner must retry without doing it twice.
func (m *model) partnerStep(r *rand.Rand, action string, args map[string]string, what, suffix string) explore.Step {
	switch {
	case m.paused:
		args["try"] = "yes"
		return explore.Step{Action: action, Args: args, Text: "the partner's staff try to " + what}
	case action != "partner-occupies" && r.IntN(5) == 0:
		// occupying time has no idempotency key, so its lost answer is not retried
		args["lose_answer"] = "yes"
		return explore.Step{Action: action, Args: args, Text: "the partner's staff " + what + " while DIKIDI's answer is lost" + suffix}
	}
	return m.withNetwork(r, explore.Step{Action: action, Args: args, Text: "the partner's staff " + what + suffix})
}

// moveTarget draws where a record can move: another day or time with its
// master, or now and then another master who gives all its services.
func (m *model) moveTarget(r *rand.Rand, mr *modelRecord) (spot, bool) {
	v, err := m.shadow.Record(m.company(), mr.id)
	if err != nil {
		return spot{}, false
	}
	master := v.MasterID
	if !mr.occupied && r.IntN(3) == 0 {
		var others []int64
		for _, ms := range m.fx.Masters {
			if ms.ID != master && providesAll(ms, mr.services) {
				others = append(others, ms.ID)
			}
		}
		if len(others) > 0 {
			master = pick(r, others)
		}
	}
	s, ok := m.freeSpot(r, master, v.End.Sub(v.Start), mr.id)
	if !ok || (s.master == v.MasterID && s.start.Equal(v.Start)) {
		return spot{}, false
	}
	return s, true
}

func providesAll(ms dikidifixture.Master, ids []int64) bool {
	for _, id := range ids {
		found := false
		for _, x := range ms.ServiceIDs {
			found = found || x == id
		}
		if !found {
			return false
		}
	}
	return true
}

// moveText is "Thursday at 17:30", or "Olga Kim on Thursday at 17:30" for another master.
func (m *model) moveText(mr *modelRecord, s spot) string {
	v, _ := m.shadow.Record(m.company(), mr.id)
	if v.MasterID != s.master {
		return m.at(s)
	}
	return fmt.Sprintf("%s at %s", m.dayName(s.start), m.hhmm(s.start))
}

func (m *model) moveArgs(mr *modelRecord, s spot) map[string]string {
	return map[string]string{"ref": mr.ref, "master": strconv.FormatInt(s.master, 10), "start": s.start.Format(time.RFC3339)}
}

// moving draws a record the salon's staff or (held) the partner's can move,
// and where to.
func (m *model) moving(r *rand.Rand, held bool) (*modelRecord, spot, bool) {
	mr, ok := m.pickRecord(r, m.active(held))
	if !ok {
		return nil, spot{}, false
	}
	s, ok := m.moveTarget(r, mr)
	return mr, s, ok
}

func proposeSalonMoves(m *model, r *rand.Rand) (explore.Step, bool) {
	mr, s, ok := m.moving(r, false)
	if !ok {
		return explore.Step{}, false
	}
	return m.withNetwork(r, explore.Step{Action: "salon-moves", Args: m.moveArgs(mr, s),
		Text: fmt.Sprintf("the salon's staff move %s to %s in DIKIDI", mr.ref, m.moveText(mr, s))}), true
}

func proposePartnerMoves(m *model, r *rand.Rand) (explore.Step, bool) {
	mr, s, ok := m.moving(r, true)
	if !ok {
		return explore.Step{}, false
	}
	return m.partnerStep(r, "partner-moves", m.moveArgs(mr, s), fmt.Sprintf("move %s to %s", mr.ref, m.moveText(mr, s)), ""), true
}

// unconfirmed are active client records still "new".
func (m *model) unconfirmed(held bool) []*modelRecord {
	var out []*modelRecord
	for _, mr := range m.active(held) {
		if v, _ := m.shadow.Record(m.company(), mr.id); !mr.occupied && v.Status == dikidimock.StatusNew {
			out = append(out, mr)
		}
	}
	return out
}

func proposeSalonConfirms(m *model, r *rand.Rand) (explore.Step, bool) {
	mr, ok := m.pickRecord(r, m.unconfirmed(false))
	if !ok {
		return explore.Step{}, false
	}
	return m.withNetwork(r, explore.Step{Action: "salon-confirms", Args: map[string]string{"ref": mr.ref},
		Text: fmt.Sprintf("the salon's staff confirm %s in DIKIDI", mr.ref)}), true
}

func proposePartnerConfirms(m *model, r *rand.Rand) (explore.Step, bool) {
	mr, ok := m.pickRecord(r, m.unconfirmed(true))
	if !ok {
		return explore.Step{}, false
	}
	return m.partnerStep(r, "partner-confirms", map[string]string{"ref": mr.ref}, "confirm "+mr.ref, ""), true
}

// cancelVerb is how staff end a record: a record is cancelled, occupied time released.
func cancelVerb(mr *modelRecord) string {
	if mr.occupied {
		return "release"
	}
	return "cancel"
}

func proposeSalonCancels(m *model, r *rand.Rand) (explore.Step, bool) {
	mr, ok := m.pickRecord(r, m.active(false))
	if !ok {
		return explore.Step{}, false
	}
	return m.withNetwork(r, explore.Step{Action: "salon-cancels", Args: map[string]string{"ref": mr.ref},
		Text: fmt.Sprintf("the salon's staff %s %s in DIKIDI", cancelVerb(mr), mr.ref)}), true
}

func proposePartnerCancels(m *model, r *rand.Rand) (explore.Step, bool) {
	mr, ok := m.pickRecord(r, m.active(true))
	if !ok {
		return explore.Step{}, false
	}
	return m.partnerStep(r, "partner-cancels", map[string]string{"ref": mr.ref}, cancelVerb(mr)+" "+mr.ref, ""), true
}

// occupying draws time to block: half an hour to an hour and a half.
func (m *model) occupying(r *rand.Rand) (spot, time.Duration, bool) {
	master := pick(r, m.fx.Masters)
	dur := time.Duration(30*(1+r.IntN(3))) * time.Minute
	s, ok := m.freeSpot(r, master.ID, dur, 0)
	return s, dur, ok
}

func (m *model) occupyArgs(ref string, s spot, dur time.Duration) map[string]string {
	return map[string]string{"ref": ref, "master": strconv.FormatInt(s.master, 10), "start": s.start.Format(time.RFC3339), "end": s.start.Add(dur).Format(time.RFC3339)}
}

func (m *model) occupyText(s spot, dur time.Duration) string {
	return fmt.Sprintf("%s's time on %s from %s to %s", m.masterName(s.master), m.dayName(s.start), m.hhmm(s.start), m.hhmm(s.start.Add(dur)))
}

func proposeSalonOccupies(m *model, r *rand.Rand) (explore.Step, bool) {
	s, dur, ok := m.occupying(r)
	if !ok {
		return explore.Step{}, false
	}
	ref := fmt.Sprintf("time %d", m.made+1)
	return m.withNetwork(r, explore.Step{Action: "salon-occupies", Args: m.occupyArgs(ref, s, dur),
		Text: fmt.Sprintf("the salon's staff occupy %s in DIKIDI (%s)", m.occupyText(s, dur), ref)}), true
}

func proposePartnerOccupies(m *model, r *rand.Rand) (explore.Step, bool) {
	s, dur, ok := m.occupying(r)
	if !ok {
		return explore.Step{}, false
	}
	ref := fmt.Sprintf("time %d", m.made+1)
	return m.partnerStep(r, "partner-occupies", m.occupyArgs(ref, s, dur), "occupy "+m.occupyText(s, dur), " ("+ref+")"), true
}

// hours draws a new working day for a master that every record booked with
// them that day still fits: other hours, a break, or a day off.
func (m *model) hours(r *rand.Rand) (args map[string]string, text string, ok bool) {
	master := pick(r, m.fx.Masters)
	date := pick(r, m.dates)
	at := func(h int, min int) time.Time {
		return time.Date(date.Year(), date.Month(), date.Day(), h, min, 0, 0, m.loc)
	}
	h := dikidimock.Hours{}
	if r.IntN(4) > 0 {
		h = dikidimock.Hours{Working: true, From: at(9+r.IntN(4), 0), To: at(16+r.IntN(5), 0)}
		if r.IntN(2) == 0 {
			b := at(13, 30*r.IntN(3))
			h.Breaks = [][2]time.Time{{b, b.Add(30 * time.Minute * time.Duration(1+r.IntN(2)))}}
		}
	}
	if now, err := m.shadow.Day(m.company(), master.ID, date); err != nil || sameHours(now, h) {
		return nil, "", false // a change that changes nothing sends no event
	}
	rs, err := m.shadow.Records(m.company(), date, date.AddDate(0, 0, 1))
	if err != nil {
		return nil, "", false
	}
	for _, rec := range rs {
		if rec.MasterID == master.ID && rec.Status != dikidimock.StatusCancelled && !holds(h, rec.Start, rec.End) {
			return nil, "", false
		}
	}
	args = map[string]string{"master": strconv.FormatInt(master.ID, 10), "date": date.Format(time.DateOnly)}
	if !h.Working {
		return args, fmt.Sprintf("give %s the day off on %s", master.Name, m.dayName(date)), true
	}
	args["from"], args["to"] = h.From.Format(time.RFC3339), h.To.Format(time.RFC3339)
	text = fmt.Sprintf("set %s's hours on %s to %s-%s", master.Name, m.dayName(date), m.hhmm(h.From), m.hhmm(h.To))
	for _, b := range h.Breaks {
		args["break_from"], args["break_to"] = b[0].Format(time.RFC3339), b[1].Format(time.RFC3339)
		text += fmt.Sprintf(" with a break %s-%s", m.hhmm(b[0]), m.hhmm(b[1]))
	}
	return args, text, true
}

func sameHours(a, b dikidimock.Hours) bool {
	if a.Working != b.Working || !a.From.Equal(b.From) || !a.To.Equal(b.To) || len(a.Breaks) != len(b.Breaks) {
		return false
	}
	for i := range a.Breaks {
		if !a.Breaks[i][0].Equal(b.Breaks[i][0]) || !a.Breaks[i][1].Equal(b.Breaks[i][1]) {
			return false
		}
	}
	return true
}

// holds: [from, to) lies inside the working day, outside its breaks.
func holds(h dikidimock.Hours, from, to time.Time) bool {
	if !h.Working || from.Before(h.From) || to.After(h.To) {
		return false
	}
	for _, b := range h.Breaks {
		if from.Before(b[1]) && b[0].Before(to) {
			return false
		}
	}
	return true
}

// hoursOf reads a working day back from a step's arguments.
func hoursOf(args map[string]string, loc *time.Location) (int64, time.Time, dikidimock.Hours, error) {
	master, err := strconv.ParseInt(args["master"], 10, 64)
	if err != nil {
		return 0, time.Time{}, dikidimock.Hours{}, fmt.Errorf("master %q: %v", args["master"], err)
	}
	date, err := time.ParseInLocation(time.DateOnly, args["date"], loc)
	if err != nil {
		return 0, time.Time{}, dikidimock.Hours{}, err
	}
	var h dikidimock.Hours
	if args["from"] == "" {
		return master, date, h, nil
	}
	h.Working = true
	times := map[string]*time.Time{"from": &h.From, "to": &h.To}
	var b [2]time.Time
	if args["break_from"] != "" {
		times["break_from"], times["break_to"] = &b[0], &b[1]
	}
	for k, p := range times {
		if *p, err = time.Parse(time.RFC3339, args[k]); err != nil {
			return 0, time.Time{}, h, err
		}
	}
	if !b[0].IsZero() {
		h.Breaks = [][2]time.Time{b}
	}
	return master, date, h, nil
}

func proposeSalonHours(m *model, r *rand.Rand) (explore.Step, bool) {
	args, text, ok := m.hours(r)
	if !ok {
		return explore.Step{}, false
	}
	return m.withNetwork(r, explore.Step{Action: "salon-hours", Args: args, Text: "the salon's staff " + text + " in DIKIDI"}), true
}

func proposePartnerHours(m *model, r *rand.Rand) (explore.Step, bool) {
	args, text, ok := m.hours(r)
	if !ok {
		return explore.Step{}, false
	}
	if m.paused {
		// the schedule is not a record permission: a paused key still sets it
		return explore.Step{Action: "partner-hours", Args: args, Text: "the partner's staff " + text}, true
	}
	return m.partnerStep(r, "partner-hours", args, text, ""), true
}

func proposePartnerSyncs(*model, *rand.Rand) (explore.Step, bool) {
	return explore.Step{Action: "partner-syncs", Args: map[string]string{}, Text: "the partner synchronises"}, true
}

func proposePathFails(*model, *rand.Rand) (explore.Step, bool) {
	return explore.Step{Action: "path-fails", Args: map[string]string{}, Text: "the partner's Path starts failing"}, true
}

func proposePathWorks(*model, *rand.Rand) (explore.Step, bool) {
	return explore.Step{Action: "path-works", Args: map[string]string{}, Text: "the partner's Path works again"}, true
}

// proposeCut cuts the partner's calls off DIKIDI: a network failure or an
// incident between them. DIKIDI still delivers events to a Path, so the
// partner hears of changes it cannot read; once it can reach DIKIDI again,
// what it missed must reach it within the latency budget.
func proposeCut(*model, *rand.Rand) (explore.Step, bool) {
	return explore.Step{Action: "cut", Args: map[string]string{}, Text: "the partner cannot reach DIKIDI"}, true
}

func proposeReconnect(*model, *rand.Rand) (explore.Step, bool) {
	return explore.Step{Action: "reconnect", Args: map[string]string{}, Text: "the partner can reach DIKIDI again"}, true
}

// proposeMinutes lets time pass: a minute lets DIKIDI's first retry go,
// half an hour several.
func proposeMinutes(m *model, r *rand.Rand) (explore.Step, bool) {
	n := pick(r, []int{1, 2, 5, 15, 30})
	if m.failing || m.cut {
		n = pick(r, []int{1, 2, 5}) // keep outages short: DIKIDI gives up after two hours
	}
	text := fmt.Sprintf("%d minutes pass", n)
	if n == 1 {
		text = "a minute passes"
	}
	return explore.Step{Action: "minutes", Args: map[string]string{"n": strconv.Itoa(n)}, Text: text}, true
}

// proposePause pauses the key, now and then with its event lost or
// redelivered: until DIKIDI's retry the partner believes the key active,
// and its staff's changes must stop at DIKIDI's refusal. (A resume is never
// lost: a partner that still believes the key paused refuses its staff's
// changes itself, rightly, until the retry comes.)
func proposePause(m *model, r *rand.Rand) (explore.Step, bool) {
	return m.withNetwork(r, explore.Step{Action: "pause", Args: map[string]string{}, Text: "the business removes all record permissions"}), true
}

func proposeResume(*model, *rand.Rand) (explore.Step, bool) {
	return explore.Step{Action: "resume", Args: map[string]string{}, Text: "the business restores the record permissions"}, true
}
