package docplanner

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/explore"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// model is what an exploration knows of the clinic, and all that Next
// reads: the scenario's record (what both sides must hold, kept by the same
// step functions the features use), the objects a step can name, and what
// may still be on its way between the sides. It never reads the partner or
// Docplanner, so a seed gives the same sequence whatever the partner does.
type model struct {
	rec  *record
	fx   *docplannerfixture.Fixture
	loc  *time.Location
	days []time.Time // the horizon's days, midnight in the clinic's zone
	push bool        // the partner takes notifications by PUSH: deliveries can be lost

	visits map[string]*modelVisit
	breaks map[string]*modelBreak
	made   int // names handed out: "visit 3", "break 4"

	// lost: a PUSH delivery was lost and its retry (five minutes on) has not
	// come; reordered: an object whose delivery was lost changed again since,
	// so the retry arrives after a newer change and only the partner's
	// periodic sync can be held to repair it; needSync: the retry came (or a
	// PULL notification expired, which nothing retries), the sync has yet to
	// run.
	lost, reordered, needSync bool
	// outage: Docplanner answers the partner 503; unsent: Docplanner refused
	// some of the partner's changes (outage, a 503), which its periodic sync
	// must send again.
	outage, unsent bool
	// dirty are calendar days the receptionist changed while Docplanner may
	// lack the change: Docplanner's own side keeps off them until the sync.
	dirty map[string]bool
	// stale are calendar days where a change on Docplanner freed time the
	// partner may not know of yet: the receptionist keeps off them.
	stale map[string]bool
}

// modelVisit is a visit a step can name.
type modelVisit struct {
	*recVisit
	byPatient bool // booked by a patient on Docplanner
	// undelivered: the partner may not have it yet (its notification was
	// lost, or a PULL partner cannot pull during an outage).
	undelivered bool
}

type modelBreak struct {
	*recBreak
	byDoctor    bool
	undelivered bool
}

func newModel(w *world) *model {
	m := &model{rec: w.rec, fx: w.s.fixture, loc: w.s.loc, push: w.model == docplannermock.ModelPush,
		visits: map[string]*modelVisit{}, breaks: map[string]*modelBreak{}, dirty: map[string]bool{}, stale: map[string]bool{}}
	from, to := w.horizon()
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		m.days = append(m.days, d)
	}
	// The clinic's own visits and breaks are the first to name.
	for _, v := range w.rec.visits {
		m.made++
		m.visits["visit "+strconv.Itoa(m.made)] = &modelVisit{recVisit: v}
	}
	n := 0
	for _, b := range w.rec.breaks {
		n++
		m.breaks["break "+strconv.Itoa(n)] = &modelBreak{recBreak: b}
	}
	m.made = max(m.made, n)
	return m
}

// inFlight: a change may still be on its way, so the sides may differ.
func (m *model) inFlight() bool {
	return m.lost || m.needSync || m.outage || m.unsent
}

// settle is called when nothing is in flight any more.
func (m *model) settle() {
	if m.inFlight() {
		return
	}
	m.reordered = false
	clear(m.dirty)
	clear(m.stale)
	for _, v := range m.visits {
		v.undelivered = false
	}
	for _, b := range m.breaks {
		b.undelivered = false
	}
}

// mayChange: a side may make a change on a calendar day. Docplanner's side
// keeps off days where it may lack the receptionist's changes, the
// receptionist off days where the partner may not know of time freed on
// Docplanner.
func (m *model) mayChange(location string, at time.Time, platform bool) bool {
	if platform {
		return !m.dirty[m.dayKey(location, at)]
	}
	return !m.stale[m.dayKey(location, at)]
}

// partnerAhead: Docplanner may lack some of the receptionist's changes.
func (m *model) partnerAhead() bool { return m.outage || m.unsent }

func (m *model) dayKey(location string, at time.Time) string {
	return location + " " + at.In(m.loc).Format(time.DateOnly)
}

