package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/version"
	"github.com/accord-harness/accord/reports"
)

// RunAll runs several platforms into one report directory: each platform's
// own report in DIR/<platform>/, and at the top a combined summary.json and
// report.html that link to them. The verdict passes only if every platform does.
func RunAll(ctx context.Context, ps []Platform, opts Options) (*Summary, error) {
	dir := opts.ReportDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "accord-report-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if err := checkTags(opts.Tags); err != nil {
		return nil, err
	}
	started := time.Now()
	all := &Summary{Platform: "all", Verdict: "passed", Version: version.Version, Started: started,
		Inputs: map[string]string{}, Extras: map[string]any{}, Scenarios: []ScenarioResult{}}
	page := reports.Run{Platform: "all platforms", Version: version.Version, Started: started, Extras: map[string]any{}}
	var partners []string
	for i, r := range runSideBySide(ctx, ps, opts, dir) {
		p, sum, err := ps[i], r.sum, r.err
		if errors.Is(err, ErrNoScenarios) {
			// A tag may belong to one platform only; the others sit out.
			_ = os.RemoveAll(filepath.Join(dir, p.Name()))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name(), err)
		}
		partners = append(partners, p.Name()+": "+sum.Partner)
		all.Verdict = worse(all.Verdict, sum.Verdict)
		if sum.VerdictNote != "" {
			all.VerdictNote = strings.TrimPrefix(all.VerdictNote+"; ", "; ") + p.Name() + ": " + sum.VerdictNote
		}
		all.Counts.Scenarios += sum.Counts.Scenarios
		all.Counts.Passed += sum.Counts.Passed
		all.Counts.Failed += sum.Counts.Failed
		all.Counts.Skipped += sum.Counts.Skipped
		all.Counts.NotApplicable += sum.Counts.NotApplicable
		all.Counts.NotRun += sum.Counts.NotRun
		all.Counts.Waived += sum.Counts.Waived
		all.Requirements = append(all.Requirements, sum.Requirements...)
		for _, w := range sum.Warnings {
			w.Operation = p.Name() + " " + w.Operation
			all.Warnings = append(all.Warnings, w)
		}
		for k, v := range sum.Inputs {
			all.Inputs[k] = v
		}
		all.Extras[p.Name()] = map[string]any{"verdict": sum.Verdict, "report": p.Name() + "/" + reports.HTMLFile, "extras": sum.Extras}
		page.Parts = append(page.Parts, reports.Part{Name: p.Name(), Verdict: sum.Verdict, Href: p.Name() + "/" + reports.HTMLFile,
			Summary: fmt.Sprintf("%d scenarios: %d passed, %d failed, against %s", sum.Counts.Scenarios, sum.Counts.Passed, sum.Counts.Failed, sum.Partner)})
		for _, s := range sum.Scenarios {
			s.Feature = p.Name() + " / " + s.Feature
			all.Scenarios = append(all.Scenarios, s)
			sc := reports.Scenario{Feature: s.Feature, Name: s.Name, Status: s.Status, FailedStep: s.FailedStep, Reason: s.Reason,
				Duration: time.Duration(s.DurationSeconds * float64(time.Second))}
			for _, st := range s.Steps {
				sc.Steps = append(sc.Steps, reports.Step{Keyword: st.Keyword, Text: st.Text, Status: st.Status, Error: st.Error})
			}
			page.Scenarios = append(page.Scenarios, sc)
		}
	}
	if all.Counts.Scenarios == 0 {
		return all, fmt.Errorf("%w the tags %q on any platform", ErrNoScenarios, opts.Tags)
	}
	all.Partner = strings.Join(partners, "; ")
	all.DurationSeconds = time.Since(started).Seconds()
	page.Partner, page.Verdict, page.VerdictNote, page.Duration = all.Partner, all.Verdict, all.VerdictNote, time.Since(started)
	page.Requirements, page.Warnings = all.Requirements, all.Warnings
	out, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), out, 0o644); err != nil {
		return nil, err
	}
	// Each platform's page carries its own evidence; this one links to them.
	if err := reports.WriteHTML(filepath.Join(dir, reports.HTMLFile), page); err != nil {
		return nil, err
	}
	return all, nil
}

type platformResult struct {
	sum *Summary
	err error
}

// runSideBySide runs the platforms at once, each into its own directory: they share nothing
// (each has its own mock, clock and partner), and one after the other left a core idle while
// each waited on its partner. The console shows each platform's lines whole, in the
// platforms' order. A run as subtests of a go test keeps to one platform at a time.
func runSideBySide(ctx context.Context, ps []Platform, opts Options, dir string) []platformResult {
	results := make([]platformResult, len(ps))
	run := func(i int, console io.Writer) {
		o := opts
		o.ReportDir = filepath.Join(dir, ps[i].Name())
		o.Console = console
		results[i].sum, results[i].err = Run(ctx, ps[i], o)
	}
	if opts.TestingT != nil || opts.Progress != nil {
		for i := range ps {
			run(i, opts.Console)
		}
		return results
	}
	t := newTurns(opts.Console, len(ps))
	var wg sync.WaitGroup
	for i := range ps {
		wg.Go(func() {
			defer t.finish(i)
			run(i, t.writer(i))
		})
	}
	wg.Wait()
	return results
}

// turns passes on several writers' output to one, whole and in order: the writer whose turn
// it is writes through, the others are held until every writer before them has finished.
type turns struct {
	mu   sync.Mutex
	out  io.Writer
	next int
	held []bytes.Buffer
	done []bool
}

func newTurns(out io.Writer, n int) *turns {
	return &turns{out: out, held: make([]bytes.Buffer, n), done: make([]bool, n)}
}

// writer is the i-th writer; nil when there is no output at all.
func (t *turns) writer(i int) io.Writer {
	if t.out == nil {
		return nil
	}
	return turn{t, i}
}

func (t *turns) finish(i int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done[i] = true
	for t.next < len(t.done) && t.done[t.next] {
		t.next++
		if t.next < len(t.held) && t.out != nil {
			_, _ = t.out.Write(t.held[t.next].Bytes())
			t.held[t.next] = bytes.Buffer{}
		}
	}
}

type turn struct {
	t *turns
	i int
}

func (w turn) Write(p []byte) (int, error) {
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	if w.i == w.t.next {
		return w.t.out.Write(p)
	}
	return w.t.held[w.i].Write(p)
}
