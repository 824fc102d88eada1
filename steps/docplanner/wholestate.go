package docplanner

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cucumber/godog"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/statediff"
	mock "github.com/accord-harness/accord/mocks/docplanner"
)

func registerWholeState(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^Docplanner and the partner's system agree on every booking, break and free slot of the horizon$`), w.agree)
}

// pullBudget is how long a change made on Docplanner may take to reach a
// partner that takes its notifications by PULL: it fetches them at its own
// pace (the platform keeps them 72 hours), so it gets two minutes, or the
// latency budget when that is longer. A change made in the clinic must
// reach Docplanner within the latency budget whatever the model, and so
// must a change made on Docplanner reach a PUSH partner.
const pullBudget = 2 * time.Minute

// wholeStateTick is how often, on the run's clock, a wait for the whole
// state looks again.
const wholeStateTick = 10 * time.Second

// toPartner is the budget of a change on its way from Docplanner to this
// scenario's partner, by the notification model it uses.
func (w *world) toPartner() time.Duration {
	if w.model == mock.ModelPull {
		return max(w.s.budget, pullBudget)
	}
	return w.s.budget
}

// agree waits until both sides hold what the record says they must, and
// fails with every difference still there when the budget is out.
func (w *world) agree() error {
	var last *statediff.Table
	budget := w.toPartner()
	// The whole state reads every view and calendar: on the run's own
	// clock it is looked at every few seconds, not every second.
	waiter := w.s.waiter
	if waiter.Virtual {
		waiter.Tick = wholeStateTick
	}
	err := w.withinBy(waiter, budget, "whole state", func() (bool, string) {
		t, err := w.wholeState()
		if err != nil {
			return false, err.Error()
		}
		last = t
		return t.Len() == 0, fmt.Sprintf("%d differences", t.Len())
	})
	if err != nil && last != nil && last.Len() > 0 && w.driverErr == nil {
		return last.Err(fmt.Sprintf("whole state, still after %s on the run clock", budget))
	}
	return err
}

// wholeState holds both sides against the record, over every calendar and
// every day of the horizon: the booked visits (calendar, start, end,
// service, patient and phone), the breaks, the free time of each day, what
// the slots of each day offer (services with their lengths, insurers) and
// the mapping. The platform is read through the mock, the partner through
// its driver views. It is a plain function of the world so that a run can
// call it after any step, not only at a scenario's end.
func (w *world) wholeState() (*statediff.Table, error) {
	visits, err := w.visits()
	if err != nil {
		return nil, err
	}
	breaks, err := w.breaks()
	if err != nil {
		return nil, err
	}
	free, err := w.freeSlots()
	if err != nil {
		return nil, err
	}
	maps, err := w.mappings()
	if err != nil {
		return nil, err
	}
	t := statediff.New("Docplanner").Expected("expected")
	for _, l := range w.s.fixture.Partner.Locations {
		a, err := w.platform(l)
		if err != nil {
			return nil, err
		}
		w.compareVisits(t, l, a, visits)
		w.compareBreaks(t, l, a, breaks)
		w.compareDays(t, l, a, free)
		w.compareMapping(t, l, a, maps)
	}
	w.compareDoctors(t, maps)
	return t, nil
}

// when names a time for a table row: sortable, with the weekday.
func (w *world) stamp(at time.Time) string {
	return at.In(w.s.loc).Format("2006-01-02 (Mon) 15:04")
}

func (w *world) dayName(d time.Time) string {
	return d.In(w.s.loc).Format("2006-01-02 (Mon)")
}

func (w *world) hhmm(at time.Time) string {
	return at.In(w.s.loc).Format("15:04")
}

func (w *world) inHorizon(at time.Time) bool {
	from, to := w.horizon()
	return !at.Before(from) && at.Before(to)
}

// visitFields is one booked visit as the table shows it.
type visitFields struct {
	start                                   time.Time
	end, service, patient, phone, insurance string
}

func (v visitFields) String() string {
	return fmt.Sprintf("until %s, %s, %s %s, %s", v.end, v.service, v.patient, v.phone, v.insurance)
}

// privately names the insurance of a private visit.
func privately(insurance string) string {
	if insurance == "" {
		return "private"
	}
	return insurance
}

