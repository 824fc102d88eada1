// Package driver is accord's client of the partner driver contract
// (openapi.yaml beside this file). Every failure names the URL that failed
// and what came back, so "the partner is not there" is said at once. Its
// server side (NewServer, for a Partner written in Go) is the one the
// reference partners use.
package driver

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
)

//go:embed openapi.yaml
var document []byte

// Document is the contract's OpenAPI document.
func Document() []byte { return document }

// Client calls one partner's driver.
type Client struct {
	base string
	http *http.Client
	// acts bounds actions, which may legitimately take minutes (a clinic's
	// activation paced under the platform's rate limits).
	acts *http.Client

	// dead is the first call the driver never answered: later calls fail at
	// once with it, so a partner that stopped answering costs one timeout,
	// not one per scenario.
	mu   sync.Mutex
	dead *Error
}

// DefaultActionTimeout bounds an action when the caller sets none.
const DefaultActionTimeout = 3 * time.Minute

// New returns a client of the driver at base (e.g. http://127.0.0.1:7070):
// timeout bounds every call but actions, which get DefaultActionTimeout.
func New(base string, timeout time.Duration) (*Client, error) {
	return NewWithActionTimeout(base, timeout, 0)
}

// NewWithActionTimeout is New with its own bound for actions.
func NewWithActionTimeout(base string, timeout, actions time.Duration) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("driver URL %q is not an http(s) URL", base)
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if actions <= 0 {
		actions = max(timeout, DefaultActionTimeout)
	}
	return &Client{base: strings.TrimRight(base, "/"), http: boundedhttp.NewClient(timeout), acts: boundedhttp.NewClient(actions)}, nil
}

// Base is the driver's base URL.
func (c *Client) Base() string { return c.base }

// Error is a driver call that failed.
type Error struct {
	Method, URL string
	Status      int    // 0 when no answer came
	Message     string // the driver's error text, or the transport error
	cause       error
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("partner driver %s %s: %s", e.Method, e.URL, e.Message)
	}
	return fmt.Sprintf("partner driver %s %s answered %d: %s", e.Method, e.URL, e.Status, e.Message)
}

// Health checks the driver answers; it is the first call of a run.
func (c *Client) Health(ctx context.Context) (name string, err error) {
	var out struct {
		Status string `json:"status"`
		Name   string `json:"name"`
	}
	if err := c.call(ctx, http.MethodGet, "/health", nil, &out); err != nil {
		return "", err
	}
	if out.Status != "ok" {
		return "", &Error{Method: http.MethodGet, URL: c.base + "/health", Status: 200, Message: fmt.Sprintf("status is %q, want \"ok\"", out.Status)}
	}
	return out.Name, nil
}

// Reset starts a fresh session connected to a platform sandbox.
func (c *Client) Reset(ctx context.Context, platform string, settings any) error {
	return c.call(ctx, http.MethodPost, "/reset", map[string]any{"platform": platform, "settings": settings}, nil)
}

// LoadFixture loads the partner side of a fixture.
func (c *Client) LoadFixture(ctx context.Context, fixture any) error {
	return c.call(ctx, http.MethodPost, "/fixture", fixture, nil)
}

// Act performs a staff action or partner job; result, when not nil, receives its result.
func (c *Client) Act(ctx context.Context, action string, params any, result any) error {
	var out struct {
		Result json.RawMessage `json:"result"`
	}
	if err := c.callWith(ctx, c.acts, http.MethodPost, "/actions", map[string]any{"action": action, "params": params}, &out); err != nil {
		return err
	}
	if result == nil || len(out.Result) == 0 {
		return nil
	}
	if err := json.Unmarshal(out.Result, result); err != nil {
		return &Error{Method: http.MethodPost, URL: c.base + "/actions", Status: 200, Message: "result of " + action + " is not what the contract says: " + err.Error()}
	}
	return nil
}

