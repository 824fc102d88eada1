package panel_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/browsertest"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// TestAddingAnAPIAccessInARealBrowser is step 1 of DIKIDI's instructions
// done by clicking, in headless Chromium: sign in, Settings → Integration,
// Add access, fill in the form, Add; the key is listed awaiting activation
// and copying shows it. The name typed carries a script, which must stay
// text.
func TestAddingAnAPIAccessInARealBrowser(t *testing.T) {
	w := newWorld(t, dikidimock.Options{})
	dir := t.TempDir()
	ctx := browsertest.Start(t, dir)
	type css = chromedp.CSS
	const name = `ProDoctorov <script>window.__pwned=1</script>`

	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(w.srv.URL+"/panel/"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css(`input[name="company_id"]`), strconv.FormatInt(w.company(), 10)),
		chromedp.SendKeys(css(`input[name="owner_token"]`), ownerToken),
		chromedp.Click(css("#sign-in")),
		chromedp.WaitVisible(css("#nav-integration")),
		chromedp.Click(css("#nav-integration")),
		chromedp.WaitVisible(css("#add-access")),
		chromedp.Click(css("#add-access")),
		chromedp.WaitVisible(css("#add-key")),
		chromedp.SendKeys(css(`input[name="name"]`), name),
		chromedp.SetValue(css(`select[name="access_type"]`), dikidimock.AccessAdministrator),
		chromedp.SendKeys(css(`input[name="partner_key"]`), w.fixture.PartnerKeys[0]),
		chromedp.SendKeys(css(`input[name="path"]`), "https://partner.example/dikidi/events"),
		chromedp.SendKeys(css(`input[name="email"]`), "it@partner.example"),
		chromedp.Click(css("#add")),
		chromedp.WaitVisible(css("#keys")),
	))
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		require.NoError(t, err)
		return v
	}
	notice, state, shownName := text("#notice"), text("#keys tr.key-row .state"), text("#keys tr.key-row .key-name")
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__pwned !== undefined`))
	require.NoError(t, err)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: a PNG, as the name says
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dikidi-panel-api-access.png"), shot, 0o644))

	keys, err := w.mock.Keys(w.company())
	require.NoError(t, err)
	require.Len(t, keys, 1)
	k := keys[0]
	assert.Equal(t, dikidimock.StateAwaiting, k.State, "the mock holds the key the form added")
	assert.Equal(t, name, k.Name)
	assert.Equal(t, w.fixture.PartnerKeys[0], k.PartnerKey)
	assert.Equal(t, "https://partner.example/dikidi/events", k.Path)
	assert.Contains(t, notice, "its key awaits activation by the partner")
	assert.Equal(t, "Awaiting activation of the key", state)
	assert.Equal(t, name, shownName, "the typed script is shown as text")
	assert.False(t, pwned, "and never runs")
	assert.Greater(t, len(shot), 10_000, "the page renders")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(css("#keys tr.key-row a.copy")), chromedp.WaitVisible(css("#key"))))
	key, err := chromedp.Run(ctx, chromedp.Value(css("#key")))
	require.NoError(t, err)
	assert.Equal(t, k.Token, key, "copying shows the whole key, ready to select")
}
