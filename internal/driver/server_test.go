package driver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/driver"
)

// fake is the smallest Partner: it records what the server handed it and
// answers with what a case sets.
type fake struct {
	err      error // ResetSession's and LoadFixture's answer
	calls    []string
	settings json.RawMessage
	fixture  json.RawMessage
}

var _ driver.Partner = (*fake)(nil)

func (f *fake) Name() string        { return "fake partner" }
func (f *fake) Platforms() []string { return []string{"docplanner", "dikidi"} }

func (f *fake) ResetSession(_ context.Context, platform string, settings json.RawMessage) error {
	f.calls = append(f.calls, "reset "+platform)
	f.settings = settings
	return f.err
}

func (f *fake) LoadFixture(_ context.Context, fixture json.RawMessage) error {
	f.calls = append(f.calls, "fixture")
	f.fixture = fixture
	return f.err
}

func (f *fake) Act(ctx context.Context, a driver.Action) (any, error) {
	f.calls = append(f.calls, "act "+a.Name)
	return driver.Dispatch(ctx, f, a, map[string]driver.ActionFunc[*fake]{
		"echo":    func(_ context.Context, _ *fake, p json.RawMessage) (any, error) { return p, nil },
		"nothing": func(context.Context, *fake, json.RawMessage) (any, error) { return nil, nil },
		"refuse": func(context.Context, *fake, json.RawMessage) (any, error) {
			return nil, driver.Errorf(http.StatusConflict, "the time is taken")
		},
		"crash": func(context.Context, *fake, json.RawMessage) (any, error) { return nil, errors.New("disk full") },
		"wrapped": func(context.Context, *fake, json.RawMessage) (any, error) {
			return nil, fmt.Errorf("while syncing: %w", driver.Errorf(http.StatusGone, "the key is deleted"))
		},
		"success-as-error": func(context.Context, *fake, json.RawMessage) (any, error) {
			return nil, driver.Errorf(http.StatusOK, "done?")
		},
	})
}

func (f *fake) View(ctx context.Context, name string) (any, error) {
	f.calls = append(f.calls, "view "+name)
	return driver.Show(ctx, f, name, map[string]driver.ViewFunc[*fake]{
		"list":   func(context.Context, *fake) any { return []int{1, 2} },
		"origin": func(ctx context.Context, _ *fake) any { return map[string]string{"origin": driver.Origin(ctx)} },
	})
}

