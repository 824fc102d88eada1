package reach_test

import (
	"context"
	"testing"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/steps/reach"
)

// BenchmarkAcceptanceRun is one full Reach acceptance run (every
// scenario) against the bundled reference partner, reports included.
func BenchmarkAcceptanceRun(b *testing.B) {
	for b.Loop() {
		sum, err := runner.Run(context.Background(), reach.Platform{}, runner.Options{ReportDir: b.TempDir()})
		if err != nil || sum.Verdict != "passed" {
			b.Fatalf("run: %v %+v", err, sum.Failed())
		}
		b.ReportMetric(float64(sum.Counts.Scenarios), "scenarios/run")
	}
}
