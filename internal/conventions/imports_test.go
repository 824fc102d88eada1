package conventions_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/accord-harness/accord/"

// platformPackage is an import of one platform's package: its layer, its
// platform and, for the API document and the reference partner, its part.
var platformPackage = regexp.MustCompile(`^` + regexp.QuoteMeta(module) + `(fixtures|mocks|steps|features)/(\w+)(?:/(apispec|refpartner))?$`)

// alias is the name an import of a platform's package takes: the platform's
// name and what the package is, the same in every file that imports it.
func alias(layer, platform, part string) string {
	switch part {
	case "apispec":
		return platform + "api"
	case "refpartner":
		return platform + "partner"
	}
	return platform + map[string]string{"fixtures": "fixture", "mocks": "mock"}[layer] + map[string]string{"steps": "steps", "features": "features"}[layer]
}

// imports reads every Go file of the repository (examples/ aside: the
// example platform is written as a new platform would be) and calls f with
// its directory and each import path and name.
func imports(t *testing.T, f func(dir, file, path, name string)) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules" || rel == "examples" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		file, err := parser.ParseFile(fset, p, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, spec := range file.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			name := ""
			if spec.Name != nil {
				name = spec.Name.Name
			}
			f(filepath.Dir(rel), rel, path, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAPlatformsPackagesAreImportedByOneName: five packages are called
// docplanner, and aliases chosen file by file (fixture, dpfixture,
// docplannerfixture) made the same package three names.
func TestAPlatformsPackagesAreImportedByOneName(t *testing.T) {
	var wrong []string
	imports(t, func(_, file, path, name string) {
		m := platformPackage.FindStringSubmatch(path)
		if m == nil {
			return
		}
		if want := alias(m[1], m[2], m[3]); name != want {
			wrong = append(wrong, file+": "+path+" as "+strconv.Quote(name)+", want "+want)
		}
	})
	sort.Strings(wrong)
	if len(wrong) > 0 {
		t.Errorf("imports of a platform's package under another name:\n%s", strings.Join(wrong, "\n"))
	}
}

// TestNoPackageKnowsTwoPlatforms: what every platform needs is written once
// in a kit; only the command line (its registry) and tests across platforms
// name more than one.
func TestNoPackageKnowsTwoPlatforms(t *testing.T) {
	known := map[string]map[string]bool{} // directory → platforms its non-test files import
	imports(t, func(dir, file, path, _ string) {
		m := platformPackage.FindStringSubmatch(path)
		if m == nil || strings.HasSuffix(file, "_test.go") {
			return
		}
		if known[dir] == nil {
			known[dir] = map[string]bool{}
		}
		known[dir][m[2]] = true
	})
	var wrong []string
	for dir, ps := range known {
		if len(ps) > 1 && dir != filepath.Join("cmd", "accord") {
			var names []string
			for p := range ps {
				names = append(names, p)
			}
			sort.Strings(names)
			wrong = append(wrong, dir+": "+strings.Join(names, ", "))
		}
	}
	sort.Strings(wrong)
	if len(wrong) > 0 {
		t.Errorf("packages that import more than one platform:\n%s", strings.Join(wrong, "\n"))
	}
}
