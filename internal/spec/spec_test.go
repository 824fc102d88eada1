package spec

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const doc = `
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: /api}, {url: "https://example.com/api"}]
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string, format: date-time}}
    put:
      operationId: putThing
      x-accord-required: true
      x-accord-flow: things
      parameters:
        - {name: at, in: query, required: true, schema: {type: string, format: date-time}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                slots: {type: array, items: {type: object, properties: {start: {type: string, format: date-time}}}}
      responses:
        '200':
          description: ok
          content:
            application/vnd.x+json:
              schema: {type: object, required: [id], properties: {id: {type: string}}}
`

func load(t *testing.T) *Spec {
	t.Helper()
	s, err := Load([]byte(doc))
	require.NoError(t, err)
	return s
}

func TestOperationsReadExtensions(t *testing.T) {
	ops := load(t).Operations()
	require.Len(t, ops, 1)
	assert.Equal(t, Operation{ID: "putThing", Method: "PUT", Path: "/things/{id}", Required: true, Flow: "things"}, ops[0])
}

func TestRouteDecodesPathAndFindsOperation(t *testing.T) {
	s := load(t)
	r := httptest.NewRequest(http.MethodPut, "/api/things/2026-03-02T10%3A00%3A00%2B01%3A00?at=2026-03-02T10:00:00Z", nil)
	route, err := s.Find(r)
	require.NoError(t, err)
	assert.Equal(t, "putThing", route.OperationID())
	assert.Equal(t, "2026-03-02T10:00:00+01:00", route.Params["id"])

	_, err = s.Find(httptest.NewRequest(http.MethodGet, "/api/things/x", nil))
	assert.ErrorIs(t, err, ErrMethodNotAllowed)
	_, err = s.Find(httptest.NewRequest(http.MethodGet, "/elsewhere", nil))
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestViolationsNameFieldRuleAndValue(t *testing.T) {
	s := load(t)
	tests := []struct {
		name, url, body string
		want            []string // "in field rule" fragments
	}{
		{"valid", "/api/things/2026-03-02T10:00:00Z?at=2026-03-02T10:00:00Z", `{"name":"a"}`, nil},
		{"query without offset", "/api/things/2026-03-02T10:00:00Z?at=2026-03-02T10:00:00", `{"name":"a"}`, []string{`query at: format`, `got "2026-03-02T10:00:00"`}},
		{"missing property", "/api/things/2026-03-02T10:00:00Z?at=2026-03-02T10:00:00Z", `{}`, []string{"body name: required"}},
		{"nested format", "/api/things/2026-03-02T10:00:00Z?at=2026-03-02T10:00:00Z", `{"name":"a","slots":[{"start":"noon"}]}`, []string{"body slots.0.start: format"}},
		{"not json", "/api/things/2026-03-02T10:00:00Z?at=2026-03-02T10:00:00Z", `{`, []string{"body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPut, tt.url, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/json")
			route, err := s.Find(r)
			require.NoError(t, err)
			vs := s.ValidateRequest(context.Background(), r, []byte(tt.body), route)
			if tt.want == nil {
				assert.Empty(t, vs)
				return
			}
			got := Summary(vs)
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			assert.NotContains(t, got, "pattern", "the regular expression is noise to a reader")
		})
	}
}

func TestValidateResponse(t *testing.T) {
	s := load(t)
	r := httptest.NewRequest(http.MethodPut, "/api/things/2026-03-02T10:00:00Z?at=2026-03-02T10:00:00Z", nil)
	route, err := s.Find(r)
	require.NoError(t, err)
	h := http.Header{"Content-Type": {"application/vnd.x+json"}}
	assert.Empty(t, s.ValidateResponse(context.Background(), r, route, 200, h, []byte(`{"id":"1"}`)))
	vs := s.ValidateResponse(context.Background(), r, route, 200, h, []byte(`{"id":1}`))
	require.NotEmpty(t, vs)
	assert.Equal(t, "response", vs[0].In)
	assert.NotEmpty(t, s.ValidateResponse(context.Background(), r, route, 418, h, nil), "an undeclared status is a violation")
}
