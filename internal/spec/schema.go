package spec

import (
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// A node is one schema compiled once for the fast check: a yes-or-unsure
// verdict on a value, with no value built. Yes means kin-openapi (VisitJSON
// with MultiErrors, as a request or a response) accepts the value too; every
// keyword is checked at least as strictly as kin-openapi checks it, and a
// schema using a keyword the fast check does not know is always unsure. An
// unsure verdict sends the message to kin-openapi, whose violations are
// the ones reported: the fast check decides nothing, it only skips work.
type node struct {
	bad      bool // a keyword the fast check does not know
	empty    bool // kin-openapi's IsEmpty: any value but null
	nullable bool
	types    kinds // permitted; all when the schema names none
	integer  bool  // integer permitted and number not: whole numbers only
	allOf    []*node
	oneOf    []*node // without a discriminator
	anyOf    []*node
	enum     []any // string, float64, bool or nil entries; nil: no enum

	// strings
	minLen, maxLen int64 // maxLen < 0: none
	pattern        *regexp.Regexp
	format         func(string) bool

	// numbers
	min, max       float64
	hasMin, hasMax bool
	exMin, exMax   bool
	numFormat      func(float64) bool

	// arrays
	minItems, maxItems int64 // maxItems < 0: none
	unique             bool
	items              *node

	// objects
	fields             map[string]field
	required           int // how many fields are required
	additional         additional
	additionalNode     *node
	minProps, maxProps int64 // maxProps < 0: none
}

type kinds uint8

const (
	kindBoolean kinds = 1 << iota
	kindInteger
	kindNumber
	kindString
	kindArray
	kindObject
	kindAll kinds = 1<<iota - 1
)

// typeKinds is the kind of each type OpenAPI 3.0 names; "null" and what 3.1
// adds are left to kin-openapi.
var typeKinds = map[string]kinds{
	openapi3.TypeBoolean: kindBoolean,
	openapi3.TypeInteger: kindInteger,
	openapi3.TypeNumber:  kindNumber,
	openapi3.TypeString:  kindString,
	openapi3.TypeArray:   kindArray,
	openapi3.TypeObject:  kindObject,
}

type field struct {
	node     *node // nil: not a property, only required
	required int   // bit of the required set, -1 when optional
}

type additional uint8

const (
	additionalAny additional = iota
	additionalNone
	additionalSchema
)

// direction is which side of an exchange a schema is applied to: kin-openapi
// treats readOnly and writeOnly properties and defaults differently.
type direction uint8

const (
	asResponse direction = iota
	asRequest
)

// compiler compiles each schema once per direction; recursive schemas come
// out as cyclic graphs.
type compiler struct {
	dir   direction
	nodes map[*openapi3.Schema]*node
}

func newCompiler(dir direction) *compiler {
	return &compiler{dir: dir, nodes: map[*openapi3.Schema]*node{}}
}

// known are the Schema fields the fast check handles or that do not change
// what kin-openapi accepts; any other field set makes the schema bad.
func known(s *openapi3.Schema) openapi3.Schema {
	k := *s
	k.Extensions, k.Origin = nil, nil
	k.Title, k.Description, k.Example, k.Examples, k.ExternalDocs, k.Deprecated, k.XML = "", "", nil, nil, nil, false, nil
	k.Type, k.Format, k.Enum, k.Nullable, k.AllOf, k.OneOf, k.AnyOf = nil, "", nil, false, nil, nil, nil
	k.MinLength, k.MaxLength, k.Pattern = 0, nil, ""
	k.Min, k.Max, k.ExclusiveMin, k.ExclusiveMax = nil, nil, openapi3.ExclusiveBound{}, openapi3.ExclusiveBound{}
	k.MinItems, k.MaxItems, k.UniqueItems, k.Items = 0, nil, false, nil
	k.Properties, k.Required, k.AdditionalProperties, k.MinProps, k.MaxProps = nil, nil, openapi3.AdditionalProperties{}, 0, nil
	k.Default = nil
	return k
}

func (c *compiler) compile(ref *openapi3.SchemaRef) *node {
	if ref == nil || ref.Value == nil {
		return &node{bad: true}
	}
	s := ref.Value
	if n, ok := c.nodes[s]; ok {
		return n
	}
	n := &node{}
	c.nodes[s] = n
	c.fill(n, s)
	return n
}

func (c *compiler) fill(n *node, s *openapi3.Schema) {
	if rest := known(s); !reflect.ValueOf(rest).IsZero() || s.ReadOnly || s.WriteOnly {
		n.bad = true
		return
	}
	n.nullable = s.Nullable
	if s.IsEmpty() {
		n.empty = true
		return
	}
	n.types = kindAll
	if s.Type != nil {
		n.types = 0
		for _, t := range s.Type.Slice() {
			k, ok := typeKinds[t]
			if !ok {
				n.bad = true
				return
			}
			n.types |= k
		}
	}
	n.integer = s.Type.Permits(openapi3.TypeInteger) && !s.Type.Permits(openapi3.TypeNumber)
	for _, sub := range s.AllOf {
		n.allOf = append(n.allOf, c.compile(sub))
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		if s.Discriminator != nil {
			n.bad = true
			return
		}
		for _, sub := range s.OneOf {
			n.oneOf = append(n.oneOf, c.compile(sub))
		}
		for _, sub := range s.AnyOf {
			n.anyOf = append(n.anyOf, c.compile(sub))
		}
	} else if s.Discriminator != nil {
		n.bad = true // kin-openapi ignores it here; the fast check need not guess
		return
	}
	if len(s.Enum) != 0 {
		n.enum = []any{}
		for _, e := range s.Enum {
			switch v := e.(type) {
			case string, bool, nil:
				n.enum = append(n.enum, v)
			default:
				f, ok := number(v)
				if !ok {
					n.bad = true
					return
				}
				n.enum = append(n.enum, f)
			}
		}
	}

	n.minLen, n.maxLen = int64(s.MinLength), -1
	if s.MaxLength != nil {
		n.maxLen = int64(*s.MaxLength)
	}
	if s.Pattern != "" {
		// kin-openapi rewrites \uXXXX before compiling; such a pattern is left to it.
		re, err := regexp.Compile(s.Pattern)
		if err != nil || strings.Contains(s.Pattern, `\u`) {
			n.bad = true
			return
		}
		n.pattern = re
	}

	if s.Min != nil {
		n.min, n.hasMin = *s.Min, true
	}
	if s.Max != nil {
		n.max, n.hasMax = *s.Max, true
	}
	if s.ExclusiveMin.Value != nil || s.ExclusiveMax.Value != nil {
		n.bad = true // the 3.1 form
		return
	}
	n.exMin = s.ExclusiveMin.IsTrue() && s.Min != nil
	n.exMax = s.ExclusiveMax.IsTrue() && s.Max != nil

	if s.Format != "" {
		if !c.formats(n, s) {
			n.bad = true
			return
		}
	}

	n.minItems, n.maxItems, n.unique = int64(s.MinItems), -1, s.UniqueItems
	if s.MaxItems != nil {
		n.maxItems = int64(*s.MaxItems)
	}
	if s.Items != nil {
		n.items = c.compile(s.Items)
	}

	n.minProps, n.maxProps = int64(s.MinProps), -1
	if s.MaxProps != nil {
		n.maxProps = int64(*s.MaxProps)
	}
	if len(s.Properties) > 0 || len(s.Required) > 0 {
		n.fields = map[string]field{}
	}
	for name, p := range s.Properties {
		if c.dir == asRequest && p.Value != nil && p.Value.Default != nil {
			// kin-openapi writes a default into a request where the
			// property is missing or null, and validates it there.
			if s.MaxProps != nil || p.Value.VisitJSON(deepCopy(p.Value.Default), openapi3.VisitAsRequest(), openapi3.MultiErrors()) != nil {
				n.bad = true
				return
			}
		}
		n.fields[name] = field{node: c.compile(p), required: -1}
	}
	if len(s.Required) > 64 {
		n.bad = true
		return
	}
	for _, name := range s.Required {
		f, ok := n.fields[name]
		if !ok {
			f = field{required: -1}
		}
		if f.required < 0 {
			f.required = n.required
			n.required++
		}
		n.fields[name] = f
	}
	switch ap := s.AdditionalProperties; {
	case ap.Has != nil && !*ap.Has:
		n.additional = additionalNone
	case ap.Schema != nil:
		n.additional, n.additionalNode = additionalSchema, c.compile(ap.Schema)
	}
}

// formats finds the check of a format as kin-openapi registers it now; false
// when the fast check cannot apply it.
func (c *compiler) formats(n *node, s *openapi3.Schema) bool {
	if n.types&kindString != 0 {
		if v, ok := openapi3.SchemaStringFormats[s.Format]; ok {
			switch {
			case s.Format == "date-time" && sameFormat(v, openapi3.FormatOfStringDateTime):
				n.format = isDateTime
			case s.Format == "date" && sameFormat(v, openapi3.FormatOfStringDate):
				n.format = isDate
			default:
				n.format = func(x string) bool { return v.Validate(x) == nil }
			}
		}
	}
	if n.types&(kindInteger|kindNumber) == 0 {
		return true
	}
	if n.integer {
		if v, ok := openapi3.SchemaIntegerFormats[s.Format]; ok {
			n.numFormat = func(f float64) bool { return integerFormat(v, f) }
		}
		return true
	}
	if v, ok := openapi3.SchemaNumberFormats[s.Format]; ok {
		n.numFormat = func(f float64) bool { return v.Validate(f) == nil }
	}
	return true
}

// sameFormat reports whether a registered format validator is kin-openapi's
// own regular expression, which isDate and isDateTime stand in for: its
// type, and the pattern it holds.
func sameFormat(v openapi3.StringFormatValidator, pattern string) bool {
	rv := reflect.ValueOf(v)
	own := reflect.ValueOf(openapi3.NewRegexpFormatValidator(pattern))
	if rv.Type() != own.Type() || rv.Kind() != reflect.Struct || rv.NumField() != 1 ||
		rv.Field(0).Type() != reflect.TypeFor[*regexp.Regexp]() || rv.Field(0).IsNil() {
		return false
	}
	re := (*regexp.Regexp)(rv.Field(0).UnsafePointer())
	return re.String() == pattern
}

// integerFormat is kin-openapi's validateIntegerFormat.
func integerFormat(v openapi3.IntegerFormatValidator, f float64) bool {
	switch {
	case f == float64(math.MaxInt64):
		return v.Validate(math.MaxInt64) == nil
	case f >= float64(math.MinInt64) && f < float64(math.MaxInt64):
		return v.Validate(int64(f)) == nil
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// noAllOfCycle marks bad every node on a cycle of allOf, oneOf and anyOf:
// kin-openapi stops where a schema meets itself on the same value and
// accepts, which the fast check does not follow. (Through items and
// properties a schema meets a nested value, and recursion is fine.)
func noAllOfCycle(nodes map[*openapi3.Schema]*node) {
	const (
		visiting = 1
		done     = 2
	)
	state := map[*node]uint8{}
	var stack []*node
	var visit func(n *node)
	visit = func(n *node) {
		state[n] = visiting
		stack = append(stack, n)
		for _, sub := range slices.Concat(n.allOf, n.oneOf, n.anyOf) {
			switch state[sub] {
			case visiting:
				for i := len(stack) - 1; i >= 0; i-- {
					stack[i].bad = true
					if stack[i] == sub {
						break
					}
				}
			case 0:
				visit(sub)
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
	}
	for _, n := range nodes {
		if state[n] == 0 {
			visit(n)
		}
	}
}

// checkString applies a node to a string value.
func (n *node) checkString(s string) bool {
	if !n.enumHas(s) || n.types&kindString == 0 {
		return false
	}
	if n.minLen != 0 || n.maxLen >= 0 {
		// kin-openapi counts UTF-16 code units the way it does: a rune in
		// the surrogate range (which a decoded Go string never holds) as two.
		length := int64(0)
		for _, r := range s {
			if utf16.IsSurrogate(r) {
				length += 2
			} else {
				length++
			}
		}
		if length < n.minLen || (n.maxLen >= 0 && length > n.maxLen) {
			return false
		}
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		return false
	}
	return n.format == nil || n.format(s)
}

// checkNumber applies a node to a number value.
func (n *node) checkNumber(f float64) bool {
	if math.IsNaN(f) || math.IsInf(f, 0) || !n.enumHas(f) {
		return false
	}
	if n.integer {
		if f != math.Trunc(f) {
			return false
		}
	} else if n.types&(kindInteger|kindNumber) == 0 {
		return false
	}
	if n.numFormat != nil && !n.numFormat(f) {
		return false
	}
	if n.hasMin && (!(n.min <= f) || (n.exMin && !(f > n.min))) {
		return false
	}
	if n.hasMax && (!(n.max >= f) || (n.exMax && !(f < n.max))) {
		return false
	}
	return true
}

func (n *node) checkBool(b bool) bool {
	return n.enumHas(b) && n.types&kindBoolean != 0
}

// enumHas compares as kin-openapi's equalJSONValues does for scalars.
func (n *node) enumHas(v any) bool {
	if n.enum == nil {
		return true
	}
	for _, e := range n.enum {
		if e == v {
			return true
		}
	}
	return false
}

// scalar applies a node, its allOf included, to a parameter's or header's
// decoded value (a string, a float64 or a bool).
func (n *node) scalar(v any) bool {
	if n.bad {
		return false
	}
	if n.empty {
		return true
	}
	if len(n.oneOf) > 0 || len(n.anyOf) > 0 {
		return false
	}
	for _, sub := range n.allOf {
		if !sub.scalar(v) {
			return false
		}
	}
	switch x := v.(type) {
	case string:
		return n.checkString(x)
	case float64:
		return n.checkNumber(x)
	case bool:
		return n.checkBool(x)
	}
	return false
}
