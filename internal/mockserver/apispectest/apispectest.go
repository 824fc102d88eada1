// Package apispectest holds what the tests of every platform's OpenAPI document
// (mocks/<platform>/apispec) do alike: load it strictly, list its
// operations, and route the way the mock server does.
package apispectest

import (
	"maps"
	"slices"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Load parses the document and validates it as OpenAPI 3.0, its examples,
// schema defaults and patterns included: a document the mock serves from
// must hold to its own schemas.
func Load(t *testing.T, document []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(document)
	require.NoError(t, err, "the document must load")
	require.NoError(t, doc.Validate(loader.Context,
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaDefaultsValidation(),
		openapi3.EnableSchemaPatternValidation(),
	), "the document must be a valid OpenAPI 3.0 document, examples included")
	return doc
}

// Op is one operation of a document and where it stands.
type Op struct {
	Path, Method string
	Item         *openapi3.PathItem
	Op           *openapi3.Operation
}

// Operations lists the document's path operations by operationId, so a
// test's failures read in the same order every run.
func Operations(doc *openapi3.T) []Op {
	var ops []Op
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, o := range item.Operations() {
			ops = append(ops, Op{path, method, item, o})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Op.OperationID < ops[j].Op.OperationID })
	return ops
}

// EachExpected calls check with every operation of the document and what
// the test expects of it (expected, by operationId); an operation the test
// does not expect, or one it expects that the document lacks, fails.
func EachExpected[E any](t *testing.T, doc *openapi3.T, expected map[string]E, check func(o Op, want E)) {
	t.Helper()
	var ids []string
	for _, o := range Operations(doc) {
		id := o.Op.OperationID
		ids = append(ids, id)
		want, known := expected[id]
		if !assert.True(t, known, "unexpected operation %q (%s %s)", id, o.Method, o.Path) {
			continue
		}
		check(o, want)
	}
	assert.Equal(t, slices.Sorted(maps.Keys(expected)), ids, "operation ids (sorted)")
}

// Find is the operation with this operationId; a test fails without it.
func Find(t *testing.T, doc *openapi3.T, id string) Op {
	t.Helper()
	for _, o := range Operations(doc) {
		if o.Op.OperationID == id {
			return o
		}
	}
	t.Fatalf("no operation %s", id)
	return Op{}
}

// Marks are what an operation's x-accord extensions say of it: whether
// acceptance requires it, the flow it belongs to, and whether accord
// designed it where the platform's record is silent.
type Marks struct {
	Required bool
	Flow     string
	Designed bool
}

// MarksOf reads an operation's marks; x-accord-required must be a bool and
// x-accord-flow a string (docs/conventions.md), x-accord-designed may be absent.
func MarksOf(t *testing.T, o *openapi3.Operation) Marks {
	t.Helper()
	required, ok := o.Extensions["x-accord-required"].(bool)
	assert.True(t, ok, "%s: x-accord-required must be a bool", o.OperationID)
	flow, ok := o.Extensions["x-accord-flow"].(string)
	assert.True(t, ok, "%s: x-accord-flow must be a string", o.OperationID)
	designed, _ := o.Extensions["x-accord-designed"].(bool)
	return Marks{Required: required, Flow: flow, Designed: designed}
}

// FirstServerRouter routes on the document's first server only, as
// internal/spec does: the others are the real platform's, for readers.
func FirstServerRouter(t *testing.T, doc *openapi3.T) routers.Router {
	t.Helper()
	first := *doc
	first.Servers = doc.Servers[:1]
	router, err := gorillamux.NewRouter(&first)
	require.NoError(t, err)
	return router
}
