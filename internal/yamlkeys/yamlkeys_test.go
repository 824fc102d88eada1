package yamlkeys_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/yamlkeys"
)

type doc struct {
	Items []struct {
		ID string `yaml:"id"`
	} `yaml:"items"`
}

func TestDecodeNamesLinesAndRefusesUnknownKeys(t *testing.T) {
	var d doc
	lines, err := yamlkeys.Decode([]byte("items:\n  - id: a\n  - id: b\n"), &d)
	require.NoError(t, err)
	assert.Equal(t, "b", d.Items[1].ID)
	assert.Equal(t, 3, lines["items[1]"])
	assert.Equal(t, 3, lines["items[1].id"])

	_, err = yamlkeys.Decode([]byte("items:\n  - id: a\n    name: x\n"), &d)
	var u yamlkeys.Unknown
	require.ErrorAs(t, err, &u)
	assert.Equal(t, yamlkeys.Unknown{Line: 3, Field: "items[0].name", Known: []string{"id"}}, u)

	_, err = yamlkeys.Decode([]byte("# nothing\n"), &d)
	assert.ErrorIs(t, err, yamlkeys.ErrEmpty)
	_, err = yamlkeys.Decode([]byte("items: [\n"), &d)
	assert.Error(t, err)
	assert.NotContains(t, err.Error(), "yaml: ")
}
