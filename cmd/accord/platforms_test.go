package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryPlatformIsOneEntry holds the registry to what a command takes
// from it: a platform's entry names its own mock command and can serve its
// reference partner, and no name comes twice.
func TestEveryPlatformIsOneEntry(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range registry() {
		require.False(t, seen[e.name()], "%s is in the registry twice", e.name())
		seen[e.name()] = true
		assert.Equal(t, e.name(), e.mock(io.Discard, io.Discard).Name(), "accord mock %s", e.name())
		p, err := e.partner.start(serveOptions{})
		require.NoError(t, err, "%s reference partner", e.name())
		assert.NotNil(t, p)
		assert.NotNil(t, e.partner.reachedAt, "%s: what the platform reaches the partner at", e.name())
	}
	assert.Equal(t, registry()[0].name(), defaultPlatform())
	assert.Len(t, platformNames(), len(seen))
	assert.IsIncreasing(t, platformNames())
}

func TestOneOf(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a or b"},
		{[]string{"docplanner", "dikidi", "reach"}, "docplanner, dikidi or reach"},
	} {
		assert.Equal(t, tc.want, oneOf(tc.names), "%q", tc.names)
	}
}
