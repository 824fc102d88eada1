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

// compareDays holds each day of the horizon at one calendar against the
// record: its free time on both sides, and what its slots offer on
// Docplanner (the partner's views do not say).
func (w *world) compareDays(t *statediff.Table, l docplannerfixture.Location, a docplannermock.AddressView, partner []partnerSlot) {
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
func (w *world) offers(l docplannerfixture.Location) (services, insurers string) {
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

func (w *world) slotServices(l docplannerfixture.Location, s docplannermock.SlotView) string {
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

func (w *world) slotInsurers(s docplannermock.SlotView) string {
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
