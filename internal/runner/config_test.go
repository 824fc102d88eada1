package runner

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFile(t *testing.T) {
	t.Setenv("ACCORD_TEST_DRIVER", "http://127.0.0.1:7070")
	tests := []struct {
		name, yaml, want string
	}{
		{"minimal", "partner:\n  driver_url: http://127.0.0.1:7070\n", ""},
		{"env", "partner:\n  driver_url: ${ACCORD_TEST_DRIVER}\n", ""},
		{"unset env", "partner:\n  driver_url: ${ACCORD_TEST_UNSET_VAR}\n", "ACCORD_TEST_UNSET_VAR"},
		{"empty", "", "empty file"},
		{"no driver", "platform: docplanner\n", "partner.driver_url is required"},
		{"bad url", "partner:\n  driver_url: localhost:7070\n", "not an http(s) URL"},
		{"typo", "partner:\n  driver_ulr: http://x\n", "partner.yaml:2: partner.driver_ulr: unknown field (known here: name, driver_url, timeout"},
		{"typo in checks", "partner:\n  driver_url: http://x\nchecks:\n  latency_budgett: 5s\n", "partner.yaml:4: checks.latency_budgett: unknown field (known here: latency_budget)"},
		{"bad yaml", "partner: [\n", "partner.yaml:1: did not find expected node content"},
		{"bad duration", "partner:\n  driver_url: http://x\n  timeout: soon\n", `partner.yaml:3: "soon" is not a duration (use e.g. 30s, 5m, 1h)`},
		{"url with a colon first", "partner:\n  driver_url: ':7070'\n", `":7070" is not an http(s) URL`},
		{"bad model", "partner:\n  driver_url: http://x\n  notification_model: carrier-pigeon\n", "want push or pull"},
		{"model and capability disagree", "partner:\n  driver_url: http://x\n  notification_model: push\n  capabilities:\n    notification_model: pull\n", "disagree"},
		{"capabilities not a map", "partner:\n  driver_url: http://x\n  capabilities: [pull]\n", "partner.yaml:3: must be a mapping of name: value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFile("partner.yaml", []byte(tt.yaml))
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, "http://127.0.0.1:7070", f.Partner.DriverURL)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "partner.yaml")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestExampleConfigLoads(t *testing.T) {
	f, err := LoadFile(filepath.Join("..", "..", "fixtures", "partner.example.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "docplanner", f.Platform)
	assert.Equal(t, 30*time.Second, f.Checks.LatencyBudget)
}

func TestLoadFileNamesMissingFile(t *testing.T) {
	_, err := LoadFile(filepath.Join(t.TempDir(), "nope.yaml"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "nope.yaml")
}
