package mutate

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Counts tallies a report by class.
type Counts struct {
	Killed, Survived, NotCovered, Equivalent, TimedOut, BuildFailed int
}

// Counts tallies the report.
func (r *Report) Counts() Counts {
	var c Counts
	for _, res := range r.Results {
		switch res.Class {
		case Killed:
			c.Killed++
		case Survived:
			c.Survived++
			if res.NotCovered {
				c.NotCovered++
			}
		case Equivalent:
			c.Equivalent++
		case TimedOut:
			c.TimedOut++
		case BuildFailed:
			c.BuildFailed++
		}
	}
	return c
}

// Counted are the mutants the score is over: every one the compiler took
// and no one judged equivalent.
func (c Counts) Counted() int { return c.Killed + c.Survived + c.TimedOut }

// Detected are the counted mutants the suite did not pass: killed or timed
// out. A mutant that outlives the time bound (a loop that never ends, a
// wait that never returns) fails any run with a deadline, so it is caught,
// as PIT and gremlins count it; the report still lists it apart, since a
// timeout is a slower, blunter catch than a failed scenario.
func (c Counts) Detected() int { return c.Killed + c.TimedOut }

// Score is the share of counted mutants detected, in percent; 100 with none.
func (c Counts) Score() float64 {
	if c.Counted() == 0 {
		return 100
	}
	return 100 * float64(c.Detected()) / float64(c.Counted())
}

// Print writes the report a person reads: the figures, then every survivor.
func (r *Report) Print(w io.Writer) {
	c := r.Counts()
	fmt.Fprintf(w, "%s: %s mutated, %s %s as the killing test\n", r.Target.Platform, r.Target.Dir, r.Target.TestPkg, r.Target.TestRun)
	if r.Sample > 0 && r.Sample < r.Generated {
		fmt.Fprintf(w, "  mutants: %d of %d (sample, seed %d)\n", len(r.Results), r.Generated, r.Seed)
	} else {
		fmt.Fprintf(w, "  mutants: %d\n", r.Generated)
	}
	fmt.Fprintf(w, "  killed %d, survived %d (%d in code the suite never runs), equivalent %d, timed out %d, build failed %d (not counted)\n",
		c.Killed, c.Survived, c.NotCovered, c.Equivalent, c.TimedOut, c.BuildFailed)
	fmt.Fprintf(w, "  score %.1f%% (%d detected of %d non-equivalent: %d killed, %d timed out)\n", c.Score(), c.Detected(), c.Counted(), c.Killed, c.TimedOut)
	fmt.Fprintf(w, "  wall time %s (unmutated suite %.1fs)\n", r.Took.Round(time.Second), r.Baseline.Seconds())
	for _, e := range r.Stale {
		fmt.Fprintf(w, "  stale: equivalents line %d matches no mutant any more: %s\n", e.Line, e.Key)
	}
	r.printClass(w, Survived, "survivors")
	// Detected, but only by the deadline: worth a look, since a scenario
	// that failed would say what broke and a timeout says nothing.
	r.printClass(w, TimedOut, "timed out (counted as detected)")
}

// printClass lists the mutants of one class in file order under a heading,
// those in code the suite never runs marked.
func (r *Report) printClass(w io.Writer, class Class, heading string) {
	list := slices.DeleteFunc(slices.Clone(r.Results), func(res Result) bool { return res.Class != class })
	if len(list) == 0 {
		return
	}
	slices.SortFunc(list, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), cmp.Compare(a.Operator, b.Operator))
	})
	fmt.Fprintf(w, "  %s:\n", heading)
	for _, s := range list {
		note := ""
		if s.NotCovered {
			note = "  [never run]"
		}
		fmt.Fprintf(w, "    %s:%d:%d %s %s: %s → %s%s\n", path.Base(s.File), s.Line, s.Col, s.Func, s.Operator, s.Original, orRemoved(s.Mutated), note)
	}
}

func orRemoved(s string) string {
	if s == "" {
		return "(removed)"
	}
	return s
}

// WriteTSV writes every mutant, one a line after a header: class, where,
// detail (the scenario that killed it, the reason it is equivalent, the
// compiler's complaint), then its key, the form the equivalents list takes.
// ReadTSV reads it back.
func (r *Report) WriteTSV(w io.Writer) error {
	t := r.Target
	if _, err := fmt.Fprintf(w, "# %s\t%s\t%s\t%s\tgenerated=%d\tsample=%d\tseed=%d\tbaseline=%s\ttook=%s\n",
		t.Platform, t.Dir, t.TestPkg, t.TestRun, r.Generated, r.Sample, r.Seed, r.Baseline, r.Took); err != nil {
		return err
	}
	for _, res := range r.Results {
		class := string(res.Class)
		if res.NotCovered {
			class += neverRun
		}
		detail := strings.Join(strings.Fields(res.Detail), " ") // a test's output has tabs
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", class, res.Where(), detail, res.Key()); err != nil {
			return err
		}
	}
	return nil
}

