package mutate

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// EquivalentMutant is one mutant judged equivalent: it cannot change what the
// platform or the driver observes, so no suite could kill it. The key is
// Mutant.Key (file, function, operator, original and mutated code, and #n
// when the function has the same change more than once), without the line,
// which drifts.
type EquivalentMutant struct {
	Key    string
	Reason string
	Line   int // in the list, for messages
}

// ParseEquivalents reads the list: one mutant a line,
//
//	file | function | operator | `original` -> `mutated` [#n] | reason
//
// as Mutant.Key writes it, then the reason; # starts a comment line.
func ParseEquivalents(r io.Reader) ([]EquivalentMutant, error) {
	var out []EquivalentMutant
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, err := splitEquivalent(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if first, dup := seen[key]; dup {
			return nil, fmt.Errorf("line %d: the same mutant as line %d", n, first)
		}
		seen[key] = n
		out = append(out, EquivalentMutant{Key: key, Reason: reason, Line: n})
	}
	return out, sc.Err()
}

func splitEquivalent(line string) (key, reason string, err error) {
	m, rest, err := parseKey(line)
	if err != nil {
		return "", "", err
	}
	reason, ok := strings.CutPrefix(rest, " | ")
	if !ok || strings.TrimSpace(reason) == "" {
		return "", "", fmt.Errorf("every equivalent mutant needs its reason after ' | '")
	}
	return m.Key(), strings.TrimSpace(reason), nil
}

// parseKey reads a mutant's key (Mutant.Key) from the start of s: the mutant
// it names (no position) and what follows the key.
func parseKey(s string) (m Mutant, rest string, err error) {
	const sep = " | "
	rest = s
	var fields []string
	for range 3 { // file, function, operator
		f, r, ok := strings.Cut(rest, sep)
		if !ok || f == "" {
			return m, "", fmt.Errorf("want file | function | operator | `original` -> `mutated` | reason")
		}
		fields, rest = append(fields, f), r
	}
	orig, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return m, "", fmt.Errorf("the original code must be quoted: %v", err)
	}
	rest, ok := strings.CutPrefix(rest[len(orig):], " -> ")
	if !ok {
		return m, "", fmt.Errorf("want -> between the original and the mutated code")
	}
	mut, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return m, "", fmt.Errorf("the mutated code must be quoted: %v", err)
	}
	o, _ := strconv.Unquote(orig)
	u, _ := strconv.Unquote(mut)
	m = Mutant{File: fields[0], Func: fields[1], Operator: fields[2], Original: o, Mutated: u}
	rest = rest[len(mut):]
	if n, after, ok := strings.Cut(strings.TrimPrefix(rest, " #"), " "); strings.HasPrefix(rest, " #") {
		if m.Occurrence, err = strconv.Atoi(n); err != nil || m.Occurrence < 2 {
			return m, "", fmt.Errorf("want #2, #3... after the code for a change made twice in a function")
		}
		rest = ""
		if ok {
			rest = " " + after
		}
	}
	return m, rest, nil
}
