package docplanner_test

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	docplannerpartner "github.com/accord-harness/accord/mocks/docplanner/refpartner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// withFeature is the Docplanner platform running one feature of a test's own.
type withFeature struct {
	docplannersteps.Platform
	feature string
}

func (p withFeature) Features() fs.FS {
	return fstest.MapFS{"test.feature": {Data: []byte(p.feature)}}
}

// unwaited adds, moves and removes a break one right after the other, as
// the coverage scenario once did.
const unwaited = `@docplanner
Feature: changes one after another
  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  Scenario: a break added, moved and removed at once
    Given the partner has activated the integration
    When the receptionist adds a break at "anna-centrum" next Friday from 09:00 to 09:30
    And the receptionist moves that break to next Friday from 10:00 to 10:30
    And the receptionist removes that break
    And 1 minutes pass
    Then the partner called every operation the acceptance requires
`

// TestCoverageGivesABatchingPartnerEveryChance: a partner that gathers its
// changes and sends them in batches (the alternative build) merges a break
// added, moved and removed at once into nothing, which is correct, so it
// never moves or removes a break there. "All methods implemented" must not
// hang on that timing: the coverage scenario makes each change only once
// the one before is on Docplanner, and the batching partner passes it.
func TestCoverageGivesABatchingPartnerEveryChance(t *testing.T) {
	run := func(p runner.Platform, tags string) *runner.Summary {
		t.Helper()
		sum, err := runner.Run(context.Background(), p, runner.Options{Tags: tags})
		require.NoError(t, err)
		return sum
	}
	immediate := run(withFeature{docplannersteps.Platform{}, unwaited}, "")
	batching := run(withFeature{docplannersteps.Platform{Variant: docplannerpartner.VariantAlt}, unwaited}, "")
	require.Len(t, immediate.Failed(), 1, "the scenario covers only breaks: other operations are missing")
	require.Len(t, batching.Failed(), 1)
	for _, op := range []string{"moveCalendarBreak", "deleteCalendarBreak"} {
		assert.NotContains(t, immediate.Failed()[0].Reason, op, "a partner sending each change at once calls %s", op)
		assert.Contains(t, batching.Failed()[0].Reason, op, "the batching partner merged the three changes into none")
	}

	sum := run(docplannersteps.Platform{Variant: docplannerpartner.VariantAlt}, "@coverage")
	require.Equal(t, 1, sum.Counts.Scenarios)
	for _, f := range sum.Failed() {
		t.Errorf("the batching partner failed %q at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
}
