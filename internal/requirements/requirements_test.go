package requirements_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/requirements"
)

func TestParseReadsTheCatalogue(t *testing.T) {
	cat, err := requirements.Parse("demo.yaml", []byte(catalogue))
	require.NoError(t, err)
	assert.Equal(t, "demo", cat.Platform)
	require.Len(t, cat.Requirements, 3)
	r := cat.Requirements[1]
	assert.Equal(t, requirements.Requirement{ID: "DM-A-2", Text: "checked by hand", Sources: []requirements.Source{{Document: "seed", Section: "Two"}}, Manual: "the specialist looks", Line: 9}, r)
}

// TestParseNamesTheFileAndLineOfEveryMistake: one clear error, naming where.
func TestParseNamesTheFileAndLineOfEveryMistake(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown key", "    manual: the specialist looks", "    manul: the specialist looks",
			"demo.yaml:12: requirements[1].manul: unknown field (known here: id, requirement, source, manual)"},
		{"duplicate id", "  - id: DM-A-3", "  - id: DM-A-1", "demo.yaml:13: DM-A-1 is given twice (first at line 6)"},
		{"missing source", "    source: seed § Three\n", "", `demo.yaml:13: DM-A-3: source missing ("document § section", the document one of seed)`},
		{"unknown document", "source: seed § Three", "source: seeds § Three", `demo.yaml:15: DM-A-3: source "seeds § Three": no document seeds (documents: seed)`},
		{"source without a section", "source: seed § Three", "source: seed", `demo.yaml:15: DM-A-3: source "seed": want "document § section"`},
		{"id of another form", "  - id: DM-A-3", "  - id: DM-3", `demo.yaml:13: id "DM-3": want DM-AREA-N, e.g. DM-ACT-2`},
		{"id of another platform", "  - id: DM-A-3", "  - id: DP-A-3", `demo.yaml:13: id "DP-A-3": want DM-AREA-N`},
		{"no text", "    requirement: checked by nothing\n", "", "demo.yaml:13: DM-A-3: requirement missing"},
		{"document without a title", "title: The seed, ", "", "demo.yaml:4: documents[0]: a document needs id, title and where"},
		{"not YAML", "prefix: DM", "prefix: [DM", "demo.yaml: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := strings.Replace(catalogue, tt.old, tt.new, 1)
			require.NotEqual(t, catalogue, raw, "the case changes nothing")
			_, err := requirements.Parse("demo.yaml", []byte(raw))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}
