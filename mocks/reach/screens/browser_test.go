package screens_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/browsertest"
)

// TestACustomerConnectsAndSyncsInARealBrowser: in headless Chromium, the customer signs in, connects
// the partner on the consent page by clicking Allow, presses Sync now and sees the sync listed.
// Screenshots of the consent page and the connection land in the test's folder, or in
// $ACCORD_SCREENSHOTS when set (PNG).
func TestACustomerConnectsAndSyncsInARealBrowser(t *testing.T) {
	s := newSite(t, siteOptions{companies: 1}) // one company: the sync is quick under the race detector
	dir := t.TempDir()
	shots := os.Getenv("ACCORD_SCREENSHOTS")
	if shots == "" {
		shots = dir
	}
	ctx := browsertest.Start(t, dir)
	// screenshot takes what the window shows, as PNG.
	screenshot := func(name string) {
		t.Helper()
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		assert.Greater(t, len(shot), 10_000, "the page renders")
		require.NoError(t, os.WriteFile(filepath.Join(shots, name), shot, 0o644))
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err)
		return v
	}

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/reach/"),
		chromedp.WaitVisible(chromedp.CSS(`#login input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`#login input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`#login input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`#login button`)),
		chromedp.WaitVisible(chromedp.CSS(`#connect-oauth button`)),
		chromedp.Click(chromedp.CSS(`#connect-oauth button`)),
		chromedp.WaitVisible(chromedp.CSS(`#allow`)),
	))
	assert.Contains(t, text("#consent h1"), "Connect Lantern Books to Reach")
	screenshot("reach-consent.png")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#allow`)),
		chromedp.WaitVisible(chromedp.CSS(`#sync-now button`)),
	))
	assert.Contains(t, text("#notice"), "Connected Lantern Books")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#sync-now button`)),
		chromedp.WaitVisible(chromedp.CSS(`#syncs tr.sync`)),
	))
	assert.Contains(t, text("#notice"), "Sync 1 completed; companies read: 1.")
	row := text("#syncs tr.sync")
	assert.Contains(t, row, "on-demand")
	assert.Contains(t, row, "completed")
	screenshot("reach-connection.png")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#syncs a.dashboard`)),
		chromedp.WaitVisible(chromedp.CSS(`section h1`)),
	))
	assert.Equal(t, "Lantern Physiotherapy Pty Ltd", text("section h1"), "the dashboard of the synced books")
	screenshot("reach-dashboard.png")
}
