package dikidi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/runner"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// TestALookThatFailsIsSaid: a check that cannot look (the partner's view
// unreadable, DIKIDI's own day gone) fails its step saying so, whether it
// waits or looks once ("still"); only a look that worked and found the
// sides apart says "not so".
func TestALookThatFailsIsSaid(t *testing.T) {
	broken := errors.New("the partner's schedule view: unexpected end of JSON input")
	for _, tc := range []struct {
		name string
		cond func(w *world) (bool, string)
		want string
	}{
		{"the look fails", func(w *world) (bool, string) { return w.CannotTell(broken) }, "the partner shows 10:00-19:00: cannot tell: " + broken.Error()},
		{"the sides differ", func(*world) (bool, string) { return false, "it shows off" }, "the partner shows 10:00-19:00: not so"},
	} {
		for _, wait := range []bool{true, false} {
			s := &stage{}
			s.Init(runner.Config{}, 30*time.Second)
			s.Waiter.Clock, s.Waiter.Virtual = s.Clock, true
			w := &world{s: s}
			w.Begin(&s.Base, context.Background(), "a scenario")
			err := w.eventually(wait, "the partner shows 10:00-19:00", func() (bool, string) { return tc.cond(w) })
			require.Error(t, err, tc.name)
			assert.Contains(t, err.Error(), tc.want, "%s, waiting %v", tc.name, wait)
		}
	}
}

// TestAWaitOnARecordStopsWhenItsLookFails: a check of the records at a spot
// whose read fails (DIKIDI's own records as much as the partner's view)
// stops at its first look and says it cannot tell, rather than waiting out
// the budget and blaming the partner.
func TestAWaitOnARecordStopsWhenItsLookFails(t *testing.T) {
	broken := errors.New("DIKIDI's records: company 7 is not on the mock")
	fx, err := dikidifixture.Salon()
	require.NoError(t, err)
	s := &stage{}
	s.Init(runner.Config{}, 30*time.Second)
	s.Waiter.Clock, s.Waiter.Virtual = s.Clock, true
	w := &world{s: s, fx: fx, loc: time.UTC}
	w.Begin(&s.Base, context.Background(), "a scenario")
	before := s.Clock.Now()
	looks := 0
	look := func(int64, time.Time) ([]dikidimock.RecordView, error) { looks++; return nil, broken }
	err = atSpot(w, true, "DIKIDI has no active record", look, fx.Masters[0].Name, "Tuesday", "10:00", func([]dikidimock.RecordView) (bool, string) { return true, "" })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot tell: "+broken.Error())
	assert.Equal(t, 1, looks)
	assert.Less(t, s.Clock.Since(before), time.Second, "the wait did not move the run clock on")
}
