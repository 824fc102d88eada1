package reports

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumPath finds the browser; .ci/run installs Debian's chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("ACCORD_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: the report is checked in a real browser; install it (apt-get install -y chromium) or set ACCORD_CHROMIUM")
	return ""
}

// TestReportInARealBrowser loads report.html in headless Chromium, offline,
// reads what it renders and checks a hostile partner body did not run.
func TestReportInARealBrowser(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, HTMLFile)
	require.NoError(t, WriteHTML(path, sampleRun()))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate("file://"+path),
		chromedp.WaitReady(chromedp.CSS("#verdict")),
	))
	text := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		require.NoError(t, err)
		return v
	}
	count := func(js string) int {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		require.NoError(t, err)
		return v
	}
	title := text(chromedp.Title())
	verdict := text(chromedp.Text(chromedp.CSS("#verdict")))
	partner := text(chromedp.Text(chromedp.CSS("#partner")))
	counts := text(chromedp.Text(chromedp.CSS("#counts")))
	failureReason := text(chromedp.Text(chromedp.CSS("#failures .reason")))
	scenarios := count(`document.querySelectorAll("details.scenario").length`)
	openScenarios := count(`document.querySelectorAll("details.scenario[open]").length`)
	violationRows := count(`document.querySelectorAll("table.violations tr").length`)
	firstJudged := count(`document.querySelector("details.scenario[open] details.exchange").classList.contains("judged") ? 1 : 0`)
	charts := count(`document.querySelectorAll("#figures svg.chart").length`)
	drawnBars := count(`Array.from(document.querySelectorAll("#figures svg.chart rect")).filter(r => r.getBoundingClientRect().width > 0).length`)
	way := text(chromedp.Text(chromedp.CSS("details.exchange summary .way")))
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__pwned !== undefined || document.title === "pwned"`))
	require.NoError(t, err)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(60))
	require.NoError(t, err)
	assert.Equal(t, "failed", verdict)
	assert.Equal(t, "Evil <b>Partner</b>", partner, "partner text shows as text")
	assert.Equal(t, "2 scenarios: 1 passed, 1 failed", counts)
	assert.Contains(t, failureReason, "bookings (Docplanner → partner)")
	assert.Contains(t, failureReason, "<script>", "the hostile text is shown, inert")
	assert.Equal(t, 2, scenarios)
	assert.Equal(t, 1, openScenarios, "the failed scenario is open, the passed one closed")
	assert.Equal(t, 2, violationRows, "header and one violation")
	assert.False(t, pwned, "a partner's body must not run script in the specialist's browser")
	assert.Contains(t, title, "failed")
	assert.Equal(t, 1, firstJudged, "the failed scenario's evidence leads with what its failing step judged")
	assert.Equal(t, 3, charts, "latencies, activation timeline and API coverage are drawn")
	assert.GreaterOrEqual(t, drawnBars, 6, "the charts' bars render with a width")
	assert.Equal(t, "partner → Docplanner", way, "directions are said as people think of them (the first: the judged deleteSlots)")
	assert.Greater(t, len(shot), 10_000, "the page renders")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.png"), shot, 0o644))
}
