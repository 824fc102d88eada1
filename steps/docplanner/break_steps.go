package docplanner

import (
	"fmt"
	"time"

	"github.com/cucumber/godog"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

const between = day + ` from (\d\d:\d\d) to (\d\d:\d\d)`

func registerBreaks(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^the receptionist adds a break at "([^"]*)" `+between+`$`), w.receptionistAddsBreak)
	sc.Step(w.re(`^the receptionist moves that break to `+between+`$`), w.receptionistMovesBreak)
	sc.Step(w.re(`^the receptionist removes that break$`), w.receptionistRemovesBreak)
	sc.Step(w.re(`^the doctor adds a break on Docplanner at "([^"]*)" `+between+`$`), w.doctorAddsBreak)
	sc.Step(w.re(`^the doctor moves that break on Docplanner to `+between+`$`), w.doctorMovesBreak)
	sc.Step(w.re(`^the doctor removes that break on Docplanner$`), w.doctorRemovesBreak)
	sc.Step(w.re(`^within the latency budget Docplanner shows a break at "([^"]*)" `+between+`$`), w.platformShowsBreak(true))
	sc.Step(w.re(`^within the latency budget Docplanner shows no break at "([^"]*)" `+between+`$`), w.platformShowsBreak(false))
	sc.Step(w.re(`^within the latency budget the partner's system blocks "([^"]*)" `+between+`$`), w.partnerBlocks(true))
	sc.Step(w.re(`^within the latency budget the partner's system no longer blocks "([^"]*)" `+between+`$`), w.partnerBlocks(false))
}

func (w *world) span(weekday, from, to string) (time.Time, time.Time, error) {
	since, err := w.at(weekday, from)
	if err != nil {
		return since, since, err
	}
	till, err := w.at(weekday, to)
	return since, till, err
}

// spanned hands a step's day and times on as instants.
func (w *world) spanned(weekday, from, to string, then func(since, till time.Time) error) error {
	since, till, err := w.span(weekday, from, to)
	if err != nil {
		return err
	}
	return then(since, till)
}

// receptionistsBreak and doctorsBreak are "that break" in the record, as the
// receptionist or the doctor made it.
func (w *world) receptionistsBreak(b *recBreak) bool { return b.partnerID == w.partnerBreak }
func (w *world) doctorsBreak(b *recBreak) bool       { return b.platformID == w.platformBreak }

// breakMoved makes a move of "that break" on one side and has the record's
// break (mine) follow it.
func (w *world) breakMoved(mine func(*recBreak) bool, since, till time.Time, move func() error) error {
	w.changeMark = w.Mark()
	if err := move(); err != nil {
		return err
	}
	if b := w.rec.breakBy(mine); b != nil {
		b.since, b.till = since, till
	}
	return nil
}

// breakRemoved removes "that break" on one side, and from the record.
func (w *world) breakRemoved(mine func(*recBreak) bool, remove func() error) error {
	w.changeMark = w.Mark()
	if err := remove(); err != nil {
		return err
	}
	w.rec.removeBreak(w.rec.breakBy(mine))
	return nil
}

func (w *world) receptionistAddsBreak(locationID, weekday, from, to string) error {
	return w.spanned(weekday, from, to, func(since, till time.Time) error {
		return w.receptionistAddsBreakAt(locationID, since, till)
	})
}

func (w *world) receptionistAddsBreakAt(locationID string, since, till time.Time) error {
	w.changeMark = w.Mark()
	var res struct {
		BreakID string `json:"break_id"`
	}
	if err := w.act("breaks (partner → Docplanner)", "add-break", map[string]any{"location_id": locationID, "since": since, "till": till, "description": "Added by accord"}, &res); err != nil {
		return err
	}
	w.partnerBreak = res.BreakID
	w.rec.addBreak(&recBreak{location: locationID, since: since, till: till, partnerID: res.BreakID})
	return nil
}

func (w *world) receptionistMovesBreak(day, from, to string) error {
	return w.spanned(day, from, to, w.receptionistMovesBreakTo)
}

