package stepkit

import (
	"context"
	"fmt"
	"time"

	"github.com/accord-harness/accord/internal/clock"
)

// Scenario is what every platform's world holds of its scenario: embedded
// in the world, its Mark, Within and View behave the same on every platform.
type Scenario struct {
	Run  *Base
	Ctx  context.Context
	Name string
	// DriverErr is the last failed driver call inside a wait: a partner
	// whose driver breaks its contract is not late, so the wait stops at once.
	DriverErr error
}

// Begin starts the scenario afresh.
func (s *Scenario) Begin(run *Base, ctx context.Context, name string) {
	*s = Scenario{Run: run, Ctx: ctx, Name: name}
}

// Mark is the journal's current sequence number.
func (s *Scenario) Mark() int64 { return s.Run.Journal.LastSeq() }

// View reads one of the partner's views; a failure stops the wait it is in.
func (s *Scenario) View(name string, out any) error {
	err := s.Run.Driver.View(s.Ctx, name, out)
	s.DriverFailed(err)
	return err
}

// DriverFailed records a failed driver call (nil is none), which stops the
// wait it is in.
func (s *Scenario) DriverFailed(err error) {
	if err != nil {
		s.DriverErr = err
	}
}

// CannotTell is a wait's condition when a look failed (the partner's view,
// the mock's own state): the wait stops at once on err, which waiting out
// the budget would only bury under "not so" and the last guess.
func (s *Scenario) CannotTell(err error) (bool, string) {
	s.DriverFailed(err)
	return false, err.Error()
}

// Within waits up to budget on the run clock for cond; on time-out the
// error carries cond's last explanation of why not.
func (s *Scenario) Within(budget time.Duration, what string, cond func() (bool, string)) error {
	return s.WithinOn(s.Run.Waiter, budget, what, cond)
}

// WithinOn is Within at another waiter's pace.
func (s *Scenario) WithinOn(waiter clock.Waiter, budget time.Duration, what string, cond func() (bool, string)) error {
	var why string
	s.DriverErr = nil
	took, ok := waiter.Until(s.Ctx, budget, func() bool {
		var done bool
		done, why = cond()
		return done || s.DriverErr != nil
	})
	if s.DriverErr != nil {
		return fmt.Errorf("%s: cannot tell: %w", what, s.DriverErr)
	}
	if !ok {
		return fmt.Errorf("%s: not so after %s on the run clock: %s", what, budget, why)
	}
	s.Run.RecordLatency(Latency{Scenario: s.Name, What: what, Seconds: took.Seconds(), Limit: budget.Seconds()})
	return nil
}

// Explain is a wait's condition and, only when it does not hold, why: the
// why reads the run's journal, which can be long.
func Explain(ok bool, why func() string) (bool, string) {
	if ok {
		return true, ""
	}
	return false, why()
}
