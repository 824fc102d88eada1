package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadInputIsOneLineAndExitTwo(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte("# a list\nmocks/x/refpartner/a.go | f | constant | `1` -> `0`\n"), 0o644))
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"negative sample", []string{"-sample", "-1"}, "-sample >= 0"},
		{"no jobs", []string{"-jobs", "0"}, "-jobs >= 1"},
		{"score over 100", []string{"-min-score", "101"}, "-min-score 0..100"},
		{"stray argument", []string{"docplanner"}, "flags only"},
		{"unknown platform", []string{"-platform", "nowhere"}, `unknown platform "nowhere"; there are: `},
		{"a bad equivalents list", []string{"-equivalents", bad}, "bad.txt: line 2: every equivalent mutant needs its reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, 2, run(tt.args, &stdout, &stderr))
			assert.Empty(t, stdout.String())
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr.String()), "\n")+1, stderr.String())
			assert.Contains(t, stderr.String(), tt.says)
		})
	}
}
