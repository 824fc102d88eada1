package refpartner

import (
	"context"
	"fmt"
	"slices"
	"time"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
)

// Variants of the correct partner. "alt" is correct too, but differs in
// every incidental way a check might lean on: it sends its updates after
// answering the staff action (from a queue, in order), walks calendars in
// reverse, clears a day with deleteSlots (its date written as the official
// SDK writes dates) and feeds it one period per request, asks for `with`
// scopes in the repeated form, fills every optional field, puts
// insurers with updateOrCreate, signs in with a multipart form, and pages
// through bookings. A scenario that fails it depends on the first partner's
// habits, not on the platform's rules.
const (
	VariantDefault = ""
	VariantAlt     = "alt"
)

// send makes a platform update for a staff action: at once, or, in the alt
// variant, from the session's outbox after the action has answered.
func (p *Partner) send(ctx context.Context, s *session, what string, fn func(context.Context) error) error {
	if !p.alt {
		return fn(ctx)
	}
	if s.outbox == nil {
		s.outbox = make(chan func(), 1024)
		go func(box chan func()) {
			for job := range box {
				job()
			}
		}(s.outbox)
	}
	s.outbox <- func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.s != s {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := fn(ctx); err != nil {
			s.lastError = fmt.Sprintf("%s not yet on the platform: %v", what, err)
		}
	}
	return nil
}

// locations lists the calendars in the order this variant walks them.
func (p *Partner) locations(s *session) []fixture.Location {
	ls := slices.Clone(s.fx.Locations)
	if p.alt {
		slices.Reverse(ls)
	}
	return ls
}
