// Package mockserver serves a platform's API from its OpenAPI document, the
// way stripe-mock does: the document routes every request and validates it
// and the answer; the platform supplies one handler per operationId, its
// authentication and its error body. Every exchange goes into the journal.
package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
)

// Request is what a handler gets: the matched operation, its path
// parameters, the raw body (already validated) and the caller's tenant.
type Request struct {
	HTTP      *http.Request
	Operation string
	Params    map[string]string
	Body      []byte
	Tenant    string
	query     url.Values
}

// Query is the request's query, read once however many helpers ask.
func (r *Request) Query() url.Values {
	if r.query == nil {
		r.query = r.HTTP.URL.Query()
	}
	return r.query
}

// Decode unmarshals the body into v.
func (r *Request) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// Response is what a handler returns. Body is marshalled as JSON unless it
// is nil (no body) or already []byte.
type Response struct {
	Status      int
	Header      http.Header
	Body        any
	ContentType string
}

// Handler serves one operation.
type Handler func(ctx context.Context, req *Request) Response

// Policy is what differs between platforms around the handlers: who may call,
// how often, and how the platform words a refusal.
type Policy interface {
	// Authenticate identifies the caller of a secured operation: its tenant,
	// or the response that refuses it (with the tenant when it is known).
	Authenticate(operation string, r *http.Request) (tenant string, refuse *Response)
	// Admit applies per-tenant limits (rate limits); headers are added to the
	// answer, and a non-nil refuse is sent instead of calling the handler.
	Admit(tenant string, r *http.Request) (headers http.Header, refuse *Response)
	// Invalid renders a request that broke the document (or the server's own
	// limits) as the platform's error body; operation is "" before routing.
	Invalid(operation string, status int, message string, violations []journal.Violation) Response
	// ContentType is the media type of an answer with this status.
	ContentType(status int) string
}

// Tolerant is implemented by a platform that accepts some requests its
// document refuses, because the real platform accepts them from its
// official client. Tolerate sees a routed request before validation and may
// rewrite its path parameters (in place) and its body into the documented
// form; each rewrite comes back as a warning for the journal.
type Tolerant interface {
	Tolerate(operation string, params map[string]string, body []byte) ([]byte, []journal.Violation)
}

// Config assembles a server.
type Config struct {
	Spec     *spec.Spec
	Handlers map[string]Handler
	Policy   Policy
	Journal  *journal.Journal
	Clock    clock.Clock
	// MaxBody caps request bodies; 0 means 1 MiB.
	MaxBody int64
	// SkipResponseValidation and SkipRequestValidation turn validation off;
	// only benchmarks measuring its cost use them.
	SkipResponseValidation bool
	SkipRequestValidation  bool
}

// Server is an http.Handler.
type Server struct {
	cfg Config
}

