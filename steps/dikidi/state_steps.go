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
func (w *world) agree() error {
	if !w.hasKey {
		return fmt.Errorf("whole state: no key was created in this scenario")
	}
	// The whole state is read less often than a single item: it is many reads.
	waiter := w.s.waiter
	waiter.Tick = time.Second
	if waiter.Virtual {
		waiter.Tick = 5 * time.Second
	}
	return w.withinOn(waiter, w.s.budget, "whole state: DIKIDI and the partner agree", func() (bool, string) {
		t, err := w.sides().compare(w.ctx)
		if err != nil {
			return false, err.Error()
		}
		if t.Len() == 0 {
			return true, ""
		}
		return false, fmt.Sprintf("%d differences between DIKIDI and the partner:\n%s", t.Len(), t.String())
	})
}
