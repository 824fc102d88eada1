package dikidi

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

const hours = `(\d\d:\d\d)-(\d\d:\d\d)`

// withBreak is a break within working hours, which a step may leave out.
const withBreak = `(?: with a break (\d\d:\d\d)-(\d\d:\d\d))?`

func registerSchedule(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the partner shows DIKIDI's working hours for every master and day$`, w.partnerWeek)
	sc.Step(`^within the latency budget the partner offers the same free times as DIKIDI for "([^"]*)" with (\w+ \w+) on `+day+`$`, w.sameFreeTimes)
	sc.Step(`^the salon's staff (?:give|gave) (\w+ \w+) the day off on `+day+` in DIKIDI$`, func(master, weekday string) error {
		return w.salonSetsHours(master, weekday, "", "")
	})
	sc.Step(`^the salon's staff set (\w+ \w+)'s hours on `+day+` to `+hours+` in DIKIDI$`, w.salonSetsHours)
	sc.Step(`^within the latency budget the partner shows (\w+ \w+) off on `+day+`$`, func(master, weekday string) error {
		return w.partnerHours(master, "", "", weekday)
	})
	sc.Step(`^within the latency budget the partner shows (\w+ \w+) working `+hours+` on `+day+`$`, w.partnerHours)
	sc.Step(`^the partner's staff (try to )?set (\w+ \w+)'s hours on `+day+` to `+hours+withBreak+`$`, w.staffSetsHours)
	sc.Step(`^within the latency budget DIKIDI shows (\w+ \w+) working `+hours+withBreak+` on `+day+`$`, func(master, from, to, breakFrom, breakTo, weekday string) error {
		return w.platformHours("within", master, from, to, breakFrom, breakTo, weekday)
	})
	sc.Step(`^DIKIDI still shows (\w+ \w+) working `+hours+` on `+day+`$`, func(master, from, to, weekday string) error {
		return w.platformHours("still", master, from, to, "", "", weekday)
	})
}

