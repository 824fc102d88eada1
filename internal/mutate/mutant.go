// Package mutate measures an acceptance suite by mutation: it makes small
// changes (mutants) to a reference partner's correct code paths, runs the
// platform's suite against each, and counts the mutants the suite kills.
//
// Only code that runs in the partner's default build is mutated: never the
// fault switches (code a fault check such as p.faults["x"] guards), nor code
// only the alternative build (p.alt) runs. See analysis.go for how that is
// decided, generate.go for the operators, run.go for how mutants run: all of
// a platform's mutants in one build of its suite (schema.go), each picked at
// run time, since building the suite takes longer than running it.
package mutate

import (
	"fmt"
	"go/types"
	"strings"
	"unicode/utf8"
)

// Operators, by the name reports and the equivalents list use.
const (
	OpNegateComparison = "negate-comparison" // == to !=, < to >=, ...
	OpBoundary         = "boundary"          // < to <=, >= to >, ...
	OpInvertLogical    = "invert-logical"    // && to ||
	OpNegateCondition  = "negate-condition"  // a condition c to !c, !c to c
	OpArithmetic       = "arithmetic"        // + to -, * to /, ++ to --, += to -=
	OpRemoveStatement  = "remove-statement"  // a call, assignment, send or ++ removed
	OpSwapArguments    = "swap-arguments"    // f(a, b) to f(b, a), when a and b have one type
	OpConstant         = "constant"          // 0 to 1, n to n+1, "s" to "", true to false
	OpReturnValue      = "return-value"      // return x to return the zero value (or !x)
)

// Mutant is one small change to one file.
type Mutant struct {
	// File is the file's path relative to the module root, with slashes.
	File string
	// Func is the function the change is in: "(*Partner).activate", "hasID".
	Func      string
	Line, Col int
	Operator  string
	// Original and Mutated show the changed code in its statement (whitespace
	// collapsed, long text shortened); with File, Func and Operator they key
	// the mutant.
	Original, Mutated string
	// Occurrence tells apart mutants with the same key in one function (the
	// same statement twice), in source order: 1 for the first.
	Occurrence int

	start, end int // byte offsets of the patch in the file
	repl       string
	fn         *types.Func
}

// Apply returns the file's source with the change made.
func (m Mutant) Apply(src []byte) []byte {
	out := make([]byte, 0, len(src)+len(m.repl))
	out = append(out, src[:m.start]...)
	out = append(out, m.repl...)
	return append(out, src[m.end:]...)
}

// Key identifies a mutant without its line, which drifts as the file changes
// (the same change twice in a function is told apart by #2, #3 after it): the
// format of the equivalents list (equivalent.go).
func (m Mutant) Key() string {
	k := fmt.Sprintf("%s | %s | %s | %s -> %s", m.File, m.Func, m.Operator, quote(m.Original), quote(m.Mutated))
	if m.Occurrence > 1 {
		k += fmt.Sprintf(" #%d", m.Occurrence)
	}
	return k
}

// Where is file:line:col.
func (m Mutant) Where() string { return fmt.Sprintf("%s:%d:%d", m.File, m.Line, m.Col) }

// quote writes code as a Go string literal, backquoted when it can be (code
// is full of double quotes).
func quote(s string) string {
	if s != "" && !strings.Contains(s, "`") && utf8.ValidString(s) && !strings.ContainsAny(s, "\n\r\t") {
		return "`" + s + "`"
	}
	return fmt.Sprintf("%q", s)
}

// maxShown bounds the code a key and a report line carry: a statement removed
// can span lines; its start names it well enough within one function.
const maxShown = 160

// shown collapses whitespace and shortens long code.
func shown(code string) string {
	s := strings.Join(strings.Fields(code), " ")
	if utf8.RuneCountInString(s) > maxShown {
		r := []rune(s)
		s = string(r[:maxShown-1]) + "…"
	}
	return s
}
