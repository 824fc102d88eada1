package refpartner

import (
	"context"
	"fmt"
	"slices"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

// Variants of the correct partner. "alt" is correct too, but differs in
// every incidental way a check might lean on: it gathers its updates and
// sends them in batches (every batchEvery of the run clock, one update per
// object however often it changed), walks calendars in reverse, clears a day
// with deleteSlots (its date written as the official SDK writes dates) and
// feeds it one period per request, asks for `with` scopes in the repeated
// form, fills every optional field, puts insurers with updateOrCreate, signs
// in with a multipart form, and pages through bookings. A scenario that
// fails it depends on the first partner's habits, not on the platform's
// rules.
const (
	VariantDefault = ""
	VariantAlt     = "alt"
)

// batchEvery is how long the alt variant gathers updates before it sends them.
const batchEvery = 10 * time.Second

// send makes the platform update of a staff action, fn, which reconciles
// the object key names: at once, or, in the alt variant, with the next
// batch, where a later change of the same object replaces an earlier one.
func (p *Partner) send(ctx context.Context, s *session, key string, fn func(context.Context) error) error {
	if p.faults["hides-update-failures"] {
		// The faulty build fires its updates and forgets them.
		update := fn
		fn = func(ctx context.Context) error { _ = update(ctx); return nil }
	}
	if !p.alt {
		return fn(ctx)
	}
	for i, b := range s.batch {
		if b.key == key {
			s.batch[i].fn = fn
			return nil
		}
	}
	s.batch = append(s.batch, batched{key, fn})
	if s.flush == nil {
		s.flush = p.opts.Clock.AfterFunc(batchEvery, func() { p.sendBatch(s) })
	}
	return nil
}

// sendBatch sends the gathered updates, in the order first changed.
func (p *Partner) sendBatch(s *session) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s != s {
		return
	}
	batch := s.batch
	s.batch, s.flush = nil, nil
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, b := range batch {
		if err := b.fn(ctx); err != nil {
			s.lastError = fmt.Sprintf("%s not yet on the platform: %v", b.key, err)
		}
	}
}

// locations lists the calendars in the order this variant walks them.
func (p *Partner) locations(s *session) []docplannerfixture.Location {
	ls := slices.Clone(s.fx.Locations)
	if p.alt {
		slices.Reverse(ls)
	}
	return ls
}
