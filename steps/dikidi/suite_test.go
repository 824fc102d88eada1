package dikidi_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// clean are the extras a correct partner's run counts nothing in: every
// answer and event of the mock obeys its own document.
var clean = []string{"mock_violations"}

// TestReferencePartnerPassesEverything runs every DIKIDI feature against the
// correct reference partner: each scenario is a subtest.
func TestReferencePartnerPassesEverything(t *testing.T) {
	suitetest.PassesEverything(t, dikidisteps.Platform{}, suitetest.Correct{Subtests: true, Clean: clean})
}

// TestVerdictsDoNotDependOnWhenTheRunStarts runs every scenario with the run
// clock started at hours and dates that trip clocks: early morning UTC
// (already later in Moscow) the day before Europe changes to summer time
// (Moscow itself keeps UTC+3 all year), minutes before midnight of a Sunday
// in the salon's zone, and the last evening of a month and of a year.
func TestVerdictsDoNotDependOnWhenTheRunStarts(t *testing.T) {
	moscow, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	var starts []suitetest.Start
	for _, at := range []time.Time{
		time.Date(2027, 3, 27, 1, 55, 0, 0, time.UTC), // Europe's clocks go forward at 01:00 UTC on the 28th
		time.Date(2026, 12, 6, 23, 58, 0, 0, moscow),  // a Sunday
		time.Date(2026, 12, 31, 23, 30, 0, 0, moscow),
	} {
		starts = append(starts, suitetest.Start{Name: at.Format("Mon 2006-01-02 15:04 MST"), At: at})
	}
	suitetest.NoVerdictDependsOnWhenTheRunStarts(t, suitetest.Starts{Platform: dikidisteps.Platform{}, Correct: suitetest.Correct{Clean: clean}, At: starts})
}

// TestChoicesDIKIDILeavesOpenAreNotApplicable: DIKIDI's key leaves the Path
// optional, so a partner may take no events and read DIKIDI instead
// (capability events=none; the bundled partner then polls every ten seconds
// of the run clock). It passes every scenario but those about events at a
// Path, which are not applicable and say why; the delivery flow is still
// checked for it, by the changes made while it could not reach DIKIDI, so
// its run passes.
func TestChoicesDIKIDILeavesOpenAreNotApplicable(t *testing.T) {
	aboutThePath := regexp.MustCompile(`^(the network loses (the next|the partner's answer)|DIKIDI delivered the|the partner's Path starts failing|the business entered the e-mail|the partner's Path also takes)`)
	suitetest.ChoicesAreNotApplicable(t, dikidisteps.Platform{}, suitetest.Choice{
		Capabilities: map[string]string{"events": "none"},
		Verdict:      runner.VerdictPassed,
		OutOfScope: func(s suitetest.Scenario) bool {
			for _, st := range s.Steps {
				if aboutThePath.MatchString(st.Text) {
					return true
				}
			}
			return false
		},
		Then: func(t *testing.T, sum *runner.Summary) {
			assert.Zero(t, sum.Extras["event_deliveries"], "no Path, no event")
		},
	})
}
