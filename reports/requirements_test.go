package reports

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/requirements"
)

// TestThePageShowsRequirementsAndWarnings: each requirement is a row with
// its scenarios and a verdict coloured by its own class; the warnings of a
// run that passed with them are listed, escaped as everything else.
func TestThePageShowsRequirementsAndWarnings(t *testing.T) {
	r := sampleRun()
	r.Verdict = "passed with warnings"
	r.Requirements = []requirements.Row{
		{ID: "DP-MAP-1", Requirement: "Every resource is mapped", Source: "Integration process § Acceptance tests",
			Scenarios: []string{"mapping.feature:11 Every resource of the clinic is mapped"}, Verdict: requirements.Passed},
		{ID: "DP-ACT-5", Requirement: "Activated with the customer", Source: "Integration process § Activation",
			Verdict: requirements.Manual, Manual: "the specialist checks " + hostile},
		{ID: "DP-BKG-1", Requirement: "Bookings reach the partner", Source: "Integration process § Acceptance tests", Verdict: requirements.NotApplicable},
	}
	r.Warnings = []Warning{{Operation: "replaceSlots", Field: "slots[].start", Message: "date-time without seconds " + hostile, Count: 3}}
	path := filepath.Join(t.TempDir(), HTMLFile)
	require.NoError(t, WriteHTML(path, r))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	page := string(b)
	assert.Contains(t, page, `<span id="verdict" class="verdict passed_with_warnings">passed with warnings</span>`)
	assert.Contains(t, page, `<p id="requirement-counts">3 requirements, 1 passed, 1 not applicable, 1 manual (checked by hand: no scenario can)</p>`)
	assert.Contains(t, page, `<tr id="req-DP-MAP-1" data-verdict="passed">`)
	assert.Contains(t, page, `mapping.feature:11 Every resource of the clinic is mapped`)
	assert.Contains(t, page, `<span class="verdict not_applicable">not applicable</span>`)
	assert.Contains(t, page, `<td>replaceSlots</td><td>slots[].start</td>`)
	assert.NotContains(t, page, "<script>", "partner-supplied text is escaped")
}
