package docplanner

import (
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/runner"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

func registerActivation(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^the clinic "([^"]*)" is loaded into the partner's system$`), w.clinicLoaded)
	sc.Step(w.re(`^the partner receives notifications by (PUSH|PULL)$`), w.notificationModel)
	sc.Step(w.re(`^real-time booking checks are on$`), w.realTimeOn)
	sc.Step(w.re(`^the partner activates the integration$`), w.activates)
	sc.Step(w.re(`^the partner has activated the integration$`), w.hasActivated)
	sc.Step(w.re(`^the activation steps happened in this order:$`), w.activationOrder)
}

func (w *world) clinicLoaded(name string) error {
	if name != w.s.fixture.Partner.Clinic.Name {
		return fmt.Errorf("the bundled fixture is %q, not %q", w.s.fixture.Partner.Clinic.Name, name)
	}
	return w.connect(w.secret)
}

// notificationModel sets up a scenario about one way of taking
// notifications; a partner that chose the other does not need it.
func (w *world) notificationModel(model string) error {
	model = strings.ToLower(model)
	if chosen := w.s.Caps[capNotifications]; chosen != "both" && chosen != model {
		return runner.NotApplicable(fmt.Sprintf("the scenario is about notifications by %s; the partner takes them by %s only (capability %s: %s)",
			strings.ToUpper(model), strings.ToUpper(chosen), capNotifications, chosen))
	}
	w.model = model
	return w.connect(w.secret)
}

// realTimeOn: the blocking checks run only for partners that asked for them.
func (w *world) realTimeOn() error {
	if w.s.Caps[capRealTime] == "off" {
		return runner.NotApplicable(fmt.Sprintf("the scenario is about Docplanner's real-time slot-booking check; the partner did not ask for it (capability %s: off)", capRealTime))
	}
	return w.s.mock.SetRealTime(w.clientID, true)
}

// activates records the outcome; the Then steps judge it.
func (w *world) activates() error {
	_ = w.activate()
	return nil
}

func (w *world) hasActivated() error {
	if err := w.activate(); err != nil {
		return fmt.Errorf("activation failed: %v (%s)", err, w.evidence(w.activateFrom))
	}
	return nil
}

// activationSteps name the steps of the platform's activation process and
// the operations that make each of them.
var activationSteps = map[string][]string{
	"callback URL declared":          {"setNotificationSettings"},
	"services and insurances mapped": {"addAddressService", "addAddressInsuranceProvider", "updateOrCreateAddressInsuranceProvider"},
	"calendars fed with slots":       {"replaceSlots"},
	"existing bookings sent":         {"bookSlot"},
	"calendar breaks sent":           {"addCalendarBreak"},
}

// activationOrder checks that every call of each step came before every
// call of the next one, within the activation.
func (w *world) activationOrder(table *godog.Table) error {
	if w.activateErr != nil {
		return fmt.Errorf("activation order: activation failed: %v (%s)", w.activateErr, w.evidence(w.activateFrom))
	}
	var names []string
	for _, row := range table.Rows[1:] {
		names = append(names, row.Cells[0].Value)
	}
	if w.model == docplannermock.ModelPull {
		names = names[1:]
	}
	calls := w.s.Journal.Select(func(e journal.Entry) bool {
		return e.Tenant == w.clientID && e.Direction == journal.Inbound && e.Seq > w.activateFrom && e.Seq <= w.activateTo && e.OK()
	})
	type span struct {
		first, last journal.Entry
		seen        bool
	}
	spans := map[string]*span{}
	for _, name := range names {
		ops, ok := activationSteps[name]
		if !ok {
			return fmt.Errorf("unknown activation step %q", name)
		}
		sp := &span{}
		for _, e := range calls {
			for _, op := range ops {
				if e.Operation != op {
					continue
				}
				if !sp.seen {
					sp.first, sp.seen = e, true
				}
				sp.last = e
			}
		}
		if !sp.seen {
			return fmt.Errorf("activation order: step %q never happened: no successful %s during activation", name, strings.Join(ops, " or "))
		}
		spans[name] = sp
	}
	var rows []timelineRow
	for _, name := range names {
		sp := spans[name]
		rows = append(rows, timelineRow{Step: name, First: sp.first.Time.Format("15:04:05.000"), FirstCall: sp.first.Operation, Last: sp.last.Time.Format("15:04:05.000"), LastCall: sp.last.Operation})
	}
	w.s.mu.Lock()
	w.s.timeline = rows
	w.s.mu.Unlock()
	for i := 1; i < len(names); i++ {
		prev, next := spans[names[i-1]], spans[names[i]]
		if prev.last.Seq > next.first.Seq {
			return fmt.Errorf("activation order: %q must finish before %q starts, but %s (%s, exchange #%d) came after %s (%s, exchange #%d)",
				names[i-1], names[i], prev.last.Operation, prev.last.URL, prev.last.Seq, next.first.Operation, next.first.URL, next.first.Seq)
		}
	}
	return nil
}

// timelineRow is one activation step as the report shows it.
type timelineRow struct {
	Step      string `json:"step"`
	First     string `json:"first"`
	FirstCall string `json:"first_call"`
	Last      string `json:"last"`
	LastCall  string `json:"last_call"`
}
