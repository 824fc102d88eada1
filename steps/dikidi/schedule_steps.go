package dikidi

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	mock "github.com/accord-harness/accord/mocks/dikidi"
)

const hours = `(\d\d:\d\d)-(\d\d:\d\d)`

func registerSchedule(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the partner shows DIKIDI's working hours for the week$`, w.partnerWeek)
	sc.Step(`^within the latency budget the partner offers the same free times as DIKIDI for "([^"]*)" with (\w+ \w+) on (\w+)$`, w.sameFreeTimes)
	sc.Step(`^the salon's staff give (\w+ \w+) the day off on (\w+) in DIKIDI$`, func(master, weekday string) error {
		return w.salonSetsHours(master, weekday, "", "")
	})
	sc.Step(`^the salon's staff set (\w+ \w+)'s hours on (\w+) to `+hours+` in DIKIDI$`, w.salonSetsHours)
	sc.Step(`^within the latency budget the partner shows (\w+ \w+) off on (\w+)$`, func(master, weekday string) error {
		return w.partnerHours(master, "", "", weekday)
	})
	sc.Step(`^within the latency budget the partner shows (\w+ \w+) working `+hours+` on (\w+)$`, w.partnerHours)
	sc.Step(`^the partner's staff (try to )?set (\w+ \w+)'s hours on (\w+) to `+hours+`$`, w.staffSetsHours)
	sc.Step(`^within the latency budget DIKIDI shows (\w+ \w+) working `+hours+` on (\w+)$`, func(master, from, to, weekday string) error {
		return w.platformHours("within", master, from, to, weekday)
	})
	sc.Step(`^DIKIDI still shows (\w+ \w+) working `+hours+` on (\w+)$`, func(master, from, to, weekday string) error {
		return w.platformHours("still", master, from, to, weekday)
	})
}

// describeDay renders a working day for comparisons and reasons.
func describeDay(working bool, from, to time.Time, breaks [][2]time.Time) string {
	if !working {
		return "off"
	}
	s := from.Format("15:04") + "-" + to.Format("15:04")
	for _, b := range breaks {
		s += fmt.Sprintf(" (break %s-%s)", b[0].Format("15:04"), b[1].Format("15:04"))
	}
	return s
}

func (w *world) platformDay(masterID int64, date time.Time) (string, error) {
	h, err := w.s.mock.Day(w.company, masterID, date)
	if err != nil {
		return "", err
	}
	return describeDay(h.Working, h.From, h.To, h.Breaks), nil
}

func partnerDayText(d partnerDay) string {
	if !d.Working || d.WorkFrom == nil || d.WorkTo == nil {
		return "off"
	}
	parse := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	var breaks [][2]time.Time
	for _, b := range d.Breaks {
		breaks = append(breaks, [2]time.Time{parse(b.From), parse(b.To)})
	}
	return describeDay(true, parse(*d.WorkFrom), parse(*d.WorkTo), breaks)
}

func (w *world) partnerDays() (map[string]partnerDay, error) {
	days, err := w.schedule()
	if err != nil {
		return nil, err
	}
	out := map[string]partnerDay{}
	for _, d := range days {
		out[fmt.Sprintf("%d|%s", d.MasterID, d.Date)] = d
	}
	return out, nil
}