// describeDay renders a working day in the salon's zone, whatever offset its
// times were given in: two sides agree when they name the same instants.
func describeDay(loc *time.Location, working bool, from, to time.Time, breaks [][2]time.Time) string {
	if !working {
		return "off"
	}
	s := from.In(loc).Format("15:04") + "-" + to.In(loc).Format("15:04")
	// the order a side lists a day's breaks in is its own
	breaks = slices.Clone(breaks)
	slices.SortFunc(breaks, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	for _, b := range breaks {
		s += fmt.Sprintf(" (break %s-%s)", b[0].In(loc).Format("15:04"), b[1].In(loc).Format("15:04"))
	}
	return s
}

func platformDayText(loc *time.Location, h dikidimock.Hours) string {
	return describeDay(loc, h.Working, h.From, h.To, h.Breaks)
}

func partnerDayText(loc *time.Location, d partnerDay) string {
	if !d.Working || d.WorkFrom == nil || d.WorkTo == nil {
		return "off"
	}
	var breaks [][2]time.Time
	for _, b := range d.Breaks {
		breaks = append(breaks, [2]time.Time{b.From, b.To})
	}
	return describeDay(loc, true, *d.WorkFrom, *d.WorkTo, breaks)
}

func dayKey(master int64, date string) string { return fmt.Sprintf("%d|%s", master, date) }

// partnerDays are the partner's working days by master and date.
func partnerDays(days []partnerDay) map[string]partnerDay {
	out := map[string]partnerDay{}
	for _, d := range days {
		out[dayKey(d.MasterID, d.Date)] = d
	}
	return out
}

// partnerWeek: for every master and day of the horizon, the partner shows what DIKIDI has.
func (w *world) partnerWeek() error {
	t, err := w.sides().scheduleDiff(w.Ctx)
	if err != nil {
		return err
	}
	return t.Err("schedule (DIKIDI → partner): the partner's working hours")
}

func (w *world) sameFreeTimes(serviceName, masterName, weekday string) error {
	svc, err := w.service(serviceName)
	if err != nil {
		return err
	}
	d, err := w.workday(masterName, weekday, "", "")
	if err != nil {
		return err
	}
	m, date := d.master, d.date
	what := fmt.Sprintf("schedule (DIKIDI → partner): the partner offers DIKIDI's free times for %s with %s on %s", serviceName, masterName, date.Format("Mon 2006-01-02"))
	return w.Within(w.s.Budget, what, func() (bool, string) {
		want, err := w.s.mock.FreeTimes(w.company, []int64{svc.ID}, m.ID, date)
		if err != nil {
			return w.CannotTell(err)
		}
		rows, err := w.freeTimes()
		if err != nil {
			return w.CannotTell(err)
		}
		var got []time.Time
		for _, r := range rows {
			if r.ServiceID == svc.ID && r.MasterID == m.ID && r.Date == date.Format(time.DateOnly) {
				got = append(got, r.Times...)
			}
		}
		// The view's order of times is the partner's own: compare the offers.
		onlyDIKIDI, onlyPartner := instantsApart(w.loc, want, got)
		if onlyDIKIDI != "" || onlyPartner != "" {
			return false, fmt.Sprintf("DIKIDI also offers [%s], the partner also offers [%s]; %s", onlyDIKIDI, onlyPartner, w.deliveries(w.changeMark))
		}
		return true, ""
	})
}

// workday is a master's day of the horizon as a step names it, with the
// span it gives, from "HH:MM" to "HH:MM": hours worked (none is a day off),
// or time occupied.
type workday struct {
	master dikidifixture.Master
	date   time.Time
	hours  dikidimock.Hours
}

func (w *world) workday(masterName, weekday, from, to string) (workday, error) {
	m, err := w.master(masterName)
	if err != nil {
		return workday{}, err
	}
	d := workday{master: m}
	if d.date, err = w.date(weekday); err != nil || from == "" {
		return d, err
	}
	f, err := w.at(weekday, from)
	if err != nil {
		return d, err
	}
	t, err := w.at(weekday, to)
	d.hours = dikidimock.Hours{Working: true, From: f, To: t}
	return d, err
}

func (w *world) salonSetsHours(masterName, weekday, from, to string) error {
	d, err := w.workday(masterName, weekday, from, to)
	if err != nil {
		return err
	}
	w.changeMark = w.Mark()
	return w.s.mock.SetHours(w.company, d.master.ID, d.date, d.hours)
}

func (w *world) partnerHours(masterName, from, to, weekday string) error {
	d, err := w.workday(masterName, weekday, "", "")
	if err != nil {
		return err
	}
	m, date := d.master, d.date
	want := "off"
	if from != "" {
		want = from + "-" + to
	}
	what := fmt.Sprintf("schedule (DIKIDI → partner): the partner shows %s %s on %s", masterName, want, date.Format("Mon 2006-01-02"))
	return w.Within(w.s.Budget, what, func() (bool, string) {
		days, err := w.schedule()
		if err != nil {
			return w.CannotTell(err)
		}
		d, ok := partnerDays(days)[dayKey(m.ID, date.Format(time.DateOnly))]
		if !ok {
			return false, "its schedule view has no such day; " + w.deliveries(w.changeMark)
		}
		got, _, _ := strings.Cut(partnerDayText(w.loc, d), " (break")
		if got != want {
			return false, fmt.Sprintf("it shows %s; %s", got, w.deliveries(w.changeMark))
		}
		return true, ""
	})
}

func (w *world) staffSetsHours(try, masterName, weekday, from, to, breakFrom, breakTo string) error {
	d, err := w.workday(masterName, weekday, from, to)
	if err != nil {
		return err
	}
	params := map[string]any{"master_id": d.master.ID, "date": d.date.Format(time.DateOnly), "working": true, "work_from": d.hours.From, "work_to": d.hours.To}
	if breakFrom != "" {
		bf, ferr := w.at(weekday, breakFrom)
		bt, terr := w.at(weekday, breakTo)
		if err := errors.Join(ferr, terr); err != nil {
			return err
		}
		params["breaks"] = []map[string]any{{"from": bf, "to": bt}}
	}
	return w.act(try, "schedule (partner → DIKIDI)", "set the working hours", "change-schedule", params, nil)
}

func (w *world) platformHours(when, masterName, from, to, breakFrom, breakTo, weekday string) error {
	d, err := w.workday(masterName, weekday, "", "")
	if err != nil {
		return err
	}
	m, date := d.master, d.date
	want := from + "-" + to
	if breakFrom != "" {
		want += " (break " + breakFrom + "-" + breakTo + ")"
	}
	what := fmt.Sprintf("schedule (partner → DIKIDI): DIKIDI shows %s working %s on %s", masterName, want, date.Format("Mon 2006-01-02"))
	cond := func() (bool, string) {
		h, err := w.s.mock.Day(w.company, m.ID, date)
		if err != nil {
			return w.CannotTell(fmt.Errorf("DIKIDI's day of %s: %w", masterName, err))
		}
		got := platformDayText(w.loc, h)
		if breakFrom == "" {
			got, _, _ = strings.Cut(got, " (break")
		}
		if got != want {
			return false, fmt.Sprintf("DIKIDI has %s; %s", got, w.evidence(w.actMark))
		}
		return true, ""
	}
	return w.eventually(when != "still", what, cond)
}
