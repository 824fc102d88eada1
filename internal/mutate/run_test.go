package mutate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEquivalentsKeyMutantsWithoutLines(t *testing.T) {
	m := Mutant{File: "mocks/x/refpartner/a.go", Func: "(*Partner).health", Operator: OpConstant, Original: `"ok"`, Mutated: `""`, Line: 12}
	list := "# comment\n\n" + m.Key() + " | the name is shown, never checked\n"
	eqs, err := ParseEquivalents(strings.NewReader(list))
	require.NoError(t, err)
	require.Len(t, eqs, 1)
	assert.Equal(t, m.Key(), eqs[0].Key)
	assert.Equal(t, "the name is shown, never checked", eqs[0].Reason)
	assert.Equal(t, 3, eqs[0].Line)

	m.Line = 40 // the file moved on: still the same mutant
	assert.Equal(t, eqs[0].Key, m.Key())

	// Either quoting of the code names the same mutant.
	eqs, err = ParseEquivalents(strings.NewReader(`mocks/x/refpartner/a.go | (*Partner).health | constant | "\"ok\"" -> "\"\"" | why`))
	require.NoError(t, err)
	assert.Equal(t, m.Key(), eqs[0].Key)
}

func TestBadEquivalentLinesAreRefused(t *testing.T) {
	tests := []struct{ name, list, err string }{
		{"no reason", "a.go | f | constant | `1` -> `0`", "reason"},
		{"empty reason", "a.go | f | constant | `1` -> `0` |  ", "reason"},
		{"unquoted code", "a.go | f | constant | 1 -> 0 | why", "quoted"},
		{"no arrow", "a.go | f | constant | `1` `0` | why", "->"},
		{"too few fields", "a.go | constant", "want file"},
		{"twice", "a.go | f | constant | `1` -> `0` | why\na.go | f | constant | `1` -> `0` | again", "line 2: the same mutant as line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEquivalents(strings.NewReader(tt.list))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestCoverage(t *testing.T) {
	profile := `mode: set
example.com/p/a.go:10.20,12.3 2 1
example.com/p/a.go:12.3,14.10 1 0
example.com/p/b.go:1.1,2.2 1 0
example.com/p/b.go:1.1,2.2 1 1
`
	c, err := ParseCoverProfile(strings.NewReader(profile))
	require.NoError(t, err)
	tests := []struct {
		file               string
		line, col          int
		covered, knownWant bool
	}{
		{"example.com/p/a.go", 11, 1, true, true},
		{"example.com/p/a.go", 10, 20, true, true},
		{"example.com/p/a.go", 12, 3, false, true}, // the end is exclusive: the next block starts there
		{"example.com/p/a.go", 13, 5, false, true},
		{"example.com/p/a.go", 20, 1, false, false},
		{"example.com/p/b.go", 1, 5, true, true}, // merged profiles: one run executed it
		{"example.com/p/c.go", 1, 1, false, false},
	}
	for _, tt := range tests {
		covered, known := c.Covered(tt.file, tt.line, tt.col)
		assert.Equal(t, tt.covered, covered, "%s:%d:%d", tt.file, tt.line, tt.col)
		assert.Equal(t, tt.knownWant, known, "%s:%d:%d", tt.file, tt.line, tt.col)
	}
	_, err = ParseCoverProfile(strings.NewReader("mode: set\nnot a profile line\n"))
	assert.Error(t, err)
}

func TestClassify(t *testing.T) {
	failed := &exec.ExitError{}
	tests := []struct {
		name   string
		out    string
		err    error
		class  Class
		detail string
	}{
		{"passed", "PASS\n", nil, Survived, ""},
		{"a scenario failed", "--- FAIL: TestReferencePartnerPassesEverything (0.85s)\n    --- FAIL: TestReferencePartnerPassesEverything/A_visit_booked_by_PULL (0.21s)\nFAIL\n", failed, Killed, "A visit booked by PULL"},
		{"the partner panicked", "panic: runtime error: index out of range\n\ngoroutine 1\n", failed, Killed, "panic: runtime error: index out of range"},
		{"a check after the scenarios failed", "        \tError:      \tNot equal\nFAIL\n", failed, Killed, "Error:      \tNot equal"},
		{"too slow for the test's own timeout", "panic: test timed out after 30s\n", failed, TimedOut, ""},
		{"too slow for ours", "", context.DeadlineExceeded, TimedOut, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			class, detail := classify([]byte(tt.out), tt.err)
			assert.Equal(t, tt.class, class)
			assert.Equal(t, tt.detail, detail)
		})
	}
}

// TestTheScoreCountsTimeoutsAsDetected: a mutant that outlives the time
// bound did not pass the suite, so it counts as killed (as PIT and gremlins
// count it); equivalents and build failures stay out of the score.
func TestTheScoreCountsTimeoutsAsDetected(t *testing.T) {
	tests := []struct {
		name     string
		c        Counts
		detected int
		counted  int
		score    float64
	}{
		{"nothing counted", Counts{Equivalent: 2, BuildFailed: 1}, 0, 0, 100},
		{"killed only", Counts{Killed: 3, Survived: 1}, 3, 4, 75},
		{"timed out only", Counts{TimedOut: 2, Survived: 2}, 2, 4, 50},
		{"killed and timed out", Counts{Killed: 3, TimedOut: 1, Survived: 4}, 4, 8, 50},
		{"every one timed out", Counts{TimedOut: 5, Equivalent: 1}, 5, 5, 100},
		{"never-run survivors are survivors", Counts{Killed: 1, Survived: 3, NotCovered: 3}, 1, 4, 25},
		{"equivalents and build failures left out", Counts{Killed: 2, TimedOut: 1, Survived: 1, Equivalent: 7, BuildFailed: 9}, 3, 4, 75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.detected, tt.c.Detected())
			assert.Equal(t, tt.counted, tt.c.Counted())
			assert.InDelta(t, tt.score, tt.c.Score(), 0.001)
		})
	}
}

