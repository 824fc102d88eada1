// Package peerbench measures a mock platform against its peers over
// loopback: the same request, the same client and connections, servers taken
// in turn so that whatever else loads the machine weighs on each alike. The
// figures that matter are ratios measured in one run (the mock's throughput
// to a bare net/http handler writing the same body), not absolute rates,
// which move with the machine's load.
package peerbench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Target is one server answering the measured request.
type Target struct {
	Name string
	// Request builds the measured request; it is called once per request.
	Request func() (*http.Request, error)
	// Status is the answer every request must get.
	Status int
}

// NewClient is the one client all targets share: keep-alive connections, as
// many as there are workers, no compression (loopback has no use for it).
func NewClient(workers int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        4 * workers,
			MaxIdleConnsPerHost: workers,
			MaxConnsPerHost:     workers,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}
}

// Drive sends requests to t from workers goroutines at once, as fast as it
// answers, and returns the time they took. Every answer is read whole; one
// with another status than t.Status stops the drive with an error.
func Drive(ctx context.Context, client *http.Client, t Target, workers, requests int) (time.Duration, error) {
	var left atomic.Int64
	left.Store(int64(requests))
	return drive(ctx, client, t, workers, func() bool { return left.Add(-1) >= 0 })
}

// DriveFor sends requests to t as Drive does, for d, and returns how many
// were answered.
func DriveFor(ctx context.Context, client *http.Client, t Target, workers int, d time.Duration) (int64, error) {
	var done atomic.Int64
	end := time.Now().Add(d)
	_, err := drive(ctx, client, t, workers, func() bool {
		if time.Now().After(end) {
			return false
		}
		done.Add(1)
		return true
	})
	return done.Load(), err
}

func drive(ctx context.Context, client *http.Client, t Target, workers int, more func() bool) (time.Duration, error) {
	var (
		failure atomic.Pointer[error]
		wg      sync.WaitGroup
	)
	fail := func(err error) { failure.CompareAndSwap(nil, &err) }
	start := time.Now()
	for range workers {
		wg.Go(func() {
			buf := make([]byte, 32<<10)
			for more() && failure.Load() == nil && ctx.Err() == nil {
				req, err := t.Request()
				if err != nil {
					fail(err)
					return
				}
				res, err := client.Do(req.WithContext(ctx))
				if err != nil {
					fail(fmt.Errorf("%s: %w", t.Name, err))
					return
				}
				_, err = io.CopyBuffer(io.Discard, res.Body, buf)
				res.Body.Close()
				if err != nil {
					fail(fmt.Errorf("%s: reading the answer: %w", t.Name, err))
					return
				}
				if res.StatusCode != t.Status {
					fail(fmt.Errorf("%s answered %d, want %d", t.Name, res.StatusCode, t.Status))
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := failure.Load(); err != nil {
		return 0, *err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return elapsed, nil
}

// Rate is what a target managed over all rounds.
type Rate struct {
	PerSecond float64 // answers per second of wall time
	// CPU is the process's CPU time (user and system, every goroutine,
	// client and in-process servers alike, GC included) per answer: on a
	// machine others load too it moves less than the wall-time rate.
	CPU time.Duration
}

// Rounds drives every target in turn, rounds times over, each time starting
// one further along, and returns each target's rate over all rounds.
func Rounds(ctx context.Context, client *http.Client, targets []Target, rounds, workers, requests int) (map[string]Rate, error) {
	spent := map[string]time.Duration{}
	cpu := map[string]time.Duration{}
	for r := range rounds {
		for i := range targets {
			t := targets[(i+r)%len(targets)]
			before := CPUTime()
			took, err := Drive(ctx, client, t, workers, requests)
			if err != nil {
				return nil, err
			}
			spent[t.Name] += took
			cpu[t.Name] += CPUTime() - before
		}
	}
	out := map[string]Rate{}
	for name, d := range spent {
		n := rounds * requests
		out[name] = Rate{PerSecond: float64(n) / d.Seconds(), CPU: cpu[name] / time.Duration(n)}
	}
	return out, nil
}

// CPUTime is the CPU time this process has used so far, user and system.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Docplanner is the measured call on a Docplanner mock: getSlots for one day
// of a calendar holding three slots, as a partner polls it.
type Docplanner struct {
	Base  string // the mock's base URL
	Token string
	Path  string // getSlots, with its query
}

// Facility, doctor and address of the bundled clinic fixture the sandbox
// client starts with.
const dpAddress = "/api/v3/integration/facilities/1001/doctors/2001/addresses/3001"

// SeedDocplanner prepares a Docplanner mock over its public API, as a partner
// would: a token for the client, the calendar of address 3001 enabled, one
// service, and three 30-minute slots tomorrow (in loc) from 09:00.
func SeedDocplanner(ctx context.Context, client *http.Client, base, clientID, secret string, loc *time.Location) (*Docplanner, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"integration"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/oauth/v2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(clientID, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := call(client, req, &tok); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	d := &Docplanner{Base: base, Token: tok.AccessToken}
	if err := d.call(ctx, client, http.MethodPost, dpAddress+"/calendar/enable", nil, nil); err != nil {
		return nil, fmt.Errorf("enabling the calendar: %w", err)
	}
	var svc struct {
		ID string `json:"id"`
	}
	if err := d.call(ctx, client, http.MethodPost, dpAddress+"/services", map[string]any{"service_id": "11", "default_duration": 30}, &svc); err != nil {
		return nil, fmt.Errorf("adding a service: %w", err)
	}
	now := time.Now().In(loc)
	day := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	slots := map[string]any{"slots": []map[string]any{{
		"start": day.Add(9 * time.Hour).Format(time.RFC3339), "end": day.Add(10*time.Hour + 30*time.Minute).Format(time.RFC3339),
		"address_services": []map[string]any{{"address_service_id": svc.ID, "duration": 30}},
	}}}
	if err := d.call(ctx, client, http.MethodPut, dpAddress+"/slots", slots, nil); err != nil {
		return nil, fmt.Errorf("feeding slots: %w", err)
	}
	q := url.Values{"start": {day.Format(time.RFC3339)}, "end": {day.AddDate(0, 0, 1).Format(time.RFC3339)}}
	d.Path = dpAddress + "/slots?" + q.Encode()
	return d, nil
}

// GetSlots is the measured request.
func (d *Docplanner) GetSlots() (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, d.Base+d.Path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+d.Token)
	return req, nil
}

func (d *Docplanner) call(ctx context.Context, client *http.Client, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.Base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+d.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return call(client, req, out)
}

func call(client *http.Client, req *http.Request, out any) error {
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s answered %d: %s", req.Method, req.URL.Path, res.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// Recording is one answer, kept to be replayed by a bare handler.
type Recording struct {
	Status int
	Header http.Header
	Body   []byte
}

// Record takes the answer to one request, headers and body as sent.
func Record(client *http.Client, req *http.Request) (*Recording, error) {
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	h := res.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return &Recording{Status: res.StatusCode, Header: h, Body: b}, nil
}

// Bare is the peer every mock is measured against: a net/http handler that
// writes the recorded answer and does nothing else.
func (rec *Recording) Bare() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		for k, vs := range rec.Header {
			h[k] = vs
		}
		w.WriteHeader(rec.Status)
		_, _ = w.Write(rec.Body)
	})
}
