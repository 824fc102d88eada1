package runner

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cucumber(uri string, scenarios ...[3]any) []byte {
	var els []map[string]any
	for _, s := range scenarios {
		els = append(els, map[string]any{"name": s[0], "line": s[1], "type": "scenario",
			"steps": []map[string]any{{"keyword": "Then ", "name": "it works", "result": map[string]any{"status": s[2]}}}})
	}
	raw, _ := json.Marshal([]map[string]any{{"uri": uri, "name": "Bookings", "elements": els}})
	return raw
}

// TestARerunReplacesTheScenarioInPlace: the report keeps one result per
// scenario, the latest, where the scenario stands in its feature.
func TestARerunReplacesTheScenarioInPlace(t *testing.T) {
	l := &Live{}
	require.NoError(t, l.merge(cucumber("bookings.feature", [3]any{"A", 10, "passed"}, [3]any{"B", 20, "failed"})))
	require.NoError(t, l.merge(cucumber("bookings.feature:20", [3]any{"B", 20, "passed"})))
	require.NoError(t, l.merge(cucumber("breaks.feature", [3]any{"C", 5, "passed"})))
	raw, err := json.Marshal(l.features)
	require.NoError(t, err)
	sum, err := summarize(raw)
	require.NoError(t, err)
	require.Len(t, sum.Scenarios, 3)
	assert.Equal(t, []string{"bookings.feature:10", "bookings.feature:20", "breaks.feature:5"},
		[]string{sum.Scenarios[0].Location, sum.Scenarios[1].Location, sum.Scenarios[2].Location})
	assert.Equal(t, "passed", sum.Scenarios[1].Status)
	assert.Equal(t, "passed", sum.Verdict)
}

// TestScenariosStandInTheirFilesOrder: a run of "f.feature:77" and
// "f.feature:106" gets godog's report of the second first (it orders by
// name); the summary keeps the file's order.
func TestScenariosStandInTheirFilesOrder(t *testing.T) {
	l := &Live{}
	var first, second []any
	require.NoError(t, json.Unmarshal(cucumber("bookings.feature:106", [3]any{"B", 106, "passed"}), &first))
	require.NoError(t, json.Unmarshal(cucumber("bookings.feature:77", [3]any{"A", 77, "passed"}), &second))
	pass, err := json.Marshal(append(first, second...))
	require.NoError(t, err)
	require.NoError(t, l.merge(pass))
	raw, err := json.Marshal(l.features)
	require.NoError(t, err)
	sum, err := summarize(raw)
	require.NoError(t, err)
	require.Len(t, sum.Scenarios, 2)
	assert.Equal(t, []string{"bookings.feature:77", "bookings.feature:106"}, []string{sum.Scenarios[0].Location, sum.Scenarios[1].Location})
}

// TestSkippedScenariosNeverPass: a skip proves nothing, so a run with one
// is incomplete, and a failure elsewhere still fails it.
func TestSkippedScenariosNeverPass(t *testing.T) {
	tests := []struct {
		name     string
		statuses []string
		skips    map[string]string
		verdict  string
		counts   Counts
	}{
		{"all passed", []string{"passed", "passed"}, nil, "passed", Counts{Scenarios: 2, Passed: 2}},
		{"one skipped", []string{"passed", "skipped"}, map[string]string{"bookings.feature\x00B": "no receptionist"}, "incomplete", Counts{Scenarios: 2, Passed: 1, Skipped: 1}},
		{"skipped and failed", []string{"failed", "skipped"}, map[string]string{"bookings.feature\x00B": "no receptionist"}, "failed", Counts{Scenarios: 2, Failed: 1, Skipped: 1}},
		{"a skip after a failed step is a failure", []string{"passed", "failed"}, map[string]string{"bookings.feature\x00B": "late"}, "failed", Counts{Scenarios: 2, Passed: 1, Failed: 1}},
		{"skipped without the operator's reason is a failure", []string{"passed", "skipped"}, nil, "failed", Counts{Scenarios: 2, Passed: 1, Failed: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := summarize(cucumber("bookings.feature", [3]any{"A", 10, tt.statuses[0]}, [3]any{"B", 20, tt.statuses[1]}))
			require.NoError(t, err)
			sum.applyOutcomes(tt.skips, nil, nil, nil)
			assert.Equal(t, tt.verdict, sum.Verdict)
			assert.Equal(t, tt.counts, sum.Counts)
			if tt.verdict == "incomplete" {
				assert.Equal(t, "skipped by the operator: no receptionist", sum.Scenarios[1].Reason)
			}
		})
	}
}
