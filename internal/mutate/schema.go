package mutate

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SchemaEnv picks the mutant a schema build runs: its id, or none when unset.
const SchemaEnv = "ACCORD_MUTANT"

// A schema is one build of a package holding many mutants, each in its own
// copy of the function it changes; the function dispatches to the copy of
// the mutant SchemaEnv names. Building the suite once, instead of once a
// mutant, leaves a mutant's cost to the suite's run.
//
// A copy is the function's text with the one change: the same code as a
// build of that mutant alone, but for one call more on the stack.
type schema struct {
	files  map[string][]byte // absolute path (as the package has it) -> source
	copies []schemaCopy
}

type schemaCopy struct {
	path     string // the file it is in
	from, to int    // its lines
	id       int
}

// schemaFile is the name of the file a schema adds to the package.
const schemaFile = "zz_accord_mutant.go"

// buildSchema writes the package's files with the mutants built in, each
// under its key in ms (ids from 1). Mutants it cannot hold (in generic
// functions, in init) are returned apart, for a build of their own.
func buildSchema(pkg *Package, ms map[int]Mutant) (*schema, []int) {
	type fnMutants struct {
		fd  *ast.FuncDecl
		ids []int
	}
	byFile := map[*File]map[*ast.FuncDecl]*fnMutants{}
	var apart []int
	for _, id := range sortedIDs(ms) {
		m := ms[id]
		f, fd := pkg.funcAt(m)
		if fd == nil || fd.Name.Name == "init" || fd.Type.TypeParams != nil || genericRecv(fd) {
			apart = append(apart, id)
			continue
		}
		if byFile[f] == nil {
			byFile[f] = map[*ast.FuncDecl]*fnMutants{}
		}
		if byFile[f][fd] == nil {
			byFile[f][fd] = &fnMutants{fd: fd}
		}
		byFile[f][fd].ids = append(byFile[f][fd].ids, id)
	}
	s := &schema{files: map[string][]byte{}}
	for _, f := range pkg.Files {
		fns := byFile[f]
		if len(fns) == 0 {
			continue
		}
		tf := pkg.Fset.File(f.AST.Pos())
		var fileEdits []edit
		type copyText struct {
			id   int
			text []byte
		}
		var copies []copyText
		for _, fd := range sortedFuncs(fns) {
			fm := fns[fd]
			head, call := forwarding(tf, fd)
			fileEdits = append(fileEdits, head...)
			fileEdits = append(fileEdits, edit{tf.Offset(fd.Body.Lbrace) + 1, tf.Offset(fd.Body.Lbrace) + 1, dispatch(fd, fm.ids, call)})
			start, end := tf.Offset(fd.Pos()), tf.Offset(fd.End())
			for _, id := range fm.ids {
				m := ms[id]
				edits := append(slices.Clone(head),
					edit{tf.Offset(fd.Name.Pos()), tf.Offset(fd.Name.End()), copyName(fd.Name.Name, id)},
					edit{m.start, m.end, m.repl})
				copies = append(copies, copyText{id, applyEdits(f.Src[start:end], edits, start)})
			}
		}
		var out bytes.Buffer
		out.Write(applyEdits(f.Src, fileEdits, 0))
		for _, c := range copies {
			out.WriteString("\n\n")
			from := bytes.Count(out.Bytes(), []byte("\n")) + 1
			out.Write(c.text)
			s.copies = append(s.copies, schemaCopy{path: f.Path, from: from, to: bytes.Count(out.Bytes(), []byte("\n")) + 1, id: c.id})
		}
		out.WriteString("\n")
		s.files[f.Path] = out.Bytes()
	}
	s.files[filepath.Join(pkg.Dir, schemaFile)] = fmt.Appendf(nil, `package %s

import (
	"os"
	"strconv"
)

// accordMutant is the mutant this build runs (make mutants): 0 is none.
var accordMutant, _ = strconv.Atoi(os.Getenv(%q))
`, pkg.Files[0].AST.Name.Name, SchemaEnv)
	return s, apart
}

// mutantAt names the mutant whose copy holds line of path, or 0.
func (s *schema) mutantAt(path string, line int) int {
	for _, c := range s.copies {
		if filepath.Base(c.path) == filepath.Base(path) && c.from <= line && line <= c.to {
			return c.id
		}
	}
	return 0
}

var compileError = regexp.MustCompile(`(?m)^(?:\./)?(\S+\.go):(\d+):\d+: `)

