package steps_test

import (
	"testing"

	"github.com/accord-harness/accord/examples/minimal/steps"
	"github.com/accord-harness/accord/internal/suitetest"
)

// The smallest set a platform keeps: its reference partner passes every
// scenario of its features, and every fault of its catalogue is caught by
// the scenario meant to catch it, with a reason that names the flow.

func TestReferencePartnerPassesEverything(t *testing.T) {
	suitetest.PassesEverything(t, steps.Platform{}, suitetest.Correct{})
}

func TestEveryFaultIsCaught(t *testing.T) {
	suitetest.EveryFaultIsCaught(t, suitetest.Faults{
		Platform: steps.Platform{},
		Catches:  map[string][]string{"keeps-bookings-to-itself": {"Every booking the partner's staff make reaches the platform"}},
		Flows:    []string{"bookings"},
		Named:    true,
	})
}

func TestUnreachablePartnerIsNamedAtStart(t *testing.T) {
	suitetest.UnreachablePartnerIsNamedAtStart(t, steps.Platform{})
}

func TestFaultWithExternalPartnerIsRefused(t *testing.T) {
	suitetest.FaultWithExternalPartnerIsRefused(t, steps.Platform{})
}
