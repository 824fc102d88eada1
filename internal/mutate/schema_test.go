package mutate

import (
	"fmt"
	"go/importer"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shapes has every shape of function a schema must forward to a copy.
const shapes = `package p

type T struct{ n int }

func (T) value(int, string) int           { return 1 }
func (_ *T) pointer(_ int, b ...int) int  { return len(b) + 2 }
func (t *T) nothing(a, _ int)             { t.n = a + 3 }
func named(a int) (out int, err error)    { out = a * 4; return }
func generic[V any](v V, n int) (V, int)  { return v, n + 5 }
func init()                               { _ = 6 }
`

// shapesSchema builds the schema of every mutant of shapes.
func shapesSchema(t *testing.T) (*schema, []int, map[int]Mutant) {
	t.Helper()
	pkg := check(t, shapes)
	pkg.Dir = "/m/p"
	ms := map[int]Mutant{}
	for i, m := range Generate(pkg, Options{}) {
		ms[i+1] = m
	}
	s, apart := buildSchema(pkg, ms)
	return s, apart, ms
}

func TestSchemaHoldsEveryMutantInACopy(t *testing.T) {
	s, apart, ms := shapesSchema(t)

	var inApart []string
	for _, id := range apart {
		inApart = append(inApart, ms[id].Func)
	}
	slices.Sort(inApart)
	assert.Equal(t, []string{"generic", "init"}, slices.Compact(inApart), "generic functions and init build alone")

	// The schema type-checks: every header forwards, every copy compiles.
	var files []*File
	for _, path := range slices.Sorted(func(yield func(string) bool) {
		for p := range s.files {
			if !yield(p) {
				return
			}
		}
	}) {
		files = append(files, &File{Path: path, Rel: filepath.Base(path), Src: s.files[path]})
	}
	require.Len(t, files, 2, "the file and the schema's own")
	_, err := Check(token.NewFileSet(), "example.com/p", files, importer.Default())
	require.NoError(t, err, "%s", s.files["/m/p/p.go"])

	// Each copy is its function with the one change, under its own name.
	src := string(s.files["/m/p/p.go"])
	for id, m := range ms {
		if slices.Contains(apart, id) {
			assert.NotContains(t, src, fmt.Sprintf("_accordMutant%d(", id))
			continue
		}
		copyText := copyOf(t, src, id)
		assert.Contains(t, strings.Join(strings.Fields(copyText), " "), m.Mutated, "mutant %d", id)
		assert.Contains(t, src, fmt.Sprintf("case %d:", id), "the original dispatches to mutant %d", id)
	}
	flat := strings.Join(strings.Fields(src), " ")
	assert.Contains(t, flat, "func (accordRecv0 T) value(accordArg0 int, accordArg1 string) int {", "unnamed parameters get names to forward")
	assert.Contains(t, flat, "return accordRecv0_0.pointer_accordMutant", "a _ receiver gets a name")
	assert.Contains(t, flat, "(accordArg0_0, b...)", "variadic arguments are forwarded as such")
	assert.Regexp(t, `t\.nothing_accordMutant\d+\(a, accordArg0_1\) return`, flat, "a function without results calls its copy and returns")
}

// copyOf finds the text of mutant id's copy in a schema file: copies come
// last, a blank line before each.
func copyOf(t *testing.T, src string, id int) string {
	t.Helper()
	for _, part := range strings.Split(src, "\n\n") {
		part = strings.TrimLeft(part, "\n")
		if strings.HasPrefix(part, "func ") && strings.Contains(part, fmt.Sprintf("_accordMutant%d(", id)) && !strings.Contains(part, "switch accordMutant") {
			return part
		}
	}
	t.Fatalf("no copy of mutant %d", id)
	return ""
}

func TestSchemaNamesTheMutantsTheCompilerRefuses(t *testing.T) {
	s, _, _ := shapesSchema(t)
	require.NotEmpty(t, s.copies)
	c := s.copies[len(s.copies)/2]
	out := fmt.Sprintf("# example.com/p\n%s:%d:2: declared and not used: x\n%s:%d:9: another\n", "/tmp/w/p.go", c.from, "/tmp/w/p.go", c.to)
	ids, ok := s.culprits([]byte(out))
	require.True(t, ok)
	assert.Equal(t, map[int]string{c.id: "declared and not used: x"}, ids)

	_, ok = s.culprits([]byte("/tmp/w/p.go:1:1: outside every copy\n"))
	assert.False(t, ok, "an error outside the copies means the schema is wrong")
	_, ok = s.culprits([]byte("go: no such tool\n"))
	assert.False(t, ok)
}

func TestApplyEdits(t *testing.T) {
	got := applyEdits([]byte("0123456789"), []edit{{2, 4, "ab"}, {7, 7, "X"}, {0, 1, ""}}, 0)
	assert.Equal(t, "1ab456X789", string(got))
	got = applyEdits([]byte("456789"), []edit{{5, 6, "five"}}, 4)
	assert.Equal(t, "4five6789", string(got), "offsets count from base")
}