// View reads one of the partner's views into out.
func (c *Client) View(ctx context.Context, name string, out any) error {
	return c.call(ctx, http.MethodGet, "/view/"+url.PathEscape(name), nil, out)
}

func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	return c.callWith(ctx, c.http, method, path, in, out)
}

func (c *Client) callWith(ctx context.Context, hc *http.Client, method, path string, in, out any) error {
	c.mu.Lock()
	dead := c.dead
	c.mu.Unlock()
	if dead != nil {
		return &Error{Method: method, URL: c.base + path, Message: "not called: the partner's driver stopped answering earlier (" + dead.Method + " " + dead.URL + ": " + dead.Message + ")"}
	}
	err := c.do(ctx, hc, method, path, in, out)
	var e *Error
	if !errors.As(err, &e) || e.Status != 0 || !errors.Is(e.cause, context.DeadlineExceeded) || ctx.Err() != nil {
		return err
	}
	// A call that timed out may have met a driver busy with it, not a gone
	// one: only when /health does not answer either is the driver given up
	// on, so a slow action fails its own scenario and not the next ones.
	if path != "/health" && c.answersHealth(ctx) {
		e.Message += "; the driver still answers /health, so it was busy with this call, not gone"
		return e
	}
	c.mu.Lock()
	if c.dead == nil {
		c.dead = e
	}
	c.mu.Unlock()
	return err
}

// answersHealth reports whether GET /health answers at all within the
// calls' timeout, whatever it says.
func (c *Client) answersHealth(ctx context.Context) bool {
	err := c.do(context.WithoutCancel(ctx), c.http, http.MethodGet, "/health", nil, nil)
	var e *Error
	return err == nil || (errors.As(err, &e) && e.Status != 0)
}

func (c *Client) do(ctx context.Context, hc *http.Client, method, path string, in, out any) error {
	u := c.base + path
	var body []byte
	header := http.Header{"Accept": {"application/json"}}
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return &Error{Method: method, URL: u, Message: "cannot encode request: " + err.Error()}
		}
		header.Set("Content-Type", "application/json")
	}
	res, err := boundedhttp.Do(ctx, hc, method, u, header, body, boundedhttp.DefaultLimit)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, boundedhttp.ErrTooLarge) {
			msg = "answer too large: " + msg
		} else if res.Status == 0 {
			msg = "no answer (" + msg + "); is the partner's driver running at " + c.base + "?"
		}
		return &Error{Method: method, URL: u, Status: res.Status, Message: msg, cause: err}
	}
	if res.Status < 200 || res.Status > 299 {
		var e struct {
			Error string `json:"error"`
		}
		msg := strings.TrimSpace(string(res.Body))
		if json.Unmarshal(res.Body, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		return &Error{Method: method, URL: u, Status: res.Status, Message: msg}
	}
	if out == nil || res.Status == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(res.Body, out); err != nil {
		return &Error{Method: method, URL: u, Status: res.Status, Message: "answer is not the JSON the contract describes: " + err.Error()}
	}
	return nil
}

// Driver is the contract as scenarios use it. Client speaks it over HTTP; in
// a joint session an operator stands in for the staff actions
// (internal/operator), so scenarios cannot tell and need not care.
type Driver interface {
	Base() string
	Health(ctx context.Context) (name string, err error)
	Reset(ctx context.Context, platform string, settings any) error
	LoadFixture(ctx context.Context, fixture any) error
	Act(ctx context.Context, action string, params any, result any) error
	View(ctx context.Context, name string, out any) error
}

var _ Driver = (*Client)(nil)

// Skipped is an action nobody performed: the operator of a joint session
// declined it, with a reason. The step it belongs to is skipped, never
// passed, whatever the step makes of the error.
type Skipped struct {
	Action, Reason string
}

func (s *Skipped) Error() string {
	return fmt.Sprintf("the operator skipped %s: %s", s.Action, s.Reason)
}