// next proposes a step that makes sense now, drawing only from r.
func (m *model) next(r *rand.Rand) explore.Step {
	type kind struct {
		weight int
		gen    func(*rand.Rand) (explore.Step, bool)
	}
	doctorAdds, doctorMoves, doctorRemoves := m.breakSteps(true)
	staffAdds, staffMoves, staffRemoves := m.breakSteps(false)
	kinds := []kind{
		{5, m.patientBooks}, {2, m.patientCancels}, {3, m.patientMoves},
		{5, m.receptionistBooks}, {2, m.receptionistCancels}, {3, m.receptionistMoves},
		{1, doctorAdds}, {1, doctorMoves}, {1, doctorRemoves},
		{1, staffAdds}, {1, staffMoves}, {1, staffRemoves},
		{1, m.hours},
		{1, m.outageStep},
	}
	switch {
	case m.outage:
		kinds = append(kinds, kind{5, m.reachable})
	case m.unsent || m.needSync:
		kinds = append(kinds, kind{8, m.syncStep})
	default:
		kinds = append(kinds, kind{1, m.syncStep})
	}
	if m.lost {
		kinds = append(kinds, kind{6, m.minutes})
	} else {
		kinds = append(kinds, kind{1, m.minutes})
	}
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	for range 50 {
		n := r.IntN(total)
		for _, k := range kinds {
			if n < k.weight {
				if s, ok := k.gen(r); ok {
					return s
				}
				break
			}
			n -= k.weight
		}
	}
	s, _ := m.minutes(r)
	return s
}

// Generation --------------------------------------------------------------------

// when names a time the way the features do: "next Monday at 10:30",
// "Tuesday of the second week at 09:15".
func (m *model) when(at time.Time) string {
	return m.dayPhrase(at) + " at " + at.In(m.loc).Format("15:04")
}

func (m *model) dayPhrase(at time.Time) string {
	at = at.In(m.loc)
	first := m.days[0]
	n := int(time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, m.loc).Sub(first).Hours()/24+0.5) + 1
	switch {
	case n <= 7:
		return "next " + at.Weekday().String()
	case n <= 14:
		return at.Weekday().String() + " of the second week"
	}
	return "on " + at.Format("Monday 2006-01-02")
}

func (m *model) between(since, till time.Time) string {
	return m.dayPhrase(since) + " from " + since.In(m.loc).Format("15:04") + " to " + till.In(m.loc).Format("15:04")
}

// locationsFor are the calendars offering a service ("" any).
func (m *model) locations(service string) []string {
	var out []string
	for _, l := range m.fx.Partner.Locations {
		if service == "" || slices.Contains(m.serviceLocations(service), l.ID) {
			out = append(out, l.ID)
		}
	}
	return out
}

func (m *model) serviceLocations(id string) []string {
	s, _ := m.rec.service(id)
	return s.Locations
}

func (m *model) services(location string) []docplannerfixture.PartnerSvc {
	var out []docplannerfixture.PartnerSvc
	for _, s := range m.fx.Partner.Services {
		if slices.Contains(s.Locations, location) {
			out = append(out, s)
		}
	}
	return out
}

func (m *model) insurances(location string) []string {
	var out []string
	for _, in := range m.fx.Partner.Insurances {
		if slices.Contains(in.Locations, location) {
			out = append(out, in.ID)
		}
	}
	return out
}

// open reports whether [from, to) lies within one working period.
func (m *model) open(location string, from, to time.Time) bool {
	day := from.In(m.loc)
	for _, sp := range m.rec.hours[location][day.Weekday()] {
		if !from.Before(wallClock(day, sp.from)) && !to.After(wallClock(day, sp.to)) {
			return true
		}
	}
	return false
}