// New checks that every operation of the document has a handler: a
// documented operation the mock cannot serve is a bug, not a stub.
func New(cfg Config) (*Server, error) {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Journal == nil {
		cfg.Journal = journal.New()
	}
	var missing []string
	for _, op := range cfg.Spec.Operations() {
		if _, ok := cfg.Handlers[op.ID]; !ok {
			missing = append(missing, op.ID)
		}
	}
	var extra []string
	for id := range cfg.Handlers {
		if _, ok := cfg.Spec.Operation(id); !ok {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		return nil, fmt.Errorf("mockserver: handlers do not match the document: missing %v, undocumented %v", missing, extra)
	}
	return &Server{cfg: cfg}, nil
}

// Journal is where the server records exchanges.
func (s *Server) Journal() *journal.Journal { return s.cfg.Journal }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	entry := journal.Entry{
		Time:          s.cfg.Clock.Now(),
		Direction:     journal.Inbound,
		Method:        r.Method,
		URL:           "http://" + r.Host + r.URL.RequestURI(),
		RequestHeader: r.Header.Clone(),
	}
	resp, route := s.serve(r, &entry)
	body, ctype, err := encode(resp, s.cfg.Policy)
	if err != nil {
		resp = s.cfg.Policy.Invalid("", http.StatusInternalServerError, "mock could not encode its answer: "+err.Error(), nil)
		body, ctype, _ = encode(resp, s.cfg.Policy)
	}
	// The answer's headers, as sent and as journaled: the handler's own map,
	// which nothing touches once the answer is written.
	header := resp.Header
	if header == nil {
		header = make(http.Header, 1)
	}
	if body != nil {
		header["Content-Type"] = []string{ctype}
	}
	if route != nil && !s.cfg.SkipResponseValidation {
		entry.ResponseViolations = s.cfg.Spec.ValidateResponse(r.Context(), r, route, resp.Status, header, body)
	}
	out := w.Header()
	for k, vs := range header {
		out[k] = vs
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(body)

	entry.Status = resp.Status
	entry.ResponseHeader = header
	entry.ResponseBody = body
	entry.Duration = time.Since(start)
	s.cfg.Journal.Add(entry)
}

func (s *Server) serve(r *http.Request, entry *journal.Entry) (resp Response, route *spec.Route) {
	p := s.cfg.Policy
	var body []byte
	var err error
	if r.Body != nil && r.Body != http.NoBody {
		body, err = io.ReadAll(http.MaxBytesReader(nil, r.Body, s.cfg.MaxBody))
	}
	entry.RequestBody = body
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return p.Invalid("", http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", s.cfg.MaxBody), nil), nil
		}
		return p.Invalid("", http.StatusBadRequest, "could not read request body: "+err.Error(), nil), nil
	}
	route, err = s.cfg.Spec.Find(r)
	switch {
	case errors.Is(err, spec.ErrMethodNotAllowed):
		return p.Invalid("", http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path), nil), nil
	case err != nil:
		return p.Invalid("", http.StatusNotFound, fmt.Sprintf("no operation at %s %s", r.Method, r.URL.Path), nil), nil
	}
	op := route.OperationID()
	entry.Operation = op
	req := &Request{HTTP: r, Operation: op, Params: route.Params, Body: body}

	if secured(s.cfg.Spec, op) {
		tenant, refuse := p.Authenticate(op, r)
		if refuse != nil {
			// A refused caller the platform still recognises (an expired
			// token) stays attributed, so its scenario can see the refusal.
			entry.Tenant = tenant
			return *refuse, route
		}
		req.Tenant = tenant
	}
	entry.Tenant = req.Tenant
	if t, ok := p.(Tolerant); ok {
		req.Body, entry.Warnings = t.Tolerate(op, req.Params, req.Body)
	}
	if s.cfg.SkipRequestValidation {
		// measured path only: nothing checked
	} else if vs := s.cfg.Spec.ValidateRequest(r.Context(), r, req.Body, route); len(vs) > 0 {
		entry.RequestViolations = vs
		return p.Invalid(op, http.StatusBadRequest, "request does not match the API document: "+spec.Summary(vs), vs), route
	}
	headers, refuse := p.Admit(req.Tenant, r)
	if refuse != nil {
		refuse.Header = merge(refuse.Header, headers)
		return *refuse, route
	}
	resp = s.call(r.Context(), s.cfg.Handlers[op], req)
	if req.Tenant != "" {
		entry.Tenant = req.Tenant
	}
	resp.Header = merge(resp.Header, headers)
	return resp, route
}

// call turns a handler panic into a 500 the journal shows, not a dead mock.
func (s *Server) call(ctx context.Context, h Handler, req *Request) (resp Response) {
	defer func() {
		if v := recover(); v != nil {
			resp = s.cfg.Policy.Invalid(req.Operation, http.StatusInternalServerError, fmt.Sprintf("mock handler %s failed: %v", req.Operation, v), nil)
		}
	}()
	return h(ctx, req)
}

func secured(sp *spec.Spec, opID string) bool {
	o, ok := sp.Operation(opID)
	if !ok {
		return true
	}
	op := sp.Doc.Paths.Value(o.Path).GetOperation(o.Method)
	if op.Security != nil {
		return len(*op.Security) > 0
	}
	return len(sp.Doc.Security) > 0
}

func merge(dst, src http.Header) http.Header {
	if dst == nil {
		dst = http.Header{}
	}
	for k, vs := range src {
		if _, set := dst[k]; !set {
			dst[k] = vs
		}
	}
	return dst
}

func encode(resp Response, p Policy) ([]byte, string, error) {
	ctype := resp.ContentType
	if ctype == "" {
		ctype = p.ContentType(resp.Status)
	}
	switch b := resp.Body.(type) {
	case nil:
		return nil, "", nil
	case []byte:
		return b, ctype, nil
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(b); err != nil {
			return nil, "", err
		}
		return bytes.TrimRight(buf.Bytes(), "\n"), ctype, nil
	}
}

// JSONContentType reports whether a media type carries JSON (RFC 6839 suffix included).
func JSONContentType(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.TrimSpace(strings.ToLower(ct))
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}
