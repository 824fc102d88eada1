package mutate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Target is one reference partner and the suite that must kill its mutants.
type Target struct {
	Platform string
	Dir      string // the package mutated, relative to the module root
	TestPkg  string // the package of the killing test, relative to the module root
	TestRun  string // its -test.run pattern
}

// KillTest are the tests a mutant must fail one of to be killed: the
// platform's whole suite against its (mutated) reference partner, as it is
// built by default (TestReferencePartnerPassesEverything) and under each
// choice the platform leaves open (TestChoices…: PULL only, no Path, static
// tokens), which is where the code of those choices runs. The alternative
// build (VariantAlt, TestChoicesOfTheAlternativeBuildPassEverything) is
// one of them: it is a bundle of such choices, and the code only it runs
// (Retry-After handling, paged reads, updates sent after answering) would
// otherwise have every mutant survive as never run. Its larger-fixture runs
// (TestADifferentCorrectPartnerPassesEverything) are left out: they run the
// same code on more data, at several times the cost a mutant.
const KillTest = "^(TestReferencePartnerPassesEverything|TestChoices[A-Za-z]*)$"

// Discover lists the targets by the layout docs/conventions.md fixes: each
// platform's reference partner in mocks/<platform>/refpartner, its suite in
// steps/<platform>.
func Discover(root string) ([]Target, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "mocks", "*", "refpartner"))
	if err != nil {
		return nil, err
	}
	var out []Target
	for _, d := range dirs {
		p := filepath.Base(filepath.Dir(d))
		if st, err := os.Stat(filepath.Join(root, "steps", p)); err != nil || !st.IsDir() {
			continue
		}
		out = append(out, Target{Platform: p, Dir: "mocks/" + p + "/refpartner", TestPkg: "steps/" + p, TestRun: KillTest})
	}
	return out, nil
}

// Class is what became of a mutant.
type Class string

// The classes. Build failures are reported, never counted: the compiler, not
// the suite, refused them. A timed-out mutant counts as killed in the score
// (Counts.Score) but keeps its own class, so the report lists it apart.
const (
	Killed      Class = "killed"
	Survived    Class = "survived"
	Equivalent  Class = "equivalent"
	TimedOut    Class = "timed-out"
	BuildFailed Class = "build-failed"
)

// Result is one mutant's fate.
type Result struct {
	Mutant
	Class Class
	// NotCovered: the suite never executes the mutated code (the cover
	// profile of the unmutated run says so), so it survived without a run.
	NotCovered bool
	// Detail is the scenario that killed it, the equivalence reason, or the
	// compiler's complaint.
	Detail string
	Took   time.Duration
}

// Config is how Run runs.
type Config struct {
	Root   string // the module root
	Sample int    // mutants per target, 0 for all
	Seed   uint64 // of the sample
	Jobs   int    // mutants built and run at once
	Options
	Equivalents []EquivalentMutant
	// Timeout bounds one run of the suite; 0 is ten times the unmutated run,
	// at least 30 s.
	Timeout  time.Duration
	Env      []string // of the go command and the tests
	Work     string   // scratch directory
	Progress io.Writer
}

// Report is one target's run.
type Report struct {
	Target    Target
	Generated int
	Sample    int // 0: every mutant ran
	Seed      uint64
	Results   []Result
	// Stale lists equivalents of this target that match no mutant any more.
	Stale    []EquivalentMutant
	Baseline time.Duration // the unmutated suite's run
	Took     time.Duration
}

