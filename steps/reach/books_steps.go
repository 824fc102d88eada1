package reach

import (
	"fmt"

	"github.com/cucumber/godog"

	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func registerBooks(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^Reach reads every company's books under every filter, period and page size the specification gives$`, w.readWholeBooks)
	sc.Step(`^`+WholeBooksStep+`$`, w.wholeBooksAgree)
}

// WholeBooksStep is the step that ends a scenario which changes something: Reach and the partner
// agree on the whole books (mock.Reach.ReadWholeState), read through the scenario's connection.
const WholeBooksStep = `Reach and the partner agree on every company's books: every list, statement and metric under every filter and period`

func (w *world) readWholeBooks() error {
	st, err := w.s.reach.ReadWholeState(w.Ctx, w.conn, w.s.set)
	if err != nil {
		return fmt.Errorf("data accuracy: reading the whole books: %v", err)
	}
	w.whole = st
	return nil
}

// wholeBooksAgree compares the whole books as read (now, if the scenario has not read them) with
// what the books call for. Reach only reads, so the partner's books cannot move while Reach looks:
// one reading is the answer, there is nothing to wait for.
func (w *world) wholeBooksAgree() error {
	if w.whole == nil {
		if err := w.readWholeBooks(); err != nil {
			return err
		}
	}
	return reachmock.CompareStates("the books", w.s.expected(), w.whole).Err("data accuracy: the whole books")
}

// expected is what the books call for in a whole-state reading.
func (s *stage) expected() *reachmock.State { return s.expect }
