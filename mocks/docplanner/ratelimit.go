package docplanner

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/accord-harness/accord/internal/mockserver"
)

// rateWindow counts a tenant's calls: GETs per hour, writes per minute, as
// the platform publishes them.
type rateWindow struct {
	getStart, writeStart time.Time
	gets, writes         int
	// resetAt and reset are the last X-RateLimit-Reset written, kept since
	// every call of a window writes the same one.
	resetAt time.Time
	reset   string
}

// admit counts a call at now on the run clock. The answer's X-RateLimit-Reset
// is the window's end moved onto the partner's clock (visible) and rounded
// up to the second, so a partner that waits for it never comes back early.
func (w *rateWindow) admit(o Options, now time.Time, visible func(time.Time) time.Time, method string) (http.Header, *mockserver.Response) {
	var limit, used int
	var reset time.Time
	if method == http.MethodGet || method == http.MethodHead {
		if now.Sub(w.getStart) >= time.Hour {
			w.getStart, w.gets = now, 0
		}
		w.gets++
		limit, used, reset = o.GetsPerHour, w.gets, w.getStart.Add(time.Hour)
	} else {
		if now.Sub(w.writeStart) >= o.WriteWindow {
			w.writeStart, w.writes = now, 0
		}
		w.writes++
		limit, used, reset = o.WritesPerMinute, w.writes, w.writeStart.Add(o.WriteWindow)
	}
	if at := ceilSecond(visible(reset)); !at.Equal(w.resetAt) || at.Location() != w.resetAt.Location() {
		w.resetAt, w.reset = at, at.Format(time.RFC3339)
	}
	shown := w.reset
	h := http.Header{
		"X-Ratelimit-Limit":     {strconv.Itoa(limit)},
		"X-Ratelimit-Used":      {strconv.Itoa(min(used, limit))},
		"X-Ratelimit-Remaining": {strconv.Itoa(max(limit-used, 0))},
		"X-Ratelimit-Reset":     {shown},
	}
	if used > limit && !o.RateLimitsOff {
		resp := errResp(http.StatusTooManyRequests, "Rate limit exceeded; retry after "+shown)
		resp.Header = http.Header{"Retry-After": {strconv.Itoa(int(math.Ceil(reset.Sub(now).Seconds())))}}
		return h, &resp
	}
	return h, nil
}

func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}
