// Command mutate measures the acceptance suites by mutation: `make mutants`.
// It is a developer's tool, not part of accord's product CLI: it needs the
// source tree and the go command.
//
//	go run ./internal/mutate/cmd [-platform P|all] [-sample N] [-seed S] [-jobs J] [-list]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/accord-harness/accord/internal/mutate"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("mutate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	platform := fl.String("platform", "all", "the platform whose reference partner is mutated, or all")
	sample := fl.Int("sample", 0, "mutants per platform, picked by -seed; 0 runs them all")
	seed := fl.Uint64("seed", 1, "seed of the sample")
	jobs := fl.Int("jobs", 2, "mutants built and run at once")
	equivalents := fl.String("equivalents", "internal/mutate/equivalent.txt", "the list of mutants judged equivalent")
	outDir := fl.String("out", "out/mutants", "where each platform's list of mutants and fates goes: <platform>.tsv, or <platform>.sample.tsv for a sample")
	timeout := fl.Duration("timeout", 0, "bound on one run of a suite (0: ten times the unmutated run, at least 30s)")
	minScore := fl.Float64("min-score", 0, "exit 1 when a platform scores below this percentage")
	list := fl.Bool("list", false, "list the mutants (with -sample, the sample) and run nothing")
	rescore := fl.Bool("rescore", false, "run nothing: read the last full run's <platform>.tsv again with the equivalents list as it is now")
	gocache := fl.String("gocache", "", "build cache for the builds (default: the go command's; a run adds a few builds a platform to it)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 || *sample < 0 || *jobs < 1 || *minScore < 0 || *minScore > 100 {
		fmt.Fprintln(stderr, "mutate: bad arguments: want flags only, -sample >= 0, -jobs >= 1, -min-score 0..100")
		return 2
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 2
	}
	targets, err := pick(root, *platform)
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 2
	}
	eqs, err := readEquivalents(inRoot(root, *equivalents))
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	env := os.Environ()
	if *list {
		return listMutants(ctx, stdout, stderr, root, env, targets, *sample, *seed)
	}
	if *rescore {
		return rescoreRuns(ctx, stdout, stderr, root, inRoot(root, *outDir), env, targets, eqs, *minScore)
	}
	work, err := os.MkdirTemp("", "accord-mutants-")
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 1
	}
	defer os.RemoveAll(work)
	if *gocache != "" {
		env = append(env, "GOCACHE="+*gocache)
	}
	if err := os.MkdirAll(inRoot(root, *outDir), 0o755); err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 1
	}
	cfg := mutate.Config{Root: root, Sample: *sample, Seed: *seed, Jobs: *jobs, Equivalents: eqs, Timeout: *timeout, Env: env, Work: work, Progress: stderr}
	var reports []*mutate.Report
	code := 0
	for _, t := range targets {
		rep, err := mutate.Run(ctx, cfg, t)
		if err != nil {
			fmt.Fprintf(stderr, "mutate: %s: %v\n", t.Platform, err)
			return 1
		}
		reports = append(reports, rep)
		rep.Print(stdout)
		fmt.Fprintln(stdout)
		if err := writeTSV(filepath.Join(inRoot(root, *outDir), tsvName(t.Platform, *sample)), rep); err != nil {
			fmt.Fprintln(stderr, "mutate:", err)
			return 1
		}
		if rep.Counts().Score() < *minScore {
			code = 1
		}
	}
	mutate.PrintSummary(stdout, reports)
	fmt.Fprintf(stdout, "every mutant with its fate: %s/%s\n", *outDir, tsvName("<platform>", *sample))
	return code
}

// inRoot resolves a path given relative to the module root.
func inRoot(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run from inside the accord module")
	}
	return filepath.Dir(gomod), nil
}

func pick(root, platform string) ([]mutate.Target, error) {
	all, err := mutate.Discover(root)
	if err != nil {
		return nil, err
	}
	if platform == "all" {
		return all, nil
	}
	var names []string
	for _, t := range all {
		if t.Platform == platform {
			return []mutate.Target{t}, nil
		}
		names = append(names, t.Platform)
	}
	return nil, fmt.Errorf("unknown platform %q; there are: %s, all", platform, strings.Join(names, ", "))
}

func readEquivalents(path string) ([]mutate.EquivalentMutant, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	eqs, err := mutate.ParseEquivalents(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return eqs, nil
}

func listMutants(ctx context.Context, stdout, stderr io.Writer, root string, env []string, targets []mutate.Target, sample int, seed uint64) int {
	for _, t := range targets {
		pkg, err := mutate.Load(ctx, root, t.Dir, env)
		if err != nil {
			fmt.Fprintf(stderr, "mutate: %s: %v\n", t.Platform, err)
			return 1
		}
		for _, m := range mutate.Sample(mutate.Generate(pkg, mutate.Options{}), sample, seed, t.Platform) {
			fmt.Fprintf(stdout, "%s\t%s\n", m.Where(), m.Key())
		}
	}
	return 0
}

func rescoreRuns(ctx context.Context, stdout, stderr io.Writer, root, dir string, env []string, targets []mutate.Target, eqs []mutate.EquivalentMutant, minScore float64) int {
	var reports []*mutate.Report
	code := 0
	for _, t := range targets {
		path := filepath.Join(dir, t.Platform+".tsv")
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "mutate: %v (make mutants writes it)\n", err)
			return 2
		}
		rep, err := mutate.ReadTSV(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "mutate: %s: %v\n", path, err)
			return 2
		}
		pkg, err := mutate.Load(ctx, root, t.Dir, env)
		if err != nil {
			fmt.Fprintf(stderr, "mutate: %s: %v\n", t.Platform, err)
			return 1
		}
		dropped, unrun := rep.Rescore(mutate.Generate(pkg, mutate.Options{}), eqs)
		if dropped+unrun > 0 {
			fmt.Fprintf(stdout, "%s: the code changed since the run: %d mutants left out (no longer made), %d not run yet\n", t.Platform, dropped, unrun)
		}
		rep.Print(stdout)
		fmt.Fprintln(stdout)
		reports = append(reports, rep)
		if rep.Counts().Score() < minScore {
			code = 1
		}
	}
	mutate.PrintSummary(stdout, reports)
	return code
}

// tsvName keeps a sample from overwriting the last full run, which -rescore reads.
func tsvName(platform string, sample int) string {
	if sample > 0 {
		return platform + ".sample.tsv"
	}
	return platform + ".tsv"
}

func writeTSV(path string, rep *mutate.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.WriteTSV(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