// TestTheServerSpeaksTheContract: every route, every way a call can fail,
// and what the partner behind it is handed. The answers are checked to the
// byte where the contract fixes them, and against the contract's schemas.
func TestTheServerSpeaksTheContract(t *testing.T) {
	c := contract(t)
	tests := []struct {
		name         string
		partnerErr   error
		method, path string
		body         string
		status       int
		want         string // the answer's body exactly, or for an error its message
		schema       string // the contract's schema for the answer, if any
		calls        []string
	}{
		{name: "health", method: "GET", path: "/health", status: 200,
			want: `{"name":"fake partner","platforms":["docplanner","dikidi"],"status":"ok"}`, schema: "Health"},

		{name: "reset", method: "POST", path: "/reset", body: `{"platform":"dikidi","settings":{"token":"k"}}`, status: 204,
			calls: []string{"reset dikidi"}},
		{name: "reset that is not JSON", method: "POST", path: "/reset", body: `{"platform":`, status: 400,
			want: "invalid JSON: unexpected end of JSON input", schema: "Error"},
		{name: "reset for a platform the partner lacks", method: "POST", path: "/reset", body: `{"platform":"reach","settings":{}}`, status: 400,
			want: `this partner integrates with docplanner, dikidi, not "reach"`, schema: "Error"},
		{name: "reset the partner refuses", partnerErr: driver.Errorf(400, "settings need a token"),
			method: "POST", path: "/reset", body: `{"platform":"docplanner","settings":{}}`, status: 400,
			want: "settings need a token", schema: "Error", calls: []string{"reset docplanner"}},
		{name: "reset that fails without a status", partnerErr: errors.New("out of memory"),
			method: "POST", path: "/reset", body: `{"platform":"docplanner","settings":{}}`, status: 500,
			want: "out of memory", schema: "Error", calls: []string{"reset docplanner"}},

		{name: "fixture", method: "POST", path: "/fixture", body: `{"time_zone":"Europe/Warsaw"}`, status: 204, calls: []string{"fixture"}},
		{name: "fixture that is not JSON", method: "POST", path: "/fixture", body: `{"time_zone":`, status: 400,
			want: "invalid JSON: unexpected end of JSON input", schema: "Error"},
		{name: "fixture past the bound", method: "POST", path: "/fixture", body: `"` + strings.Repeat("x", driver.MaxFixture) + `"`, status: 400,
			want: fmt.Sprintf("cannot read the body: body too large: more than %d bytes", driver.MaxFixture), schema: "Error"},
		{name: "fixture before a reset", partnerErr: driver.Errorf(409, "reset first"),
			method: "POST", path: "/fixture", body: `{}`, status: 409, want: "reset first", schema: "Error", calls: []string{"fixture"}},

		{name: "action with a result", method: "POST", path: "/actions", body: `{"action":"echo","params":{"a":1}}`, status: 200,
			want: `{"result":{"a":1}}`, schema: "ActionResult", calls: []string{"act echo"}},
		{name: "action without a result", method: "POST", path: "/actions", body: `{"action":"nothing","params":{}}`, status: 200,
			want: `{"result":{}}`, schema: "ActionResult", calls: []string{"act nothing"}},
		{name: "unknown action", method: "POST", path: "/actions", body: `{"action":"fly","params":{}}`, status: 404,
			want: `unknown action "fly"; this partner knows crash, echo, nothing, refuse, success-as-error, wrapped`, schema: "Error", calls: []string{"act fly"}},
		{name: "action refused", method: "POST", path: "/actions", body: `{"action":"refuse","params":{}}`, status: 409,
			want: "refuse: the time is taken", schema: "Error", calls: []string{"act refuse"}},
		{name: "action failing without a status", method: "POST", path: "/actions", body: `{"action":"crash","params":{}}`, status: 500,
			want: "crash: disk full", schema: "Error", calls: []string{"act crash"}},
		{name: "action whose status lies under a wrapping", method: "POST", path: "/actions", body: `{"action":"wrapped","params":{}}`, status: 410,
			want: "wrapped: while syncing: the key is deleted", schema: "Error", calls: []string{"act wrapped"}},
		{name: "action failing with a success status", method: "POST", path: "/actions", body: `{"action":"success-as-error","params":{}}`, status: 500,
			want: "success-as-error: done?", schema: "Error", calls: []string{"act success-as-error"}},
		{name: "action that is not JSON", method: "POST", path: "/actions", body: `["echo"]`, status: 400,
			want: "invalid JSON: json: cannot unmarshal array into Go value of type driver.Action", schema: "Error"},
		{name: "action past the bound", method: "POST", path: "/actions", body: `{"action":"echo","params":"` + strings.Repeat("x", driver.MaxBody) + `"}`, status: 400,
			want: fmt.Sprintf("cannot read the body: body too large: more than %d bytes", driver.MaxBody), schema: "Error"},

		{name: "view", method: "GET", path: "/view/list", status: 200, want: `[1,2]`, calls: []string{"view list"}},
		{name: "view that says where the partner is", method: "GET", path: "/view/origin", status: 200,
			want: `{"origin":"http://driver.test:7070"}`, calls: []string{"view origin"}},
		{name: "unknown view", method: "GET", path: "/view/everything", status: 404,
			want: `unknown view "everything"; this partner has list, origin`, schema: "Error", calls: []string{"view everything"}},

		{name: "a route's other method", method: "GET", path: "/reset", status: 405},
		{name: "a path outside the contract", method: "GET", path: "/bookings", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fake{err: tt.partnerErr}
			req := httptest.NewRequest(tt.method, "http://driver.test:7070"+tt.path, strings.NewReader(tt.body))
			rec := httptest.NewRecorder()
			driver.NewServer(p).ServeHTTP(rec, req)

			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, tt.calls, p.calls, "what the partner was asked")
			if tt.status == 204 || tt.want == "" {
				return
			}
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			var got any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got), rec.Body.String())
			if tt.status >= 400 {
				assert.Equal(t, map[string]any{"error": tt.want}, got)
			} else {
				assert.JSONEq(t, tt.want, rec.Body.String())
			}
			if tt.schema != "" {
				assert.Empty(t, c.ValidateValue(tt.schema, got), "the answer is the contract's %s", tt.schema)
			}
		})
	}
}