// compareVisits matches the booked visits of one calendar by start.
func (w *world) compareVisits(t *statediff.Table, l fixture.Location, a mock.AddressView, partner []partnerVisit) {
	var exp, plat, part []visitFields
	for _, v := range w.rec.visits {
		if v.booked && v.location == l.ID && w.inHorizon(v.start) {
			exp = append(exp, visitFields{v.start, w.hhmm(v.end), v.service, strings.TrimSpace(v.patient.Name + " " + v.patient.Surname), v.patient.Phone, privately(v.insurance)})
		}
	}
	for _, b := range a.Bookings {
		if b.Status == "booked" && w.inHorizon(b.Start) {
			svc := w.rec.serviceAt(l.ID, b.Service)
			if svc == "" {
				svc = "Docplanner service " + b.Service
			}
			insurance := ""
			if b.Insurer != "" {
				insurance = w.insurance(b.Insurer)
			}
			plat = append(plat, visitFields{b.Start, w.hhmm(b.Start.Add(minutes(b.Duration))), svc, strings.TrimSpace(b.PatientName + " " + b.PatientSurname), b.PatientPhone, privately(insurance)})
		}
	}
	for _, v := range partner {
		if v.Status == "booked" && v.LocationID == l.ID && w.inHorizon(v.Start) {
			part = append(part, visitFields{v.Start, w.hhmm(v.End), v.ServiceID, strings.TrimSpace(v.Patient.Name + " " + v.Patient.Surname), v.Patient.Phone, privately(v.InsuranceID)})
		}
	}
	byStart := func(vs []visitFields) map[int64][]visitFields {
		out := map[int64][]visitFields{}
		for _, v := range vs {
			out[v.start.Unix()] = append(out[v.start.Unix()], v)
		}
		return out
	}
	e, p, q := byStart(exp), byStart(plat), byStart(part)
	for _, at := range unionKeys(e, p, q) {
		item := fmt.Sprintf("%s %s visit", l.ID, w.stamp(time.Unix(at, 0)))
		es, ps, qs := e[at], p[at], q[at]
		if len(es) != 1 || len(ps) != 1 || len(qs) != 1 {
			t.Against(item, "booked visits", describeAll(es), describeAll(ps), describeAll(qs))
			continue
		}
		t.Against(item, "end", es[0].end, ps[0].end, qs[0].end)
		t.Against(item, "service", es[0].service, ps[0].service, qs[0].service)
		t.Against(item, "patient", es[0].patient, ps[0].patient, qs[0].patient)
		t.Against(item, "phone", es[0].phone, ps[0].phone, qs[0].phone)
		t.Against(item, "insurance", es[0].insurance, ps[0].insurance, qs[0].insurance)
	}
}

func describeAll[T fmt.Stringer](xs []T) string {
	if len(xs) == 0 {
		return statediff.Absent
	}
	var out []string
	for _, x := range xs {
		out = append(out, x.String())
	}
	sort.Strings(out)
	return strings.Join(out, " + ")
}

