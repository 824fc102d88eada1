package docplanner

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/statediff"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
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
	if w.model == docplannermock.ModelPull {
		return max(w.s.Budget, pullBudget)
	}
	return w.s.Budget
}

// agree waits until both sides hold what the record says they must, and
// fails with every difference still there when the budget is out.
func (w *world) agree() error { return w.agreeUnless(nil) }

// agreeUnless is agree, ended early (and passed) when unless, looked at
// before each comparison, says so.
func (w *world) agreeUnless(unless func() (bool, string)) error {
	var last *statediff.Table
	budget := w.toPartner()
	// The whole state reads every view and calendar: on the run's own
	// clock it is looked at every few seconds, not every second.
	waiter := w.s.Waiter
	if waiter.Virtual {
		waiter.Tick = wholeStateTick
	}
	what := "whole state"
	if w.oneSide != "" {
		what = "whole state of " + w.oneSide
	}
	err := w.WithinOn(waiter, budget, what, func() (bool, string) {
		if unless != nil {
			if done, why := unless(); done || why != "" {
				return done, why
			}
		}
		t, err := w.wholeState()
		if err != nil {
			return w.CannotTell(err)
		}
		t = w.sideOnly(t)
		last = t
		return t.Len() == 0, fmt.Sprintf("%d differences", t.Len())
	})
	if err != nil && last != nil && last.Len() > 0 && w.DriverErr == nil {
		return last.Err(fmt.Sprintf("%s, still after %s on the run clock", what, budget))
	}
	return err
}

// sideOnly keeps Docplanner's differences when w.oneSide says so: while an
// exploration's delivery to the partner is lost, Docplanner must already
// hold everything.
func (w *world) sideOnly(t *statediff.Table) *statediff.Table {
	if w.oneSide == "" {
		return t
	}
	out := statediff.New("Docplanner").Expected("expected")
	for _, r := range t.Rows() {
		out.Against(r.Item, r.Field, r.Expected, r.Platform, statediff.NotShown)
	}
	return out
}

// sidePlatform is the side an exploration may compare alone.
const sidePlatform = "Docplanner"

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
	for _, v := range visits {
		// The driver contract knows two states and two origins; anything
		// else is neither.
		if v.Status != "booked" {
			t.Against(fmt.Sprintf("partner's visit %s", v.ID), "status", "canceled", statediff.NotShown, v.Status)
		}
		if v.Source != "partner" {
			t.Against(fmt.Sprintf("partner's visit %s", v.ID), "source", "platform", statediff.NotShown, v.Source)
		}
	}
	compareIDs(t, "visit", visits, func(v partnerVisit) string { return v.ID })
	compareIDs(t, "break", breaks, func(b partnerBreak) string { return b.ID })
	return t, nil
}

// compareIDs: the driver's actions name a visit or break by its id, so no
// two of the partner's may share one.
func compareIDs[T any](t *statediff.Table, kind string, xs []T, id func(T) string) {
	n := map[string]int{}
	for _, x := range xs {
		n[id(x)]++
	}
	for _, k := range slices.Sorted(maps.Keys(n)) {
		t.Against(fmt.Sprintf("partner's %s id %q", kind, k), kind+"s with this id", 1, statediff.NotShown, n[k])
	}
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
