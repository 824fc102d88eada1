package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/waivers"
	"github.com/accord-harness/accord/reports"
)

// traffic is a session whose journal the test fills.
type traffic struct {
	Stage
	j *journal.Journal
}

func (t traffic) OwnJournal() *journal.Journal { return t.j }
func (traffic) Secrets() []string              { return nil }

// TestWarningsAreCountedOncePerOperationFieldAndMessage: the same tolerated
// deviation on every item of a list, on every call, is one warning with its
// count, so the list stays readable.
func TestWarningsAreCountedOncePerOperationFieldAndMessage(t *testing.T) {
	j := journal.New()
	tolerated := journal.Violation{In: "body", Field: "slots[0].start", Rule: "format", Message: "date-time without seconds"}
	j.Add(journal.Entry{Operation: "replaceSlots", Warnings: []journal.Violation{tolerated, {In: "body", Field: "slots[7].start", Rule: "format", Message: "date-time without seconds"}}})
	j.Add(journal.Entry{Operation: "replaceSlots", Warnings: []journal.Violation{tolerated}})
	j.Add(journal.Entry{Operation: "getBalanceSheet", Warnings: []journal.Violation{{Field: "GeneratedAt", Message: "not in the specification"}}})
	j.Add(journal.Entry{Operation: "bookSlot"})
	assert.Equal(t, []reports.Warning{
		{Operation: "getBalanceSheet", Field: "GeneratedAt", Message: "not in the specification", Count: 1},
		{Operation: "replaceSlots", Field: "slots[].start", Message: "date-time without seconds", Count: 3},
	}, warningsOf(traffic{j: j}))
	assert.Empty(t, warningsOf(traffic{j: journal.New()}))
}

// TestWarningsPassARunOnlyWithWarnings: warnings turn passed into passed
// with warnings, and nothing else; both let the run through.
func TestWarningsPassARunOnlyWithWarnings(t *testing.T) {
	some := []reports.Warning{{Operation: "replaceSlots", Message: "tolerated", Count: 1}}
	tests := []struct {
		verdict  string
		warnings []reports.Warning
		want     string
		passes   bool
	}{
		{VerdictPassed, nil, VerdictPassed, true},
		{VerdictPassed, some, VerdictPassedWithWarnings, true},
		{VerdictFailed, some, VerdictFailed, false},
		{VerdictIncomplete, some, VerdictIncomplete, false},
	}
	for _, tt := range tests {
		t.Run(tt.verdict+" "+tt.want, func(t *testing.T) {
			s := &Summary{Verdict: tt.verdict}
			s.applyWarnings(tt.warnings)
			assert.Equal(t, tt.want, s.Verdict)
			assert.Equal(t, tt.passes, Passed(s.Verdict))
			assert.Equal(t, tt.warnings, s.Warnings)
		})
	}
	assert.Equal(t, VerdictPassedWithWarnings, worse(VerdictPassed, VerdictPassedWithWarnings))
	assert.Equal(t, VerdictIncomplete, worse(VerdictPassedWithWarnings, VerdictIncomplete))
}

// TestJUnitCarriesTheVerdictLevel: counts alone cannot say "passed with
// warnings"; the first suite's properties do, with the warnings.
func TestJUnitCarriesTheVerdictLevel(t *testing.T) {
	sum := &Summary{Platform: "docplanner", Verdict: VerdictPassedWithWarnings,
		Warnings:  []reports.Warning{{Operation: "replaceSlots", Field: "slots[].start", Message: "tolerated", Count: 2}},
		Scenarios: []ScenarioResult{{Feature: "Schedules", Name: "A", Status: "passed"}, {Feature: "Breaks", Name: "B", Status: "passed"}}}
	path := filepath.Join(t.TempDir(), JUnitFile)
	require.NoError(t, writeJUnit(path, sum))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(b), `<testsuite name="Schedules" tests="1" failures="0" skipped="0">
    <properties>
      <property name="verdict" value="passed with warnings"></property>
      <property name="warning" value="replaceSlots slots[].start: tolerated (2 times)"></property>
    </properties>`)
	assert.Equal(t, 1, strings.Count(string(b), "<properties>"), "once, for the whole run")
}

// TestWaiversWaiveOnlyWhatTheyCoverWhileValid: a covered failure is waived
// with the waiver's reason and the run passes with waivers; an expired
// waiver leaves it failed and is named; one covering no failure is stale;
// any failure not covered fails the run whatever else is waived.
func TestWaiversWaiveOnlyWhatTheyCoverWhileValid(t *testing.T) {
	set, err := waivers.Parse("w.yaml", []byte(`waivers:
  - {scenario: A, reason: known, approved_by: specialist, expires: 2027-01-31}
  - {requirement: DP-BRK-2, reason: later, approved_by: specialist, expires: 2026-12-01}
  - {scenario: C, reason: fixed since, approved_by: specialist, expires: 2027-01-31}
`))
	require.NoError(t, err)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) // the second waiver expired yesterday
	tests := []struct {
		name     string
		statuses [2]string // of A and of B (which traces to DP-BRK-2)
		verdict  string
		waivers  []string
		note     string
	}{
		{"A waived", [2]string{"failed", "passed"}, VerdictPassedWithWaivers, []string{WaiverApplied, WaiverStale, WaiverStale}, `the waiver for scenario "C" (line 4) is stale`},
		{"B's waiver expired", [2]string{"passed", "failed"}, VerdictFailed, []string{WaiverStale, WaiverExpired, WaiverStale}, "the waiver for requirement DP-BRK-2 (line 3) expired on 2026-12-01 and covers nothing"},
		{"one waived, one not", [2]string{"failed", "failed"}, VerdictFailed, []string{WaiverApplied, WaiverExpired, WaiverStale}, "expired on 2026-12-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := summarize(cucumber("x.feature", [3]any{"A", 3, tt.statuses[0]}, [3]any{"B", 9, tt.statuses[1]}))
			require.NoError(t, err)
			sum.Scenarios[1].Requirements = []string{"DP-BRK-2"}
			sum.applyOutcomes(nil, nil, nil, nil)
			sum.applyWaivers(set, now)
			sum.applyOutcomes(nil, nil, nil, nil)
			assert.Equal(t, tt.verdict, sum.Verdict)
			var states []string
			for _, w := range sum.Waivers {
				states = append(states, w.Status)
			}
			assert.Equal(t, tt.waivers, states)
			assert.Contains(t, sum.waiverNote(), tt.note)
			if tt.statuses[0] == "failed" {
				assert.Equal(t, "waived", sum.Scenarios[0].Status)
				assert.Contains(t, sum.Scenarios[0].Reason, "waived until 2027-01-31, approved by specialist: known")
				assert.Equal(t, 1, sum.Counts.Waived)
				assert.Equal(t, []string{"A"}, sliceNames(sum.Waived()))
			}
		})
	}
}

func sliceNames(rs []ScenarioResult) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}
