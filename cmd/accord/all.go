package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/runner"
)

// runAll is `accord run --platform all`: every platform's bundled reference
// partner, one report directory.
func runAll(cmd *cobra.Command, stdout io.Writer, opts runner.Options) error {
	var ps []runner.Platform
	for _, n := range platformNames() {
		ps = append(ps, platforms()[n])
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := runner.RunAll(ctx, ps, opts)
	if errors.Is(err, runner.ErrNoScenarios) {
		return usageError{err}
	}
	if err != nil {
		return usageError{fmt.Errorf("run could not start: %w", err)}
	}
	fmt.Fprintf(stdout, "\nall platforms: %s — %s (%.1fs); report in %s\n",
		sum.Verdict, countsLine(sum.Counts), sum.DurationSeconds, opts.ReportDir)
	printNotApplicable(stdout, sum)
	if !runner.Passed(sum.Verdict) {
		msg := ""
		for _, f := range sum.Failed() {
			msg += fmt.Sprintf("FAILED %s / %s\n  at: %s\n  why: %s\n", f.Feature, f.Name, f.FailedStep, f.Reason)
		}
		return failedError{msg: msg}
	}
	return nil
}
