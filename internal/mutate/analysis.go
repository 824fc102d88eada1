package mutate

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"maps"
	"slices"
)

// DefaultGuards are the names that switch a reference partner away from its
// default build: the fault set (p.faults["x"], p.fault("x"), faults.Has(...))
// and the alternative variant (p.alt).
var DefaultGuards = []string{"faults", "fault", "alt"}

// analysis decides which code of a package runs in its default build, with no
// fault and the default variant. Every guard term (a selection, index or call
// of a guard name) is false there, len of one is 0, and a parameter every live
// caller passes the same guard-derived value is that value. From these:
//   - a branch whose condition is then false (or an else whose condition is
//     true) is dead, and so is the rest of a block after an if that is then
//     always taken and returns;
//   - a function whose every use is in dead code or in dead functions is dead
//     (exported functions, init and functions the package never names are
//     kept: something outside may call them).
//
// Guard terms and the values derived from them are never mutated: flipping
// one switches a fault or the variant on, which the fault catalogue covers.
type analysis struct {
	pkg    *Package
	guards map[string]bool
	known  map[*types.Var]bool // parameters fixed by their live callers
	dead   []posRange
	deadFn map[*types.Func]bool
	decls  map[*types.Func]*ast.FuncDecl
	// faultState are local variables only a fault reads (mapped in
	// p.faults["x"] && mapped == 1): setting them is the fault's bookkeeping.
	faultState map[*types.Var]bool
}

type posRange struct{ from, to token.Pos }

// maxRounds bounds the fixpoint of dead code and fixed parameters: each round
// can only add knowledge, and call chains in a partner are short.
const maxRounds = 10

func analyse(pkg *Package, guards []string) *analysis {
	a := &analysis{pkg: pkg, guards: map[string]bool{}, known: map[*types.Var]bool{}, decls: map[*types.Func]*ast.FuncDecl{}}
	for _, g := range guards {
		a.guards[g] = true
	}
	for _, f := range pkg.Files {
		for _, d := range f.AST.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := pkg.Info.Defs[fd.Name].(*types.Func); ok {
					a.decls[fn] = fd
				}
			}
		}
	}
	for range maxRounds {
		a.dead = nil
		for _, fd := range a.decls {
			a.regions(fd.Body)
		}
		a.deadFn = a.unreachable()
		known := a.fixedParams()
		if maps.Equal(known, a.known) {
			break
		}
		a.known = known
	}
	a.faultState = a.faultOnlyVars()
	return a
}

// faultOnlyVars finds the local variables whose every read is in an
// expression the guards decide, or in dead code.
func (a *analysis) faultOnlyVars() map[*types.Var]bool {
	live, guarded := map[*types.Var]bool{}, map[*types.Var]bool{}
	for _, fd := range a.decls {
		ast.PreorderStack(fd.Body, nil, func(n ast.Node, stack []ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			v, ok := a.pkg.Info.Uses[id].(*types.Var)
			if !ok || v.IsField() || v.Parent() == nil || v.Parent() == v.Pkg().Scope() || written(id, stack) {
				return true
			}
			for _, up := range stack {
				if e, ok := up.(ast.Expr); ok && a.fixed(e) {
					guarded[v] = true
					return true
				}
			}
			if !a.deadAt(id.Pos()) {
				live[v] = true
			}
			return true
		})
	}
	out := map[*types.Var]bool{}
	for v := range guarded {
		if !live[v] {
			out[v] = true
		}
	}
	return out
}

// written reports whether id is assigned to where it stands (the left of
// an assignment, the operand of ++ or --), rather than read.
func written(id *ast.Ident, stack []ast.Node) bool {
	switch parent := stack[len(stack)-1].(type) {
	case *ast.AssignStmt:
		return slices.Contains(parent.Lhs, ast.Expr(id))
	case *ast.IncDecStmt:
		return parent.X == ast.Expr(id)
	}
	return false
}