func (w *world) receptionistMovesBreakTo(since, till time.Time) error {
	return w.breakMoved(w.receptionistsBreak, since, till, func() error {
		return w.act("breaks (partner → Docplanner)", "move-break", map[string]any{"break_id": w.partnerBreak, "since": since, "till": till}, nil)
	})
}

func (w *world) receptionistRemovesBreak() error {
	return w.breakRemoved(w.receptionistsBreak, func() error {
		return w.act("breaks (partner → Docplanner)", "remove-break", map[string]any{"break_id": w.partnerBreak}, nil)
	})
}

func (w *world) doctorAddsBreak(locationID, weekday, from, to string) error {
	l, err := w.location(locationID)
	if err != nil {
		return err
	}
	return w.spanned(weekday, from, to, func(since, till time.Time) error { return w.doctorAddsBreakAt(l, since, till) })
}

func (w *world) doctorAddsBreakAt(l docplannerfixture.Location, since, till time.Time) error {
	var err error
	w.changeMark = w.Mark()
	w.breakLocation = l.DocplannerAddressID
	w.platformBreak, err = w.s.mock.DoctorAddsBreak(w.clientID, l.DocplannerAddressID, since, till)
	if err != nil {
		return err
	}
	w.rec.addBreak(&recBreak{location: l.ID, since: since, till: till, platformID: w.platformBreak})
	return nil
}

func (w *world) doctorMovesBreak(day, from, to string) error {
	return w.spanned(day, from, to, w.doctorMovesBreakTo)
}

func (w *world) doctorMovesBreakTo(since, till time.Time) error {
	return w.breakMoved(w.doctorsBreak, since, till, func() error {
		return w.s.mock.DoctorMovesBreak(w.clientID, w.breakLocation, w.platformBreak, since, till)
	})
}

func (w *world) doctorRemovesBreak() error {
	return w.breakRemoved(w.doctorsBreak, func() error {
		return w.s.mock.DoctorRemovesBreak(w.clientID, w.breakLocation, w.platformBreak)
	})
}

func (w *world) platformShowsBreak(want bool) func(locationID, weekday, from, to string) error {
	return func(locationID, weekday, from, to string) error {
		l, err := w.location(locationID)
		if err != nil {
			return err
		}
		return w.spanned(weekday, from, to, func(since, till time.Time) error {
			at := fmt.Sprintf("%s from %s to %s", locationID, w.fmtTime(since), w.fmtTime(till))
			return w.present(w.s.Budget, want, "breaks (partner → Docplanner): Docplanner shows a break at "+at,
				"breaks (partner → Docplanner): Docplanner no longer shows the break at "+at, func() (bool, func() string, error) {
					a, err := w.platform(l)
					if err != nil {
						return false, nil, err
					}
					found := false
					for _, b := range a.Breaks {
						found = found || (b.Since.Equal(since) && b.Till.Equal(till))
					}
					return found, func() string {
						return fmt.Sprintf("getCalendarBreaks lists %d breaks there; %s", len(a.Breaks), w.evidence(w.changeMark))
					}, nil
				})
		})
	}
}

func (w *world) partnerBlocks(want bool) func(locationID, weekday, from, to string) error {
	return func(locationID, weekday, from, to string) error {
		return w.spanned(weekday, from, to, func(since, till time.Time) error {
			at := fmt.Sprintf("%s from %s to %s", locationID, w.fmtTime(since), w.fmtTime(till))
			return w.present(w.toPartner(), want, "breaks (Docplanner → partner): the partner's system blocks "+at,
				"breaks (Docplanner → partner): the partner's system no longer blocks "+at, func() (bool, func() string, error) {
					bs, err := w.breaks()
					if err != nil {
						return false, nil, err
					}
					found := false
					for _, b := range bs {
						found = found || (b.LocationID == locationID && b.Since.Equal(since) && b.Till.Equal(till))
					}
					return found, func() string { return fmt.Sprintf("its breaks view lists %d breaks; %s", len(bs), w.deliveries()) }, nil
				})
		})
	}
}