// culprits names the mutants a failed schema build's errors are in, with
// the first error of each; ok is false when an error is outside every copy
// (the schema itself is wrong).
func (s *schema) culprits(out []byte) (ids map[int]string, ok bool) {
	ids = map[int]string{}
	for _, l := range strings.Split(string(out), "\n") {
		m := compileError.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		line, _ := strconv.Atoi(m[2])
		id := s.mutantAt(m[1], line)
		if id == 0 {
			return nil, false
		}
		if _, seen := ids[id]; !seen {
			ids[id] = strings.TrimSpace(l[len(m[0]):])
		}
	}
	return ids, len(ids) > 0
}

type edit struct {
	start, end int
	text       string
}

// applyEdits makes non-overlapping edits (offsets counted from base) to src.
func applyEdits(src []byte, edits []edit, base int) []byte {
	edits = slices.Clone(edits)
	slices.SortFunc(edits, func(a, b edit) int { return cmp.Compare(b.start, a.start) })
	out := slices.Clone(src)
	for _, e := range edits {
		out = slices.Concat(out[:e.start-base], []byte(e.text), out[e.end-base:])
	}
	return out
}

// forwarding names every parameter (and the receiver) of fd that has no
// usable name, so the function can pass them on: the edits to its header,
// and the call of a copy with "%s" for the copy's name.
func forwarding(tf *token.File, fd *ast.FuncDecl) ([]edit, string) {
	var edits []edit
	name := func(field *ast.Field, i int, prefix string) []string {
		if len(field.Names) == 0 {
			n := fmt.Sprintf("%s%d", prefix, i)
			edits = append(edits, edit{tf.Offset(field.Type.Pos()), tf.Offset(field.Type.Pos()), n + " "})
			return []string{n}
		}
		var out []string
		for j, id := range field.Names {
			n := id.Name
			if n == "_" {
				n = fmt.Sprintf("%s%d_%d", prefix, i, j)
				edits = append(edits, edit{tf.Offset(id.Pos()), tf.Offset(id.End()), n})
			}
			out = append(out, n)
		}
		return out
	}
	call := "%s"
	if fd.Recv != nil && len(fd.Recv.List) == 1 {
		call = name(fd.Recv.List[0], 0, "accordRecv")[0] + ".%s"
	}
	var args []string
	params := fd.Type.Params.List
	for i, field := range params {
		ns := name(field, i, "accordArg")
		if _, variadic := field.Type.(*ast.Ellipsis); variadic && i == len(params)-1 {
			ns[len(ns)-1] += "..."
		}
		args = append(args, ns...)
	}
	return edits, call + "(" + strings.Join(args, ", ") + ")"
}

// dispatch is the switch at the top of a function that runs a mutant's copy.
func dispatch(fd *ast.FuncDecl, ids []int, call string) string {
	var b strings.Builder
	b.WriteString("\n\tswitch accordMutant {\n")
	results := fd.Type.Results != nil && len(fd.Type.Results.List) > 0
	for _, id := range ids {
		c := fmt.Sprintf(call, copyName(fd.Name.Name, id))
		if results {
			fmt.Fprintf(&b, "\tcase %d:\n\t\treturn %s\n", id, c)
		} else {
			fmt.Fprintf(&b, "\tcase %d:\n\t\t%s\n\t\treturn\n", id, c)
		}
	}
	b.WriteString("\t}\n")
	return b.String()
}

func copyName(name string, id int) string { return fmt.Sprintf("%s_accordMutant%d", name, id) }

func genericRecv(fd *ast.FuncDecl) bool {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return false
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch t.(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	}
	return false
}

// funcAt is the file and function declaration a mutant is in.
func (p *Package) funcAt(m Mutant) (*File, *ast.FuncDecl) {
	for _, f := range p.Files {
		if f.Rel != m.File {
			continue
		}
		tf := p.Fset.File(f.AST.Pos())
		for _, d := range f.AST.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && tf.Offset(fd.Body.Lbrace) < m.start && m.end <= tf.Offset(fd.Body.Rbrace) {
				return f, fd
			}
		}
	}
	return nil, nil
}

func sortedIDs(ms map[int]Mutant) []int {
	ids := make([]int, 0, len(ms))
	for id := range ms {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func sortedFuncs[V any](m map[*ast.FuncDecl]V) []*ast.FuncDecl {
	out := make([]*ast.FuncDecl, 0, len(m))
	for fd := range m {
		out = append(out, fd)
	}
	slices.SortFunc(out, func(a, b *ast.FuncDecl) int { return cmp.Compare(a.Pos(), b.Pos()) })
	return out
}