// unionKeys are the keys of all the maps, in order.
func unionKeys[V any](ms ...map[int64]V) []int64 {
	var out []int64
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// compareBreaks matches the breaks of one calendar by their times.
func (w *world) compareBreaks(t *statediff.Table, l fixture.Location, a mock.AddressView, partner []partnerBreak) {
	type span struct{ since, till time.Time }
	from, to := w.horizon()
	within := func(s span) bool { return s.since.Before(to) && s.till.After(from) }
	count := func(spans []span) map[string]int {
		out := map[string]int{}
		for _, s := range spans {
			if within(s) {
				out[w.stamp(s.since)+"–"+w.hhmm(s.till)]++
			}
		}
		return out
	}
	var exp, plat, part []span
	for _, b := range w.rec.breaks {
		if b.location == l.ID {
			exp = append(exp, span{b.since, b.till})
		}
	}
	for _, b := range a.Breaks {
		plat = append(plat, span{b.Since, b.Till})
	}
	for _, b := range partner {
		if b.LocationID == l.ID {
			part = append(part, span{b.Since, b.Till})
		}
	}
	e, p, q := count(exp), count(plat), count(part)
	var keys []string
	for _, m := range []map[string]int{e, p, q} {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Against(fmt.Sprintf("%s %s break", l.ID, k), "breaks", breakCount(e[k]), breakCount(p[k]), breakCount(q[k]))
	}
}

func breakCount(n int) string {
	switch n {
	case 0:
		return statediff.Absent
	case 1:
		return "a break"
	}
	return fmt.Sprintf("%d breaks", n)
}

// compareDays holds each day of the horizon at one calendar against the
// record: its free time on both sides, and what its slots offer on
// Docplanner (the partner's views do not say).
func (w *world) compareDays(t *statediff.Table, l fixture.Location, a mock.AddressView, partner []partnerSlot) {
	from, to := w.horizon()
	step := w.rec.step(l.ID)
	services, insurers := w.offers(l)
	for day := from; day.Before(to); day = day.AddDate(0, 0, 1) {
		next := day.AddDate(0, 0, 1)
		on := func(at time.Time) bool { return !at.Before(day) && at.Before(next) }
		var exp, plat, part []interval
		grid := w.rec.slots(l.ID, day)
		for _, s := range grid {
			if w.rec.free(l.ID, s, s.Add(step)) {
				exp = append(exp, interval{s, s.Add(step)})
			}
		}
		offers := map[string]bool{}
		accepts := map[string]bool{}
		for _, s := range a.SlotDetails {
			if !on(s.Start) {
				continue
			}
			if s.Free {
				plat = append(plat, interval{s.Start, s.Start.Add(s.Length)})
			}
			offers[w.slotServices(l, s)] = true
			accepts[w.slotInsurers(s)] = true
		}
		for _, s := range partner {
			if s.LocationID == l.ID && on(s.Start) {
				part = append(part, interval{s.Start, s.Start.Add(step)})
			}
		}
		item := fmt.Sprintf("%s %s", l.ID, w.dayName(day))
		t.Against(item, "free time", w.spans(exp), w.spans(plat), w.spans(part))
		wantServices, wantInsurers := statediff.Absent, statediff.Absent
		if len(grid) > 0 {
			wantServices, wantInsurers = services, insurers
		}
		t.Against(item, "services of its slots", wantServices, oneOrAll(offers), statediff.NotShown)
		t.Against(item, "insurers of its slots", wantInsurers, oneOrAll(accepts), statediff.NotShown)
	}
}

// offers is what every slot of a calendar must offer: each of the
// calendar's services with its length, and each of its insurers for
// patients with and without insurance.
func (w *world) offers(l fixture.Location) (services, insurers string) {
	var svcs, ins []string
	for _, s := range w.s.fixture.Partner.Services {
		if slices.Contains(s.Locations, l.ID) {
			svcs = append(svcs, fmt.Sprintf("%s (%d min)", s.ID, s.DurationMinutes))
		}
	}
	for _, in := range w.s.fixture.Partner.Insurances {
		if slices.Contains(in.Locations, l.ID) {
			ins = append(ins, in.ID)
		}
	}
	return joinSorted(svcs), insurersFor(ins, "with-and-without-insurance")
}

func (w *world) slotServices(l fixture.Location, s mock.SlotView) string {
	var out []string
	for _, ss := range s.Services {
		name := w.rec.serviceAt(l.ID, ss.Service)
		if name == "" {
			name = "Docplanner service " + ss.Service
		}
		out = append(out, fmt.Sprintf("%s (%d min)", name, ss.Duration))
	}
	return joinSorted(out)
}

func (w *world) slotInsurers(s mock.SlotView) string {
	var out []string
	for _, id := range s.Insurers {
		out = append(out, w.insurance(id))
	}
	return insurersFor(out, s.Insurance)
}

// insurance names a Docplanner insurance provider by the clinic's insurance
// mapped to it.
func (w *world) insurance(providerID string) string {
	for _, in := range w.s.fixture.Partner.Insurances {
		if in.DocplannerInsuranceProviderID == providerID {
			return in.ID
		}
	}
	return "Docplanner insurer " + providerID
}

func insurersFor(ids []string, accepted string) string {
	if len(ids) == 0 {
		return "none (" + accepted + ")"
	}
	return joinSorted(ids) + " (" + accepted + ")"
}

func joinSorted(xs []string) string {
	xs = slices.Clone(xs)
	sort.Strings(xs)
	return strings.Join(xs, ", ")
}

// oneOrAll shows what the slots of a day offer: one line when they all
// offer the same, every variant otherwise.
func oneOrAll(set map[string]bool) string {
	if len(set) == 0 {
		return statediff.Absent
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " | ")
}

type interval struct{ from, to time.Time }

// spans shows free time as its periods: "08:00–10:00, 10:30–12:00".
func (w *world) spans(xs []interval) string {
	if len(xs) == 0 {
		return "none"
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].from.Before(xs[j].from) })
	merged := []interval{xs[0]}
	for _, x := range xs[1:] {
		last := &merged[len(merged)-1]
		if !x.from.After(last.to) {
			if x.to.After(last.to) {
				last.to = x.to
			}
			continue
		}
		merged = append(merged, x)
	}
	var out []string
	for _, m := range merged {
		out = append(out, w.hhmm(m.from)+"–"+w.hhmm(m.to))
	}
	return strings.Join(out, ", ")
}

