package mutate

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
)

// Options choose what Generate leaves alone.
type Options struct {
	// Guards name the fault switches and the variant (DefaultGuards if empty).
	Guards []string
	// SkipFiles are base names of files not mutated: DefaultSkipFiles if nil.
	SkipFiles []string
}

// DefaultSkipFiles: faults.go holds a reference partner's fault catalogue,
// which lists faults for accord faults; the partner's behaviour is elsewhere.
var DefaultSkipFiles = []string{"faults.go"}

// Generate lists the mutants of a package's default build: every function
// body the analysis keeps, every operator where it applies. The list is in
// file and position order, one mutant per distinct change.
func Generate(pkg *Package, opts Options) []Mutant {
	guards, skip := opts.Guards, opts.SkipFiles
	if len(guards) == 0 {
		guards = DefaultGuards
	}
	if skip == nil {
		skip = DefaultSkipFiles
	}
	a := analyse(pkg, guards)
	var out []Mutant
	for _, f := range pkg.Files {
		if slices.Contains(skip, filepath.Base(f.Path)) {
			continue
		}
		for _, d := range f.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, _ := pkg.Info.Defs[fd.Name].(*types.Func)
			if fn == nil || a.deadFn[fn] {
				continue
			}
			g := &generator{a: a, f: f, tf: pkg.Fset.File(f.AST.Pos()), fn: fn, name: funcName(fd)}
			g.stmt(fd.Body)
			out = append(out, g.out...)
		}
	}
	slices.SortStableFunc(out, func(x, y Mutant) int {
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.start, y.start), cmp.Compare(x.end, y.end), cmp.Compare(x.repl, y.repl))
	})
	out = slices.CompactFunc(out, func(x, y Mutant) bool {
		return x.File == y.File && x.start == y.start && x.end == y.end && x.repl == y.repl
	})
	seen := map[string]int{}
	for i := range out {
		k := out[i].Key()
		seen[k]++
		out[i].Occurrence = seen[k]
	}
	return out
}

// funcName names a function as reports show it: "(*Partner).activate".
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := false
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = true, s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	recv := "?"
	if id, ok := t.(*ast.Ident); ok {
		recv = id.Name
	}
	if star {
		return "(*" + recv + ")." + fd.Name.Name
	}
	return recv + "." + fd.Name.Name
}

type generator struct {
	a    *analysis
	f    *File
	tf   *token.File
	fn   *types.Func
	name string
	ctx  ast.Node // the statement, condition or element being mutated
	out  []Mutant
}

// add records a mutant that replaces [from, to) with repl, at the node from
// nodeFrom to nodeTo; the report shows the statement, condition or element
// around it (what a reader needs to see which one it is), or the node alone
// where that is too long to show.
func (g *generator) add(op string, nodeFrom, nodeTo, from, to token.Pos, repl string) {
	src := g.f.Src
	start, end := g.tf.Offset(from), g.tf.Offset(to)
	pos := g.tf.Position(nodeFrom)
	if c := g.ctx; c != nil && c.Pos() <= nodeFrom && nodeTo <= c.End() && len([]rune(shown(g.text(c)))) < maxShown {
		nodeFrom, nodeTo = c.Pos(), c.End()
	}
	ns, ne := g.tf.Offset(nodeFrom), g.tf.Offset(nodeTo)
	g.out = append(g.out, Mutant{
		File: g.f.Rel, Func: g.name, Line: pos.Line, Col: pos.Column, Operator: op,
		Original: shown(string(src[ns:ne])),
		Mutated:  shown(string(src[ns:start]) + repl + string(src[end:ne])),
		start:    start, end: end, repl: repl, fn: g.fn,
	})
}

// in runs fn with n as the context reports show mutants in.
func (g *generator) in(n ast.Node, fn func()) {
	outer := g.ctx
	g.ctx = n
	defer func() { g.ctx = outer }()
	fn()
}

