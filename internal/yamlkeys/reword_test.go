package yamlkeys_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accord-harness/accord/internal/yamlkeys"
)

func TestLineRewordsWithTheFirstWordsThatFit(t *testing.T) {
	re := regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	words := []yamlkeys.Reword{
		yamlkeys.Duration,
		{Suffix: "into int", Say: "%q is not a whole number"},
		{Contains: "into []string", Say: "must be a list"},
		{Contains: "cannot unmarshal", Say: "must be a mapping"},
	}
	for _, c := range []struct {
		msg, text string
		line      int
		ok        bool
	}{
		{"yaml: line 3: cannot unmarshal !!str `soon` into time.Duration", `"soon" is not a duration (use e.g. 30s, 5m, 1h)`, 3, true},
		{"line 7: cannot unmarshal !!str `three` into int", `"three" is not a whole number`, 7, true},
		{"line 2: cannot unmarshal !!map into []string", "must be a list", 2, true},
		{"line 4: cannot unmarshal !!seq into config.raw", "must be a mapping", 4, true},
		{"line 5: did not find expected key", "did not find expected key", 5, true},
		{"line 6: cannot unmarshal !!str into int", `"" is not a whole number`, 6, true},
		{"yaml: control characters are not allowed", "", 0, false},
	} {
		line, text, ok := yamlkeys.Line(re, c.msg, words)
		assert.Equal(t, c.ok, ok, c.msg)
		assert.Equal(t, c.line, line, c.msg)
		assert.Equal(t, c.text, text, c.msg)
	}
}
