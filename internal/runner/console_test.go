package runner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConsoleWriterStripsColoursAndSecrets(t *testing.T) {
	for _, tc := range []struct {
		name     string
		noColors bool
		writes   []string
		want     string
	}{
		{"colours kept for a terminal", false, []string{"\x1b[32mok\x1b[0m\n"}, "\x1b[32mok\x1b[0m\n"},
		{"colours taken out", true, []string{"\x1b[32mok\x1b[0m \x1b[1;31mfailed\x1b[0m\n"}, "ok failed\n"},
		{"a sequence split across writes", true, []string{"a\x1b", "[3", "2mb\x1b[0m"}, "ab"},
		{"an escape that starts no sequence", true, []string{"a\x1bb"}, "a\x1bb"},
		{"an unfinished sequence longer than any", true, []string{"a\x1b[" + strings.Repeat("1", 40)}, "a\x1b[" + strings.Repeat("1", 40)},
		{"a secret scrubbed", true, []string{"token \x1b[33ms3cr3t-t0ken\x1b[0m sent\n"}, "token [REDACTED] sent\n"},
		{"a secret scrubbed in colour", false, []string{"token s3cr3t-t0ken sent\n"}, "token [REDACTED] sent\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			c := &consoleWriter{w: &out, secrets: func() []string { return []string{"s3cr3t-t0ken"} }, noColors: tc.noColors}
			for _, w := range tc.writes {
				n, err := c.Write([]byte(w))
				assert.NoError(t, err)
				assert.Equal(t, len(w), n)
			}
			assert.Equal(t, tc.want, out.String())
		})
	}
}
