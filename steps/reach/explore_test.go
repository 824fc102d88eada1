package reach_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// exploreOnce explores one sequence and wants it to have run to its end.
func exploreOnce(t *testing.T, pl reachsteps.Platform, cfg runner.Config, seed uint64, steps int) reachsteps.Explored {
	t.Helper()
	ex, err := reachsteps.ExploreOnce(context.Background(), pl, cfg, seed, steps)
	require.NoError(t, err)
	return ex
}

// TestTheSameSeedGivesTheSameSequence: the model reads neither the partner's answers nor the clock,
// so a seed gives the same steps on every run and against every partner, and another seed gives
// others.
func TestTheSameSeedGivesTheSameSequence(t *testing.T) {
	racedetector.SkipRepeat(t, "the @explore scenario (generation is single-threaded)")
	const steps = 8
	first := exploreOnce(t, reachsteps.Platform{}, runner.Config{}, 11, steps)
	require.NoError(t, first.Err)
	require.Len(t, first.Steps, steps)
	again := exploreOnce(t, reachsteps.Platform{}, runner.Config{}, 11, steps)
	assert.Equal(t, first.Steps, again.Steps, "the same seed, the same partner")
	alt := exploreOnce(t, reachsteps.Platform{Variant: reachpartner.VariantAlt}, runner.Config{ClockStart: time.Date(2027, 1, 3, 1, 55, 0, 0, time.UTC)}, 11, steps)
	require.NoError(t, alt.Err)
	assert.Equal(t, first.Steps, alt.Steps, "the same seed, another partner and another start on the run clock")
	other := exploreOnce(t, reachsteps.Platform{}, runner.Config{}, 12, steps)
	assert.NotEqual(t, first.Steps, other.Steps, "another seed")
}

// TestAPartnerWithStaticTokensIsExploredToo: without OAuth the token never expires; everything
// else is explored the same way, and a correct partner passes.
func TestAPartnerWithStaticTokensIsExploredToo(t *testing.T) {
	racedetector.SkipRepeat(t, "the @explore scenario, with OAuth tokens, whose code this is less the renewals,")
	for seed := uint64(1); seed <= 2; seed++ {
		ex := exploreOnce(t, reachsteps.Platform{}, runner.Config{Capabilities: map[string]string{reachsteps.CapOAuth: "off"}}, seed, 12)
		require.NoError(t, ex.Err, "seed %d", seed)
		for _, s := range ex.Steps {
			assert.NotContains(t, s.Action, "expire", "seed %d: a static token has no life to end", seed)
		}
	}
}

// assertShrunk: a fault the @explore scenario finds fails it with the sequence shrunk to a few steps,
// as Gherkin, and the differences after it. TestEveryFaultIsCaught calls it for every fault that
// fails the scenario: stale-report-cache, which only the exploration finds (no hand-written scenario
// changes the books between two syncs), shrinks to a sync, a month closed and a sync.
func assertShrunk(t *testing.T, fault, reason string) {
	t.Helper()
	t.Logf("fault %s, the exploration's reason:\n%s", fault, reason)
	m := regexp.MustCompile(`^explore: seed \d+: after (\d+) steps the two sides disagree; shrunk to (\d+) steps:\n`).FindStringSubmatch(reason)
	if !assert.NotNil(t, m, "fault %s: the exploration's reason is not a shrunk sequence as Gherkin:\n%s", fault, reason) {
		return
	}
	found, _ := strconv.Atoi(m[1])
	shrunk, _ := strconv.Atoi(m[2])
	assert.LessOrEqual(t, shrunk, 4, "fault %s: shrunk to a few steps", fault)
	assert.LessOrEqual(t, shrunk, found)
	lines := strings.Split(reason, "\n")
	if !assert.Greater(t, len(lines), shrunk+3, reason) {
		return
	}
	assert.Equal(t, "  Given the partner has activated the integration", lines[1])
	assert.Equal(t, "  Then both sides agree on their whole state", lines[shrunk+2])
	assert.Regexp(t, `^(data accuracy|sync stability|sync scheduling|explore):`, lines[shrunk+3], "the differences follow the sequence")
}

// TestExploringAnExternalPartner runs accord explore's plan (seed 7) against the reference partner
// served as any other partner: its own clock, reached through a config's driver URL.
func TestExploringAnExternalPartner(t *testing.T) {
	p, err := reachpartner.New(reachpartner.Options{Clock: clock.New()})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	defer srv.Close()
	cfg, err := runner.ParseFile("partner.yaml", []byte("platform: reach\npartner:\n  name: Lantern Books 2.1\n  driver_url: "+srv.URL+"\n  timeout: 5s\n"))
	require.NoError(t, err)
	sum, err := runner.Run(context.Background(), reachsteps.Platform{}, runner.Options{Tags: "@explore",
		Config: runner.Config{Partner: &cfg.Partner, Explore: explore.Plan{Seed: 7, Sequences: 1, Steps: 8}}})
	require.NoError(t, err)
	for _, f := range sum.Failed() {
		t.Errorf("%s failed at %q: %s", f.Name, f.FailedStep, f.Reason)
	}
	require.Equal(t, "passed", sum.Verdict)
	recs, ok := sum.Extras["explorations"].([]explore.Record)
	require.True(t, ok, "%T", sum.Extras["explorations"])
	require.Len(t, recs, 1)
	assert.Equal(t, explore.Record{Scenario: scenarios["@explore-books"], Seed: 7, Sequences: 1, Steps: 8}, recs[0])
}