// replace records a mutant that swaps one token for another.
func (g *generator) replaceToken(op string, node ast.Node, at token.Pos, tok, repl token.Token) {
	g.add(op, node.Pos(), node.End(), at, at+token.Pos(len(tok.String())), repl.String())
}

func (g *generator) text(n ast.Node) string {
	return string(g.f.Src[g.tf.Offset(n.Pos()):g.tf.Offset(n.End())])
}

func (g *generator) stmts(list []ast.Stmt) {
	for _, s := range list {
		g.stmt(s)
	}
}

func (g *generator) stmt(s ast.Stmt) {
	if s == nil || g.a.deadAt(s.Pos()) {
		return
	}
	switch s.(type) {
	case *ast.ExprStmt, *ast.SendStmt, *ast.IncDecStmt, *ast.AssignStmt, *ast.ReturnStmt, *ast.DeclStmt, *ast.DeferStmt, *ast.GoStmt:
		outer := g.ctx
		g.ctx = s
		defer func() { g.ctx = outer }()
	}
	switch s := s.(type) {
	case *ast.BlockStmt:
		g.stmts(s.List)
	case *ast.LabeledStmt:
		g.stmt(s.Stmt)
	case *ast.ExprStmt:
		if _, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && !g.a.isGuardTerm(s.X) {
			g.remove(s)
		}
		g.expr(s.X)
	case *ast.SendStmt:
		g.remove(s)
		g.expr(s.Chan)
		g.expr(s.Value)
	case *ast.IncDecStmt:
		if g.a.tainted(s.X) || g.a.faultOnly(s.X) {
			return
		}
		g.remove(s)
		repl := token.DEC
		if s.Tok == token.DEC {
			repl = token.INC
		}
		g.replaceToken(OpArithmetic, s, s.TokPos, s.Tok, repl)
	case *ast.AssignStmt:
		g.assign(s)
	case *ast.ReturnStmt:
		g.returns(s)
		for _, r := range s.Results {
			g.expr(r)
		}
	case *ast.IfStmt:
		g.stmt(s.Init)
		g.in(s.Cond, func() { g.cond(s.Cond) })
		g.stmt(s.Body)
		g.stmt(s.Else)
	case *ast.ForStmt:
		g.stmt(s.Init)
		if s.Cond != nil {
			g.in(s.Cond, func() { g.cond(s.Cond) })
		}
		g.stmt(s.Post)
		g.stmt(s.Body)
	case *ast.RangeStmt:
		g.in(s.X, func() { g.expr(s.X) })
		g.stmt(s.Body)
	case *ast.SwitchStmt:
		g.stmt(s.Init)
		if s.Tag != nil {
			g.in(s.Tag, func() { g.expr(s.Tag) })
		}
		for _, c := range s.Body.List {
			cc := c.(*ast.CaseClause)
			for _, e := range cc.List {
				if s.Tag == nil {
					g.in(e, func() { g.cond(e) })
				} else {
					g.in(e, func() { g.expr(e) })
				}
			}
			g.stmts(cc.Body)
		}
	case *ast.TypeSwitchStmt:
		g.stmt(s.Init)
		for _, c := range s.Body.List {
			g.stmts(c.(*ast.CaseClause).Body)
		}
	case *ast.SelectStmt:
		for _, c := range s.Body.List {
			g.stmts(c.(*ast.CommClause).Body)
		}
	case *ast.DeferStmt:
		g.expr(s.Call)
	case *ast.GoStmt:
		g.expr(s.Call)
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, spec := range gd.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					g.expr(v)
				}
			}
		}
	}
}

func (g *generator) remove(s ast.Stmt) {
	g.add(OpRemoveStatement, s.Pos(), s.End(), s.Pos(), s.End(), "")
}

