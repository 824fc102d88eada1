package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accord-harness/accord/internal/runner"
)

// TestAnExplorationIsToldApart: the sharpness of the scenarios aimed at a flow is measured without
// the explorations, which are meant to find every fault.
func TestAnExplorationIsToldApart(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []string
		want  bool
	}{
		{"an exploration", []string{"accord explores 2 sequences of 12 steps from seed 1", "both sides agreed on their whole state after every step"}, true},
		{"one sequence", []string{"accord explores 1 sequence of 5 steps from seed 7"}, true},
		{"a scenario", []string{"the customer presses the sync button", "the on-demand sync completed"}, false},
		{"no steps", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runner.ScenarioResult{Name: tc.name}
			for _, s := range tc.steps {
				r.Steps = append(r.Steps, runner.StepResult{Keyword: "When ", Text: s})
			}
			assert.Equal(t, tc.want, explores(r))
		})
	}
}
