package docplanner_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// TestAPartnerOnTheWallClockReadsItsOwnTime: scenarios move the run clock
// ahead (five minutes pass, an hour passes); a partner living in real time
// must still read times on its own clock: rate-limit resets, token
// lifetimes, booking and notification times.
func TestAPartnerOnTheWallClockReadsItsOwnTime(t *testing.T) {
	v := newEnv(t, docplannermock.Options{PartnerClock: clock.Wall{}, WritesPerMinute: 8})
	newScopeFixture(t, v) // a calendar with slots for the patient to book
	// Its slots are on the day after the run clock's today; taken after the
	// jump below, "tomorrow" would be a day later from 22:00 on.
	start := v.slotStart(t).Add(2 * time.Hour)
	tok := v.token("alpha", "alpha-secret")
	v.clock.Advance(2 * time.Hour) // past the token's hour on the run clock
	api := v.as(tok)

	// The token lives its hour on the partner's clock.
	api.GET("/api/v3/integration/facilities").Expect().Status(200)

	// Writes until refused: the reset lies within the next minute of wall time.
	var r *http.Response
	for range 20 {
		r = api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "pull"}).Expect().Raw()
		if r.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	require.Equal(t, http.StatusTooManyRequests, r.StatusCode)
	reset, err := time.Parse(time.RFC3339, r.Header.Get("X-Ratelimit-Reset"))
	require.NoError(t, err)
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	now := time.Now()
	assert.False(t, reset.Before(now.Add(-time.Second)), "reset %s is before the partner's now %s", reset, now)
	assert.False(t, reset.After(now.Add(time.Minute+time.Second)), "reset %s lies more than a window after the partner's now %s", reset, now)
	assert.LessOrEqual(t, retry, 60)
	assert.False(t, reset.After(now.Add(time.Duration(retry+1)*time.Second)), "Retry-After %d and X-RateLimit-Reset %s disagree", retry, reset)

	// Times the platform stamps are the partner's now, not the run clock's.
	_, err = v.mock.PatientBooks("alpha", "3001", start, docplannermock.Patient{Name: "Ola", Phone: "+48600"})
	require.NoError(t, err)
	ns := api.GET("/api/v3/integration/notifications/multiple").WithQuery("limit", 100).Expect().Status(200).JSON(okJSON).Object().
		Value("notifications").Array()
	n := ns.Value(len(ns.Raw()) - 1).Object() // this booking's slot-booked, the newest
	n.HasValue("name", "slot-booked")
	for _, at := range []string{
		n.Value("created_at").String().Raw(),
		n.Value("data").Object().Value("visit_booking").Object().Value("booked_at").String().Raw(),
	} {
		stamped, err := time.Parse(time.RFC3339, at)
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), stamped, 5*time.Second, "stamped %s", at)
	}
	noViolations(t, v.mock)
}
