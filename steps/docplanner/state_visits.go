package docplanner

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/statediff"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

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
func (w *world) compareVisits(t *statediff.Table, l docplannerfixture.Location, a docplannermock.AddressView, partner []partnerVisit) {
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
func (w *world) compareBreaks(t *statediff.Table, l docplannerfixture.Location, a docplannermock.AddressView, partner []partnerBreak) {
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
	// A description the clinic shows for a break is what the doctor sees on
	// Docplanner too (either side may have written it). A partner that keeps
	// no descriptions shows none, and is not held to one.
	described := map[string]string{}
	for _, b := range a.Breaks {
		if within(span{b.Since, b.Till}) {
			described[w.stamp(b.Since)+"–"+w.hhmm(b.Till)] = b.Description
		}
	}
	for _, k := range keys {
		item := fmt.Sprintf("%s %s break", l.ID, k)
		t.Against(item, "breaks", breakCount(e[k]), breakCount(p[k]), breakCount(q[k]))
		if e[k] != 1 || p[k] != 1 || q[k] != 1 {
			continue
		}
		for _, b := range partner {
			if b.LocationID == l.ID && w.stamp(b.Since)+"–"+w.hhmm(b.Till) == k && b.Description != "" {
				t.Against(item, "description", b.Description, described[k], b.Description)
			}
		}
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