func (g *generator) assign(s *ast.AssignStmt) {
	faultOnly := true
	for _, l := range s.Lhs {
		if g.a.isGuardTerm(l) {
			return // sets a fault switch or the variant
		}
		faultOnly = faultOnly && g.a.faultOnly(l)
	}
	if faultOnly && !calls(s) {
		return // keeps what only a fault reads
	}
	if s.Tok != token.DEFINE {
		g.remove(s)
	}
	if swap, ok := arithmeticSwap[s.Tok]; ok && len(s.Lhs) == 1 && g.numeric(s.Lhs[0]) && !g.a.tainted(s) {
		g.replaceToken(OpArithmetic, s, s.TokPos, s.Tok, swap)
	}
	for _, r := range s.Rhs {
		g.expr(r)
	}
}

var (
	negated    = map[token.Token]token.Token{token.EQL: token.NEQ, token.NEQ: token.EQL, token.LSS: token.GEQ, token.LEQ: token.GTR, token.GTR: token.LEQ, token.GEQ: token.LSS}
	boundaries = map[token.Token]token.Token{token.LSS: token.LEQ, token.LEQ: token.LSS, token.GTR: token.GEQ, token.GEQ: token.GTR}
	// arithmeticSwap pairs the operators of numbers, and their assignments.
	arithmeticSwap = map[token.Token]token.Token{
		token.ADD: token.SUB, token.SUB: token.ADD, token.MUL: token.QUO, token.QUO: token.MUL,
		token.ADD_ASSIGN: token.SUB_ASSIGN, token.SUB_ASSIGN: token.ADD_ASSIGN, token.MUL_ASSIGN: token.QUO_ASSIGN, token.QUO_ASSIGN: token.MUL_ASSIGN,
	}
)

// cond mutates an expression used as a condition: each atom can be negated.
func (g *generator) cond(e ast.Expr) {
	if e == nil || g.a.fixed(e) {
		return
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		if x.Op == token.LAND || x.Op == token.LOR {
			if !g.a.tainted(x) {
				g.replaceToken(OpInvertLogical, x, x.OpPos, x.Op, map[token.Token]token.Token{token.LAND: token.LOR, token.LOR: token.LAND}[x.Op])
			}
			g.cond(x.X)
			g.cond(x.Y)
			return
		}
		if _, ok := negated[x.Op]; ok {
			g.expr(x)
			return
		}
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			if !g.a.tainted(x) {
				g.add(OpNegateCondition, x.Pos(), x.End(), x.OpPos, x.OpPos+1, "")
			}
			if in, ok := ast.Unparen(x.X).(*ast.BinaryExpr); ok && (in.Op == token.LAND || in.Op == token.LOR) {
				g.cond(in)
			} else {
				g.expr(x.X)
			}
			return
		}
	}
	if tv, ok := g.a.pkg.Info.Types[e]; !ok || tv.Value == nil {
		if !g.a.tainted(e) {
			g.add(OpNegateCondition, e.Pos(), e.End(), e.Pos(), e.Pos(), "!")
		}
	}
	g.expr(e)
}

