package docplanner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/racedetector"
	"github.com/accord-harness/accord/internal/runner"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// capture keeps the stage a run starts, to read its secrets afterwards.
type capture struct {
	docplannersteps.Platform
	stage runner.Stage
}

func (c *capture) Start(ctx context.Context, cfg runner.Config) (runner.Stage, error) {
	s, err := c.Platform.Start(ctx, cfg)
	c.stage = s
	return s, err
}

// TestNoSecretInAnyOutput greps every file of the report directory and the
// console for every client secret and access token the run used, including
// a failing run whose reasons quote refused requests.
func TestNoSecretInAnyOutput(t *testing.T) {
	racedetector.SkipRepeat(t, "the reference partner's suite")
	for _, fault := range []string{"", "no-reauth", "hides-auth-errors"} {
		t.Run("fault="+fault, func(t *testing.T) {
			p := &capture{}
			dir := t.TempDir()
			var console bytes.Buffer
			cfg := runner.Config{}
			if fault != "" {
				cfg.Faults = []string{fault}
			}
			_, err := runner.Run(context.Background(), p, runner.Options{Config: cfg, ReportDir: dir, Console: &console})
			require.NoError(t, err)
			tr := p.stage.(runner.Traffic)
			secrets := tr.Secrets()
			for _, e := range tr.OwnJournal().Select(func(e journal.Entry) bool { return e.Operation == "getToken" && e.OK() }) {
				var tok struct {
					AccessToken string `json:"access_token"`
				}
				require.NoError(t, json.Unmarshal(e.ResponseBody, &tok))
				secrets = append(secrets, tok.AccessToken)
			}
			require.Greater(t, len(secrets), 20, "the run used secrets and tokens")
			outputs := map[string]string{"console": console.String()}
			files, err := os.ReadDir(dir)
			require.NoError(t, err)
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(dir, f.Name()))
				require.NoError(t, err)
				outputs[f.Name()] = string(b)
			}
			require.Contains(t, outputs, "traffic.har")
			require.Contains(t, outputs, "report.html")
			for name, text := range outputs {
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s contains the secret %s…", name, s[:6])
					}
				}
			}
		})
	}
}
