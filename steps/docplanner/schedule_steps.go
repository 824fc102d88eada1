package docplanner

import (
	"github.com/cucumber/godog"
)

func registerSchedule(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the receptionist changes the working hours of "([^"]*)" on (\w+)s to (\d\d:\d\d)-(\d\d:\d\d)$`, w.changesHours)
}

func (w *world) changesHours(locationID, weekday, from, to string) error {
	if _, err := w.location(locationID); err != nil {
		return err
	}
	w.changeMark = w.mark()
	return w.act("schedule (partner → Docplanner)", "set-working-hours", map[string]any{"location_id": locationID, "weekday": weekday, "from": from, "to": to}, nil)
}
