package docplanner

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

func registerCrossCheck(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^Docplanner's free slots, bookings and breaks match the partner's own view for the whole horizon$`, w.crossCheck)
}

// crossCheck is the platform's recommended schedule-coverage check, made by
// accord: free time on Docplanner (getSlots minus getBookings minus
// getCalendarBreaks) against the partner's own free time, and bookings and
// breaks both ways. Every discrepancy is listed.
func (w *world) crossCheck() error {
	free, err := w.freeSlots()
	if err != nil {
		return err
	}
	visits, err := w.visits()
	if err != nil {
		return err
	}
	breaks, err := w.breaks()
	if err != nil {
		return err
	}
	from, to := w.horizon()
	var diffs []string
	for _, l := range w.s.fixture.Partner.Locations {
		a, err := w.platform(l)
		if err != nil {
			return err
		}
		platformFree := map[int64]bool{}
		for _, t := range a.Free {
			platformFree[t.Unix()] = true
		}
		partnerFree := map[int64]bool{}
		for _, f := range free {
			if f.LocationID == l.ID && !f.Start.Before(from) && f.Start.Before(to) {
				partnerFree[f.Start.Unix()] = true
			}
		}
		for t := range platformFree {
			if !partnerFree[t] {
				diffs = append(diffs, fmt.Sprintf("%s %s: free on Docplanner, not free in the partner's system", l.ID, w.fmtTime(time.Unix(t, 0))))
			}
		}
		for t := range partnerFree {
			if !platformFree[t] {
				diffs = append(diffs, fmt.Sprintf("%s %s: free in the partner's system, not offered on Docplanner", l.ID, w.fmtTime(time.Unix(t, 0))))
			}
		}
		booked := map[int64]bool{}
		for _, b := range a.Bookings {
			if b.Status == "booked" {
				booked[b.Start.Unix()] = true
			}
		}
		for _, v := range visits {
			if v.LocationID == l.ID && v.Status == "booked" && !v.Start.Before(from) && v.Start.Before(to) && !booked[v.Start.Unix()] {
				diffs = append(diffs, fmt.Sprintf("%s %s: the partner's visit %s is not on Docplanner", l.ID, w.fmtTime(v.Start), v.ID))
			}
		}
		for _, b := range a.Bookings {
			if b.Status != "booked" || b.Start.Before(from) || !b.Start.Before(to) {
				continue
			}
			held := false
			for _, v := range visits {
				held = held || (v.LocationID == l.ID && v.Status == "booked" && v.Start.Equal(b.Start))
			}
			if !held {
				diffs = append(diffs, fmt.Sprintf("%s %s: Docplanner booking %s is not in the partner's system", l.ID, w.fmtTime(b.Start), b.ID))
			}
		}
		for _, pb := range breaks {
			if pb.LocationID != l.ID {
				continue
			}
			found := false
			for _, b := range a.Breaks {
				found = found || (b.Since.Equal(pb.Since) && b.Till.Equal(pb.Till))
			}
			if !found {
				diffs = append(diffs, fmt.Sprintf("%s %s–%s: the partner's break %s is not on Docplanner", l.ID, w.fmtTime(pb.Since), w.fmtTime(pb.Till), pb.ID))
			}
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return fmt.Errorf("schedule cross-check: %d discrepancies between Docplanner and the partner:\n  %s", len(diffs), strings.Join(diffs, "\n  "))
	}
	return nil
}
