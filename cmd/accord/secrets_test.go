package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
)

// TestNoPlatformLeaksASecret runs every platform, correct and with its first
// fault (on a console without colours), and greps every output (console and every report file) for every
// secret the stage handed out and every token seen on the wire.
func TestNoPlatformLeaksASecret(t *testing.T) {
	racedetector.SkipRepeat(t, "every platform's suite, correct and with faults,")
	for _, p := range everyPlatform() {
		name := p.Name()
		// The faulty run's console is not a terminal (no colours), as in CI.
		for _, run := range []struct {
			fault    string
			noColors bool
		}{{"", false}, {p.Faults()[0].Name, true}} {
			fault := run.fault
			t.Run(name+"/"+fault, func(t *testing.T) {
				dir := t.TempDir()
				var console bytes.Buffer
				cfg := runner.Config{}
				if fault != "" {
					cfg.Faults = []string{fault}
				}
				l, err := runner.Open(context.Background(), p, runner.Options{Config: cfg, ReportDir: dir, Console: &console, NoColors: run.noColors})
				require.NoError(t, err)
				t.Cleanup(func() { _ = l.Close() })
				_, err = l.Run(context.Background())
				require.NoError(t, err)
				tr, ok := l.Stage().(runner.Traffic)
				require.True(t, ok, "%s stages must implement runner.Traffic so their reports carry redacted evidence", name)
				secrets := append(tr.Secrets(), wireTokens(tr.OwnJournal())...)
				require.NotEmpty(t, secrets)
				outputs := map[string]string{"console": console.String()}
				files, err := os.ReadDir(dir)
				require.NoError(t, err)
				for _, f := range files {
					b, err := os.ReadFile(filepath.Join(dir, f.Name()))
					require.NoError(t, err)
					outputs[f.Name()] = string(b)
				}
				for out, text := range outputs {
					for _, s := range secrets {
						if len(s) >= 6 && strings.Contains(text, s) {
							t.Errorf("%s contains the secret %s…", out, s[:4])
						}
					}
				}
			})
		}
	}
}

// wireTokens are the tokens that crossed the wire: OAuth answers and
// token query parameters.
func wireTokens(j *journal.Journal) []string {
	var out []string
	for _, e := range j.Select(nil) {
		if u, err := url.Parse(e.URL); err == nil {
			out = append(out, u.Query()["token"]...)
			out = append(out, u.Query()["access_token"]...)
		}
		var body map[string]any
		if json.Unmarshal(e.ResponseBody, &body) == nil {
			for _, k := range []string{"access_token", "refresh_token"} {
				if v, ok := body[k].(string); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}
