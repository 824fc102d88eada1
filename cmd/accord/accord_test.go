package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/racedetector"
)

func accord(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
		// repeats: the row runs suites other tests already run under the race detector.
		repeats bool
	}{
		{"passes", []string{"run", "--report-dir", filepath.Join(dir, "ok")}, exitOK, " passed, 0 failed", false},
		{"a fault fails", []string{"run", "--fault", "no-reauth", "--report-dir", filepath.Join(dir, "fault")}, exitFailed, "FAILED Authentication / The partner signs in again when its token expires", true},
		{"tags select", []string{"run", "--tags", "@mapping", "--report-dir", filepath.Join(dir, "tags")}, exitOK, "1 scenarios, 1 passed", false},
		{"no scenario matched", []string{"run", "--tags", "@nothing-has-this", "--report-dir", filepath.Join(dir, "none")}, exitUsage, "no scenario matched", false},
		{"unknown fault", []string{"run", "--fault", "nope"}, exitUsage, `unknown fault "nope"`, false},
		{"a tag expression godog cannot read", []string{"run", "--tags", "@bookings &&", "--report-dir", filepath.Join(dir, "badtags")}, exitUsage, `--tags "@bookings &&": "" is not a tag`, false},
		{"a capability of the partner's", []string{"run", "--capability", "notification_model=pull", "--tags", "@pull", "--report-dir", filepath.Join(dir, "pull")}, exitOK, "docplanner: passed against", false},
		{"a capability the platform does not leave open", []string{"run", "--capability", "webhooks=on"}, exitUsage, `capability "webhooks" is not one of docplanner's`, false},
		{"a capability without a value", []string{"run", "--capability", "notification_model"}, exitUsage, "want name=value", false},
		{"explore needs one platform", []string{"explore", "--platform", "all"}, exitUsage, "explore runs one platform at a time", false},
		{"all platforms", []string{"run", "--platform", "all", "--report-dir", filepath.Join(dir, "all")}, exitOK, "all platforms: passed", true},
		{"all platforms, one platform's tag", []string{"run", "--platform", "all", "--tags", "@mapping", "--report-dir", filepath.Join(dir, "all-tag")}, exitOK, "1 scenarios, 1 passed", false},
		{"all with a fault", []string{"run", "--platform", "all", "--fault", "no-reauth"}, exitUsage, "--platform all runs the bundled reference partners", false},
		{"unknown platform", []string{"run", "--platform", "nope"}, exitUsage, `unknown platform "nope"`, false},
		{"a negative latency budget", []string{"run", "--latency-budget", "-5s"}, exitUsage, "--latency-budget -5s: a budget must be positive", false},
		{"missing config", []string{"run", "--config", filepath.Join(dir, "missing.yaml")}, exitUsage, "missing.yaml", false},
		{"unknown flag", []string{"run", "--bogus"}, exitUsage, "bogus", false},
		{"unknown command", []string{"frobnicate"}, exitUsage, "frobnicate", false},
		{"version", []string{"version"}, exitOK, "accord version ", false},
		{"--version", []string{"--version"}, exitOK, "accord version ", false},
		{"help names the platforms", []string{"run", "--help"}, exitOK, "dikidi, docplanner, reach, or all", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.repeats {
				racedetector.SkipRepeat(t, "every platform's suite")
			}
			code, out, errs := accord(t, tt.args...)
			assert.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", tail(out), errs)
			assert.Contains(t, out+errs, tt.contains)
		})
	}
	for _, f := range []string{"cucumber.json", "junit.xml", "summary.json", "report.html", "traffic.har"} {
		assert.FileExists(t, filepath.Join(dir, "ok", f))
	}
}

// TestTheConsoleIsALineAScenarioAndTheReportLast: by default a header, a
// line a scenario and the report's path last; --verbose adds every step
// with its Go location.
func TestTheConsoleIsALineAScenarioAndTheReportLast(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := accord(t, "run", "--tags", "@mapping", "--report-dir", dir)
	require.Equal(t, exitOK, code, out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, "── docplanner against accord reference partner (Docplanner) ──", lines[0])
	assert.Regexp(t, `^  ✓ mapping · .+ \(\d+\.\ds\)$`, lines[1])
	assert.Equal(t, "report: "+filepath.Join(dir, "report.html"), lines[len(lines)-1])
	assert.NotContains(t, out, "_steps.go:", "step locations are --verbose")

	code, out, _ = accord(t, "run", "--tags", "@mapping", "--verbose", "--report-dir", dir)
	require.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "Scenario:")
	assert.Contains(t, out, "_steps.go:")
}

func tail(s string) string {
	if len(s) > 600 {
		return s[len(s)-600:]
	}
	return s
}

func TestFaultsListsNameThenWhatItBreaks(t *testing.T) {
	code, out, _ := accord(t, "faults", "--platform", "docplanner")
	require.Equal(t, exitOK, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.GreaterOrEqual(t, len(lines), 20)
	for _, l := range lines {
		name, breaks, ok := strings.Cut(l, "\t")
		assert.True(t, ok && name != "" && breaks != "", "line %q", l)
	}
}

func TestSignVerifyFlow(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report")
	key := filepath.Join(dir, "accord.key")
	code, _, errs := accord(t, "run", "--tags", "@mapping", "--report-dir", report)
	require.Equal(t, exitOK, code, errs)
	code, _, errs = accord(t, "keygen", "--out", key)
	require.Equal(t, exitOK, code, errs)
	code, out, errs := accord(t, "sign", "--key", key, report)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "signed")
	code, out, _ = accord(t, "verify", "--pub", key+".pub", report)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "sign-off holds")

	html := filepath.Join(report, "report.html")
	b, err := os.ReadFile(html)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(html, b, 0o644))
	code, _, errs = accord(t, "verify", report)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "report.html: changed after signing")

	failed := filepath.Join(dir, "failed")
	code, _, _ = accord(t, "run", "--tags", "@mapping", "--fault", "forgets-insurances", "--report-dir", failed)
	require.Equal(t, exitFailed, code)
	code, _, errs = accord(t, "sign", "--key", key, failed)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "cannot be signed")
	code, _, errs = accord(t, "verify", failed)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "has no sign-off")
	code, _, _ = accord(t, "sign", report)
	assert.Equal(t, exitUsage, code)
}
