package docplanner

import (
	"fmt"
	"strings"

	"github.com/cucumber/godog"
)

// The partner's status view is what the clinic sees of the integration: the
// driver contract asks for last_error while something failed, and for none
// when nothing did.
func registerStatus(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^within the latency budget the partner reports that a change has not reached Docplanner$`), w.reportsPendingChange)
	sc.Step(w.re(`^the partner reports that it is connected, with no error$`), w.reportsConnected)
}

func (w *world) status() (partnerStatus, error) {
	var st partnerStatus
	return st, w.View("status", &st)
}

// reportsPendingChange: a change Docplanner refused must not pass for done
// in the clinic. A partner may send it after answering, so this waits.
func (w *world) reportsPendingChange() error {
	return w.Within(w.s.Budget, "schedule cross-check: the partner reports that the change it could not send has not reached Docplanner", func() (bool, string) {
		st, err := w.status()
		if err != nil {
			return false, err.Error()
		}
		return strings.TrimSpace(st.LastError) != "", "its status shows no last_error while Docplanner refuses its updates; " + w.evidence(w.changeMark)
	})
}

// reportsConnected: after an activation or a periodic sync that went
// through, the clinic must not be told that something is failing.
func (w *world) reportsConnected() error {
	flow := "activation failed"
	if w.synced {
		flow = "schedule cross-check"
	}
	st, err := w.status()
	if err != nil {
		return fmt.Errorf("%s: the partner's status: %w", flow, err)
	}
	if !st.Connected || st.LastError != "" {
		return fmt.Errorf("%s: everything reached Docplanner, yet the partner's status says connected %t, last_error %q", flow, st.Connected, st.LastError)
	}
	return nil
}
