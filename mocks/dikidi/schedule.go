package dikidi

import (
	"sort"
	"time"
)

// DayInput is a whole working day as the partner or the panel sends it.
type DayInput struct {
	Working  bool         `json:"working"`
	WorkFrom *string      `json:"work_from,omitempty"`
	WorkTo   *string      `json:"work_to,omitempty"`
	Breaks   []BreakInput `json:"breaks,omitempty"`
}

// BreakInput is a break inside a working day.
type BreakInput struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Step is the grid of free start times, in minutes from the start of the working day.
const Step = 15

// setDay replaces a master's day; records left outside the new hours refuse it.
func (c *company) setDay(a actor, master int64, date string, in DayInput) (time.Time, *Error) {
	var v invalid
	day, err := c.parseDate(date)
	if err != nil {
		return time.Time{}, notFound("No day %q.", date)
	}
	nd := workDay{working: in.Working}
	onDay := func(field, s string) time.Time {
		t, why := c.parseInput(s)
		if why != "" {
			v.add(field, "%s", why)
		} else if c.date(t) != date {
			v.add(field, "must be on %s in the company's time zone", date)
		}
		return t
	}
	if in.Working {
		if in.WorkFrom == nil || in.WorkTo == nil {
			v.add("work_from", "a working day needs work_from and work_to")
		} else {
			nd.from, nd.to = onDay("work_from", *in.WorkFrom), onDay("work_to", *in.WorkTo)
			if len(v) == 0 && !nd.to.After(nd.from) {
				v.add("work_to", "must be after work_from")
			}
		}
		for i, b := range in.Breaks {
			iv := interval{onDay("breaks.from", b.From), onDay("breaks.to", b.To)}
			if len(v) > 0 {
				continue
			}
			if !iv.to.After(iv.from) || iv.from.Before(nd.from) || iv.to.After(nd.to) {
				v.add("breaks", "break %d must lie inside the working hours", i+1)
			}
			nd.breaks = append(nd.breaks, iv)
		}
		sort.Slice(nd.breaks, func(i, j int) bool { return nd.breaks[i].from.Before(nd.breaks[j].from) })
		for i := 1; i < len(nd.breaks); i++ {
			if nd.breaks[i].from.Before(nd.breaks[i-1].to) {
				v.add("breaks", "breaks must not overlap")
			}
		}
	} else if in.WorkFrom != nil || in.WorkTo != nil || len(in.Breaks) > 0 {
		v.add("working", "a day off has no hours and no breaks")
	}
	if err := v.err(); err != nil {
		return time.Time{}, err
	}
	if _, ok := c.master(master); !ok {
		return time.Time{}, notFound("Master %d not found.", master)
	}
	k := dayKey{master, date}
	old := c.day(master, day)
	prev, had := c.days[k]
	c.days[k] = nd
	for _, id := range c.recordIDs {
		r := c.records[id]
		if r.master == master && r.active() && c.date(r.start) == date && !c.fits(master, r.start, r.end) {
			if had {
				c.days[k] = prev
			} else {
				delete(c.days, k)
			}
			return time.Time{}, conflict(codeTimeOccupied, "Record %d (%s to %s) would lie outside the new hours of master %d.", r.id, c.ts(r.start), c.ts(r.end), master)
		}
	}
	if !sameDay(old, nd) {
		c.emit(EventScheduleUpdated, a.origin(), func(*key) map[string]any {
			return map[string]any{"day": c.dayJSON(master, day)}
		}, nil)
	}
	return day, nil
}

func sameDay(a, b workDay) bool {
	if a.working != b.working || !a.from.Equal(b.from) || !a.to.Equal(b.to) || len(a.breaks) != len(b.breaks) {
		return false
	}
	for i := range a.breaks {
		if !a.breaks[i].from.Equal(b.breaks[i].from) || !a.breaks[i].to.Equal(b.breaks[i].to) {
			return false
		}
	}
	return true
}

// FreeDay is the free start times of one master on one date.
type FreeDay struct {
	MasterID int64
	Date     string
	Times    []time.Time
}

// freeTimes lists the starts at which services, one after another, fit:
// on the 15-minute grid from work_from, inside the hours, outside breaks, clear
// of every non-cancelled record, and not before now.
func (c *company) freeTimes(serviceIDs []int64, master int64, from, to time.Time) (int, []FreeDay, *Error) {
	total := 0
	for _, id := range serviceIDs {
		s, ok := c.service(id)
		if !ok {
			return 0, nil, notFound("Service %d not found.", id)
		}
		total += s.Duration
	}
	var masters []int64
	if master != 0 {
		if _, ok := c.master(master); !ok {
			return 0, nil, notFound("Master %d not found.", master)
		}
		var v invalid
		for _, id := range serviceIDs {
			if !c.provides(master, id) {
				v.add("service_id", "master %d does not provide service %d", master, id)
			}
		}
		if err := v.err(); err != nil {
			return 0, nil, err
		}
		masters = []int64{master}
	} else {
		for _, m := range c.masters {
			all := true
			for _, id := range serviceIDs {
				all = all && c.provides(m.ID, id)
			}
			if all {
				masters = append(masters, m.ID)
			}
		}
	}
	now := c.now()
	dur := time.Duration(total) * time.Minute
	var out []FreeDay
	for _, mid := range masters {
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			wd := c.day(mid, d)
			if !wd.working {
				continue
			}
			fd := FreeDay{MasterID: mid, Date: c.date(d)}
			for t := wd.from; !t.Add(dur).After(wd.to); t = t.Add(Step * time.Minute) {
				// the loop keeps [t, t+dur) inside wd, whose times are all on one date
				if t.Before(now) || !wd.holds(t, t.Add(dur)) || c.overlap(mid, t, t.Add(dur), 0) != nil {
					continue
				}
				fd.Times = append(fd.Times, t)
			}
			if len(fd.Times) > 0 {
				out = append(out, fd)
			}
		}
	}
	return total, out, nil
}