// fixed reports whether the guards decide e's value in the default build
// (len(p.faults) > 0, x > 2 && p.faults["y"]): no mutation inside changes it.
func (a *analysis) fixed(e ast.Expr) bool {
	_, known := a.eval(e)
	return known && a.tainted(e)
}

// faultOnly reports whether e is a variable only a fault reads.
func (a *analysis) faultOnly(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, _ := a.pkg.Info.Uses[id].(*types.Var)
	if d, ok := a.pkg.Info.Defs[id].(*types.Var); ok {
		v = d
	}
	return v != nil && a.faultState[v]
}

// deadAt reports whether code at pos never runs in the default build.
func (a *analysis) deadAt(pos token.Pos) bool {
	for _, r := range a.dead {
		if r.from <= pos && pos < r.to {
			return true
		}
	}
	return false
}

func (a *analysis) markDead(from, to token.Pos) { a.dead = append(a.dead, posRange{from, to}) }

// regions marks the dead parts of a function body.
func (a *analysis) regions(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			a.afterStop(n.List)
		case *ast.CaseClause:
			a.afterStop(n.Body)
		case *ast.CommClause:
			a.afterStop(n.Body)
		case *ast.IfStmt:
			if v, ok := a.eval(n.Cond); ok {
				if !v {
					a.markDead(n.Body.Pos(), n.Body.End())
				} else if n.Else != nil {
					a.markDead(n.Else.Pos(), n.Else.End())
				}
			}
		case *ast.ForStmt:
			if n.Cond != nil {
				if v, ok := a.eval(n.Cond); ok && !v {
					a.markDead(n.Body.Pos(), n.Body.End())
				}
			}
		case *ast.RangeStmt:
			if a.isGuardTerm(n.X) {
				a.markDead(n.Body.Pos(), n.Body.End())
			}
		case *ast.SwitchStmt:
			if n.Tag == nil {
				for _, c := range n.Body.List {
					cc := c.(*ast.CaseClause)
					if len(cc.List) > 0 && a.allFalse(cc.List) {
						a.markDead(cc.Colon+1, cc.End())
					}
				}
			}
		}
		return true
	})
}

func (a *analysis) allFalse(conds []ast.Expr) bool {
	for _, c := range conds {
		if v, ok := a.eval(c); !ok || v {
			return false
		}
	}
	return true
}

// afterStop marks the rest of a block dead after an if the default build
// always takes and that leaves the block (if !p.alt { return x }).
func (a *analysis) afterStop(list []ast.Stmt) {
	for i, st := range list[:max(len(list)-1, 0)] {
		is, ok := st.(*ast.IfStmt)
		if !ok || is.Else != nil || len(is.Body.List) == 0 {
			continue
		}
		if v, known := a.eval(is.Cond); known && v && terminates(is.Body.List[len(is.Body.List)-1]) {
			a.markDead(list[i+1].Pos(), list[len(list)-1].End())
			return
		}
	}
}

func terminates(st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return st.Tok != token.FALLTHROUGH
	case *ast.ExprStmt:
		if c, ok := st.X.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}

// eval is the value of a boolean expression in the default build, when the
// guards decide it.
func (a *analysis) eval(e ast.Expr) (val, known bool) {
	e = ast.Unparen(e)
	if tv, ok := a.pkg.Info.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.Bool {
		return constant.BoolVal(tv.Value), true
	}
	switch x := e.(type) {
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			v, k := a.eval(x.X)
			return !v, k
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.LAND, token.LOR:
			l, lk := a.eval(x.X)
			r, rk := a.eval(x.Y)
			decides := x.Op == token.LOR // true decides ||, false decides &&
			if (lk && l == decides) || (rk && r == decides) {
				return decides, true
			}
			return l, lk && rk
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return a.evalLen(x)
		}
	}
	if a.isGuardTerm(e) {
		if id, ok := e.(*ast.Ident); ok {
			if v, ok := a.pkg.Info.Uses[id].(*types.Var); ok {
				if val, known := a.known[v]; known {
					return val, true
				}
			}
		}
		if t := a.pkg.Info.TypeOf(e); t != nil && types.Identical(t.Underlying(), types.Typ[types.Bool]) {
			return false, true
		}
	}
	return false, false
}