// partnerWeek: for every master and day of the week, the partner shows what DIKIDI has.
func (w *world) partnerWeek() error {
	days, err := w.partnerDays()
	if err != nil {
		return err
	}
	var diffs []string
	for _, m := range w.fx.Masters {
		for iso := 1; iso <= 7; iso++ {
			date, _ := w.fx.Day(iso)
			want, err := w.platformDay(m.ID, date)
			if err != nil {
				return err
			}
			d, ok := days[fmt.Sprintf("%d|%s", m.ID, date.Format(time.DateOnly))]
			got := "missing"
			if ok {
				got = partnerDayText(d)
			}
			if got != want {
				diffs = append(diffs, fmt.Sprintf("%s %s: partner %s, DIKIDI %s", m.Name, date.Format("Mon 01-02"), got, want))
			}
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("schedule (DIKIDI → partner): the partner's working hours differ from DIKIDI's on %d days: %s", len(diffs), strings.Join(tail(diffs, 4), "; "))
	}
	return nil
}

func (w *world) sameFreeTimes(serviceName, masterName, weekday string) error {
	svc, err := w.service(serviceName)
	if err != nil {
		return err
	}
	m, err := w.master(masterName)
	if err != nil {
		return err
	}
	date, err := w.date(weekday)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("schedule (DIKIDI → partner): the partner offers DIKIDI's free times for %s with %s on %s", serviceName, masterName, date.Format("Mon 2006-01-02"))
	return w.within(w.s.budget, what, func() (bool, string) {
		want, err := w.s.mock.FreeTimes(w.company, []int64{svc.ID}, m.ID, date)
		if err != nil {
			return false, err.Error()
		}
		rows, err := w.freeTimes()
		if err != nil {
			return false, err.Error()
		}
		var got []string
		for _, r := range rows {
			if r.ServiceID == svc.ID && r.MasterID == m.ID && r.Date == date.Format(time.DateOnly) {
				for _, t := range r.Times {
					if p, err := time.Parse(time.RFC3339, t); err == nil {
						got = append(got, p.In(date.Location()).Format("15:04"))
					}
				}
			}
		}
		var wantS []string
		for _, t := range want {
			wantS = append(wantS, t.Format("15:04"))
		}
		// The view's order of times is the partner's own: compare the offers.
		slices.Sort(got)
		slices.Sort(wantS)
		if strings.Join(got, " ") != strings.Join(wantS, " ") {
			return false, fmt.Sprintf("the partner offers [%s], DIKIDI offers [%s]; %s", strings.Join(got, " "), strings.Join(wantS, " "), w.deliveries(w.changeMark))
		}
		return true, ""
	})
}

func (w *world) salonSetsHours(masterName, weekday, from, to string) error {
	m, err := w.master(masterName)
	if err != nil {
		return err
	}
	date, err := w.date(weekday)
	if err != nil {
		return err
	}
	h := mock.Hours{}
	if from != "" {
		f, _ := w.at(weekday, from)
		t, _ := w.at(weekday, to)
		h = mock.Hours{Working: true, From: f, To: t}
	}
	w.changeMark = w.mark()
	return w.s.mock.SetHours(w.company, m.ID, date, h)
}

func (w *world) partnerHours(masterName, from, to, weekday string) error {
	m, err := w.master(masterName)
	if err != nil {
		return err
	}
	date, err := w.date(weekday)
	if err != nil {
		return err
	}
	want := "off"
	if from != "" {
		want = from + "-" + to
	}
	what := fmt.Sprintf("schedule (DIKIDI → partner): the partner shows %s %s on %s", masterName, want, date.Format("Mon 2006-01-02"))
	return w.within(w.s.budget, what, func() (bool, string) {
		days, err := w.partnerDays()
		if err != nil {
			return false, err.Error()
		}
		d, ok := days[fmt.Sprintf("%d|%s", m.ID, date.Format(time.DateOnly))]
		if !ok {
			return false, "its schedule view has no such day; " + w.deliveries(w.changeMark)
		}
		if got := partnerDayText(d); got != want {
			return false, fmt.Sprintf("it shows %s; %s", got, w.deliveries(w.changeMark))
		}
		return true, ""
	})
}

func (w *world) staffSetsHours(try, masterName, weekday, from, to string) error {
	m, err := w.master(masterName)
	if err != nil {
		return err
	}
	date, err := w.date(weekday)
	if err != nil {
		return err
	}
	f, _ := w.at(weekday, from)
	t, _ := w.at(weekday, to)
	params := map[string]any{"master_id": m.ID, "date": date.Format(time.DateOnly), "working": true, "work_from": f, "work_to": t}
	return w.act(try, "schedule (partner → DIKIDI)", "set the working hours", "change-schedule", params, nil)
}

func (w *world) platformHours(when, masterName, from, to, weekday string) error {
	m, err := w.master(masterName)
	if err != nil {
		return err
	}
	date, err := w.date(weekday)
	if err != nil {
		return err
	}
	want := from + "-" + to
	what := fmt.Sprintf("schedule (partner → DIKIDI): DIKIDI shows %s working %s on %s", masterName, want, date.Format("Mon 2006-01-02"))
	cond := func() (bool, string) {
		got, err := w.platformDay(m.ID, date)
		if err != nil {
			return false, err.Error()
		}
		got, _, _ = strings.Cut(got, " (break")
		if got != want {
			return false, fmt.Sprintf("DIKIDI has %s; %s", got, w.evidence(w.actMark))
		}
		return true, ""
	}
	return w.eventually(when != "still", what, cond)
}