// Run mutates one target and runs its suite against each mutant.
func Run(ctx context.Context, cfg Config, t Target) (*Report, error) {
	start := time.Now()
	pkg, err := Load(ctx, cfg.Root, t.Dir, cfg.Env)
	if err != nil {
		return nil, err
	}
	all := Generate(pkg, cfg.Options)
	rep := &Report{Target: t, Generated: len(all), Sample: cfg.Sample, Seed: cfg.Seed}
	equivalent := map[string]EquivalentMutant{}
	for _, e := range cfg.Equivalents {
		if strings.HasPrefix(e.Key, t.Dir+"/") {
			equivalent[e.Key] = e
		}
	}
	rep.Stale = stale(t, all, cfg.Equivalents)
	picked := Sample(all, cfg.Sample, cfg.Seed, t.Platform)

	r := &runner{cfg: cfg, t: t, pkg: pkg, work: filepath.Join(cfg.Work, t.Platform)}
	if err := os.MkdirAll(r.work, 0o755); err != nil {
		return nil, err
	}
	cov, err := r.baseline(ctx)
	if err != nil {
		return nil, err
	}
	rep.Baseline = r.base
	r.timeout = cfg.Timeout
	if r.timeout <= 0 {
		r.timeout = max(30*time.Second, 10*r.base)
	}

	rep.Results = make([]Result, len(picked))
	var queue []int
	for i, m := range picked {
		rep.Results[i].Mutant = m
		if e, ok := equivalent[m.Key()]; ok {
			rep.Results[i].Class, rep.Results[i].Detail = Equivalent, e.Reason
			continue
		}
		if covered, known := cov.Covered(pkg.ImportPath+"/"+filepath.Base(m.File), m.Line, m.Col); known && !covered {
			rep.Results[i].Class, rep.Results[i].NotCovered = Survived, true
			continue
		}
		queue = append(queue, i)
	}
	ms := map[int]Mutant{} // by id: index in rep.Results + 1
	for _, i := range queue {
		ms[i+1] = rep.Results[i].Mutant
	}
	schemaBin, apart, failed, err := r.schemaBuild(ctx, ms)
	if err != nil {
		r.progress("%s: no schema build (%v): each mutant builds alone", t.Platform, err)
		schemaBin, apart = "", idsOf(queue)
	}
	for id, detail := range failed {
		rep.Results[id-1].Class, rep.Results[id-1].Detail = BuildFailed, detail
	}
	var mu sync.Mutex
	done := 0
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(cfg.Jobs, 1) {
		wg.Go(func() {
			for i := range work {
				bin := schemaBin
				if slices.Contains(apart, i+1) {
					bin = ""
				}
				res := r.mutant(ctx, i, rep.Results[i].Mutant, bin)
				mu.Lock()
				rep.Results[i] = res
				done++
				r.progress("%s %d/%d %-12s %s %s (%.1fs)", t.Platform, done, len(queue)-len(failed), res.Class, res.Where(), res.Operator, res.Took.Seconds())
				mu.Unlock()
			}
		})
	}
	for _, i := range queue {
		if ctx.Err() != nil {
			break
		}
		if _, ok := failed[i+1]; !ok {
			work <- i
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// stale lists the target's equivalents that match none of its mutants.
func stale(t Target, all []Mutant, eqs []EquivalentMutant) []EquivalentMutant {
	keys := map[string]bool{}
	for _, m := range all {
		keys[m.Key()] = true
	}
	var out []EquivalentMutant
	for _, e := range eqs {
		if strings.HasPrefix(e.Key, t.Dir+"/") && !keys[e.Key] {
			out = append(out, e)
		}
	}
	return out
}

// Sample picks n of the mutants, the same ones for the same seed, stream
// (the platform) and list; n <= 0 keeps them all.
func Sample(all []Mutant, n int, seed uint64, stream string) []Mutant {
	if n <= 0 || n >= len(all) {
		return all
	}
	h := fnv.New64a()
	h.Write([]byte(stream))
	idx := rand.New(rand.NewPCG(seed, h.Sum64())).Perm(len(all))[:n]
	slices.Sort(idx)
	out := make([]Mutant, 0, n)
	for _, i := range idx {
		out = append(out, all[i])
	}
	return out
}

type runner struct {
	cfg     Config
	t       Target
	pkg     *Package
	work    string
	base    time.Duration
	timeout time.Duration
}

// baseline runs the suite against the unmutated partner, which must pass,
// once plain (its time sets the timeout) and once with a cover profile.
func (r *runner) baseline(ctx context.Context) (Coverage, error) {
	bin := filepath.Join(r.work, "base.test")
	if out, err := r.build(ctx, bin, ""); err != nil {
		return nil, fmt.Errorf("building %s: %v\n%s", r.t.TestPkg, err, out)
	}
	start := time.Now()
	out, err := r.test(ctx, bin, 10*time.Minute, nil)
	r.base = time.Since(start)
	if err != nil || bytes.Contains(out, []byte("no tests to run")) {
		return nil, fmt.Errorf("%s %s must pass against the unmutated partner first: %v\n%s", r.t.TestPkg, r.t.TestRun, err, tail(out, 20))
	}
	cbin := filepath.Join(r.work, "cover.test")
	if out, err := r.build(ctx, cbin, "", "-cover", "-covermode=set", "-coverpkg="+r.pkg.ImportPath); err != nil {
		return nil, fmt.Errorf("building %s with coverage: %v\n%s", r.t.TestPkg, err, out)
	}
	profile := filepath.Join(r.work, "cover.out")
	if out, err := r.test(ctx, cbin, 10*time.Minute, nil, "-test.coverprofile="+profile); err != nil {
		return nil, fmt.Errorf("%s with coverage: %v\n%s", r.t.TestPkg, err, tail(out, 20))
	}
	f, err := os.Open(profile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseCoverProfile(f)
}

func (r *runner) progress(format string, args ...any) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, format+"\n", args...)
	}
}

func idsOf(queue []int) []int {
	ids := make([]int, len(queue))
	for k, i := range queue {
		ids[k] = i + 1
	}
	return ids
}

// maxSchemaRounds bounds the builds a schema takes: each round drops the
// mutants the compiler refused (the compiler reports them all at once with
// -e, so one round or two is usual).
const maxSchemaRounds = 20

// schemaBuild builds the suite once with every mutant of ms in (schema.go),
// dropping the mutants the compiler refuses, and checks that the build runs
// the unmutated partner as the plain build does. apart are the mutants the
// schema cannot hold; failed the ones the compiler refused, with its words.
func (r *runner) schemaBuild(ctx context.Context, ms map[int]Mutant) (bin string, apart []int, failed map[int]string, err error) {
	ms = maps.Clone(ms)
	failed = map[int]string{}
	dir := filepath.Join(r.work, "schema")
	for range maxSchemaRounds {
		if len(ms) == 0 {
			return "", nil, failed, nil
		}
		s, ap := buildSchema(r.pkg, ms)
		if err := os.RemoveAll(dir); err != nil {
			return "", nil, nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, nil, err
		}
		replace := map[string]string{}
		for path, src := range s.files {
			dst := filepath.Join(dir, filepath.Base(path))
			if err := os.WriteFile(dst, src, 0o644); err != nil {
				return "", nil, nil, err
			}
			replace[path] = dst
		}
		overlay, err := json.Marshal(map[string]map[string]string{"Replace": replace})
		if err != nil {
			return "", nil, nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644); err != nil {
			return "", nil, nil, err
		}
		bin = filepath.Join(dir, "suite.test")
		out, err := r.build(ctx, bin, filepath.Join(dir, "overlay.json"), "-gcflags="+r.pkg.ImportPath+"=-e")
		if err == nil {
			if out, err := r.test(ctx, bin, r.timeout, nil); err != nil {
				return "", nil, nil, fmt.Errorf("the schema build fails the suite with no mutant on: %v\n%s", err, tail(out, 10))
			}
			return bin, ap, failed, nil
		}
		culprits, ok := s.culprits(out)
		if !ok {
			return "", nil, nil, fmt.Errorf("%s", firstLine(compilerError(out)))
		}
		for id, detail := range culprits {
			failed[id] = detail
			delete(ms, id)
		}
	}
	return "", nil, nil, fmt.Errorf("the compiler still refuses the schema after %d rounds", maxSchemaRounds)
}

// mutant runs the suite against one mutant: in the schema build (bin) with
// the mutant picked, or, without one, in a build of its own with the mutated
// file as an overlay (the tree is never touched, so builds run side by side).
func (r *runner) mutant(ctx context.Context, i int, m Mutant, bin string) (res Result) {
	res.Mutant = m
	start := time.Now()
	defer func() { res.Took = time.Since(start) }()
	if bin != "" {
		out, err := r.test(ctx, bin, r.timeout, []string{SchemaEnv + "=" + strconv.Itoa(i+1)})
		res.Class, res.Detail = classify(out, err)
		return res
	}
	dir := filepath.Join(r.work, fmt.Sprintf("m%d", i))
	defer os.RemoveAll(dir)
	if err := r.writeOverlay(dir, m); err != nil {
		res.Class, res.Detail = BuildFailed, err.Error()
		return res
	}
	bin = filepath.Join(dir, "suite.test")
	if out, err := r.build(ctx, bin, filepath.Join(dir, "overlay.json")); err != nil {
		res.Class, res.Detail = BuildFailed, firstLine(compilerError(out))
		return res
	}
	out, err := r.test(ctx, bin, r.timeout, nil)
	res.Class, res.Detail = classify(out, err)
	return res
}

func (r *runner) writeOverlay(dir string, m Mutant) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var f *File
	for _, pf := range r.pkg.Files {
		if pf.Rel == m.File {
			f = pf
		}
	}
	if f == nil {
		return fmt.Errorf("%s is not in %s", m.File, r.pkg.ImportPath)
	}
	mutated := filepath.Join(dir, filepath.Base(f.Path))
	if err := os.WriteFile(mutated, m.Apply(f.Src), 0o644); err != nil {
		return err
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {f.Path: mutated}})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644)
}

