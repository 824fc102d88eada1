package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/runner"
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
			names := []string{platform}
			if platform == "all" {
				names = platformNames()
			}
			var ps []runner.Platform
			for _, n := range names {
				p, err := lookupPlatform(n)
				if err != nil {
					return err
				}
				ps = append(ps, p)
			}
			if !score {
				for _, p := range ps {
					for _, f := range p.Faults() {
						if len(ps) > 1 {
							fmt.Fprintf(stdout, "%s\t", p.Name())
						}
						fmt.Fprintf(stdout, "%s\t%s\n", f.Name, f.Breaks)
					}
				}
				return nil
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return scoreFaults(ctx, stdout, ps)
		},
	}
	cmd.Flags().StringVar(&platform, "platform", "docplanner", "platform whose reference partner to use, or all")
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
			for _, r := range failed {
				fmt.Fprintf(stdout, "    ✗ %s\n      %s\n", r.Name, firstLine(r.Reason))
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

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 140 {
		s = s[:140] + "…"
	}
	return s
}