// free reports whether [from, to) at a calendar is neither booked (but for
// the visit except) nor on a break (but for the break exceptBreak).
func (m *model) free(location string, from, to time.Time, except *recVisit, exceptBreak *recBreak) bool {
	for _, v := range m.rec.visits {
		if v != except && v.booked && v.location == location && v.start.Before(to) && v.end.After(from) {
			return false
		}
	}
	for _, b := range m.rec.breaks {
		if b != exceptBreak && b.location == location && b.since.Before(to) && b.till.After(from) {
			return false
		}
	}
	return true
}

// slot picks a start at a calendar where length fits, open and free, or
// reports none. platform: Docplanner's side makes the change, so days the
// receptionist changed while Docplanner may lack it are out.
func (m *model) slot(r *rand.Rand, location string, length time.Duration, except *recVisit, exceptBreak *recBreak, platform bool) (time.Time, bool) {
	var starts []time.Time
	for _, d := range m.days {
		if !m.mayChange(location, d, platform) {
			continue
		}
		for _, s := range m.rec.slots(location, d) {
			end := s.Add(length)
			if m.open(location, s, end) && m.free(location, s, end, except, exceptBreak) {
				starts = append(starts, s)
			}
		}
	}
	if len(starts) == 0 {
		return time.Time{}, false
	}
	return starts[r.IntN(len(starts))], true
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// refs are the names of the objects that match, sorted so that the seed
// alone decides which one is picked.
func refs[T any](objs map[string]T, match func(T) bool) []string {
	var out []string
	for ref, o := range objs {
		if match(o) {
			out = append(out, ref)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return refNumber(a) - refNumber(b) })
	return out
}

// pickRef draws one of the objects that match, with its ref; none when
// none match.
func pickRef[T any](r *rand.Rand, objs map[string]T, match func(T) bool) (string, T, bool) {
	rs := refs(objs, match)
	if len(rs) == 0 {
		var none T
		return "", none, false
	}
	ref := pick(r, rs)
	return ref, objs[ref], true
}

func refNumber(ref string) int {
	_, n, _ := strings.Cut(ref, " ")
	i, _ := strconv.Atoi(n)
	return i
}

func (m *model) newRef(kind string) string {
	m.made++
	return fmt.Sprintf("%s %d", kind, m.made)
}

// explorePatients book on Docplanner in explorations: each has a name, a
// surname and a phone of their own.
var explorePatients = []docplannermock.Patient{
	{Name: "Adam", Surname: "Pacjent", Phone: "+48700800900"},
	{Name: "Zofia", Surname: "Kwiatkowska", Phone: "+48601234567"},
	{Name: "Tomasz", Surname: "Lis", Phone: "+48512345678"},
	{Name: "Ola", Surname: "Nowak-Wójcik", Phone: "+48790111222"},
	{Name: "Piotr", Surname: "Ząbek", Phone: "+48666777888"},
}

// network is how a platform change reaches the partner. By PUSH: at once,
// its delivery lost (a retry comes five minutes on), or its answer lost on
// the way back (the retry is a second delivery of what the partner
// applied). By PULL: at once, or expired unpulled (gone for good: only the
// periodic sync repairs it).
func (m *model) network(r *rand.Rand) (arg, text string) {
	if !m.push {
		if r.IntN(8) == 0 {
			return netExpire, ", and its notification expires in Docplanner's queue before the partner pulls it"
		}
		return "", ""
	}
	switch r.IntN(8) {
	case 0, 1:
		return netLose, ", and the network loses its PUSH delivery"
	case 2:
		return netAnswer, ", and the network loses the partner's answer to its PUSH delivery"
	}
	return "", ""
}

// refusal is how Docplanner takes the partner's next write: as it comes, a
// 503 (a short failure: the periodic sync must send it again), or over the
// write limit, spent by another process of the client (429: wait and send
// again).
func (m *model) refusal(r *rand.Rand) (arg, text string) {
	if m.outage {
		return "", ""
	}
	switch r.IntN(7) {
	case 0, 1:
		return fail503, ", and Docplanner answers the partner's next write with 503"
	case 2:
		return fail429, ", with the client's writes of this minute on Docplanner spent for one more second"
	}
	return "", ""
}

const (
	netLose   = "lose"
	netAnswer = "lose-answer"
	netExpire = "expire"
	fail503   = "503"
	fail429   = "429"
)

func (m *model) patientBooks(r *rand.Rand) (explore.Step, bool) {
	l := pick(r, m.locations(""))
	svc := pick(r, m.services(l))
	start, ok := m.slot(r, l, minutes(svc.DurationMinutes), nil, nil, true)
	if !ok {
		return explore.Step{}, false
	}
	p := r.IntN(len(explorePatients))
	ref := m.newRef("visit")
	args := map[string]string{"ref": ref, "location": l, "service": svc.ID, "start": start.Format(time.RFC3339), "patient": strconv.Itoa(p)}
	who := "a patient"
	if ins := m.insurances(l); len(ins) > 0 && r.IntN(3) == 0 {
		args["insurance"] = pick(r, ins)
		who = fmt.Sprintf("a patient insured with %q", args["insurance"])
	}
	net, suffix := m.network(r)
	args["net"] = net
	return explore.Step{Action: "patient-books", Args: args,
		Text: fmt.Sprintf("%s books %q at %q %s on Docplanner (%s)%s", who, svc.ID, l, m.when(start), ref, suffix)}, true
}

// patientVisit picks a visit a patient booked that Docplanner holds as the
// record has it.
func (m *model) patientVisit(r *rand.Rand) (string, *modelVisit, bool) {
	return pickRef(r, m.visits, func(v *modelVisit) bool {
		return v.byPatient && v.booked && m.mayChange(v.location, v.start, true)
	})
}

func (m *model) patientCancels(r *rand.Rand) (explore.Step, bool) {
	ref, _, ok := m.patientVisit(r)
	if !ok {
		return explore.Step{}, false
	}
	net, suffix := m.network(r)
	return explore.Step{Action: "patient-cancels", Args: map[string]string{"ref": ref, "net": net},
		Text: fmt.Sprintf("the patient of %s cancels it on Docplanner%s", ref, suffix)}, true
}

func (m *model) patientMoves(r *rand.Rand) (explore.Step, bool) {
	ref, v, ok := m.patientVisit(r)
	if !ok {
		return explore.Step{}, false
	}
	start, ok := m.slot(r, v.location, v.end.Sub(v.start), v.recVisit, nil, true)
	if !ok || start.Equal(v.start) {
		return explore.Step{}, false
	}
	net, suffix := m.network(r)
	return explore.Step{Action: "patient-moves", Args: map[string]string{"ref": ref, "start": start.Format(time.RFC3339), "net": net},
		Text: fmt.Sprintf("the patient of %s moves it on Docplanner to %s%s", ref, m.when(start), suffix)}, true
}

func (m *model) receptionistBooks(r *rand.Rand) (explore.Step, bool) {
	l := pick(r, m.locations(""))
	svc := pick(r, m.services(l))
	start, ok := m.slot(r, l, minutes(svc.DurationMinutes), nil, nil, false)
	if !ok {
		return explore.Step{}, false
	}
	ref := m.newRef("visit")
	args := map[string]string{"ref": ref, "location": l, "service": svc.ID, "start": start.Format(time.RFC3339)}
	insured := ""
	if ins := m.insurances(l); len(ins) > 0 && r.IntN(3) == 0 {
		args["insurance"] = pick(r, ins)
		insured = fmt.Sprintf(" for a patient insured with %q", args["insurance"])
	}
	fail, suffix := m.refusal(r)
	args["fail"] = fail
	return explore.Step{Action: "receptionist-books", Args: args,
		Text: fmt.Sprintf("the receptionist books %q at %q %s%s (%s)%s", svc.ID, l, m.when(start), insured, ref, suffix)}, true
}

// clinicVisit picks a booked visit the partner surely holds.
func (m *model) clinicVisit(r *rand.Rand) (string, *modelVisit, bool) {
	return pickRef(r, m.visits, func(v *modelVisit) bool { return v.booked && !v.undelivered })
}

func (m *model) receptionistCancels(r *rand.Rand) (explore.Step, bool) {
	ref, _, ok := m.clinicVisit(r)
	if !ok {
		return explore.Step{}, false
	}
	fail, suffix := m.refusal(r)
	return explore.Step{Action: "receptionist-cancels", Args: map[string]string{"ref": ref, "fail": fail},
		Text: fmt.Sprintf("the receptionist cancels %s%s", ref, suffix)}, true
}

func (m *model) receptionistMoves(r *rand.Rand) (explore.Step, bool) {
	ref, v, ok := m.clinicVisit(r)
	if !ok {
		return explore.Step{}, false
	}
	to := v.location
	if r.IntN(3) == 0 {
		to = pick(r, m.locations(v.service))
	}
	start, ok := m.slot(r, to, v.end.Sub(v.start), v.recVisit, nil, false)
	if !ok || (to == v.location && start.Equal(v.start)) {
		return explore.Step{}, false
	}
	fail, suffix := m.refusal(r)
	where := ""
	if to != v.location {
		where = fmt.Sprintf("%q ", to)
	}
	return explore.Step{Action: "receptionist-moves", Args: map[string]string{"ref": ref, "location": to, "start": start.Format(time.RFC3339), "fail": fail},
		Text: fmt.Sprintf("the receptionist moves %s to %s%s%s", ref, where, m.when(start), suffix)}, true
}

// breakSpan picks a break's times at a calendar: within working hours and
// clear of visits and other breaks.
func (m *model) breakSpan(r *rand.Rand, location string, except *recBreak, platform bool) (time.Time, time.Time, bool) {
	length := minutes(pick(r, []int{15, 30, 60}))
	start, ok := m.slot(r, location, length, nil, except, platform)
	return start, start.Add(length), ok
}

// someBreak picks a break of one side: the doctor's on Docplanner (which
// Docplanner holds as recorded), or the receptionist's (which the partner
// surely holds).
func (m *model) someBreak(r *rand.Rand, byDoctor bool) (string, *modelBreak, bool) {
	return pickRef(r, m.breaks, func(b *modelBreak) bool {
		if b.byDoctor != byDoctor {
			return false
		}
		if byDoctor {
			return m.mayChange(b.location, b.since, true)
		}
		return !b.undelivered
	})
}

// breakSteps are the steps of one side's breaks: the doctor's on
// Docplanner (their deliveries may be lost), the receptionist's in the
// clinic (Docplanner may refuse the partner's write).
func (m *model) breakSteps(doctor bool) (adds, moves, removes func(*rand.Rand) (explore.Step, bool)) {
	who, where, kind := "the receptionist", "", "receptionist"
	trouble := func(r *rand.Rand) (string, string, string) { arg, text := m.refusal(r); return "fail", arg, text }
	if doctor {
		who, where, kind = "the doctor", " on Docplanner", "doctor"
		trouble = func(r *rand.Rand) (string, string, string) { arg, text := m.network(r); return "net", arg, text }
	}
	step := func(r *rand.Rand, action string, args map[string]string, text string) (explore.Step, bool) {
		key, arg, suffix := trouble(r)
		args[key] = arg
		return explore.Step{Action: kind + "-" + action, Args: args, Text: text + suffix}, true
	}
	adds = func(r *rand.Rand) (explore.Step, bool) {
		l := pick(r, m.locations(""))
		since, till, ok := m.breakSpan(r, l, nil, doctor)
		if !ok {
			return explore.Step{}, false
		}
		ref := m.newRef("break")
		return step(r, "adds-break", map[string]string{"ref": ref, "location": l, "since": since.Format(time.RFC3339), "till": till.Format(time.RFC3339)},
			fmt.Sprintf("%s adds a break%s at %q %s (%s)", who, where, l, m.between(since, till), ref))
	}
	moves = func(r *rand.Rand) (explore.Step, bool) {
		ref, b, ok := m.someBreak(r, doctor)
		if !ok {
			return explore.Step{}, false
		}
		since, till, ok := m.breakSpan(r, b.location, b.recBreak, doctor)
		if !ok || (since.Equal(b.since) && till.Equal(b.till)) {
			return explore.Step{}, false
		}
		return step(r, "moves-break", map[string]string{"ref": ref, "since": since.Format(time.RFC3339), "till": till.Format(time.RFC3339)},
			fmt.Sprintf("%s moves %s%s to %s", who, ref, where, m.between(since, till)))
	}
	removes = func(r *rand.Rand) (explore.Step, bool) {
		ref, _, ok := m.someBreak(r, doctor)
		if !ok {
			return explore.Step{}, false
		}
		return step(r, "removes-break", map[string]string{"ref": ref}, fmt.Sprintf("%s removes %s%s", who, ref, where))
	}
	return adds, moves, removes
}

// hours gives a calendar new working hours on a weekday it works or not.
func (m *model) hours(r *rand.Rand) (explore.Step, bool) {
	l := pick(r, m.locations(""))
	wd := time.Weekday(1 + r.IntN(5))
	from := time.Duration(7+r.IntN(8)) * time.Hour
	to := from + time.Duration(2+r.IntN(4))*time.Hour
	current := m.rec.hours[l][wd]
	if (len(current) == 1 && current[0] == (clockSpan{from, to})) || !m.keepsVisits(l, wd, clockSpan{from, to}) {
		return explore.Step{}, false
	}
	hhmm := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	fail, suffix := m.refusal(r)
	return explore.Step{Action: "hours", Args: map[string]string{"location": l, "weekday": wd.String(), "from": hhmm(from), "to": hhmm(to), "fail": fail},
		Text: fmt.Sprintf("the receptionist changes the working hours of %q on %ss to %s-%s%s", l, wd, hhmm(from), hhmm(to), suffix)}, true
}

// keepsVisits: new working hours of a weekday keep every visit booked on
// such a day inside them (a clinic moves its patients before it shortens
// its hours; a visit outside every slot cannot be booked on Docplanner).
func (m *model) keepsVisits(location string, wd time.Weekday, sp clockSpan) bool {
	for _, v := range m.rec.visits {
		start, end := v.start.In(m.loc), v.end.In(m.loc)
		if v.booked && v.location == location && start.Weekday() == wd && (start.Before(wallClock(start, sp.from)) || end.After(wallClock(start, sp.to))) {
			return false
		}
	}
	return true
}

func (m *model) syncStep(*rand.Rand) (explore.Step, bool) {
	if m.outage {
		return explore.Step{}, false
	}
	return explore.Step{Action: "sync", Args: map[string]string{}, Text: "the partner runs its periodic sync"}, true
}

func (m *model) minutes(r *rand.Rand) (explore.Step, bool) {
	n := pick(r, []int{5, 5, 15})
	if !m.lost {
		n = pick(r, []int{1, 5})
	}
	return explore.Step{Action: "minutes", Args: map[string]string{"n": strconv.Itoa(n)}, Text: fmt.Sprintf("%d minutes pass", n)}, true
}

func (m *model) outageStep(*rand.Rand) (explore.Step, bool) {
	if m.outage {
		return explore.Step{}, false
	}
	return explore.Step{Action: "outage", Args: map[string]string{}, Text: "Docplanner is unreachable for the partner"}, true
}

func (m *model) reachable(*rand.Rand) (explore.Step, bool) {
	return explore.Step{Action: "reachable", Args: map[string]string{}, Text: "Docplanner is reachable again"}, true
}
