package dikidi

import (
	"fmt"
	"strings"

	"github.com/accord-harness/accord/internal/stepkit"

	"github.com/cucumber/godog"
)

func registerDeletion(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the business deletes the key$`, w.deleteKey)
	sc.Step(`^the partner made no call to DIKIDI once it knew the key was deleted$`, w.noCallsOnceKnown)
	sc.Step(`^the partner made at most one call to DIKIDI after the deletion$`, func() error { return w.callsAfterDeletion(1) })
}

func (w *world) deleteKey() error {
	w.goneMark = w.Mark()
	w.changeMark = w.goneMark
	_, err := w.s.mock.DeleteKey(w.company, w.key.ID)
	return err
}

// noCallsOnceKnown: once DIKIDI refused a call for the deleted key, the
// partner called it no more (sides.afterKnowing). A change already on its
// way when the key was deleted may make it call once, and learn.
func (w *world) noCallsOnceKnown() error {
	k, err := w.s.mock.Key(w.company, w.key.ID)
	if err != nil {
		return err
	}
	if after := w.sides().afterKnowing(k); len(after) > 0 {
		var calls []string
		for _, e := range after {
			calls = append(calls, stepkit.Describe(e))
		}
		return fmt.Errorf("deletion: the partner kept calling DIKIDI after it knew the key was deleted (%d calls): %s", len(after), strings.Join(stepkit.Tail(calls, 3), "; "))
	}
	return nil
}

// callsAfterDeletion: once the partner knows (or first learns) the key is
// gone, it stops calling DIKIDI with it.
func (w *world) callsAfterDeletion(n int) error {
	cs := w.calls(w.goneMark)
	if len(cs) > n {
		var calls []string
		for _, e := range cs {
			calls = append(calls, stepkit.Describe(e))
		}
		return fmt.Errorf("deletion: the partner kept calling DIKIDI after the key was deleted (%d calls, at most %d expected): %s", len(cs), n, strings.Join(stepkit.Tail(calls, 3), "; "))
	}
	return nil
}