// build compiles the killing test's package into bin: without vet (go test
// -c runs it, and it takes as long as the compiling) and without symbol
// tables (the link is most of the rest): about half the time a mutant.
func (r *runner) build(ctx context.Context, bin, overlay string, extra ...string) ([]byte, error) {
	args := append([]string{"test", "-c", "-vet=off", "-ldflags=-s -w", "-o", bin}, extra...)
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "./"+r.t.TestPkg)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = r.cfg.Root, r.cfg.Env
	return cmd.CombinedOutput()
}

// test runs the killing test; err is a *exec.ExitError when it failed and
// context.DeadlineExceeded when it outlived the timeout.
func (r *runner) test(ctx context.Context, bin string, timeout time.Duration, env []string, extra ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+15*time.Second)
	defer cancel()
	args := append([]string{"-test.run", r.t.TestRun, "-test.count=1", "-test.failfast", "-test.timeout", timeout.String()}, extra...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = filepath.Join(r.cfg.Root, r.t.TestPkg), append(slices.Clone(r.cfg.Env), env...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() == context.DeadlineExceeded {
		return out, context.DeadlineExceeded
	}
	return out, err
}

var failedScenario = regexp.MustCompile(`(?m)^\s+--- FAIL: [^/\s]+/(\S+)`)

// classify reads a run of the killing test: passed is survived, failed is
// killed (by the first scenario that failed), too slow is timed out.
func classify(out []byte, err error) (Class, string) {
	switch {
	case errors.Is(err, context.DeadlineExceeded) || bytes.Contains(out, []byte("panic: test timed out after")):
		return TimedOut, ""
	case err == nil:
		return Survived, ""
	}
	if m := failedScenario.FindSubmatch(out); m != nil {
		return Killed, strings.ReplaceAll(string(m[1]), "_", " ")
	}
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "Error:") {
			return Killed, l
		}
	}
	return Killed, err.Error()
}

// compilerError is the go command's output without its "# package" lines.
func compilerError(out []byte) string {
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, "\n")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
