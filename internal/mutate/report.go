package mutate

import (
	"cmp"
	"fmt"
	"io"
	"path"
	"slices"
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

// Score is the share of counted mutants killed, in percent; 100 with none.
func (c Counts) Score() float64 {
	if c.Counted() == 0 {
		return 100
	}
	return 100 * float64(c.Killed) / float64(c.Counted())
}

// Print writes the report a person reads: the figures, then every survivor.
func (r *Report) Print(w io.Writer, sampled bool, seed uint64) {
	c := r.Counts()
	fmt.Fprintf(w, "%s: %s mutated, %s %s as the killing test\n", r.Target.Platform, r.Target.Dir, r.Target.TestPkg, r.Target.TestRun)
	if sampled {
		fmt.Fprintf(w, "  mutants: %d of %d (sample, seed %d)\n", len(r.Results), r.Generated, seed)
	} else {
		fmt.Fprintf(w, "  mutants: %d\n", r.Generated)
	}
	fmt.Fprintf(w, "  killed %d, survived %d (%d in code the suite never runs), equivalent %d, timed out %d, build failed %d (not counted)\n",
		c.Killed, c.Survived, c.NotCovered, c.Equivalent, c.TimedOut, c.BuildFailed)
	fmt.Fprintf(w, "  score %.1f%% (%d killed of %d non-equivalent)\n", c.Score(), c.Killed, c.Counted())
	fmt.Fprintf(w, "  wall time %s (unmutated suite %.1fs)\n", r.Took.Round(time.Second), r.Baseline.Seconds())
	for _, e := range r.Stale {
		fmt.Fprintf(w, "  stale: equivalents line %d matches no mutant any more: %s\n", e.Line, e.Key)
	}
	survivors := slices.DeleteFunc(slices.Clone(r.Results), func(res Result) bool { return res.Class != Survived && res.Class != TimedOut })
	slices.SortFunc(survivors, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), cmp.Compare(a.Operator, b.Operator))
	})
	if len(survivors) > 0 {
		fmt.Fprintf(w, "  survivors:\n")
	}
	for _, s := range survivors {
		note := ""
		switch {
		case s.NotCovered:
			note = "  [never run]"
		case s.Class == TimedOut:
			note = "  [timed out]"
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

// WriteTSV writes every mutant, one a line: class, where, detail (the
// scenario that killed it, the reason it is equivalent, the compiler's
// complaint), then its key, the form the equivalents list takes.
func (r *Report) WriteTSV(w io.Writer) error {
	for _, res := range r.Results {
		class := string(res.Class)
		if res.NotCovered {
			class += "-never-run"
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", class, res.Where(), res.Detail, res.Key()); err != nil {
			return err
		}
	}
	return nil
}

// PrintSummary writes one line a target.
func PrintSummary(w io.Writer, reports []*Report) {
	fmt.Fprintf(w, "%-12s %8s %7s %9s %10s %9s %11s %7s %9s\n", "platform", "mutants", "killed", "survived", "equivalent", "timed-out", "build-fail", "score", "time")
	for _, r := range reports {
		c := r.Counts()
		fmt.Fprintf(w, "%-12s %8d %7d %9d %10d %9d %11d %6.1f%% %9s\n", r.Target.Platform, len(r.Results), c.Killed, c.Survived, c.Equivalent, c.TimedOut, c.BuildFailed, c.Score(), r.Took.Round(time.Second))
	}
}
