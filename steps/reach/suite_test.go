package reach_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/suitetest"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// clean are the extras a correct partner's run counts nothing in: no answer
// breaks the Reach specification.
var clean = []string{"violations"}

// TestReferencePartnerPassesEverything runs every Reach feature against the correct reference
// partner: each scenario is a subtest. The dashboard lands in the report directory.
func TestReferencePartnerPassesEverything(t *testing.T) {
	dir := t.TempDir()
	suitetest.PassesEverything(t, reachsteps.Platform{}, suitetest.Correct{Subtests: true, Clean: clean, Options: runner.Options{ReportDir: dir}})
	page, err := os.ReadFile(filepath.Join(dir, reachsteps.DashboardFile))
	require.NoError(t, err)
	require.True(t, strings.Contains(string(page), "Lantern Physiotherapy Pty Ltd"), "the dashboard names the company")
}

// TestChoicesReachLeavesOpenAreNotApplicable: a partner that hands Reach static tokens only
// (capability oauth: off) is not tried on OAuth; the run names the scenarios it left out and why,
// and every other authentication scenario passes.
func TestChoicesReachLeavesOpenAreNotApplicable(t *testing.T) {
	suitetest.ChoicesAreNotApplicable(t, reachsteps.Platform{}, suitetest.Choice{
		Tags:         "@auth",
		Capabilities: map[string]string{reachsteps.CapOAuth: "off"},
		OutOfScope:   suitetest.HasStep("the partner runs an OAuth 2.0 server for Reach"),
	})
}
