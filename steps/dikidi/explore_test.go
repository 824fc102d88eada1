package dikidi_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
	dikidipartner "github.com/accord-harness/accord/mocks/dikidi/refpartner"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// TestTheSameSeedGivesTheSameSequence: the model never reads the partner,
// so a seed gives the same steps twice, and against another correct partner
// too; another seed gives others.
func TestTheSameSeedGivesTheSameSequence(t *testing.T) {
	run := func(p dikidisteps.Platform, seed uint64) []explore.Step {
		t.Helper()
		steps, err := dikidisteps.ExploreOnce(context.Background(), p, runner.Config{}, explore.Options{Seed: seed, Steps: 10})
		require.NoError(t, err)
		require.Len(t, steps, 10)
		return steps
	}
	first := run(dikidisteps.Platform{}, 7)
	assert.Equal(t, first, run(dikidisteps.Platform{}, 7))
	assert.Equal(t, first, run(dikidisteps.Platform{Variant: dikidipartner.VariantAlt}, 7))
	assert.NotEqual(t, first, run(dikidisteps.Platform{}, 8))
}

var shrunkRE = regexp.MustCompile(`^explore: seed \d+: after (\d+) steps the two sides disagree; shrunk to (\d+) steps:\n  Given .*\n((?:  (?:When|And) .*\n)+)  Then both sides agree on their whole state\n`)

// assertShrunk: a failed exploration says how it failed as a short
// Given/When/Then sequence, shorter than the one found, followed by the
// evidence.
func assertShrunk(t *testing.T, fault, reason string) {
	t.Helper()
	m := shrunkRE.FindStringSubmatch(reason)
	if !assert.NotNil(t, m, "fault %s: the exploration's reason is not a shrunk sequence as Gherkin:\n%s", fault, reason) {
		return
	}
	found, _ := strconv.Atoi(m[1])
	shrunk, _ := strconv.Atoi(m[2])
	assert.Equal(t, shrunk, strings.Count(m[3], "\n"), "fault %s: the sequence has the steps it says", fault)
	assert.LessOrEqual(t, shrunk, found, "fault %s", fault)
	assert.LessOrEqual(t, shrunk, 6, "fault %s: shrinking should leave a few steps:\n%s", fault, reason)
	assert.Greater(t, len(reason), len(m[0]), "fault %s: the evidence follows the sequence", fault)
	t.Logf("fault %s, exploration's reason:\n%s", fault, reason)
}