const neverRun = "-never-run"

// ReadTSV reads a report WriteTSV wrote.
func ReadTSV(rd io.Reader) (*Report, error) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	if !sc.Scan() {
		return nil, fmt.Errorf("empty: no header")
	}
	head := strings.Split(strings.TrimPrefix(sc.Text(), "# "), "\t")
	if len(head) != 9 {
		return nil, fmt.Errorf("line 1: not a mutants report header")
	}
	r := &Report{Target: Target{Platform: head[0], Dir: head[1], TestPkg: head[2], TestRun: head[3]}}
	if _, err := fmt.Sscanf(strings.Join(head[4:7], " "), "generated=%d sample=%d seed=%d", &r.Generated, &r.Sample, &r.Seed); err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	var err error
	if r.Baseline, err = time.ParseDuration(strings.TrimPrefix(head[7], "baseline=")); err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	if r.Took, err = time.ParseDuration(strings.TrimPrefix(head[8], "took=")); err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	for n := 2; sc.Scan(); n++ {
		f := strings.SplitN(sc.Text(), "\t", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: want class, where, detail and key", n)
		}
		m, rest, err := parseKey(f[3])
		if err != nil || rest != "" {
			return nil, fmt.Errorf("line %d: %v", n, cmp.Or(err, fmt.Errorf("text after the key")))
		}
		where := strings.Split(f[1], ":")
		if len(where) != 3 {
			return nil, fmt.Errorf("line %d: want file:line:col", n)
		}
		m.Line, _ = strconv.Atoi(where[1])
		m.Col, _ = strconv.Atoi(where[2])
		class, notCovered := strings.CutSuffix(f[0], neverRun)
		r.Results = append(r.Results, Result{Mutant: m, Class: Class(class), NotCovered: notCovered, Detail: f[2]})
	}
	return r, sc.Err()
}

// Rescore reads a report back against the mutants as they are generated
// now (all) and the equivalents list as it is now: a mutant no longer
// generated leaves the report (dropped counts them), one not in the report
// yet is left for the next run (unrun counts them), and the equivalents are
// judged again (Rejudge).
func (r *Report) Rescore(all []Mutant, eqs []EquivalentMutant) (dropped, unrun int) {
	now := map[string]bool{}
	for _, m := range all {
		now[m.Key()] = true
	}
	ran := map[string]bool{}
	kept := r.Results[:0]
	for _, res := range r.Results {
		ran[res.Key()] = true
		if now[res.Key()] {
			kept = append(kept, res)
		} else {
			dropped++
		}
	}
	r.Results = kept
	if r.Sample == 0 {
		for k := range now {
			if !ran[k] {
				unrun++
			}
		}
	}
	r.Generated = len(all)
	r.Stale = stale(r.Target, all, eqs)
	r.Rejudge(eqs)
	return dropped, unrun
}

// Rejudge applies the equivalents list to a report read back: mutants now
// judged equivalent leave the score; one no longer judged so is counted as a
// survivor until the next run tells.
func (r *Report) Rejudge(eqs []EquivalentMutant) {
	byKey := map[string]EquivalentMutant{}
	for _, e := range eqs {
		byKey[e.Key] = e
	}
	for i, res := range r.Results {
		if e, ok := byKey[res.Key()]; ok {
			r.Results[i].Class, r.Results[i].Detail = Equivalent, e.Reason
		} else if res.Class == Equivalent {
			r.Results[i].Class, r.Results[i].Detail = Survived, "no longer judged equivalent: not run"
		}
	}
}

// PrintSummary writes one line a target.
func PrintSummary(w io.Writer, reports []*Report) {
	fmt.Fprintf(w, "%-12s %8s %7s %9s %10s %9s %11s %7s %9s\n", "platform", "mutants", "killed", "survived", "equivalent", "timed-out", "build-fail", "score", "time")
	for _, r := range reports {
		c := r.Counts()
		fmt.Fprintf(w, "%-12s %8d %7d %9d %10d %9d %11d %6.1f%% %9s\n", r.Target.Platform, len(r.Results), c.Killed, c.Survived, c.Equivalent, c.TimedOut, c.BuildFailed, c.Score(), r.Took.Round(time.Second))
	}
}
