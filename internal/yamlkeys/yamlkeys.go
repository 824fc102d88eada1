// Package yamlkeys checks the keys of a YAML document against the Go type it
// will be decoded into, before decoding, so a typo in a configuration file is
// named with its line and the keys that would have been right, instead of
// being dropped silently or reported in Go's terms.
package yamlkeys

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Unknown is a key that the type has no field for.
type Unknown struct {
	Line  int
	Field string   // dotted path, e.g. partner.driver_ulr
	Known []string // the keys allowed where it stands
}

func (u Unknown) Error() string {
	return fmt.Sprintf("line %d: %s: unknown field (known here: %s)", u.Line, u.Field, strings.Join(u.Known, ", "))
}

// In is the unknown key as the error of the file it stands in:
// "name:LINE: field: unknown field (known here: ...)".
func (u Unknown) In(name string) error {
	return fmt.Errorf("%s:%d: %s: unknown field (known here: %s)", name, u.Line, u.Field, strings.Join(u.Known, ", "))
}

// Walk visits every node of n as decoding into t would, with its dotted
// path ("endpoints[2].url"), and returns the keys t does not know. visit may
// be nil; it sees each node before its children, and may change scalars.
func Walk(n *yaml.Node, t reflect.Type, visit func(n *yaml.Node, path string, t reflect.Type)) []Unknown {
	var out []Unknown
	walk(n, t, "", visit, &out)
	return out
}

func walk(n *yaml.Node, t reflect.Type, path string, visit func(*yaml.Node, string, reflect.Type), out *[]Unknown) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			walk(c, t, path, visit, out)
		}
		return
	}
	if visit != nil {
		visit(n, path, t)
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch t.Kind() {
			case reflect.Struct:
				f, ok := fieldByTag(t, k.Value)
				if !ok {
					*out = append(*out, Unknown{Line: k.Line, Field: join(path, k.Value), Known: tags(t)})
					continue
				}
				walk(v, f.Type, join(path, k.Value), visit, out)
			case reflect.Map:
				walk(v, t.Elem(), join(path, k.Value), visit, out)
			}
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice {
			for i, c := range n.Content {
				walk(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), visit, out)
			}
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			walk(n.Alias, t, path, visit, out)
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if strings.Split(f.Tag.Get("yaml"), ",")[0] == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tags(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		out = append(out, strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0])
	}
	return out
}

// ErrEmpty is a document with nothing in it.
var ErrEmpty = errors.New("empty file")

// Decode decodes raw into v (a pointer) once every key is known to v's
// type, and gives each node's line by its dotted path ("requirements[2].id",
// "" for the top), so that a check after decoding can name where a value
// stands. The first unknown key is returned as an Unknown; a YAML error as
// yaml.v3 words it, without its "yaml: " prefix.
func Decode(raw []byte, v any) (map[string]int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, ErrEmpty
	}
	lines := map[string]int{}
	unknown := Walk(&doc, reflect.TypeOf(v), func(n *yaml.Node, path string, _ reflect.Type) { lines[path] = n.Line })
	if len(unknown) > 0 {
		return nil, unknown[0]
	}
	if err := doc.Decode(v); err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return lines, nil
}

// DecodeFile is Decode whose errors name the file: an unknown key as
// Unknown.In(name) says it, any other error after "name: " (ErrEmpty
// still tells an empty document).
func DecodeFile(name string, raw []byte, v any) (map[string]int, error) {
	lines, err := Decode(raw, v)
	var u Unknown
	switch {
	case errors.As(err, &u):
		return nil, u.In(name)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return lines, nil
}