// expr mutates the operators, constants and calls in an expression.
func (g *generator) expr(e ast.Expr) {
	if e == nil || g.a.isGuardTerm(e) || g.a.fixed(e) {
		return
	}
	if tv, ok := g.a.pkg.Info.Types[e]; ok && tv.IsType() {
		return
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		g.constant(x)
	case *ast.Ident:
		if obj := g.a.pkg.Info.Uses[x]; obj != nil && (obj == types.Universe.Lookup("true") || obj == types.Universe.Lookup("false")) {
			flip := map[string]string{"true": "false", "false": "true"}[x.Name]
			g.add(OpConstant, x.Pos(), x.End(), x.Pos(), x.End(), flip)
		}
	case *ast.ParenExpr:
		g.expr(x.X)
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			g.cond(x)
			return
		}
		g.expr(x.X)
	case *ast.BinaryExpr:
		if x.Op == token.LAND || x.Op == token.LOR {
			g.cond(x)
			return
		}
		if !g.a.tainted(x) {
			if n, ok := negated[x.Op]; ok {
				g.replaceToken(OpNegateComparison, x, x.OpPos, x.Op, n)
			}
			if b, ok := boundaries[x.Op]; ok {
				g.replaceToken(OpBoundary, x, x.OpPos, x.Op, b)
			}
			if s, ok := arithmeticSwap[x.Op]; ok && g.numeric(x) {
				g.replaceToken(OpArithmetic, x, x.OpPos, x.Op, s)
			}
		}
		g.expr(x.X)
		g.expr(x.Y)
	case *ast.CallExpr:
		g.call(x)
	case *ast.SelectorExpr:
		g.expr(x.X)
	case *ast.IndexExpr:
		g.expr(x.X)
		g.expr(x.Index)
	case *ast.SliceExpr:
		g.expr(x.X)
		g.expr(x.Low)
		g.expr(x.High)
		g.expr(x.Max)
	case *ast.StarExpr:
		g.expr(x.X)
	case *ast.TypeAssertExpr:
		g.expr(x.X)
	case *ast.CompositeLit:
		g.composite(x)
	case *ast.FuncLit:
		g.stmt(x.Body)
	}
}

func (g *generator) composite(x *ast.CompositeLit) {
	_, isStruct := types.Unalias(g.a.pkg.Info.TypeOf(x)).Underlying().(*types.Struct)
	if ptr, ok := types.Unalias(g.a.pkg.Info.TypeOf(x)).Underlying().(*types.Pointer); ok { // &T{...} elided in a list
		_, isStruct = ptr.Elem().Underlying().(*types.Struct)
	}
	for _, el := range x.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			g.expr(el)
			continue
		}
		if id, ok := kv.Key.(*ast.Ident); ok && isStruct && g.a.guards[id.Name] {
			continue // builds the fault set or picks the variant
		}
		g.in(kv, func() {
			if !isStruct {
				g.expr(kv.Key)
			}
			g.expr(kv.Value)
		})
	}
}

func (g *generator) call(x *ast.CallExpr) {
	if tv, ok := g.a.pkg.Info.Types[x.Fun]; ok && tv.IsType() {
		for _, arg := range x.Args { // a conversion
			g.expr(arg)
		}
		return
	}
	g.expr(x.Fun)
	callee := g.callee(x)
	message := callee == "fmt.Errorf" || callee == "errors.New"
	if callee != "min" && callee != "max" && !message {
		g.swapArguments(x)
	}
	for i, arg := range x.Args {
		switch {
		case message && i == 0:
			continue // an error's wording: no check reads it
		case callee == "make" && i > 0 && g.sizeHint(x, i):
			continue // capacity: the language makes it equivalent
		}
		g.expr(arg)
	}
}

// callee names a call's function for the few the operators treat apart:
// builtins by name, package functions as "pkg.Name".
func (g *generator) callee(x *ast.CallExpr) string {
	switch fun := ast.Unparen(x.Fun).(type) {
	case *ast.Ident:
		if _, ok := g.a.pkg.Info.Uses[fun].(*types.Builtin); ok {
			return fun.Name
		}
	case *ast.SelectorExpr:
		if fn, ok := g.a.pkg.Info.Uses[fun.Sel].(*types.Func); ok && fn.Pkg() != nil && fn.Signature().Recv() == nil {
			return fn.Pkg().Path() + "." + fn.Name()
		}
	}
	return ""
}

// sizeHint reports whether make's argument i only sizes storage: a slice's
// capacity or a map's initial size.
func (g *generator) sizeHint(x *ast.CallExpr, i int) bool {
	switch types.Unalias(g.a.pkg.Info.TypeOf(x.Args[0])).Underlying().(type) {
	case *types.Slice:
		return i == 2
	case *types.Map:
		return i == 1
	}
	return false
}

