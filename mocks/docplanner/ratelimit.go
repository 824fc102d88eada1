package docplanner

import (
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
}

func (w *rateWindow) admit(o Options, now time.Time, method string) (http.Header, *mockserver.Response) {
	var limit, used int
	var reset time.Time
	if method == http.MethodGet || method == http.MethodHead {
		if now.Sub(w.getStart) >= time.Hour {
			w.getStart, w.gets = now, 0
		}
		w.gets++
		limit, used, reset = o.GetsPerHour, w.gets, w.getStart.Add(time.Hour)
	} else {
		if now.Sub(w.writeStart) >= time.Minute {
			w.writeStart, w.writes = now, 0
		}
		w.writes++
		limit, used, reset = o.WritesPerMinute, w.writes, w.writeStart.Add(time.Minute)
	}
	h := http.Header{
		"X-Ratelimit-Limit":     {strconv.Itoa(limit)},
		"X-Ratelimit-Used":      {strconv.Itoa(min(used, limit))},
		"X-Ratelimit-Remaining": {strconv.Itoa(max(limit-used, 0))},
		"X-Ratelimit-Reset":     {reset.Format(time.RFC3339)},
	}
	if used > limit {
		resp := errResp(http.StatusTooManyRequests, "Rate limit exceeded; retry after "+reset.Format(time.RFC3339))
		resp.Header = http.Header{"Retry-After": {strconv.Itoa(int(reset.Sub(now).Seconds()) + 1)}}
		return h, &resp
	}
	return h, nil
}
