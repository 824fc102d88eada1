package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
)

// TestWaiversLetAKnownFailurePassForNow: the fault that breaks only mapping
// fails its scenario; a valid waiver for it passes the run with waivers
// (exit 0), the same waiver expired does not (exit 1, naming it), and a
// waiver for a scenario that does not exist, or a malformed file, is a
// usage error (exit 2).
func TestWaiversLetAKnownFailurePassForNow(t *testing.T) {
	dir := t.TempDir()
	waiver := func(name, target, expires string) string {
		path := filepath.Join(dir, name+".yaml")
		body := "waivers:\n  - " + target + "\n    reason: \"prices come in release 2.3\"\n    approved_by: \"integration specialist\"\n    expires: " + expires + "\n"
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		return path
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	mapping := `scenario: "Every resource of the clinic is mapped"`
	tests := []struct {
		name, waivers string
		code          int
		contains      []string
		verdict       string
	}{
		{"valid", waiver("valid", mapping, tomorrow), exitOK,
			[]string{"docplanner: passed with waivers", "0 failed, 1 failed but waived", "WAIVED Mapping of all resources / Every resource of the clinic is mapped", "prices come in release 2.3"}, runner.VerdictPassedWithWaivers},
		{"by requirement", waiver("requirement", "requirement: DP-MAP-1", tomorrow), exitOK,
			[]string{"docplanner: passed with waivers", "0 failed, 1 failed but waived", "WAIVED Mapping of all resources / Every resource of the clinic is mapped"}, runner.VerdictPassedWithWaivers},
		{"stale", waiver("stale", `scenario: "Activation follows the order Docplanner asks for"`, tomorrow), exitFailed,
			[]string{"docplanner: failed", `WAIVER STALE: prices come in release 2.3 for scenario "Activation follows the order Docplanner asks for"`}, runner.VerdictFailed},
		{"expired", waiver("expired", mapping, yesterday), exitFailed,
			[]string{"docplanner: failed", "WAIVER EXPIRED", "expired on " + yesterday}, runner.VerdictFailed},
		{"no such scenario", waiver("unknown", `scenario: "Every resource is mapped"`, tomorrow), exitUsage,
			[]string{`no scenario is named "Every resource is mapped"`}, ""},
		{"no such requirement", waiver("unknown-req", "requirement: DP-MAP-9", tomorrow), exitUsage,
			[]string{"lists no requirement DP-MAP-9"}, ""},
		{"malformed", waiver("malformed", "scenario: x\n    why: typo", tomorrow), exitUsage,
			[]string{"malformed.yaml:3: waivers[0].why: unknown field"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			report := filepath.Join(dir, "report-"+tt.name)
			code, out, errs := accord(t, "run", "--fault", "partial-service-mapping", "--tags", "@mapping", "--waivers", tt.waivers, "--report-dir", report)
			assert.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", tail(out), errs)
			for _, c := range tt.contains {
				assert.Contains(t, out+errs, c)
			}
			if tt.verdict == "" {
				return
			}
			raw, err := os.ReadFile(filepath.Join(report, runner.SummaryFile))
			require.NoError(t, err)
			var sum runner.Summary
			require.NoError(t, json.Unmarshal(raw, &sum))
			assert.Equal(t, tt.verdict, sum.Verdict)
			require.Len(t, sum.Waivers, 1)
		})
	}
}