// evalLen decides len(guard) compared with a constant: the guard is empty.
func (a *analysis) evalLen(x *ast.BinaryExpr) (bool, bool) {
	l, r, op := x.X, x.Y, x.Op
	if !a.isGuardLen(l) {
		l, r = r, l
		switch op {
		case token.LSS:
			op = token.GTR
		case token.LEQ:
			op = token.GEQ
		case token.GTR:
			op = token.LSS
		case token.GEQ:
			op = token.LEQ
		}
	}
	tv, ok := a.pkg.Info.Types[r]
	if !a.isGuardLen(l) || !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return false, false
	}
	return constant.Compare(constant.MakeInt64(0), op, tv.Value), true
}

func (a *analysis) isGuardLen(e ast.Expr) bool {
	c, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(c.Args) != 1 {
		return false
	}
	id, ok := c.Fun.(*ast.Ident)
	if !ok {
		return false
	}
	_, builtin := a.pkg.Info.Uses[id].(*types.Builtin)
	return builtin && id.Name == "len" && a.isGuardTerm(c.Args[0])
}

// isGuardTerm reports whether e reads a fault switch or the variant: a
// selection of a guard name (p.alt, p.faults), an index of or call on one
// (p.faults["x"], p.fault("x"), p.faults.Has("x"), faults.Has(...)), a local
// variable of a guard name, or a parameter the default build fixes.
func (a *analysis) isGuardTerm(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if a.guards[x.Sel.Name] {
			return true
		}
		if id, ok := x.X.(*ast.Ident); ok {
			if pn, ok := a.pkg.Info.Uses[id].(*types.PkgName); ok {
				return a.guards[pn.Name()]
			}
		}
		return a.isGuardTerm(x.X)
	case *ast.IndexExpr:
		return a.isGuardTerm(x.X)
	case *ast.CallExpr:
		return a.isGuardTerm(x.Fun)
	case *ast.Ident:
		v, ok := a.pkg.Info.Uses[x].(*types.Var)
		if !ok {
			v, ok = a.pkg.Info.Defs[x].(*types.Var)
		}
		if ok {
			_, known := a.known[v]
			return known || (a.guards[x.Name] && !v.IsField()) // alt := opts.Variant == VariantAlt
		}
	}
	return false
}

// tainted reports whether n reads a guard anywhere.
func (a *analysis) tainted(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(c ast.Node) bool {
		if found {
			return false
		}
		if e, ok := c.(ast.Expr); ok && a.isGuardTerm(e) {
			found = true
		}
		return !found
	})
	return found
}

// use is one place a package function is named.
type use struct {
	in     *types.Func // the function it is in; nil at package level
	pos    token.Pos
	call   *ast.CallExpr // the call it is the callee of, if any
	callee *types.Func
}

// uses lists where the package's own functions are named.
func (a *analysis) uses() []use {
	var out []use
	for _, f := range a.pkg.Files {
		for _, d := range f.AST.Decls {
			var in *types.Func
			if fd, ok := d.(*ast.FuncDecl); ok {
				in, _ = a.pkg.Info.Defs[fd.Name].(*types.Func)
			}
			callees := map[*ast.Ident]*ast.CallExpr{}
			ast.Inspect(d, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					switch fun := ast.Unparen(n.Fun).(type) {
					case *ast.Ident:
						callees[fun] = n
					case *ast.SelectorExpr:
						callees[fun.Sel] = n
					}
				case *ast.Ident:
					if fn, ok := a.pkg.Info.Uses[n].(*types.Func); ok && a.decls[fn] != nil {
						out = append(out, use{in: in, pos: n.Pos(), call: callees[n], callee: fn})
					}
				}
				return true
			})
		}
	}
	return out
}