// compareMapping holds one calendar's address against the clinic's
// mapping: its services and insurers on Docplanner, and the partner's
// mapping screen (each pair must name what Docplanner really holds).
func (w *world) compareMapping(t *statediff.Table, l fixture.Location, a mock.AddressView, maps map[string][]pair) {
	item := fmt.Sprintf("%s (Docplanner address %s)", l.ID, l.DocplannerAddressID)
	var exp, plat, part []string
	for _, s := range w.s.fixture.Partner.Services {
		if slices.Contains(s.Locations, l.ID) {
			exp = append(exp, s.ID)
		}
	}
	addressService := map[string]string{} // dictionary id -> address service id
	for _, as := range a.AddressServices {
		addressService[as.Service] = as.ID
		name := w.rec.serviceAt(l.ID, as.Service)
		if name == "" {
			name = "Docplanner service " + as.Service
		}
		plat = append(plat, name)
	}
	for _, p := range maps["services"] {
		if p.LocationID != l.ID {
			continue
		}
		// The pair may name the address service or the dictionary service.
		svc, err := w.rec.service(p.PartnerID)
		if err != nil || (addressService[svc.DocplannerServiceID] != p.PlatformID && svc.DocplannerServiceID != p.PlatformID) {
			part = append(part, fmt.Sprintf("%s as address service %s", p.PartnerID, p.PlatformID))
			continue
		}
		part = append(part, p.PartnerID)
	}
	t.Against(item, "services", joinSorted(exp), joinSorted(plat), joinSorted(part))

	exp, plat, part = nil, nil, nil
	for _, in := range w.s.fixture.Partner.Insurances {
		if slices.Contains(in.Locations, l.ID) {
			exp = append(exp, in.ID)
		}
	}
	for _, id := range a.Insurers {
		plat = append(plat, w.insurance(id))
	}
	for _, p := range maps["insurances"] {
		if p.LocationID == l.ID {
			part = append(part, w.insurance(p.PlatformID))
		}
	}
	t.Against(item, "insurers", joinSorted(exp), joinSorted(plat), joinSorted(part))
}

// compareDoctors holds the partner's mapping screen of the clinic, its
// doctors and calendars against the clinic's mapping.
func (w *world) compareDoctors(t *statediff.Table, maps map[string][]pair) {
	mapped := func(kind, id string) string {
		var out []string
		for _, p := range maps[kind] {
			if p.PartnerID == id {
				out = append(out, p.PlatformID)
			}
		}
		if len(out) == 0 {
			return statediff.Absent
		}
		return joinSorted(out)
	}
	c := w.s.fixture.Partner.Clinic
	t.Against("clinic "+c.ID, "Docplanner facility", c.DocplannerFacilityID, statediff.NotShown, mapped("facilities", c.ID))
	for _, d := range w.s.fixture.Partner.Doctors {
		t.Against("doctor "+d.ID, "Docplanner doctor", d.DocplannerDoctorID, statediff.NotShown, mapped("doctors", d.ID))
	}
	for _, l := range w.s.fixture.Partner.Locations {
		t.Against("calendar "+l.ID, "Docplanner address", l.DocplannerAddressID, statediff.NotShown, mapped("locations", l.ID))
	}
}
