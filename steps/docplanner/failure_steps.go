package docplanner

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/journal"
)

// A passing fault on Docplanner's side (one call answered 503) may come at
// any call of the partner's activation or periodic sync. A partner may retry
// the call, or fail the flow and say so; what it must never do is carry on
// as if the call had gone through, and tell the clinic all is well while a
// mapping, a day of slots, a visit or a break is missing on one side. So each
// flow is run once as it is, to learn its calls, and again from the same
// start with one call failed, for the first call of every kind of call it
// makes and its last one (every stage of it, within a bound on the cost).

// maxFailedCalls bounds the runs of one flow: every stage has a call of its
// own kind, and the stages of an activation or a sync are fewer than this.
const maxFailedCalls = 32

// failureSeed draws the changes the sync has to carry: the same for every
// run of the flow, so each run differs only in the call that fails.
const failureSeed = 20261202

func registerFailures(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^Docplanner fails one call of the partner's activation, in turn at every stage of it$`), func() error {
		return w.failEachStage("activation failed", w.freshClinic, w.activate, w.reactivate)
	})
	sc.Step(w.re(`^Docplanner fails one call of the partner's activation of a clinic with no visits, in turn at every stage of it$`), func() error {
		return w.failEachStage("activation failed", w.clinicWithoutVisits, w.activate, w.reactivate)
	})
	sc.Step(w.re(`^Docplanner fails one call of the partner's periodic sync after changes on both sides, in turn at every stage of it$`), func() error {
		x := &explorer{w: w, unlimited: true}
		return w.failEachStage("schedule cross-check", func() error { return x.diverged() }, w.syncFlow(x), w.resync(x))
	})
	sc.Step(w.re(`^each time the partner reported the failure or completed the flow anyway, and the next try left both sides in agreement$`), func() error {
		return w.failures
	})
}

// failEachStage runs start and flow once to learn the flow's calls, then
// once more from start for each chosen call, that call answered 503: the
// partner must report the failure (the action or its status) or reach
// agreement anyway, and after retry both sides must agree with no error
// left. Findings are kept for the Then step.
func (w *world) failEachStage(flow string, start func() error, run func() error, retry func() error) error {
	if err := start(); err != nil {
		return err
	}
	before, mark := w.admitted(), w.Mark()
	if err := run(); err != nil {
		return fmt.Errorf("%s: it fails with no call failed: %w", flow, err)
	}
	calls := w.admittedCalls(mark)
	n := w.admitted() - before
	points := failurePoints(calls, n)
	var errs []error
	for _, k := range points {
		what := fmt.Sprintf("call %d of %d", k, n)
		if k <= len(calls) {
			what = fmt.Sprintf("call %d of %d (%s %s)", k, n, calls[k-1].Method, calls[k-1].Operation)
		}
		if err := w.failOne(flow, what, k, start, run, retry); err != nil {
			errs = append(errs, err)
		}
	}
	w.failures = errors.Join(errs...)
	return nil
}

// failOne is one run of the flow with its k-th call failed.
func (w *world) failOne(flow, what string, k int, start, run, retry func() error) error {
	if err := start(); err != nil {
		return err
	}
	if err := w.s.mock.FailCall(w.clientID, k); err != nil {
		return err
	}
	mark := w.Mark()
	runErr := run()
	pending, err := w.s.mock.FailCallPending(w.clientID)
	_ = w.s.mock.FailCall(w.clientID, 0)
	if err != nil || pending {
		// This run made fewer calls than the first: nothing failed.
		return err
	}
	if runErr == nil {
		reported, err := w.reportedOrAgreed()
		if err != nil {
			return fmt.Errorf("%s: Docplanner answered %s with 503; the partner answered that it was done and its status shows no error, yet %w (%s)", flow, what, err, w.evidence(mark))
		}
		if !reported {
			return nil
		}
	}
	if err := retry(); err != nil {
		return fmt.Errorf("%s: after Docplanner answered %s with 503, trying again: %w", flow, what, err)
	}
	return nil
}

// reportedOrAgreed waits, within the budget, for the partner's status to
// show an error or for both sides to agree (a partner may send its changes
// after answering, and report a failure of them then).
func (w *world) reportedOrAgreed() (reported bool, err error) {
	err = w.agreeUnless(func() (bool, string) {
		st, err := w.status()
		if err != nil {
			return false, err.Error()
		}
		reported = !st.Connected || strings.TrimSpace(st.LastError) != ""
		return reported, ""
	})
	return reported, err
}

// failurePoints are the first and the last call of every kind (method and
// operation) the flow made, counted from 1: the first and the last calendar
// it reads or writes in each way, at most maxFailedCalls; when the journal
// cannot name the calls (it saw another number of them), they are spread
// evenly instead.
func failurePoints(calls []journal.Entry, n int) []int {
	if len(calls) == n {
		first, last := map[string]int{}, map[string]int{}
		for i, c := range calls {
			key := c.Method + " " + c.Operation
			if _, ok := first[key]; !ok {
				first[key] = i + 1
			}
			last[key] = i + 1
		}
		set := map[int]bool{}
		for key := range first {
			set[first[key]], set[last[key]] = true, true
		}
		if len(set) <= maxFailedCalls {
			return slices.Sorted(maps.Keys(set))
		}
	}
	var points []int
	steps := min(n, maxFailedCalls)
	for i := range steps {
		k := 1 + i*(n-1)/max(steps-1, 1)
		if len(points) == 0 || points[len(points)-1] != k {
			points = append(points, k)
		}
	}
	return points
}

