package apispec

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// fidelityDoc is where every departure from the provider's document is told.
const fidelityDoc = "../../../docs/fidelity-docplanner.md"

// marks are the places of the document marked designed or tolerated, named
// as the fidelity page names them: an operation by its id, a component as
// kind.Name, a property as kind.Name.property, anything deeper by its path.
func marks(t *testing.T) map[string]string {
	t.Helper()
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(Document(), &doc))
	out := map[string]string{}
	var walk func(node any, name string)
	walk = func(node any, name string) {
		switch n := node.(type) {
		case map[string]any:
			if id, ok := n["operationId"].(string); ok {
				name = id
			}
			for _, mark := range []string{"x-accord-designed", "x-accord-tolerated"} {
				if v, ok := n[mark]; ok && v != false {
					out[name] = mark
				}
			}
			for k, v := range n {
				if k == "properties" {
					for p, pv := range v.(map[string]any) {
						walk(pv, name+"."+p)
					}
					continue
				}
				walk(v, name+"."+k)
			}
		case []any:
			for i, v := range n {
				walk(v, fmt.Sprintf("%s[%d]", name, i))
			}
		}
	}
	for kind, components := range doc["components"].(map[string]any) {
		for name, c := range components.(map[string]any) {
			walk(c, kind+"."+name)
		}
	}
	for _, item := range doc["paths"].(map[string]any) {
		for _, op := range item.(map[string]any) {
			walk(op, "")
		}
	}
	return out
}

// TestEveryDesignedDepartureIsListed: a designed or tolerated point the
// fidelity page does not name would be a departure no partner hears of.
func TestEveryDesignedDepartureIsListed(t *testing.T) {
	page, err := os.ReadFile(fidelityDoc)
	require.NoError(t, err)
	ms := marks(t)
	require.NotEmpty(t, ms)
	names := make([]string, 0, len(ms))
	for name := range ms {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		assert.True(t, strings.Contains(string(page), "`"+name+"`"),
			"%s is marked %s in openapi.yaml but %s does not list `%s`", name, ms[name], fidelityDoc, name)
	}
}
