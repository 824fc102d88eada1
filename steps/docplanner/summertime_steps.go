package docplanner

import (
	"fmt"
	"time"

	"github.com/cucumber/godog"
)

func registerSummerTime(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^the clinic's calendar spans the change to summer time$`), w.spansSummerTime)
	sc.Step(w.re(`^Docplanner's slots at "([^"]*)" `+between+` are the clinic's working hours$`), w.platformSlotsSpan)
}

// daysBeforeChange puts the scenario's today on the Wednesday before a
// Sunday change: the horizon starts on the last working days of winter time
// and goes on into summer time.
const daysBeforeChange = 4

// spansSummerTime moves this scenario, and only it, to a few days before the
// next change to summer time in the clinic's zone: the platform tenant's
// clock is set there and the partner gets that day as today. Always the
// same days around the change, so the scenario is deterministic whatever
// the date of the run.
func (w *world) spansSummerTime() error {
	loc := w.s.loc
	change, ok := nextSummerTime(w.today, loc)
	if !ok {
		return fmt.Errorf("the clinic's zone %s has no change to summer time within a year", loc)
	}
	d := change.AddDate(0, 0, -daysBeforeChange)
	today := time.Date(d.Year(), d.Month(), d.Day(), 7, 0, 0, 0, loc)
	if err := w.s.mock.SetNow(w.clientID, today); err != nil {
		return err
	}
	w.today = today
	return w.connect(w.secret)
}

// nextSummerTime is midnight of the first day after after on which the
// zone's clocks go forward (its UTC offset at noon is larger than the day
// before).
func nextSummerTime(after time.Time, loc *time.Location) (time.Time, bool) {
	t := after.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	_, prev := day.Add(12 * time.Hour).Zone()
	for i := 1; i <= 366; i++ {
		d := day.AddDate(0, 0, i)
		_, off := time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc).Zone()
		if off > prev {
			return d, true
		}
		prev = off
	}
	return time.Time{}, false
}

// platformSlotsSpan checks that the slots Docplanner holds on one day of a
// calendar start at the opening time and all start before the closing time,
// at the clinic's wall clock: a partner writing times with another day's UTC
// offset puts the whole day an hour off.
func (w *world) platformSlotsSpan(locationID, weekday, from, to string) error {
	l, opens, err := w.calendarAt(locationID, weekday, from)
	if err != nil {
		return err
	}
	closes, err := w.at(weekday, to)
	if err != nil {
		return err
	}
	loc := w.s.loc
	day := time.Date(opens.Year(), opens.Month(), opens.Day(), 0, 0, 0, 0, loc)
	a, err := w.s.mock.Address(w.clientID, l.DocplannerAddressID, day, day.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	flow := fmt.Sprintf("schedule (partner → Docplanner): %s on %s, the clinic works %s–%s", locationID, opens.Format("Mon 2006-01-02 (-07:00)"), from, to)
	if len(a.Slots) == 0 {
		return fmt.Errorf("%s, but Docplanner has no slot that day; %s", flow, w.evidence(w.activateFrom))
	}
	first, last := a.Slots[0], a.Slots[0]
	for _, s := range a.Slots {
		first, last = earliest(first, s), latest(last, s)
	}
	if first.Equal(opens) && last.Before(closes) {
		return nil
	}
	why := fmt.Sprintf("Docplanner's slots that day start from %s to %s", first.In(loc).Format("15:04"), last.In(loc).Format("15:04"))
	switch first.Sub(opens) {
	case time.Hour:
		why += ", an hour late: times written with the UTC offset of winter time?"
	case -time.Hour:
		why += ", an hour early: times written with the UTC offset of summer time?"
	}
	return fmt.Errorf("%s; %s", flow, why)
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