// unreachable is the set of functions only dead code reaches.
func (a *analysis) unreachable() map[*types.Func]bool {
	us := a.uses()
	named := map[*types.Func]bool{}
	for _, u := range us {
		named[u.callee] = true
	}
	live := map[*types.Func]bool{}
	var work []*types.Func
	for fn, fd := range a.decls {
		if fn.Exported() || fd.Name.Name == "init" || fd.Name.Name == "main" || !named[fn] {
			live[fn] = true
			work = append(work, fn)
		}
	}
	for _, u := range us {
		if u.in == nil && !live[u.callee] {
			live[u.callee] = true
			work = append(work, u.callee)
		}
	}
	for len(work) > 0 {
		fn := work[len(work)-1]
		work = work[:len(work)-1]
		for _, u := range us {
			if u.in == fn && !live[u.callee] && !a.deadAt(u.pos) {
				live[u.callee] = true
				work = append(work, u.callee)
			}
		}
	}
	dead := map[*types.Func]bool{}
	for fn := range a.decls {
		if !live[fn] {
			dead[fn] = true
		}
	}
	return dead
}

// fixedParams finds the parameters every live call passes one value that a
// guard decides (feedDays(..., p.faults["x"]) makes its last parameter false),
// for functions only ever called, and parameters never assigned.
func (a *analysis) fixedParams() map[*types.Var]bool {
	type seen struct {
		val, fixed, guarded bool
		calls               int
	}
	args := map[*types.Var]*seen{}
	escapes := map[*types.Func]bool{}
	for _, u := range a.uses() {
		if u.call == nil {
			escapes[u.callee] = true
			continue
		}
		if (u.in != nil && a.deadFn[u.in]) || a.deadAt(u.pos) || u.call.Ellipsis.IsValid() {
			continue
		}
		params := u.callee.Signature().Params()
		if len(u.call.Args) != params.Len() {
			continue // f(g()) with g returning many values
		}
		for i, arg := range u.call.Args {
			p := params.At(i)
			s := args[p]
			if s == nil {
				s = &seen{fixed: true}
				args[p] = s
			}
			v, ok := a.eval(arg)
			if !ok || (s.calls > 0 && v != s.val) {
				s.fixed = false
			}
			s.val, s.calls = v, s.calls+1
			s.guarded = s.guarded || a.tainted(arg)
		}
	}
	assigned := a.assignedVars()
	out := map[*types.Var]bool{}
	for fn := range a.decls {
		if escapes[fn] || fn.Exported() || a.deadFn[fn] {
			continue
		}
		params := fn.Signature().Params()
		for i := range params.Len() {
			p := params.At(i)
			if s := args[p]; s != nil && s.fixed && s.guarded && !assigned[p] {
				out[p] = s.val
			}
		}
	}
	return out
}

// assignedVars are the variables some statement assigns to after their
// declaration.
func (a *analysis) assignedVars() map[*types.Var]bool {
	out := map[*types.Var]bool{}
	for _, f := range a.pkg.Files {
		ast.Inspect(f.AST, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok && as.Tok != token.DEFINE {
				for _, l := range as.Lhs {
					if id, ok := ast.Unparen(l).(*ast.Ident); ok {
						if v, ok := a.pkg.Info.Uses[id].(*types.Var); ok {
							out[v] = true
						}
					}
				}
			}
			if un, ok := n.(*ast.UnaryExpr); ok && un.Op == token.AND {
				if id, ok := ast.Unparen(un.X).(*ast.Ident); ok {
					if v, ok := a.pkg.Info.Uses[id].(*types.Var); ok {
						out[v] = true // its address escapes
					}
				}
			}
			return true
		})
	}
	return out
}
