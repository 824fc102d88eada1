package dikidi

import (
	"fmt"
	"time"

	"github.com/cucumber/godog"
)

// wholeState is the step every scenario that changes anything ends with.
const wholeState = `within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon`

func registerState(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^`+wholeState+`$`, w.agree)
}

// agree waits within the latency budget until the whole state of both sides
// agrees (sides.compare), and fails with every difference left.
func (w *world) agree() error { return w.agreeWhole(false) }

// agreeWhole is agree; aside leaves out what DIKIDI has not yet managed to
// deliver to the partner (undelivered), as an exploration must while the
// events it lost wait for their retries.
func (w *world) agreeWhole(aside bool) error {
	if !w.hasKey {
		return fmt.Errorf("whole state: no key was created in this scenario")
	}
	// The whole state is read less often than a single item: it is many reads.
	waiter := w.s.Waiter
	waiter.Tick = time.Second
	if waiter.Virtual {
		waiter.Tick = 5 * time.Second
	}
	return w.WithinOn(waiter, w.s.Budget, "whole state: DIKIDI and the partner agree", func() (bool, string) {
		s := w.sides()
		if aside {
			u, err := s.undelivered()
			if err != nil {
				return w.CannotTell(err)
			}
			s.aside = u
		}
		t, err := s.compare(w.Ctx)
		if err != nil {
			return w.CannotTell(err)
		}
		if t.Len() == 0 {
			return true, ""
		}
		why := fmt.Sprintf("%d differences between DIKIDI and the partner:\n%s", t.Len(), t.String())
		if left := s.aside.String(); left != "" {
			why += "\n(" + left + ")"
		}
		return false, why
	})
}
