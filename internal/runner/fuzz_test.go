package runner

import (
	"strings"
	"testing"
)

// FuzzParseFile: any bytes give a config or an error that names the file,
// never a panic.
func FuzzParseFile(f *testing.F) {
	for _, s := range []string{
		"partner:\n  driver_url: http://127.0.0.1:7070\n",
		"platform: docplanner\npartner:\n  driver_url: ${HOME}\n  timeout: 5s\nchecks:\n  latency_budget: 1m\n",
		"partner: [\n", "partner:\n  timeout: -5s\n  driver_url: http://x\n", "\x00\xff", "- a\n- b\n", "partner: &a\n  x: *a\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseFile("fuzz.yaml", data)
		if err == nil {
			if cfg == nil || cfg.Partner.DriverURL == "" {
				t.Fatalf("accepted a config without a driver URL: %q", data)
			}
			return
		}
		if !strings.Contains(err.Error(), "fuzz.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
