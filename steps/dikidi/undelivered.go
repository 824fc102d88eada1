package dikidi

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/stepkit"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// undelivered is what DIKIDI has not yet managed to tell the partner: the
// objects of events whose delivery failed at least once and which DIKIDI
// still retries (or gave up on). An exploration loses events and breaks the
// Path on purpose; until a retry gets through, a partner that learns from
// events cannot know those changes, so the comparison leaves them out and
// takes them up again once delivered. Events on their first attempt are not
// left out: the latency budget covers them. A nil *undelivered leaves out
// nothing.
type undelivered struct {
	key     bool            // a key.state_changed
	records map[int64]bool  // DIKIDI's record ids
	days    map[string]bool // dayKey(master, date): working days
	spots   map[string]bool // dayKey(master, date): free times a record or day event changes
	what    []string        // for failure reasons
}

func (u *undelivered) keyState() bool       { return u != nil && u.key }
func (u *undelivered) record(id int64) bool { return u != nil && u.records[id] }

func (u *undelivered) day(master int64, date time.Time) bool {
	return u != nil && u.days[dayKey(master, date.Format(time.DateOnly))]
}

func (u *undelivered) free(master int64, date time.Time) bool {
	return u != nil && u.spots[dayKey(master, date.Format(time.DateOnly))]
}

// String names what is left out, for a failure reason.
func (u *undelivered) String() string {
	if u == nil || len(u.what) == 0 {
		return ""
	}
	return "left out until DIKIDI delivers their events: " + strings.Join(stepkit.Tail(u.what, 8), "; ")
}

// undelivered reads the key's deliveries.
func (s sides) undelivered() (*undelivered, error) {
	ds, err := s.mock.Deliveries(s.company, s.keyID)
	if err != nil {
		return nil, err
	}
	u := &undelivered{records: map[int64]bool{}, days: map[string]bool{}, spots: map[string]bool{}}
	spot := func(master int64, at time.Time) { u.spots[dayKey(master, at.In(s.loc).Format(time.DateOnly))] = true }
	for _, d := range ds {
		if len(d.Attempts) == 0 || (d.Status != dikidimock.DeliveryPending && d.Status != dikidimock.DeliveryFailed) {
			continue
		}
		var ev struct {
			Data struct {
				Record *struct {
					ID       int64     `json:"id"`
					MasterID int64     `json:"master_id"`
					Start    time.Time `json:"start"`
				} `json:"record"`
				Previous *struct {
					MasterID int64     `json:"master_id"`
					Start    time.Time `json:"start"`
				} `json:"previous"`
				Day *struct {
					MasterID int64  `json:"master_id"`
					Date     string `json:"date"`
				} `json:"day"`
			} `json:"data"`
		}
		if err := json.Unmarshal(d.Body, &ev); err != nil {
			return nil, fmt.Errorf("DIKIDI's %s event #%d: %v", d.Event, d.Sequence, err)
		}
		switch r, day := ev.Data.Record, ev.Data.Day; {
		case d.Event == dikidimock.EventKeyStateChanged:
			u.key = true
			u.what = append(u.what, fmt.Sprintf("the key's state (%s #%d)", d.Event, d.Sequence))
		case r != nil:
			u.records[r.ID] = true
			spot(r.MasterID, r.Start)
			if p := ev.Data.Previous; p != nil {
				spot(p.MasterID, p.Start)
			}
			u.what = append(u.what, fmt.Sprintf("record %d (%s #%d)", r.ID, d.Event, d.Sequence))
		case day != nil:
			u.days[dayKey(day.MasterID, day.Date)] = true
			u.spots[dayKey(day.MasterID, day.Date)] = true
			u.what = append(u.what, fmt.Sprintf("%s's day %s (%s #%d)", s.masterName(day.MasterID), day.Date, d.Event, d.Sequence))
		}
	}
	return u, nil
}
