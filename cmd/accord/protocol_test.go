package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	docplannerfeatures "github.com/accord-harness/accord/features/docplanner"
	"github.com/accord-harness/accord/internal/browsertest"
	"github.com/accord-harness/accord/internal/requirements"
)

// TestProtocolOpensInABrowser: the Docplanner protocol is one page that
// opens offline in Chromium, runs no script, and holds every requirement of
// the catalogue, each scenario that checks it as written, and the manual
// steps.
func TestProtocolOpensInABrowser(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "protocol.html")
	code, out, errs := accord(t, "protocol", "--platform", "docplanner", "--format", "html", "--out", path)
	require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", tail(out), errs)
	cat, err := requirements.Load(docplannerfeatures.FS, "docplanner")
	require.NoError(t, err)
	scenarios, err := requirements.Blocks(docplannerfeatures.FS)
	require.NoError(t, err)
	tagsShown, manual := 0, 0
	for _, r := range cat.Requirements {
		if r.Manual != "" {
			manual++
		}
	}
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "<script")

	ctx := browsertest.Start(t, dir)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("#docplanner"))))
	count := func(js string) int {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		require.NoError(t, err)
		return v
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err)
		return v
	}
	for _, r := range cat.Requirements {
		if strings.Contains(string(raw), "@req:"+r.ID) {
			tagsShown++
		}
	}
	assert.Equal(t, len(cat.Requirements), count(`document.querySelectorAll("div.requirement").length`))
	assert.Equal(t, manual, count(`document.querySelectorAll("section.manual-steps tr").length`)-1, "a header and one row per manual step")
	assert.Zero(t, tagsShown, "tags are left out of the Gherkin shown")
	assert.GreaterOrEqual(t, count(`document.querySelectorAll("pre.gherkin").length`), len(scenarios), "every scenario is shown at least once")
	assert.Contains(t, text("#DP-MAP-1"), "Scenario: Every resource of the clinic is mapped")
	assert.Contains(t, text("#DP-MAP-1"), `Given the clinic "Clinica Sol" is loaded into the partner's system`, "with its background")
	assert.Contains(t, text("#docplanner-duration"), fmt.Sprintf("%d scenarios", len(scenarios)))
	assert.Contains(t, text("table.capabilities"), "notification_model")
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "accord testing protocol: Docplanner", title)
}

func TestProtocolUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"markdown of every platform", []string{"protocol", "--platform", "all", "--format", "md"}, exitOK, "# Reach: testing protocol"},
		{"unknown format", []string{"protocol", "--format", "pdf"}, exitUsage, `--format "pdf": want html or md`},
		{"unknown platform", []string{"protocol", "--platform", "nope"}, exitUsage, `unknown platform "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := accord(t, tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", errs)
			assert.Contains(t, out+errs, tt.contains)
		})
	}
}
