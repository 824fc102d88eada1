package waivers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/requirements"
	"github.com/accord-harness/accord/internal/waivers"
)

const file = `waivers:
  - scenario: "Every resource of the clinic is mapped"
    reason: "insurance plans come in release 2.3"
    approved_by: "integration specialist"
    expires: 2027-01-31
  - requirement: DP-BRK-2
    reason: "doctor's breaks come later"
    approved_by: "integration specialist"
    expires: 2026-12-01
`

func TestParseNamesTheFileAndLineOfEveryMistake(t *testing.T) {
	set, err := waivers.Parse("w.yaml", []byte(file))
	require.NoError(t, err)
	require.Len(t, set.Waivers, 2)
	assert.Equal(t, waivers.Waiver{Requirement: "DP-BRK-2", Reason: "doctor's breaks come later", ApprovedBy: "integration specialist", Expires: "2026-12-01", Line: 6}, set.Waivers[1])
	tests := []struct{ name, old, new, want string }{
		{"unknown key", "    approved_by: \"integration specialist\"\n    expires: 2027", "    approved: x\n    expires: 2027",
			"waivers w.yaml:4: waivers[0].approved: unknown field (known here: scenario, requirement, reason, approved_by, expires)"},
		{"both", "  - requirement: DP-BRK-2", "  - requirement: DP-BRK-2\n    scenario: x", "waivers w.yaml:6: a waiver names a scenario or a requirement, one of them"},
		{"no reason", "    reason: \"insurance plans come in release 2.3\"\n", "", `waivers w.yaml:2: scenario "Every resource of the clinic is mapped": reason missing`},
		{"no approver", "    approved_by: \"integration specialist\"\n    expires: 2027-01-31\n", "    expires: 2027-01-31\n", "approved_by missing"},
		{"no date", "expires: 2027-01-31", "expires: end of January", `expires "end of January" is not a date (YYYY-MM-DD)`},
		{"no expiry", "    expires: 2027-01-31\n", "", "expires missing"},
		{"not YAML", "waivers:", "waivers: [", "waivers w.yaml: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := strings.Replace(file, tt.old, tt.new, 1)
			require.NotEqual(t, file, raw)
			_, err := waivers.Parse("w.yaml", []byte(raw))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCheckRefusesAWaiverForNothing(t *testing.T) {
	set, err := waivers.Parse("w.yaml", []byte(file))
	require.NoError(t, err)
	cat, err := requirements.Parse("r.yaml", []byte("platform: docplanner\nprefix: DP\ndocuments: [{id: s, title: S, where: x}]\nrequirements:\n  - {id: DP-BRK-2, requirement: r, source: s § x}\n"))
	require.NoError(t, err)
	mapped := []requirements.Scenario{{Name: "Every resource of the clinic is mapped"}}
	require.NoError(t, set.Check(mapped, cat))
	assert.EqualError(t, set.Check([]requirements.Scenario{{Name: "Other"}}, cat), `waivers w.yaml:2: no scenario is named "Every resource of the clinic is mapped"`)
	assert.EqualError(t, set.Check(mapped, nil), "waivers w.yaml:6: requirement DP-BRK-2: this platform lists no requirements")
}

// TestAWaiverCoversUntilTheEndOfItsDay: the expiry day is the last one it
// applies, in the run's time zone.
func TestAWaiverCoversUntilTheEndOfItsDay(t *testing.T) {
	set, err := waivers.Parse("w.yaml", []byte(file))
	require.NoError(t, err)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateTime, s); return d }
	tests := []struct {
		name, scenario string
		traces         []string
		now            time.Time
		valid          int // the waiver's line, 0 for none
		expired        int
	}{
		{"by name, on its last day", "Every resource of the clinic is mapped", nil, day("2027-01-31 23:59:59"), 2, 0},
		{"by name, the day after", "Every resource of the clinic is mapped", nil, day("2027-02-01 00:00:00"), 0, 1},
		{"by requirement", "Breaks managed on Docplanner reach the partner's system", []string{"DP-BRK-2"}, day("2026-11-30 12:00:00"), 6, 0},
		{"by an expired requirement", "Breaks managed on Docplanner reach the partner's system", []string{"DP-BRK-2"}, day("2026-12-02 08:00:00"), 0, 1},
		{"not covered", "A cancellation", []string{"DP-BKG-2"}, day("2026-11-30 12:00:00"), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			valid, expired := set.Covering(tt.scenario, tt.traces, tt.now)
			if tt.valid == 0 {
				assert.Nil(t, valid)
			} else {
				require.NotNil(t, valid)
				assert.Equal(t, tt.valid, valid.Line)
			}
			assert.Len(t, expired, tt.expired)
		})
	}
}
