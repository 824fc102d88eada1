package suitetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/driver/drivertest"
	"github.com/accord-harness/accord/internal/runner"
)

// External is a partner served at an address of its own and reached only
// through the config a user would write, as accord reaches any partner.
type External struct {
	// File is the config, read as accord reads partner.yaml.
	File    *runner.File
	answers *drivertest.Answers
}

// ServeExternal serves partner (a reference partner on its own clock) for
// the length of t, every view and action result it answers checked against
// the driver contract's schemas, and reads config, a partner.yaml in which
// %s stands for the partner's driver URL.
func ServeExternal(t *testing.T, p runner.Platform, partner http.Handler, config string) *External {
	t.Helper()
	answers, err := drivertest.NewAnswers(p.Name(), partner)
	require.NoError(t, err)
	srv := httptest.NewServer(answers)
	t.Cleanup(srv.Close)
	// A partner that hands the platform URLs of its own (an events Path)
	// must know where it listens.
	if s, ok := partner.(interface{ SetPublicURL(string) }); ok {
		s.SetPublicURL(srv.URL)
	}
	file, err := runner.ParseFile("partner.yaml", []byte(fmt.Sprintf(config, srv.URL)))
	require.NoError(t, err)
	return &External{File: file, answers: answers}
}

// HeldToTheContract: no answer of the partner broke the driver contract, and
// the run checked at least these of its schemas.
func (e *External) HeldToTheContract(t *testing.T, schemas ...string) {
	t.Helper()
	assert.Empty(t, e.answers.Violations(), "answers of the reference partner off the driver contract")
	assert.Subset(t, e.answers.Checked(), schemas)
}

// RunExternal runs p against partner served as ServeExternal serves it,
// through the config (its partner, and its latency budget unless opts sets
// one), within the time given (the partner waits in real time, the run
// must not), and holds the partner's answers to the driver contract (these
// of its schemas at least) and the summary to the partner's name in the
// config.
func RunExternal(t *testing.T, p runner.Platform, partner http.Handler, config string, opts runner.Options, within time.Duration, schemas ...string) *runner.Summary {
	t.Helper()
	ext := ServeExternal(t, p, partner, config)
	opts.Config.Partner = &ext.File.Partner
	if opts.Config.LatencyBudget == 0 {
		opts.Config.LatencyBudget = ext.File.Checks.LatencyBudget
	}
	start := time.Now()
	sum := Run(t, p, opts)
	assert.Less(t, time.Since(start), within, "nothing waits in real time but the partner's answers")
	ext.HeldToTheContract(t, schemas...)
	assert.Equal(t, ext.File.Partner.Name, sum.Partner)
	return sum
}
