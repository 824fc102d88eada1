package runner

import (
	"bytes"
	"io"

	"github.com/accord-harness/accord/internal/redact"
)

// consoleWriter is the console as godog writes to it: known secrets
// scrubbed from each write and, for a console that is not a terminal, the
// colours taken out.
//
// godog is always told to colour, because its colour writer hands the bytes
// on as they are (except on Windows), while its colour stripper writes one
// rune at a time, a system call each, to the console and to the cucumber
// report file alike: that was a third of a Docplanner run's CPU time, and
// it would have left the redaction nothing to match, no single rune holding
// a whole secret.
type consoleWriter struct {
	w        io.Writer
	secrets  func() []string
	noColors bool
	pending  []byte // the start of an escape sequence the last write ended in
}

func (c *consoleWriter) Write(p []byte) (int, error) {
	text := p
	if c.noColors {
		text = c.stripColors(p)
	}
	if len(text) > 0 {
		if _, err := io.WriteString(c.w, redact.New(c.secrets()...).String(string(text))); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// stripColors drops ANSI control sequences (ESC [ parameters, ended by a
// letter or @), as godog's own stripper does, keeping a sequence a write
// ends in for the next.
func (c *consoleWriter) stripColors(p []byte) []byte {
	in := p
	if len(c.pending) > 0 {
		in = append(c.pending, p...)
		c.pending = nil
	}
	if bytes.IndexByte(in, 0x1b) < 0 {
		return in
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		if in[i] != 0x1b {
			out = append(out, in[i])
			continue
		}
		if i+1 == len(in) {
			c.pending = append(c.pending, in[i:]...)
			break
		}
		if in[i+1] != '[' {
			out = append(out, in[i])
			continue
		}
		end := i + 2
		for end < len(in) && !isFinal(in[end]) {
			end++
		}
		if end == len(in) {
			if len(in)-i > maxPending {
				return append(out, in[i:]...) // no control sequence runs this long
			}
			c.pending = append(c.pending, in[i:]...)
			break
		}
		i = end
	}
	return out
}

// maxPending bounds what waits for the end of a control sequence.
const maxPending = 32

func isFinal(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '@' }