// swapArguments swaps neighbouring arguments of one type (start and end, id
// and secret).
func (g *generator) swapArguments(x *ast.CallExpr) {
	for i := 0; i+1 < len(x.Args); i++ {
		l, r := x.Args[i], x.Args[i+1]
		if x.Ellipsis.IsValid() && i+1 == len(x.Args)-1 {
			break
		}
		lt, rt := g.a.pkg.Info.Types[l], g.a.pkg.Info.Types[r]
		if lt.Type == nil || rt.Type == nil || !types.Identical(lt.Type, rt.Type) || g.text(l) == g.text(r) || g.a.tainted(l) || g.a.tainted(r) {
			continue
		}
		if lt.Value != nil || rt.Value != nil {
			continue // a constant in a value's place (a format, a header name): no one writes that bug
		}
		between := string(g.f.Src[g.tf.Offset(l.End()):g.tf.Offset(r.Pos())])
		g.add(OpSwapArguments, l.Pos(), r.End(), l.Pos(), r.End(), g.text(r)+between+g.text(l))
	}
}

func (g *generator) constant(x *ast.BasicLit) {
	var repl string
	switch x.Kind {
	case token.INT:
		v, err := strconv.ParseInt(x.Value, 0, 64)
		if err != nil {
			return
		}
		switch v {
		case 0:
			repl = "1"
		case 1:
			repl = "0"
		default:
			repl = strconv.FormatInt(v+1, 10)
		}
	case token.STRING:
		v, err := strconv.Unquote(x.Value)
		if err != nil {
			return
		}
		repl = `""`
		if v == "" {
			repl = `"mutant"`
		}
	default:
		return
	}
	g.add(OpConstant, x.Pos(), x.End(), x.Pos(), x.End(), repl)
}

// returns alters each returned value: the zero value of its type, or the
// negation of a boolean.
func (g *generator) returns(s *ast.ReturnStmt) {
	for _, r := range s.Results {
		if g.a.tainted(r) {
			continue
		}
		tv := g.a.pkg.Info.Types[r]
		if tv.Type == nil || tv.Value != nil {
			continue // constants: the constant operator changes them
		}
		if _, ok := types.Unalias(tv.Type).(*types.TypeParam); ok {
			continue // no zero value to write for every type it stands for
		}
		var repl string
		switch t := types.Unalias(tv.Type).Underlying().(type) {
		case *types.Basic:
			switch {
			case t.Info()&types.IsBoolean != 0:
				switch ast.Unparen(r).(type) {
				case *ast.BinaryExpr, *ast.UnaryExpr:
					continue // comparisons and negations have their own operators
				}
				repl = "!" + g.text(r)
				if _, ok := r.(*ast.ParenExpr); !ok && !primary(r) {
					repl = "!(" + g.text(r) + ")"
				}
			case t.Info()&types.IsNumeric != 0:
				repl = "0"
			case t.Info()&types.IsString != 0:
				repl = `""`
			default:
				continue // untyped nil
			}
		case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
			repl = "nil"
		default:
			continue
		}
		if repl == g.text(r) {
			continue
		}
		g.add(OpReturnValue, r.Pos(), r.End(), r.Pos(), r.End(), repl)
	}
}

// calls reports whether n calls anything but a builtin or a conversion.
func calls(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(c ast.Node) bool {
		if call, ok := c.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || (id.Name != "len" && id.Name != "cap") {
				found = true
			}
		}
		return !found
	})
	return found
}

// primary reports whether ! can stand before e without parentheses.
func primary(e ast.Expr) bool {
	switch e.(type) {
	case *ast.Ident, *ast.CallExpr, *ast.SelectorExpr, *ast.IndexExpr, *ast.ParenExpr, *ast.TypeAssertExpr:
		return true
	}
	return false
}

func (g *generator) numeric(e ast.Expr) bool {
	t := g.a.pkg.Info.TypeOf(e)
	if t == nil {
		return false
	}
	b, ok := types.Unalias(t).Underlying().(*types.Basic)
	return ok && b.Info()&types.IsNumeric != 0
}
