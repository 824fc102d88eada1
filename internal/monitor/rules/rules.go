// Package rules is the alerting state machine of one endpoint: how checks add
// up to an alert, a reminder or a recovery. It is pure (no I/O, no clock) so
// that every rule can be tested as a table and persisted as plain data.
package rules

import "time"

// Check is one probe outcome as the rules see it.
type Check struct {
	At        time.Time     `json:"at"`
	Alive     bool          `json:"alive"`
	Status    int           `json:"status,omitempty"` // HTTP status, 0 when no answer
	Reason    string        `json:"reason"`
	Excerpt   string        `json:"excerpt,omitempty"`
	LatencyNS time.Duration `json:"latency_ns"`
}

// Kind of notification an event asks for.
type Kind string

const (
	Alert    Kind = "alert"    // threshold reached: first e-mail of an outage
	Reminder Kind = "reminder" // still down after the reminder interval
	Recovery Kind = "recovery" // alive again after an alert
)

// Event is a notification the rules decided on, with everything its e-mail
// needs, so composing the message never reads state again.
type Event struct {
	Kind         Kind      `json:"kind"`
	At           time.Time `json:"at"`
	FirstFailure time.Time `json:"first_failure"`
	Consecutive  int       `json:"consecutive"`
	Failures     []Check   `json:"failures,omitempty"`      // the streak, oldest first (capped)
	Omitted      int       `json:"omitted,omitempty"`       // failures of the streak not kept
	LastResponse *Check    `json:"last_response,omitempty"` // latest failure that had an HTTP answer
	Last         Check     `json:"last"`                    // the check that caused the event
}

// State is what persists per endpoint between checks and restarts.
type State struct {
	Consecutive  int       `json:"consecutive"`            // down checks in a row
	FirstFailure time.Time `json:"first_failure,omitzero"` // start of the current streak
	Failures     []Check   `json:"failures,omitempty"`     // the streak, most recent kept
	Omitted      int       `json:"omitted,omitempty"`
	LastResponse *Check    `json:"last_response,omitempty"`
	Alerting     bool      `json:"alerting"`
	NotifiedAt   time.Time `json:"notified_at,omitzero"` // last alert or reminder
	Recent       []Check   `json:"recent,omitempty"`     // last checks, newest last
	History      []Record  `json:"history,omitempty"`    // notifications raised, newest last
	AlertsSent   int       `json:"alerts_sent"`          // alerts and reminders raised, ever
	Checks       int64     `json:"checks"`
}

// Record is one entry of the alert history.
type Record struct {
	Kind Kind      `json:"kind"`
	At   time.Time `json:"at"`
}

// Caps keep a state small however long an outage lasts.
const (
	RecentCap  = 5
	HistoryCap = 50
	minKept    = 10
)

// Rules turns a state and a check into the next state and any notifications.
// The monitor depends on this interface, not on Policy, so a test can inject a
// deliberately broken rule and show that the acceptance features catch it.
type Rules interface {
	Next(s State, c Check) (State, []Event)
}

// Policy is the platform's alerting rule, configured as plain data.
type Policy struct {
	Threshold    int           // down checks in a row that raise an alert (>= 1)
	Reminder     time.Duration // re-send while still down; 0 never
	SendRecovery bool          // one e-mail when alive again after an alert
}

// Next applies one check. The returned state shares no slices with s.
func (p Policy) Next(s State, c Check) (State, []Event) {
	s = s.clone()
	s.Checks++
	s.Recent = appendCapped(s.Recent, c, RecentCap)
	var events []Event

	if c.Alive {
		if s.Alerting && p.SendRecovery {
			events = append(events, s.event(Recovery, c))
		}
		s.Alerting = false
		s.Consecutive, s.FirstFailure, s.Failures, s.Omitted, s.LastResponse = 0, time.Time{}, nil, 0, nil
		return s.record(events), events
	}

	if s.Consecutive == 0 {
		s.FirstFailure = c.At
	}
	s.Consecutive++
	keep := max(p.Threshold, minKept)
	if len(s.Failures) >= keep {
		s.Omitted++
	}
	s.Failures = appendCapped(s.Failures, c, keep)
	if c.Status != 0 {
		cc := c
		s.LastResponse = &cc
	}
	switch {
	case !s.Alerting && s.Consecutive >= max(p.Threshold, 1):
		// >= rather than ==: a threshold lowered across a restart still alerts.
		s.Alerting, s.NotifiedAt = true, c.At
		events = append(events, s.event(Alert, c))
	case s.Alerting && p.Reminder > 0 && c.At.Sub(s.NotifiedAt) >= p.Reminder:
		s.NotifiedAt = c.At
		events = append(events, s.event(Reminder, c))
	}
	return s.record(events), events
}

func (s State) event(k Kind, c Check) Event {
	e := Event{
		Kind: k, At: c.At, FirstFailure: s.FirstFailure, Consecutive: s.Consecutive,
		Failures: append([]Check(nil), s.Failures...), Omitted: s.Omitted, Last: c,
	}
	if s.LastResponse != nil {
		lr := *s.LastResponse
		e.LastResponse = &lr
	}
	return e
}

func (s State) record(events []Event) State {
	for _, e := range events {
		s.History = appendCapped(s.History, Record{Kind: e.Kind, At: e.At}, HistoryCap)
		if e.Kind != Recovery {
			s.AlertsSent++
		}
	}
	return s
}

func (s State) clone() State {
	s.Failures = append([]Check(nil), s.Failures...)
	s.Recent = append([]Check(nil), s.Recent...)
	s.History = append([]Record(nil), s.History...)
	if s.LastResponse != nil {
		lr := *s.LastResponse
		s.LastResponse = &lr
	}
	return s
}

// appendCapped appends and drops the oldest entries beyond limit.
func appendCapped[T any](xs []T, x T, limit int) []T {
	xs = append(xs, x)
	if over := len(xs) - limit; over > 0 {
		xs = append(xs[:0:0], xs[over:]...)
	}
	return xs
}
