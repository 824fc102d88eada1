package reach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
)

// Rules of the walk, as they appear in violations and warnings.
const (
	RuleExtraField   = "extra-field"        // a warning: Reach ignores fields it does not know
	RuleDynamicName  = "dynamic-field-name" // a field name made of data (a date, a number, an id)
	RuleVaryingNames = "varying-field-names"
	RuleEmptyList    = "empty-list" // null where the specification has an array
	RulePagination   = "pagination"
	RulePeriod       = "period"
)

// responseSchema is the JSON schema the specification gives an answer with this status, if any.
func (r *Reach) responseSchema(op spec.Operation, status int) *openapi3.Schema {
	item := r.spec.Doc.Paths.Value(op.Path)
	if item == nil {
		return nil
	}
	o := item.GetOperation(strings.ToUpper(op.Method))
	if o == nil || o.Responses == nil {
		return nil
	}
	resp := o.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// walker follows a decoded answer along its schema.
type walker struct {
	ids        map[string]bool // every string value of an ...Id field: such a value used as a name is data
	violations []journal.Violation
	warnings   []journal.Violation
}

func newWalker(v any) *walker {
	w := &walker{ids: map[string]bool{}}
	collectIDs(v, w.ids)
	return w
}

func collectIDs(v any, ids map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && strings.HasSuffix(k, "Id") && s != "" {
				ids[s] = true
			}
			collectIDs(val, ids)
		}
	case []any:
		for _, val := range x {
			collectIDs(val, ids)
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// properties are a schema's declared properties, allOf included.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	var add func(s *openapi3.Schema)
	add = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		for k, ref := range s.Properties {
			if ref != nil && ref.Value != nil {
				out[k] = ref.Value
			}
		}
		for _, ref := range s.AllOf {
			if ref != nil {
				add(ref.Value)
			}
		}
	}
	add(s)
	return out
}

func isArray(s *openapi3.Schema) bool { return s != nil && s.Type != nil && s.Type.Is("array") }

func isObject(s *openapi3.Schema) bool {
	return s != nil && (s.Type != nil && s.Type.Is("object") || len(s.Properties) > 0 || len(s.AllOf) > 0)
}

func (w *walker) walk(s *openapi3.Schema, v any, path string) {
	switch {
	case isArray(s):
		if v == nil {
			w.violations = append(w.violations, journal.Violation{In: "response", Field: path, Rule: RuleEmptyList,
				Message: "null where the specification has an array: an empty list is [], never null"})
			return
		}
		items, ok := v.([]any)
		if !ok || s.Items == nil || s.Items.Value == nil {
			return
		}
		var first []string // extra field names of the first object item
		for i, item := range items {
			p := path + "." + strconv.Itoa(i)
			w.walk(s.Items.Value, item, p)
			if m, ok := item.(map[string]any); ok && isObject(s.Items.Value) {
				extra := extraKeys(properties(s.Items.Value), m)
				if i == 0 {
					first = extra
				} else if !equal(first, extra) {
					w.violations = append(w.violations, journal.Violation{In: "response", Field: p, Rule: RuleVaryingNames,
						Message: fmt.Sprintf("item %d has the extra fields %v where item 0 has %v: a record's field names must not depend on its data", i, extra, first)})
				}
			}
		}
	case isObject(s):
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		props := properties(s)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if ps, ok := props[k]; ok {
				w.walk(ps, m[k], join(path, k))
				continue
			}
			w.extra(join(path, k), k, m[k])
		}
	}
}

// extra reports a field the specification does not have: a warning, or a violation when its name is
// data; names inside its value are checked the same way.
func (w *walker) extra(path, key string, v any) {
	if !w.dataName(path, key) {
		w.warnings = append(w.warnings, journal.Violation{In: "response", Field: path, Rule: RuleExtraField,
			Message: "not in the specification; Reach ignores it"})
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			w.dataName(join(path, k), k)
			if _, nested := val.(map[string]any); nested {
				w.extraNested(join(path, k), val)
			}
		}
	case []any:
		for i, val := range x {
			w.extraNested(path+"."+strconv.Itoa(i), val)
		}
	}
}

func (w *walker) extraNested(path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			w.dataName(join(path, k), k)
			w.extraNested(join(path, k), val)
		}
	case []any:
		for i, val := range x {
			w.extraNested(path+"."+strconv.Itoa(i), val)
		}
	}
}

// dataName reports the field at path, named key, as a violation when its name is data, and says
// whether it was.
func (w *walker) dataName(path, key string) bool {
	if !w.dynamic(key) {
		return false
	}
	w.violations = append(w.violations, journal.Violation{In: "response", Field: path, Rule: RuleDynamicName,
		Message: fmt.Sprintf("the field name %q is data (a date, a number or an id), not a fixed name", key)})
	return true
}

var (
	dateLike   = regexp.MustCompile(`\d{4}-\d{2}|\d{2}/\d{2}|^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*[ _-]?\d{2,4}$`)
	numberLike = regexp.MustCompile(`^[-+]?\d`)
	uuidLike   = regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-`)
)

// dynamic reports a field name made of data: a date or month, something starting with a digit, a
// UUID, or a value the answer itself uses as an id.
func (w *walker) dynamic(key string) bool {
	return dateLike.MatchString(key) || numberLike.MatchString(key) || uuidLike.MatchString(key) || w.ids[key]
}

func extraKeys(props map[string]*openapi3.Schema, m map[string]any) []string {
	var out []string
	for k := range m {
		if _, ok := props[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// decodeNumber reads a JSON document keeping numbers exact.
func decodeNumber(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return dec.Decode(v)
}
