package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/shutdown"
)

func init() { commands = append(commands, newFaultsCmd) }

func newFaultsCmd(stdout, _ io.Writer) *cobra.Command {
	var platform string
	var score bool
	cmd := &cobra.Command{
		Use:   "faults [--platform P|all] [--run]",
		Short: "List the named faults of a platform's reference partner, or run them all and score the scenarios",
		Long: `Without --run: one line per fault, the name first, then what it breaks.

With --run: run the correct reference partner (it must pass every scenario), then the
reference partner once with each fault, and print which scenarios each fault failed and
why, and the score: faults caught / faults. Exit 1 unless the score is 100% and the correct
partner passes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ps, err := platformsNamed(platform)
			if err != nil {
				return err
			}
			if !score {
				for _, p := range ps {
					for _, f := range p.Faults() {
						if len(ps) > 1 {
							fmt.Fprintf(stdout, "%s\t", p.Name())
						}
						fmt.Fprintf(stdout, "%s\t%s%s\n", f.Name, f.Breaks, under(f))
					}
				}
				return nil
			}
			ctx, stop := shutdown.OnSignal(cmd.Context())
			defer stop()
			return scoreFaults(ctx, stdout, ps)
		},
	}
	cmd.Flags().StringVar(&platform, "platform", defaultPlatform(), "platform whose reference partner to use, or all")
	cmd.Flags().BoolVar(&score, "run", false, "run every fault and print the table and the score")
	return cmd
}

func scoreFaults(ctx context.Context, stdout io.Writer, ps []runner.Platform) error {
	total, caught := 0, 0
	var problems []string
	for _, p := range ps {
		sum, err := runner.Run(ctx, p, runner.Options{})
		if err != nil {
			return fmt.Errorf("%s: the correct reference partner could not run: %w", p.Name(), err)
		}
		fmt.Fprintf(stdout, "%s  correct reference partner: %d of %d scenarios passed\n", p.Name(), sum.Counts.Passed, sum.Counts.Scenarios)
		// sharpest: for every scenario, the fault failing it that fails the
		// fewest scenarios: a fault that fails everything proves little.
		sharpest := map[string]sharp{}
		var scenarios []string
		for _, r := range sum.Scenarios {
			scenarios = append(scenarios, r.Name)
		}
		for _, f := range sum.Failed() {
			problems = append(problems, fmt.Sprintf("%s: the correct reference partner failed %q: %s", p.Name(), f.Name, firstLine(f.Reason)))
		}
		faults := p.Faults()
		sort.Slice(faults, func(i, j int) bool { return faults[i].Name < faults[j].Name })
		for _, f := range faults {
			total++
			sum, err := runner.Run(ctx, p, runner.Options{Config: runner.Config{Faults: []string{f.Name}}})
			if err != nil {
				return fmt.Errorf("%s fault %s: %w", p.Name(), f.Name, err)
			}
			failed := sum.Failed()
			if len(failed) == 0 {
				problems = append(problems, fmt.Sprintf("%s: fault %s (%s) was not caught by any scenario", p.Name(), f.Name, f.Breaks))
				fmt.Fprintf(stdout, "%s  %s: NOT CAUGHT (%s)\n", p.Name(), f.Name, f.Breaks)
				continue
			}
			caught++
			fmt.Fprintf(stdout, "%s  %s: failed %d of %d scenarios\n", p.Name(), f.Name, len(failed), sum.Counts.Scenarios)
			// An exploration is meant to find every fault: the sharpness of the scenarios aimed
			// at a flow is measured without it.
			aimed := 0
			for _, r := range failed {
				if !explores(r) {
					aimed++
				}
			}
			for _, r := range failed {
				n := aimed
				if explores(r) {
					n++
				}
				if s, ok := sharpest[r.Name]; !ok || n < s.fails {
					sharpest[r.Name] = sharp{fault: f.Name, fails: n}
				}
				fmt.Fprintf(stdout, "    ✗ %s\n      %s\n", r.Name, firstLine(r.Reason))
			}
		}
		fmt.Fprintf(stdout, "%s  every scenario and the sharpest fault that fails it:\n", p.Name())
		for _, name := range scenarios {
			s, ok := sharpest[name]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: no fault fails %q: nothing proves it can fail", p.Name(), name))
				fmt.Fprintf(stdout, "    %s: NO FAULT FAILS IT\n", name)
				continue
			}
			fmt.Fprintf(stdout, "    %s: %s (fails %d of %d, explorations aside)\n", name, s.fault, s.fails, len(scenarios))
			if s.fails > maxSharpest {
				problems = append(problems, fmt.Sprintf("%s: %q is failed only by faults that fail %d scenarios or more (%s); add a fault aimed at it", p.Name(), name, s.fails, s.fault))
			}
		}
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(caught) / float64(total)
	}
	fmt.Fprintf(stdout, "\nscore: %d/%d faults caught (%.0f%%)\n", caught, total, pct)
	if len(problems) > 0 {
		return failedError{msg: strings.Join(problems, "\n")}
	}
	return nil
}

// planStep is the step every @explore scenario starts with.
var planStep = regexp.MustCompile(explore.PlanStep)

// explores says whether a scenario is an exploration (internal/explore).
func explores(r runner.ScenarioResult) bool {
	for _, st := range r.Steps {
		if planStep.MatchString(st.Text) {
			return true
		}
	}
	return false
}

type sharp struct {
	fault string
	fails int
}

// maxSharpest is how many scenarios the sharpest fault failing a scenario
// may fail: beyond that, no fault shows the scenario checks its own flow.
const maxSharpest = 4

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 140 {
		s = s[:140] + "…"
	}
	return s
}

// under names the choices a fault's run makes, for the listing.
func under(f runner.Fault) string {
	if len(f.Under) == 0 {
		return ""
	}
	var cs []string
	for k, v := range f.Under {
		cs = append(cs, k+"="+v)
	}
	sort.Strings(cs)
	return " (a run with it declares " + strings.Join(cs, ", ") + ")"
}
