// Package spec loads an embedded OpenAPI document once and answers what the
// mocks and checks need from it: which operation a request is, whether a
// request or response obeys the document, and which operations exist and are
// required for acceptance.
package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/accord-harness/accord/internal/journal"
)

// Operation is one documented operation and accord's reading of it.
type Operation struct {
	ID       string `json:"id"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	Required bool   `json:"required"`
	Flow     string `json:"flow"`
	Designed bool   `json:"designed,omitempty"`
	// Alternatives are operations that fulfil the same requirement
	// (x-accord-alternatives): calling any of them satisfies it.
	Alternatives []string `json:"alternatives,omitempty"`
}

// Spec is a loaded, validated document with its router.
type Spec struct {
	Doc    *openapi3.T
	router routers.Router
	ops    []Operation
	byID   map[string]Operation
	// fast routes and checks what it can without kin-openapi (nil when the
	// document's templates need gorillamux); compiled maps each operation's
	// route to its compiled checks.
	fast     *router
	compiled map[*routers.Route]*operation
}

// Load parses and validates data, and routes on the document's first server
// only: by convention it is the relative base the mock serves.
func Load(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("spec: parse: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("spec: invalid document: %w", err)
	}
	if len(doc.Servers) > 1 {
		doc.Servers = doc.Servers[:1]
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("spec: router: %w", err)
	}
	s := &Spec{Doc: doc, router: r, byID: map[string]Operation{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{
				ID:       op.OperationID,
				Method:   method,
				Path:     path,
				Required: extBool(op.Extensions, "x-accord-required"),
				Flow:     extString(op.Extensions, "x-accord-flow"),
				Designed: extBool(op.Extensions, "x-accord-designed"),
			}
			if alts, ok := op.Extensions["x-accord-alternatives"].([]any); ok {
				for _, a := range alts {
					if id, ok := a.(string); ok {
						o.Alternatives = append(o.Alternatives, id)
					}
				}
			}
			s.ops = append(s.ops, o)
			s.byID[o.ID] = o
		}
	}
	sort.Slice(s.ops, func(i, j int) bool { return s.ops[i].ID < s.ops[j].ID })
	s.compile()
	return s, nil
}

// compile builds the router and the fast checks of every operation, once.
func (s *Spec) compile() {
	fast, ok := newRouter(s.Doc)
	if !ok {
		return
	}
	s.fast = fast
	s.compiled = map[*routers.Route]*operation{}
	req, resp := newCompiler(asRequest), newCompiler(asResponse)
	for _, pr := range fast.routes {
		for _, route := range pr.ops {
			s.compiled[route] = compileOperation(s.Doc, route, req, resp)
		}
	}
	noAllOfCycle(req.nodes)
	noAllOfCycle(resp.nodes)
}

func extBool(ext map[string]any, key string) bool {
	v, _ := ext[key].(bool)
	return v
}

func extString(ext map[string]any, key string) string {
	v, _ := ext[key].(string)
	return v
}

// Operations lists every operation, sorted by id.
func (s *Spec) Operations() []Operation { return append([]Operation(nil), s.ops...) }

// Operation looks an operation up by id.
func (s *Spec) Operation(id string) (Operation, bool) {
	o, ok := s.byID[id]
	return o, ok
}

// Route is a request matched to its operation.
type Route struct {
	route  *routers.Route
	op     *operation // nil: kin-openapi checks everything
	Params map[string]string
}

// OperationID is the matched operation's id.
func (r *Route) OperationID() string { return r.route.Operation.OperationID }

// ErrNotFound and ErrMethodNotAllowed come back from Find.
var (
	ErrNotFound         = errors.New("no such path in the document")
	ErrMethodNotAllowed = errors.New("method not allowed on this path")
)

// Find matches a request to an operation.
func (s *Spec) Find(r *http.Request) (*Route, error) {
	var (
		route  *routers.Route
		params map[string]string
		hosted = true
		err    error
	)
	if s.fast != nil {
		route, params, hosted, err = s.fast.find(r)
		if verifyFast && !hosted {
			s.verifyRoute(r, route, params, err)
		}
	}
	if hosted {
		route, params, err = s.router.FindRoute(r)
	}
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, ErrMethodNotAllowed
	case err != nil:
		return nil, ErrNotFound
	}
	// The router matches on the escaped path; values like a bookSlot start
	// (2026-03-02T10%3A00%3A00%2B01%3A00) must be checked decoded.
	for k, v := range params {
		if u, err := url.PathUnescape(v); err == nil {
			params[k] = u
		}
	}
	return &Route{route: route, op: s.compiled[route], Params: params}, nil
}

// verifyRoute panics unless gorillamux routes r as the compiled router did
// (make verify-fast).
func (s *Spec) verifyRoute(r *http.Request, route *routers.Route, params map[string]string, err error) {
	kin, kinParams, kinErr := s.router.FindRoute(r)
	same := errors.Is(err, routers.ErrMethodNotAllowed) == errors.Is(kinErr, routers.ErrMethodNotAllowed) &&
		(err == nil) == (kinErr == nil)
	if same && err == nil {
		same = kin.Path == route.Path && kin.Method == route.Method && kin.Server == route.Server &&
			kin.Operation == route.Operation && maps.Equal(kinParams, params)
	}
	if !same {
		name := func(rt *routers.Route) string {
			if rt == nil {
				return "nothing"
			}
			return rt.Method + " " + rt.Path
		}
		panic(fmt.Sprintf("spec: the compiled router found %s %v (%v) for %s %s, gorillamux %s %v (%v)",
			name(route), params, err, r.Method, r.URL, name(kin), kinParams, kinErr))
	}
}

func options() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:         true,
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
	}
}

// ValidateRequest checks r (whose body is given separately, already read)
// against its operation. It returns nil when the request obeys the document.
// The compiled check answers when it is sure the request is valid (writing
// the query defaults kin-openapi would write); otherwise kin-openapi decides
// and names the violations.
func (s *Spec) ValidateRequest(ctx context.Context, r *http.Request, body []byte, route *Route) []journal.Violation {
	if route.op != nil {
		if defaults, ok := route.op.fastRequest(r, body, route.Params); ok {
			if verifyFast {
				kin := r.Clone(ctx)
				if vs := kinRequest(ctx, kin, body, route); len(vs) > 0 {
					panic(fmt.Sprintf("spec: the compiled check passed %s %s, kin-openapi finds %s", r.Method, r.URL, Summary(vs)))
				}
				defer func() {
					if kin.URL.RawQuery != r.URL.RawQuery {
						panic(fmt.Sprintf("spec: defaults written as %q, kin-openapi writes %q", r.URL.RawQuery, kin.URL.RawQuery))
					}
				}()
			}
			writeDefaults(r, defaults)
			return nil
		}
	}
	return kinRequest(ctx, r, body, route)
}

// kinRequest is kin-openapi's verdict on a request.
func kinRequest(ctx context.Context, r *http.Request, body []byte, route *Route) []journal.Violation {
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: route.Params,
		Route:      route.route,
		Options:    options(),
	}
	err := openapi3filter.ValidateRequest(ctx, in)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return Violations(err)
}

// ValidateResponse checks a response to r against the document: the
// compiled check when it is sure the answer is valid, kin-openapi otherwise.
func (s *Spec) ValidateResponse(ctx context.Context, r *http.Request, route *Route, status int, header http.Header, body []byte) []journal.Violation {
	if route.op != nil && route.op.fastResponse(r.Method, status, header, body) {
		if verifyFast {
			if vs := kinResponse(ctx, r, route, status, header, body); len(vs) > 0 {
				panic(fmt.Sprintf("spec: the compiled check passed the %d answer to %s %s, kin-openapi finds %s", status, r.Method, r.URL, Summary(vs)))
			}
		}
		return nil
	}
	return kinResponse(ctx, r, route, status, header, body)
}

// kinResponse is kin-openapi's verdict on an answer.
func kinResponse(ctx context.Context, r *http.Request, route *Route, status int, header http.Header, body []byte) []journal.Violation {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: route.Params,
			Route:      route.route,
			Options:    options(),
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	vs := Violations(openapi3filter.ValidateResponse(ctx, in))
	for i := range vs {
		if vs[i].In == "" || vs[i].In == "body" {
			vs[i].In = "response"
		}
	}
	return vs
}

// ValidateValue checks a decoded JSON value against a component schema, as
// the mock does for the notifications it sends.
func (s *Spec) ValidateValue(schemaName string, value any) []journal.Violation {
	ref, ok := s.Doc.Components.Schemas[schemaName]
	if !ok || ref.Value == nil {
		return []journal.Violation{{In: "body", Message: "the document has no schema " + schemaName}}
	}
	err := ref.Value.VisitJSON(value, openapi3.MultiErrors())
	return Violations(err)
}

// Violations flattens kin-openapi's errors into field-and-rule violations.
func Violations(err error) []journal.Violation {
	if err == nil {
		return nil
	}
	var out []journal.Violation
	collect(err, "", "", &out)
	if len(out) == 0 {
		out = append(out, journal.Violation{Message: err.Error()})
	}
	return out
}

// collect walks kin-openapi's error tree by direct type, not errors.As:
// As would skip past a parameter's wrapper to the schema error inside and
// lose the parameter's name.
func collect(err error, in, field string, out *[]journal.Violation) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, x := range e {
			collect(x, in, field, out)
		}
	case *openapi3filter.RequestError:
		if e.Parameter != nil {
			in, field = e.Parameter.In, e.Parameter.Name
		} else if e.RequestBody != nil {
			in = "body"
		}
		before := len(*out)
		if e.Err != nil {
			collect(e.Err, in, field, out)
		}
		if len(*out) == before {
			*out = append(*out, journal.Violation{In: in, Field: field, Message: e.Reason})
		}
	case *openapi3filter.ResponseError:
		before := len(*out)
		if e.Err != nil {
			collect(e.Err, "response", field, out)
		}
		if len(*out) == before {
			*out = append(*out, journal.Violation{In: "response", Message: e.Reason})
		}
	case *openapi3.SchemaError:
		path := strings.Join(e.JSONPointer(), ".")
		switch {
		case field != "" && path != "":
			path = field + "." + path
		case path == "":
			path = field
		}
		*out = append(*out, journal.Violation{In: in, Field: path, Rule: e.SchemaField, Message: schemaReason(e)})
	case *openapi3filter.ParseError:
		*out = append(*out, journal.Violation{In: in, Field: field, Rule: "parse", Message: e.Error()})
	default:
		if u := errors.Unwrap(err); u != nil && u != err {
			before := len(*out)
			collect(u, in, field, out)
			if len(*out) > before {
				return
			}
		}
		*out = append(*out, journal.Violation{In: in, Field: field, Message: err.Error()})
	}
}

// schemaReason is kin-openapi's reason without the regular expression it
// appends to format errors, plus the value that failed.
func schemaReason(e *openapi3.SchemaError) string {
	reason := e.Reason
	if i := strings.Index(reason, " (string doesn't match pattern"); i > 0 {
		reason = reason[:i]
	}
	switch v := e.Value.(type) {
	case string:
		if len(v) > 80 {
			v = v[:80] + "…"
		}
		reason += fmt.Sprintf(", got %q", v)
	case float64, bool:
		reason += fmt.Sprintf(", got %v", v)
	}
	return reason
}

// Summary renders violations as one line each: "body slots.0.start: format: ...".
func Summary(vs []journal.Violation) string {
	lines := make([]string, 0, len(vs))
	for _, v := range vs {
		var b strings.Builder
		if v.In != "" {
			b.WriteString(v.In)
		}
		if v.Field != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v.Field)
		}
		if v.Rule != "" {
			b.WriteString(": ")
			b.WriteString(v.Rule)
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(v.Message)
		lines = append(lines, b.String())
	}
	return strings.Join(lines, "; ")
}
