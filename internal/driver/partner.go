package driver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Partner is the contract as a partner written in Go implements it, free of
// HTTP: NewServer answers the routes, decodes and encodes the bodies and
// turns errors into the contract's error answers. The reference partners are
// built on it, so the contract is served, and tested, in one place.
type Partner interface {
	// Name is the product's name, which GET /health reports.
	Name() string
	// Platforms are those the partner integrates with; POST /reset for any
	// other is refused before ResetSession is called.
	Platforms() []string
	// ResetSession starts a fresh session (POST /reset): forget all data and
	// connect to the platform's sandbox with settings, the JSON accord sent
	// (nil when it sent none).
	ResetSession(ctx context.Context, platform string, settings json.RawMessage) error
	// LoadFixture loads the partner side of a fixture (POST /fixture), a
	// JSON document the server has checked is well formed.
	LoadFixture(ctx context.Context, fixture json.RawMessage) error
	// Act performs a staff action or partner job (POST /actions) and returns
	// its result (nil for none; it is answered as {}).
	Act(ctx context.Context, a Action) (result any, err error)
	// View returns one of the partner's views (GET /view/{name}), answered as JSON.
	View(ctx context.Context, name string) (any, error)
}

// Action is the body of POST /actions.
type Action struct {
	Name string `json:"action"`
	// Params are as accord sent them: nil when absent, "null" when null.
	Params json.RawMessage `json:"params"`
}

// StatusError is a failed call as the partner answers it: Status (4xx or
// 5xx; the contract's openapi.yaml says which means what) and the text of
// the error body. Any other error a Partner returns is answered 500, so a
// status is always chosen, never defaulted from a zero.
type StatusError struct {
	Status int
	Msg    string
	cause  error
}

func (e *StatusError) Error() string { return e.Msg }
func (e *StatusError) Unwrap() error { return e.cause }

// Errorf is a StatusError with a formatted message; %w keeps its operand
// for errors.Is and errors.As.
func Errorf(status int, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &StatusError{Status: status, Msg: err.Error(), cause: errors.Unwrap(err)}
}

// StatusOf is the status the server answers err with: the innermost
// StatusError's when it has a valid error status, 500 otherwise.
func StatusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) && se.Status >= 400 && se.Status <= 599 {
		return se.Status
	}
	return http.StatusInternalServerError
}

// ActionFunc is one of a partner's actions on its session S.
type ActionFunc[S any] func(ctx context.Context, s S, params json.RawMessage) (result any, err error)

// Dispatch performs the action a names out of actions on s. An unknown
// action is 404 naming the ones there are, so a partner says what it
// supports; an action's error is prefixed with its name, its status kept.
// The result is encoded here, while the caller still holds whatever guards
// s: the server writes it after Act returns, and a result that shares the
// partner's records would be read while the partner changes them.
func Dispatch[S any](ctx context.Context, s S, a Action, actions map[string]ActionFunc[S]) (any, error) {
	fn, ok := actions[a.Name]
	if !ok {
		return nil, Errorf(http.StatusNotFound, "unknown action %q; this partner knows %s", a.Name, names(actions))
	}
	result, err := fn(ctx, s, a.Params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.Name, err)
	}
	return encoded(result)
}

// OnLive is fn's answer on a partner's session S, taken while the partner
// holds mu, so that no reset or fixture lands while an action or a view
// runs. live says whether the session is there and has its fixture loaded;
// before that every action and view is a 409.
func OnLive[S any](mu sync.Locker, live func() (S, bool), fn func(S) (any, error)) (any, error) {
	mu.Lock()
	defer mu.Unlock()
	s, ok := live()
	if !ok {
		return nil, Errorf(http.StatusConflict, "reset and load a fixture first")
	}
	return fn(s)
}

// ViewFunc is one of a partner's views of its session S.
type ViewFunc[S any] func(ctx context.Context, s S) any

// Show returns the view name out of views on s, encoded at once as Dispatch
// encodes a result; an unknown view is 404 naming the ones there are.
func Show[S any](ctx context.Context, s S, name string, views map[string]ViewFunc[S]) (any, error) {
	fn, ok := views[name]
	if !ok {
		return nil, Errorf(http.StatusNotFound, "unknown view %q; this partner has %s", name, names(views))
	}
	return encoded(fn(ctx, s))
}

// encoded is v as JSON now; nil stays nil (an action with no result).
func encoded(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the answer: %w", err)
	}
	return json.RawMessage(b), nil
}

func names[V any](m map[string]V) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// Decode decodes a body the server handed over (settings, a fixture, an
// action's params) into v; an empty one leaves v as it is. What does not
// decode is a 400 that says why.
func Decode(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return Errorf(http.StatusBadRequest, "invalid JSON: %v", err)
	}
	return nil
}
