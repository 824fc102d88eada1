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
	fmt.Fprintf(stdout, "\nall platforms: %s — %s (%.1fs)\n",
		sum.Verdict, countsLine(sum.Counts), sum.DurationSeconds)
	return verdict(stdout, sum, opts.ReportDir)
}
