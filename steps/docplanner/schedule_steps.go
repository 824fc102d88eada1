package docplanner

import (
	"errors"

	"github.com/cucumber/godog"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
)

func registerSchedule(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^the receptionist changes the working hours of "([^"]*)" on (\w+)s to (\d\d:\d\d)-(\d\d:\d\d)$`), w.changesHours)
}

func (w *world) changesHours(locationID, weekday, from, to string) error {
	if _, err := w.location(locationID); err != nil {
		return err
	}
	wd, err := fixture.ParseWeekday(weekday)
	if err != nil {
		return err
	}
	opens, err1 := fixture.ParseClock(from)
	closes, err2 := fixture.ParseClock(to)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	w.changeMark = w.mark()
	if err := w.act("schedule (partner → Docplanner)", "set-working-hours", map[string]any{"location_id": locationID, "weekday": weekday, "from": from, "to": to}, nil); err != nil {
		return err
	}
	w.rec.setHours(locationID, wd, []clockSpan{{opens, closes}})
	return nil
}
