package mutate

import (
	"go/importer"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// check type-checks one file of package p (imports from the standard library).
func check(t *testing.T, src string) *Package {
	t.Helper()
	fset := token.NewFileSet()
	pkg, err := Check(fset, "example.com/p", []*File{{Path: "/m/p/p.go", Rel: "p/p.go", Src: []byte(src)}}, importer.Default())
	require.NoError(t, err)
	return pkg
}

// brief lists mutants as "Func operator: original -> mutated".
func brief(ms []Mutant) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Func+" "+m.Operator+": "+m.Original+" -> "+m.Mutated)
	}
	return out
}

// guarded is a partner in miniature: fault switches, a variant, a helper
// only the variant calls, and a parameter only a fault sets.
const guarded = `package p

type Partner struct {
	faults map[string]bool
	alt    bool
	n      int
}

func New(alt bool) *Partner { return &Partner{faults: map[string]bool{}, alt: alt} }

func (p *Partner) Work(x int) int {
	if p.faults["off-by-one"] {
		x++
	}
	if !p.faults["keeps-n"] {
		p.n = x
	}
	if p.alt {
		return p.altWork(x)
	}
	for f := range p.faults {
		p.n = len(f)
	}
	mapped := 0
	for range x {
		if p.faults["stops-early"] && mapped == 1 {
			break
		}
		mapped++
	}
	return p.helper(x, p.faults["blind"] && x > 2)
}

func (p *Partner) altWork(x int) int { return x * 2 }

func (p *Partner) helper(x int, blind bool) int {
	if blind {
		return 0
	}
	return x
}

func (p *Partner) Send(x int) int {
	if !p.alt {
		return x
	}
	return x - 1
}

func NewVariant(variant string) *Partner {
	alt := variant == "alt"
	p := &Partner{alt: alt}
	if alt {
		p.n = 9
	}
	return p
}

func (p *Partner) Name() string {
	switch {
	case p.alt:
		return "alt"
	case len(p.faults) > 0:
		return "faulty"
	}
	return "default"
}
`

func TestGenerateLeavesFaultSwitchesAndTheVariantAlone(t *testing.T) {
	got := brief(Generate(check(t, guarded), Options{}))
	assert.Equal(t, []string{
		"(*Partner).Work remove-statement: p.n = x -> ",
		"(*Partner).helper return-value: return x -> return 0",
		"(*Partner).Send return-value: return x -> return 0",
		"NewVariant return-value: return p -> return nil",
		`(*Partner).Name constant: return "default" -> return ""`,
	}, got)
}