func TestReportCountsAndPrints(t *testing.T) {
	res := func(c Class, notCovered bool, line int) Result {
		return Result{Mutant: Mutant{File: "mocks/x/refpartner/a.go", Func: "f", Line: line, Col: 2, Operator: OpBoundary, Original: fmt.Sprintf("a < %d", line), Mutated: fmt.Sprintf("a <= %d", line)}, Class: c, NotCovered: notCovered}
	}
	rep := &Report{Target: Target{Platform: "x", Dir: "mocks/x/refpartner", TestPkg: "steps/x", TestRun: KillTest}, Generated: 9, Sample: 8, Seed: 3, Baseline: 1500 * time.Millisecond, Took: time.Minute,
		Results: []Result{res(Killed, false, 1), res(Killed, false, 2), res(Killed, false, 3), res(Survived, true, 9), res(Survived, false, 4), res(Equivalent, false, 5), res(TimedOut, false, 6), res(BuildFailed, false, 7)}}
	c := rep.Counts()
	assert.Equal(t, Counts{Killed: 3, Survived: 2, NotCovered: 1, Equivalent: 1, TimedOut: 1, BuildFailed: 1}, c)
	assert.Equal(t, 6, c.Counted())
	assert.InDelta(t, 100*4/6.0, c.Score(), 0.001)

	var out bytes.Buffer
	rep.Print(&out)
	s := out.String()
	assert.Contains(t, s, "mutants: 8 of 9 (sample, seed 3)")
	assert.Contains(t, s, "killed 3, survived 2 (1 in code the suite never runs), equivalent 1, timed out 1, build failed 1 (not counted)")
	assert.Contains(t, s, "score 66.7% (4 detected of 6 non-equivalent: 3 killed, 1 timed out)\n")
	survivors := s[strings.Index(s, "survivors:"):]
	assert.Equal(t, []string{"survivors:", "a.go:4:2 f boundary: a < 4 → a <= 4", "a.go:9:2 f boundary: a < 9 → a <= 9  [never run]",
		"timed out (counted as detected):", "a.go:6:2 f boundary: a < 6 → a <= 6"},
		trimLines(survivors), "survivors in file order, never-run code marked, then the timeouts apart")

	out.Reset()
	require.NoError(t, rep.WriteTSV(&out))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Len(t, lines, 9)
	assert.Equal(t, "survived-never-run\tmocks/x/refpartner/a.go:9:2\t\tmocks/x/refpartner/a.go | f | boundary | `a < 9` -> `a <= 9`", lines[4])

	rep.Results[0].Detail = "Error:\tNot equal"
	out.Reset()
	require.NoError(t, rep.WriteTSV(&out))
	rep.Results[0].Detail = "Error: Not equal"
	back, err := ReadTSV(strings.NewReader(out.String()))
	require.NoError(t, err)
	for i := range rep.Results {
		rep.Results[i].fn = nil
	}
	assert.Equal(t, rep, back, "a report read back is the report written")

	// Judging the never-run survivor equivalent takes it out of the score; the
	// mutant no longer on the list is a survivor until it runs again.
	back.Rejudge([]EquivalentMutant{{Key: rep.Results[3].Key(), Reason: "why"}})
	assert.Equal(t, Counts{Killed: 3, Survived: 2, Equivalent: 1, TimedOut: 1, BuildFailed: 1}, back.Counts())
	assert.Equal(t, "why", back.Results[3].Detail)

	_, err = ReadTSV(strings.NewReader("killed\ta.go:1:1\t\tkey\n"))
	assert.Error(t, err, "no header")
}

func trimLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

func TestDiscoverFollowsTheLayout(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"mocks/alpha/refpartner", "steps/alpha", "mocks/beta/refpartner", "mocks/gamma"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	ts, err := Discover(root)
	require.NoError(t, err)
	assert.Equal(t, []Target{{Platform: "alpha", Dir: "mocks/alpha/refpartner", TestPkg: "steps/alpha", TestRun: KillTest}}, ts, "beta has no suite, gamma no reference partner")
}

func TestShownCode(t *testing.T) {
	assert.Equal(t, "a := b + c", shown("a := b +\tc"))
	assert.Equal(t, "if x { y }", shown("if x {\n\t\ty\n\t}"))
	long := shown(strings.Repeat("x", 500))
	assert.Equal(t, maxShown, len([]rune(long)))
	assert.True(t, strings.HasSuffix(long, "…"))
	assert.Equal(t, "`a \"b\"`", quote(`a "b"`))
	assert.Equal(t, `"a `+"`"+`b"`, quote("a `b"))
	assert.Equal(t, `""`, quote(""))
}
