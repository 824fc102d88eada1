package docplanner

import (
	"errors"

	"github.com/cucumber/godog"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

func registerSchedule(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^the receptionist changes the working hours of "([^"]*)" on (\w+)s to (\d\d:\d\d)-(\d\d:\d\d)$`), w.changesHours)
	sc.Step(w.re(`^the receptionist closes "([^"]*)" on (\w+)s$`), w.closesDay)
}

func (w *world) changesHours(locationID, weekday, from, to string) error {
	opens, err1 := docplannerfixture.ParseClock(from)
	closes, err2 := docplannerfixture.ParseClock(to)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	return w.setHours(locationID, weekday, from, to, []clockSpan{{opens, closes}})
}

// closesDay: the weekday becomes a day off, sent as empty hours.
func (w *world) closesDay(locationID, weekday string) error {
	return w.setHours(locationID, weekday, "", "", nil)
}

// setHours has the receptionist set a weekday's hours, from-to as sent.
func (w *world) setHours(locationID, weekday, from, to string, spans []clockSpan) error {
	if _, err := w.location(locationID); err != nil {
		return err
	}
	wd, err := docplannerfixture.ParseWeekday(weekday)
	if err != nil {
		return err
	}
	w.changeMark = w.Mark()
	if err := w.act("schedule (partner → Docplanner)", "set-working-hours", map[string]any{"location_id": locationID, "weekday": weekday, "from": from, "to": to}, nil); err != nil {
		return err
	}
	w.rec.setHours(locationID, wd, spans)
	return nil
}
