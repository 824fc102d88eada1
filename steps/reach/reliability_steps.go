package reach

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/journal"
)

func registerReliability(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^every operation the specification requires answered with success$`, w.requiredAnswered)
	sc.Step(`^every answer came within the latency budget on the run clock$`, w.withinBudget)
}

// requiredAnswered reads "required" from the specification (x-accord-required): the document stays
// the one source of truth.
func (w *world) requiredAnswered() error {
	last := map[string]journal.Entry{}
	ok := map[string]bool{}
	for _, e := range w.s.journal.Tenant(w.id) {
		last[e.Operation] = e
		if e.OK() {
			ok[e.Operation] = true
		}
	}
	var missing []string
	for _, op := range w.s.reach.SpecDoc().Operations() {
		if !op.Required || ok[op.ID] {
			continue
		}
		why := "was never called"
		if e, called := last[op.ID]; called {
			why = "answered " + describe(e)
		}
		missing = append(missing, fmt.Sprintf("%s (%s %s, flow %s) %s", op.ID, strings.ToUpper(op.Method), op.Path, op.Flow, why))
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("endpoint reliability: %d required operations never answered with success: %s", len(missing), strings.Join(missing, "; "))
	}
	return nil
}

func (w *world) withinBudget() error {
	r, err := w.lastSync("")
	if err != nil {
		return err
	}
	budget := w.s.reach.LatencyBudget()
	var slow []string
	n := 0
	records := r.Trace.Records()
	for _, rec := range records {
		if rec.Took > budget {
			n++
			if len(slow) < 3 {
				slow = append(slow, fmt.Sprintf("%s took %.1fs", rec.Operation, rec.Took.Seconds()))
			}
		}
	}
	if n > 0 {
		return fmt.Errorf("latency: %d of %d answers took longer than the %s budget on the run clock: %s", n, len(records), budget, strings.Join(slow, ", "))
	}
	return nil
}