// TestThePartnerGetsTheBodiesAsSent: settings and fixtures reach the
// partner byte for byte, and absent settings as nothing, not as "null".
func TestThePartnerGetsTheBodiesAsSent(t *testing.T) {
	tests := []struct {
		name, path, body string
		got              func(*fake) json.RawMessage
		want             string
	}{
		{"settings", "/reset", `{"platform":"dikidi","settings":{"token":"k", "n": [1, 2]}}`, func(f *fake) json.RawMessage { return f.settings }, `{"token":"k", "n": [1, 2]}`},
		{"no settings", "/reset", `{"platform":"dikidi"}`, func(f *fake) json.RawMessage { return f.settings }, ``},
		{"fixture", "/fixture", `{"days": 7, "week_start": "2026-12-07"}`, func(f *fake) json.RawMessage { return f.fixture }, `{"days": 7, "week_start": "2026-12-07"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fake{}
			rec := httptest.NewRecorder()
			driver.NewServer(p).ServeHTTP(rec, httptest.NewRequest("POST", tt.path, strings.NewReader(tt.body)))
			require.Equal(t, 204, rec.Code, rec.Body.String())
			assert.Equal(t, tt.want, string(tt.got(p)))
		})
	}
}

// TestAccordsClientAndTheServerAgree: what the server answers is what
// accord's client reads, failures with their status and message.
func TestAccordsClientAndTheServerAgree(t *testing.T) {
	srv := httptest.NewServer(driver.NewServer(&fake{}))
	defer srv.Close()
	c, err := driver.New(srv.URL, 5*time.Second)
	require.NoError(t, err)
	ctx := context.Background()

	name, err := c.Health(ctx)
	require.NoError(t, err)
	assert.Equal(t, "fake partner", name)
	require.NoError(t, c.Reset(ctx, "docplanner", map[string]any{}))
	require.NoError(t, c.LoadFixture(ctx, map[string]any{"today": "2026-12-07"}))
	var echoed struct{ A int }
	require.NoError(t, c.Act(ctx, "echo", map[string]any{"a": 3}, &echoed))
	assert.Equal(t, 3, echoed.A)
	var list []int
	require.NoError(t, c.View(ctx, "list", &list))
	assert.Equal(t, []int{1, 2}, list)

	var de *driver.Error
	require.ErrorAs(t, c.Act(ctx, "refuse", map[string]any{}, nil), &de)
	assert.Equal(t, 409, de.Status)
	assert.Equal(t, "refuse: the time is taken", de.Message)
}

// TestErrorfKeepsWhatItWraps: a partner may wrap a platform's error and
// still find it.
func TestErrorfKeepsWhatItWraps(t *testing.T) {
	cause := errors.New("timeout")
	err := driver.Errorf(http.StatusBadGateway, "the platform: %w", cause)
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, "the platform: timeout", err.Error())
	assert.Equal(t, http.StatusBadGateway, driver.StatusOf(fmt.Errorf("sync: %w", err)))
	assert.Equal(t, http.StatusInternalServerError, driver.StatusOf(cause))
}

// TestDecode: a body that does not decode is a 400 that says so; an
// absent one leaves the value alone.
func TestDecode(t *testing.T) {
	var v struct{ A int }
	v.A = 7
	require.NoError(t, driver.Decode(nil, &v))
	assert.Equal(t, 7, v.A)
	require.NoError(t, driver.Decode(json.RawMessage(`{"A":2}`), &v))
	assert.Equal(t, 2, v.A)
	err := driver.Decode(json.RawMessage(`{"A":"two"}`), &v)
	assert.Equal(t, http.StatusBadRequest, driver.StatusOf(err))
	assert.Contains(t, err.Error(), "invalid JSON: ")
}

// A view or a result is encoded when Show or Dispatch returns, under
// whatever guards the partner's state: the server writes it later, and a
// partner changing its records meanwhile must not change (or race with) the
// answer.
func TestViewsAndResultsAreEncodedWhenTheyAreTaken(t *testing.T) {
	type rec struct {
		Status string `json:"status"`
	}
	r := &rec{Status: "booked"}
	view, err := driver.Show(context.Background(), r, "records", map[string]driver.ViewFunc[*rec]{
		"records": func(_ context.Context, r *rec) any { return []*rec{r} },
	})
	require.NoError(t, err)
	result, err := driver.Dispatch(context.Background(), r, driver.Action{Name: "book"}, map[string]driver.ActionFunc[*rec]{
		"book": func(_ context.Context, r *rec, _ json.RawMessage) (any, error) { return r, nil },
	})
	require.NoError(t, err)
	r.Status = "cancelled" // the partner goes on after answering
	for _, got := range []any{view, result} {
		b, err := json.Marshal(got)
		require.NoError(t, err)
		assert.Contains(t, string(b), `"booked"`)
	}
}

// locker is a sync.Locker that says whether it is held.
type locker struct{ held bool }

func (l *locker) Lock()   { l.held = true }
func (l *locker) Unlock() { l.held = false }

// OnLive answers 409 until the session is live, and runs fn on it under the
// partner's lock after.
func TestOnLiveWaitsForTheFixture(t *testing.T) {
	for _, live := range []bool{false, true} {
		mu := &locker{}
		got, err := driver.OnLive(mu, func() (string, bool) { return "session", live }, func(s string) (any, error) {
			assert.True(t, mu.held, "fn runs under the lock")
			return s, nil
		})
		assert.False(t, mu.held, "the lock is given back")
		if !live {
			assert.Equal(t, http.StatusConflict, driver.StatusOf(err))
			assert.EqualError(t, err, "reset and load a fixture first")
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, "session", got)
	}
}
