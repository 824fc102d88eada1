package mutate

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Coverage is what one run of the suite executed, from a Go cover profile:
// per file (as the profile names it, import path/file.go), its blocks.
type Coverage map[string][]coverBlock

type coverBlock struct {
	startLine, startCol, endLine, endCol int
	count                                int
}

// ParseCoverProfile reads a profile go test -coverprofile writes.
func ParseCoverProfile(r io.Reader) (Coverage, error) {
	c := Coverage{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 && strings.HasPrefix(line, "mode:") || line == "" {
			continue
		}
		colon := strings.LastIndex(line, ":")
		if colon < 0 {
			return nil, fmt.Errorf("cover profile line %d: %q", n, line)
		}
		var b coverBlock
		var stmts int
		if _, err := fmt.Sscanf(line[colon+1:], "%d.%d,%d.%d %d %d", &b.startLine, &b.startCol, &b.endLine, &b.endCol, &stmts, &b.count); err != nil {
			return nil, fmt.Errorf("cover profile line %d: %v", n, err)
		}
		c[line[:colon]] = append(c[line[:colon]], b)
	}
	return c, sc.Err()
}

// Covered reports whether the run executed the code at line:col of file.
// known is false when no block holds the position (a case expression, say).
func (c Coverage) Covered(file string, line, col int) (covered, known bool) {
	for _, b := range c[file] {
		after := line > b.startLine || line == b.startLine && col >= b.startCol
		before := line < b.endLine || line == b.endLine && col < b.endCol
		if after && before {
			if b.count > 0 {
				return true, true
			}
			known = true // blocks can repeat (a profile merged from runs)
		}
	}
	return false, known
}