func (w *world) admitted() int {
	n, _ := w.s.mock.CallsAdmitted(w.clientID)
	return n
}

// admittedCalls are the journal's entries for the calls the mock admitted
// after mark: those it did not refuse for their token or their form.
func (w *world) admittedCalls(mark int64) []journal.Entry {
	var out []journal.Entry
	for _, e := range w.calls(mark) {
		if e.Operation == "" || e.Operation == "getToken" || len(e.RequestViolations) > 0 || e.Status == 401 {
			continue
		}
		out = append(out, e)
	}
	return out
}

// freshClinic is a new client whose clinic the partner has loaded, not
// activated.
func (w *world) freshClinic() error {
	_ = w.s.mock.Retire(w.clientID)
	*w = world{Scenario: w.Scenario, s: w.s, model: w.model, failures: w.failures}
	if err := w.begin(w.Ctx, w.Name); err != nil {
		return err
	}
	if err := w.s.mock.LiftRateLimits(w.clientID); err != nil {
		return err
	}
	return w.connect(w.secret)
}

// clinicWithoutVisits is a fresh clinic whose receptionist cancelled every
// visit before the activation: no booking sent after a calendar's slots
// fails for want of them, so a calendar left unfed stays unreported unless
// the partner reports it.
func (w *world) clinicWithoutVisits() error {
	if err := w.freshClinic(); err != nil {
		return err
	}
	for _, v := range w.rec.visits {
		w.visitID = v.partnerID
		if err := w.receptionistCancels(); err != nil {
			return err
		}
	}
	return nil
}

// reactivate: a clinic whose activation failed activates again.
func (w *world) reactivate() error {
	if err := w.activate(); err != nil {
		return fmt.Errorf("activating again failed: %v", err)
	}
	if err := w.agree(); err != nil {
		return err
	}
	return w.reportsConnected()
}

// diverged is a fresh activated clinic where both sides changed while
// Docplanner was unreachable, some of Docplanner's notifications lost on
// the way: the partner's sync has to send, read and repair.
func (x *explorer) diverged() error {
	w := x.w
	if err := x.Begin(w.Ctx); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(failureSeed, failureSeed))
	do := func(s explore.Step) error {
		if err := x.Do(w.Ctx, s); err != nil && !errors.Is(err, explore.ErrInapplicable) {
			return fmt.Errorf("%s: %w", s.Text, err)
		}
		return nil
	}
	if err := do(explore.Step{Action: "outage", Args: map[string]string{}, Text: "Docplanner is unreachable for the partner"}); err != nil {
		return err
	}
	// Every calendar gets new working hours Docplanner has not got, a
	// break of the doctor's and a patient's cancellation whose
	// notifications were lost, so that failing any calendar's read or
	// write leaves a difference behind; then some changes drawn at random.
	doctorAdds, _, _ := x.m.breakSteps(true)
	lost := ""
	if x.m.push {
		lost = netLose
	}
	for _, l := range x.m.locations("") {
		booked := ""
		for _, want := range []struct {
			gen    func(*rand.Rand) (explore.Step, bool)
			accept func(explore.Step) bool
		}{
			{x.m.hours, func(s explore.Step) bool { return s.Args["location"] == l }},
			{doctorAdds, func(s explore.Step) bool { return s.Args["location"] == l && s.Args["net"] == lost }},
			{x.m.patientBooks, func(s explore.Step) bool {
				if s.Args["location"] == l && s.Args["net"] == "" {
					booked = s.Args["ref"]
					return true
				}
				return false
			}},
			{x.m.patientCancels, func(s explore.Step) bool { return booked != "" && s.Args["ref"] == booked && s.Args["net"] == lost }},
		} {
			for range 400 {
				s, ok := want.gen(r)
				if !ok || !want.accept(s) {
					continue
				}
				if err := x.Do(w.Ctx, s); errors.Is(err, explore.ErrInapplicable) {
					continue
				} else if err != nil {
					return fmt.Errorf("%s: %w", s.Text, err)
				}
				break
			}
		}
	}
	for made, tries := 0, 0; made < 8 && tries < 400; tries++ {
		s := x.m.next(r)
		switch s.Action {
		case "sync", "minutes", "outage", "reachable":
			continue
		}
		if err := x.Do(w.Ctx, s); errors.Is(err, explore.ErrInapplicable) {
			continue
		} else if err != nil {
			return fmt.Errorf("%s: %w", s.Text, err)
		}
		made++
	}
	return do(explore.Step{Action: "reachable", Args: map[string]string{}, Text: "Docplanner is reachable again"})
}

// syncFlow runs the sync; the model learns that what was unsent is sent.
func (w *world) syncFlow(x *explorer) func() error {
	return func() error {
		err := w.s.Driver.Act(w.Ctx, "sync", map[string]any{}, nil)
		w.synced = true
		// A sync that went through has read what the lost deliveries
		// carried: the partner holds it before their retries come.
		x.m.unsent, x.m.lost, x.m.needSync = false, false, false
		return err
	}
}

// resync: after a failed sync, the next one must repair everything.
func (w *world) resync(x *explorer) func() error {
	return func() error {
		if err := w.syncFlow(x)(); err != nil {
			return fmt.Errorf("the next sync failed: %v", err)
		}
		if err := x.Agree(w.Ctx); err != nil {
			return err
		}
		return w.reportsConnected()
	}
}
