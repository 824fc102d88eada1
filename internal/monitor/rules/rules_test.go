package rules

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// run feeds a sequence like "DDU" (down, down, up) five minutes apart and
// returns the events raised at each check, as "-" (none) or kind names.
func run(t *testing.T, p Policy, seq string, from State) (State, []string) {
	t.Helper()
	s := from
	var got []string
	for i, r := range seq {
		c := Check{At: t0.Add(time.Duration(i+1) * 5 * time.Minute), Alive: r == 'U'}
		if !c.Alive {
			c.Status, c.Reason = 503, "HTTP 503 Service Unavailable"
		}
		var evs []Event
		s, evs = p.Next(s, c)
		switch len(evs) {
		case 0:
			got = append(got, "-")
		case 1:
			got = append(got, string(evs[0].Kind))
		default:
			t.Fatalf("check %d raised %d events", i+1, len(evs))
		}
	}
	return s, got
}

func TestPolicy(t *testing.T) {
	p3 := Policy{Threshold: 3, SendRecovery: true}
	tests := []struct {
		name   string
		policy Policy
		seq    string
		want   string // events, one per check
		final  int    // consecutive failures at the end
		alert  bool   // alerting at the end
	}{
		{"three downs alert once", p3, "DDD", "- - alert", 3, true},
		{"no repeat while down", p3, "DDDDDDD", "- - alert - - - -", 7, true},
		{"two downs then up: nothing", p3, "DDU", "- - -", 0, false},
		{"up between downs resets", p3, "DDUDD", "- - - - -", 2, false},
		{"reset then threshold again", p3, "DDUDDD", "- - - - - alert", 3, true},
		{"one recovery", p3, "DDDUU", "- - alert recovery -", 0, false},
		{"recovery off", Policy{Threshold: 3}, "DDDU", "- - alert -", 0, false},
		{"second outage alerts again", p3, "DDDUDDD", "- - alert recovery - - alert", 3, true},
		{"threshold 1", Policy{Threshold: 1, SendRecovery: true}, "DUD", "alert recovery alert", 1, true},
		{"reminder every 15m", Policy{Threshold: 3, Reminder: 15 * time.Minute}, "DDDDDDDDD", "- - alert - - reminder - - reminder", 9, true},
		{"all up", p3, "UUU", "- - -", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, got := run(t, tc.policy, tc.seq, State{})
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("events %q, want %q", g, tc.want)
			}
			if s.Consecutive != tc.final || s.Alerting != tc.alert {
				t.Errorf("final consecutive=%d alerting=%v, want %d %v", s.Consecutive, s.Alerting, tc.final, tc.alert)
			}
			if s.Checks != int64(len(tc.seq)) {
				t.Errorf("checks = %d", s.Checks)
			}
		})
	}
}

func TestAlertCarriesTheStreak(t *testing.T) {
	p := Policy{Threshold: 3}
	s := State{}
	var evs []Event
	for i, st := range []int{503, 0, 502} {
		c := Check{At: t0.Add(time.Duration(i) * 5 * time.Minute), Status: st, Reason: "r", Excerpt: "body"}
		s, evs = p.Next(s, c)
	}
	if len(evs) != 1 {
		t.Fatalf("events: %v", evs)
	}
	e := evs[0]
	if !e.FirstFailure.Equal(t0) || e.Consecutive != 3 || len(e.Failures) != 3 {
		t.Errorf("event %+v", e)
	}
	if e.LastResponse == nil || e.LastResponse.Status != 502 {
		t.Errorf("last response %+v, want the 502", e.LastResponse)
	}
	// The event must not alias the state: a later check cannot rewrite an
	// e-mail that is already queued.
	s, _ = p.Next(s, Check{At: t0.Add(time.Hour), Status: 500})
	if len(e.Failures) != 3 || s.Failures[0].At != e.Failures[0].At {
		t.Errorf("event aliased state")
	}
}

func TestCapsKeepStateSmall(t *testing.T) {
	p := Policy{Threshold: 3}
	s := State{}
	for i := range 1000 {
		s, _ = p.Next(s, Check{At: t0.Add(time.Duration(i) * time.Minute), Status: 503})
	}
	if len(s.Failures) != minKept || s.Omitted != 1000-minKept || len(s.Recent) != RecentCap {
		t.Errorf("failures=%d omitted=%d recent=%d", len(s.Failures), s.Omitted, len(s.Recent))
	}
	if s.Consecutive != 1000 || !s.FirstFailure.Equal(t0) {
		t.Errorf("consecutive=%d first=%v", s.Consecutive, s.FirstFailure)
	}
}

func TestLoweredThresholdStillAlerts(t *testing.T) {
	// Four failures were counted under threshold 5; the operator lowers it to
	// 3 and restarts: the next failure must alert, not wait forever for "== 3".
	s, _ := run(t, Policy{Threshold: 5}, "DDDD", State{})
	_, got := run(t, Policy{Threshold: 3}, "D", s)
	if got[0] != "alert" {
		t.Errorf("got %v, want alert", got)
	}
}
