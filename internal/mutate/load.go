package mutate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// Package is one Go package, parsed and type-checked.
type Package struct {
	ImportPath string
	Dir        string // absolute
	Fset       *token.FileSet
	Files      []*File
	Info       *types.Info
}

// File is one of a package's (non-test) files.
type File struct {
	Path string // absolute
	Rel  string // relative to the module root, with slashes
	Src  []byte
	AST  *ast.File
}

// Load parses and type-checks the package in dir (relative to the module
// root), reading its imports from the export data the go command builds.
func Load(ctx context.Context, root, dir string, env []string) (*Package, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,Error", "./"+filepath.ToSlash(dir))
	cmd.Dir, cmd.Env = root, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %v: %s", dir, err, bytes.TrimSpace(stderr.Bytes()))
	}
	type listed struct {
		ImportPath, Dir, Export string
		GoFiles                 []string
		Error                   *struct{ Err string }
	}
	want := filepath.Join(root, dir)
	exports := map[string]string{}
	var target *listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var l listed
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("go list %s: %w", dir, err)
		}
		if l.Error != nil {
			return nil, fmt.Errorf("go list %s: %s", l.ImportPath, l.Error.Err)
		}
		exports[l.ImportPath] = l.Export
		if filepath.Clean(l.Dir) == want {
			target = &l
		}
	}
	if target == nil {
		return nil, fmt.Errorf("go list names no package in %s", dir)
	}
	fset := token.NewFileSet()
	var files []*File
	for _, name := range target.GoFiles {
		path := filepath.Join(target.Dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return nil, err
		}
		files = append(files, &File{Path: path, Rel: filepath.ToSlash(rel), Src: src})
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if f := exports[path]; f != "" {
			return os.Open(f)
		}
		return nil, fmt.Errorf("no export data for %s", path)
	})
	pkg, err := Check(fset, target.ImportPath, files, imp)
	if err != nil {
		return nil, err
	}
	pkg.Dir = target.Dir
	return pkg, nil
}

// Check parses files (their Src set) and type-checks them as one package.
func Check(fset *token.FileSet, importPath string, files []*File, imp types.Importer) (*Package, error) {
	asts := make([]*ast.File, 0, len(files))
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Path, f.Src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		f.AST = af
		asts = append(asts, af)
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Defs:  map[*ast.Ident]types.Object{},
		Uses:  map[*ast.Ident]types.Object{},
	}
	var errs []error
	conf := types.Config{Importer: imp, Error: func(err error) { errs = append(errs, err) }}
	if _, err := conf.Check(importPath, fset, asts, info); err != nil {
		return nil, fmt.Errorf("type-checking %s: %w", importPath, errors.Join(errs...))
	}
	return &Package{ImportPath: importPath, Fset: fset, Files: files, Info: info}, nil
}
