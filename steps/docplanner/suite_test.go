package docplanner_test

import (
	"testing"

	"github.com/accord-harness/accord/internal/suitetest"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// clean are the extras a correct partner's run counts nothing in: every
// answer and notification of the mock obeys its own document, and the
// reference partner sends what the document asks for.
var clean = []string{"mock_violations", "mock_warnings"}

// TestReferencePartnerPassesEverything runs every Docplanner feature against
// the correct reference partner: each scenario is a subtest.
func TestReferencePartnerPassesEverything(t *testing.T) {
	suitetest.PassesEverything(t, docplannersteps.Platform{}, suitetest.Correct{Subtests: true, Clean: clean})
}

// TestChoicesTheProtocolLeavesOpenAreNotApplicable: a correct partner that
// made one of the choices Docplanner leaves open (PULL only, PUSH only, no
// real-time checks) passes every scenario that applies to it, and exactly
// the scenarios about the other choice (those whose Given step asks for
// it, read from the features) are reported not applicable, each with the
// capability that rules it out.
func TestChoicesTheProtocolLeavesOpenAreNotApplicable(t *testing.T) {
	suitetest.ChoicesAreNotApplicable(t, docplannersteps.Platform{},
		suitetest.Choice{Name: "PULL only", Capabilities: map[string]string{"notification_model": "pull"},
			OutOfScope: suitetest.HasStep("the partner receives notifications by PUSH")},
		suitetest.Choice{Name: "PUSH only", Capabilities: map[string]string{"notification_model": "push"},
			OutOfScope: suitetest.HasStep("the partner receives notifications by PULL")},
		suitetest.Choice{Name: "no real-time checks", Capabilities: map[string]string{"real_time_checks": "off"},
			OutOfScope: suitetest.HasStep("real-time booking checks are on")},
	)
}
