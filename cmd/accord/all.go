package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/shutdown"
)

// runAll is `accord run --platform all`: every platform's bundled reference
// partner, one report directory.
func runAll(cmd *cobra.Command, stdout io.Writer, opts runner.Options) error {
	ctx, stop := shutdown.OnSignal(cmd.Context())
	defer stop()
	sum, err := runner.RunAll(ctx, everyPlatform(), opts)
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
