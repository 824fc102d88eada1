package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/examples/minimal/mock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/stepkit"
)

// world is one scenario: its own tenant on the platform, and the day it books.
type world struct {
	stepkit.Scenario
	r      *run
	tenant string
	token  string
	day    time.Time
	booked int64 // the journal's mark before the staff booked
}

func (w *world) begin(ctx context.Context, name string) {
	*w = world{r: w.r}
	w.Begin(&w.r.Base, ctx, name)
	w.r.tenants++
	w.tenant = fmt.Sprintf("example-%03d", w.r.tenants)
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	w.token = hex.EncodeToString(buf)
	w.r.AddSecrets(w.token)
	w.r.mock.AddTenant(w.tenant, w.token)
	w.r.Journal.Label(w.tenant, name)
	w.day = w.r.Clock.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
}

func registerBookings(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the partner is connected to the platform$`, w.connect)
	sc.Step(`^the partner's staff book visits at (.+)$`, w.book)
	sc.Step(`^within the latency budget the platform and the partner hold the same bookings$`, w.sameBookings)
}

func (w *world) connect() error {
	return w.r.Driver.Reset(w.Ctx, "example", map[string]any{"base_url": w.r.mockURL + "/api", "token": w.token})
}

// book books a visit at each of the times ("09:00, 11:30 and 16:15") of tomorrow.
func (w *world) book(times string) error {
	w.booked = w.Mark()
	for i, hhmm := range strings.FieldsFunc(strings.ReplaceAll(times, " and ", ","), func(r rune) bool { return r == ',' || r == ' ' }) {
		at, err := time.Parse("15:04", hhmm)
		if err != nil {
			return fmt.Errorf("%q is not HH:MM", hhmm)
		}
		start := w.day.Add(time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute)
		params := map[string]any{"id": fmt.Sprintf("visit-%d", i+1), "start": start.Format(time.RFC3339)}
		if err := w.r.Driver.Act(w.Ctx, "add-booking", params, nil); err != nil {
			return fmt.Errorf("bookings: the partner could not add a booking: %w", err)
		}
	}
	return nil
}

// sameBookings compares the whole of both sides: every booking, by id and start.
func (w *world) sameBookings() error {
	return w.Within(w.r.Budget, "bookings", func() (bool, string) {
		var ours []mock.Booking
		if err := w.View("bookings", &ours); err != nil {
			return false, err.Error()
		}
		theirs := w.r.mock.Bookings(w.tenant)
		key := func(b mock.Booking) string {
			if t, err := time.Parse(time.RFC3339, b.Start); err == nil {
				return b.ID + " at " + t.UTC().Format(time.RFC3339) // the instant, whatever offset it is written in
			}
			return b.ID + " at " + b.Start
		}
		a, b := keys(ours, key), keys(theirs, key)
		if slices.Equal(a, b) {
			return true, ""
		}
		return false, fmt.Sprintf("the partner holds %v, the platform %v; %s", a, b, stepkit.Evidence("the platform", w.calls()))
	})
}

func keys[T any](xs []T, key func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, key(x))
	}
	slices.Sort(out)
	return out
}

// calls are the partner's calls to this scenario's tenant since the staff booked.
func (w *world) calls() []journal.Entry {
	return w.r.Journal.Select(func(e journal.Entry) bool {
		return e.Tenant == w.tenant && e.Direction == journal.Inbound && e.Seq > w.booked
	})
}
