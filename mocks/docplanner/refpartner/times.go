package refpartner

// How the partner writes times for the platform.

import (
	"time"
)

const timeLayout = "2006-01-02T15:04:05-07:00"

func (s *session) fmt(t time.Time) string { return t.In(s.loc).Format(timeLayout) }

// slotTime writes the wall-clock time of a slot or visit for the platform,
// in slotZone: with fixed-utc-offset that is today's offset, so a time on
// the other side of a change to summer time lands an hour off.
func (s *session) slotTime(t time.Time) string {
	c := t.In(s.loc)
	return time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, s.slotZone).Format(timeLayout)
}