func TestOperators(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // each must be among the mutants
		never      []string // none of these may be
	}{
		{"comparison and boundary", `if a < b { use(a) }`,
			[]string{"negate-comparison: a < b -> a >= b", "boundary: a < b -> a <= b", "remove-statement: use(a) -> "}, nil},
		{"equality has no boundary", `if a == b { use(a) }`,
			[]string{"negate-comparison: a == b -> a != b"}, []string{"boundary"}},
		{"logic", `if ok && !done { use(a) }`,
			[]string{"invert-logical: ok && !done -> ok || !done", "negate-condition: ok && !done -> !ok && !done", "negate-condition: ok && !done -> ok && done"}, []string{"!!done"}},
		{"arithmetic and constants", `a = b + 1; a += 2; a++`,
			[]string{"arithmetic: a = b + 1 -> a = b - 1", "constant: a = b + 1 -> a = b + 0", "arithmetic: a += 2 -> a -= 2", "constant: a += 2 -> a += 3", "arithmetic: a++ -> a--", "remove-statement: a++ -> ", "remove-statement: a = b + 1 -> "}, nil},
		{"strings are not numbers", `s = s + "x"`,
			[]string{`constant: s = s + "x" -> s = s + ""`}, []string{"arithmetic"}},
		{"arguments of one type swap", `use2(a, b); mix(a, s)`,
			[]string{"swap-arguments: use2(a, b) -> use2(b, a)"}, []string{"swap-arguments: mix"}},
		{"constants do not swap with values", `use2(a, 3)`,
			[]string{"constant: use2(a, 3) -> use2(a, 4)"}, []string{"swap-arguments"}},
		{"declarations are kept", `c := a; use(c)`,
			[]string{"remove-statement: use(c) -> "}, []string{"remove-statement: c := a"}},
		{"error wording and capacities are left alone", `err = fmt.Errorf("bad %d", a); xs = make([]int, 0, 8); m := make(map[int]int, 4); use(len(m))`,
			[]string{"remove-statement: err = fmt.Errorf(\"bad %d\", a) -> "}, []string{`"bad %d" -> ""`, "8 -> 9", "4 -> 5"}},
		{"min and max are symmetric", `a = max(a, b)`,
			nil, []string{"swap-arguments"}},
		{"booleans flip", `ok = true`,
			[]string{"constant: ok = true -> ok = false"}, nil},
		{"sends go", `ch <- a`,
			[]string{"remove-statement: ch <- a -> "}, nil},
		{"defer keeps its call", `defer use(a)`,
			nil, []string{"remove-statement: defer", "remove-statement: use(a)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `package p

import "fmt"

var _ = fmt.Sprint

func use(int)       {}
func use2(int, int) {}
func mix(int, string) {}

func f(a, b int, s string, ok, done bool, ch chan int, xs []int, err error) {
	` + tt.body + `
	_, _, _, _, _, _, _ = a, b, s, ok, done, xs, err
}
`
			var got []string
			for _, m := range Generate(check(t, src), Options{}) {
				got = append(got, m.Operator+": "+m.Original+" -> "+m.Mutated)
			}
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			for _, n := range tt.never {
				for _, g := range got {
					assert.NotContains(t, g, n)
				}
			}
		})
	}
}

func TestTheSameChangeTwiceIsToldApart(t *testing.T) {
	src := `package p

func f(a int) int {
	if a > 1 {
		return a + 1
	}
	return a + 1
}
`
	var keys []string
	for _, m := range Generate(check(t, src), Options{}) {
		if m.Operator == OpArithmetic {
			keys = append(keys, m.Key())
		}
	}
	assert.Equal(t, []string{
		"p/p.go | f | arithmetic | `return a + 1` -> `return a - 1`",
		"p/p.go | f | arithmetic | `return a + 1` -> `return a - 1` #2",
	}, keys)
	eqs, err := ParseEquivalents(strings.NewReader(keys[1] + " | why"))
	require.NoError(t, err)
	assert.Equal(t, keys[1], eqs[0].Key)
	_, err = ParseEquivalents(strings.NewReader(keys[0] + " #1 | why"))
	assert.Error(t, err, "the first has no number")
}

func TestReturnValues(t *testing.T) {
	src := `package p

type T struct{}

func i(a int) int          { return a }
func b(a bool) bool        { return a }
func c(a, x int) bool      { return a < x }
func s(a string) string    { return a }
func ptr(a *T) *T          { return a }
func e(err error) error    { return err }
func n() error             { return nil }
func k() int               { return 7 }
func st(a T) T             { return a }
func tp[V any](v V) V      { return v }
`
	got := brief(Generate(check(t, src), Options{}))
	for _, w := range []string{"i return-value: return a -> return 0", "b return-value: return a -> return !a", "s return-value: return a -> return \"\"", "ptr return-value: return a -> return nil", "e return-value: return err -> return nil", "k constant: return 7 -> return 8"} {
		assert.Contains(t, got, w)
	}
	for _, g := range got {
		assert.False(t, strings.HasPrefix(g, "c return-value") || strings.HasPrefix(g, "n return-value") || strings.HasPrefix(g, "st return-value") || strings.HasPrefix(g, "k return-value"), g)
	}
}

func TestEveryMutantIsValidGo(t *testing.T) {
	pkg := check(t, guarded)
	src := pkg.Files[0].Src
	ms := Generate(pkg, Options{})
	require.NotEmpty(t, ms)
	for _, m := range ms {
		out := m.Apply(src)
		assert.NotEqual(t, string(src), string(out), m.Key())
		_, err := parser.ParseFile(token.NewFileSet(), "p.go", out, 0)
		assert.NoError(t, err, m.Key())
	}
}

func TestSkippedFilesAreNotMutated(t *testing.T) {
	pkg := check(t, guarded)
	pkg.Files[0].Path = "/m/p/faults.go"
	assert.Empty(t, Generate(pkg, Options{}))
	assert.NotEmpty(t, Generate(pkg, Options{SkipFiles: []string{}}))
}

func TestOtherGuardNames(t *testing.T) {
	src := `package p

type Partner struct{ variant string; n int }

func (p *Partner) fault(string) bool { return false }

func (p *Partner) Work() {
	if p.fault("x") {
		p.n = 1
	}
}
`
	got := brief(Generate(check(t, src), Options{}))
	assert.False(t, slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "p.n = 1") }), got)
}

func TestSampleIsReproducible(t *testing.T) {
	var all []Mutant
	for i := range 100 {
		all = append(all, Mutant{Line: i})
	}
	a, b := Sample(all, 10, 7, "docplanner"), Sample(all, 10, 7, "docplanner")
	assert.Equal(t, a, b)
	assert.Len(t, a, 10)
	assert.NotEqual(t, a, Sample(all, 10, 8, "docplanner"))
	assert.NotEqual(t, a, Sample(all, 10, 7, "reach"))
	assert.Equal(t, all, Sample(all, 0, 7, "docplanner"))
	assert.Equal(t, all, Sample(all, 500, 7, "docplanner"))
	assert.True(t, slices.IsSortedFunc(a, func(x, y Mutant) int { return x.Line - y.Line }), "a sample keeps file order")
}
