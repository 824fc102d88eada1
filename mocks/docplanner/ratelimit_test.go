package docplanner_test

import (
	"testing"

	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// TestRateLimitsOffKeepTheHeaders: with the limits off (accord mock
// docplanner --rate-limits off) calls beyond the limit are served, and every
// answer still carries the window's headers as the platform sends them.
func TestRateLimitsOffKeepTheHeaders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		off    bool
		fourth int
	}{
		{"on, as the platform", false, 429},
		{"off", true, 204},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv(t, docplannermock.Options{WritesPerMinute: 3, GetsPerHour: 2, RateLimitsOff: tc.off})
			api := v.as(v.token("alpha", "alpha-secret"))
			put := func() int {
				r := api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "pull"}).Expect()
				r.Header("X-RateLimit-Limit").IsEqual("3")
				r.Header("X-RateLimit-Reset").NotEmpty()
				return r.Raw().StatusCode
			}
			for range 3 {
				put()
			}
			if got := put(); got != tc.fourth {
				t.Fatalf("the fourth write in a minute answered %d, want %d", got, tc.fourth)
			}
			for range 2 {
				api.GET("/api/v3/integration/facilities").Expect().Status(200)
			}
			r := api.GET("/api/v3/integration/facilities").Expect()
			r.Header("X-RateLimit-Remaining").IsEqual("0")
			if want := map[bool]int{false: 429, true: 200}[tc.off]; r.Raw().StatusCode != want {
				t.Fatalf("the third GET of a two-per-hour window answered %d, want %d", r.Raw().StatusCode, want)
			}
			noViolations(t, v.mock)
		})
	}
}
