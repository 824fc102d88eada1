package driver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/accord-harness/accord/internal/boundedhttp"
)

// The server side of the contract, for partners written in Go (the
// reference partners are).

// Bounds of the bodies the server reads: a fixture carries a company's books
// (Reach) or a large clinic, everything else is small.
const (
	MaxBody    = 1 << 20
	MaxFixture = 16 << 20
)

// NewServer serves the contract's five routes for p. It returns the mux so
// that a partner adds its own platform-facing routes beside them (a
// callback receiver, an API it hosts).
func NewServer(p Partner) *http.ServeMux {
	s := server{p}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", s.health)
	mux.HandleFunc("POST /reset", s.reset)
	mux.HandleFunc("POST /fixture", s.fixture)
	mux.HandleFunc("POST /actions", s.act)
	mux.HandleFunc("GET /view/{name}", s.view)
	return mux
}

type server struct{ p Partner }

func (s server) health(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "name": s.p.Name(), "platforms": s.p.Platforms()})
}

func (s server) reset(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Platform string          `json:"platform"`
		Settings json.RawMessage `json:"settings"`
	}
	if !readJSON(w, r, MaxBody, &body) {
		return
	}
	if ps := s.p.Platforms(); !slices.Contains(ps, body.Platform) {
		WriteError(w, http.StatusBadRequest, "this partner integrates with %s, not %q", strings.Join(ps, ", "), body.Platform)
		return
	}
	answer(w, http.StatusNoContent, nil, s.p.ResetSession(withOrigin(r), body.Platform, body.Settings))
}

func (s server) fixture(w http.ResponseWriter, r *http.Request) {
	var body json.RawMessage
	if !readJSON(w, r, MaxFixture, &body) {
		return
	}
	answer(w, http.StatusNoContent, nil, s.p.LoadFixture(withOrigin(r), body))
}

func (s server) act(w http.ResponseWriter, r *http.Request) {
	var a Action
	if !readJSON(w, r, MaxBody, &a) {
		return
	}
	result, err := s.p.Act(withOrigin(r), a)
	if result == nil {
		result = map[string]any{}
	}
	answer(w, http.StatusOK, map[string]any{"result": result}, err)
}

func (s server) view(w http.ResponseWriter, r *http.Request) {
	v, err := s.p.View(withOrigin(r), r.PathValue("name"))
	answer(w, http.StatusOK, v, err)
}

// answer writes v with status, or err as the contract's error answer.
func answer(w http.ResponseWriter, status int, v any, err error) {
	switch {
	case err != nil:
		WriteError(w, StatusOf(err), "%s", err.Error())
	case status == http.StatusNoContent:
		w.WriteHeader(status)
	default:
		WriteJSON(w, status, v)
	}
}

type originKey struct{}

func withOrigin(r *http.Request) context.Context {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return context.WithValue(r.Context(), originKey{}, scheme+"://"+r.Host)
}

// Origin is scheme://host as the caller of the driver call in ctx addressed
// the partner ("" outside one): a partner that hosts an API beside its
// driver says where it is from it.
func Origin(ctx context.Context) string {
	o, _ := ctx.Value(originKey{}).(string)
	return o
}

// WriteJSON answers v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError answers the contract's error body, {"error": "..."}.
func WriteError(w http.ResponseWriter, status int, format string, args ...any) {
	WriteJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// readJSON decodes a request body of at most limit bytes into v; when it
// cannot, it answers 400 naming the problem and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	body, err := boundedhttp.ReadLimited(r.Body, limit)
	if err != nil {
		WriteError(w, http.StatusBadRequest, "cannot read the body: %v", err)
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		WriteError(w, http.StatusBadRequest, "invalid JSON: %v", err)
		return false
	}
	return true
}
