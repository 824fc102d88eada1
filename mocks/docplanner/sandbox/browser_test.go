package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/browsertest"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
	docplannerpartner "github.com/accord-harness/accord/mocks/docplanner/refpartner"
	"github.com/accord-harness/accord/mocks/docplanner/sandbox"
)

// TestAPatientBooksInARealBrowser is the sandbox as a person uses it, in
// headless Chromium, with the bundled reference partner connected by PUSH:
// sign in with the client's id and secret, open a calendar's next week, press
// a free slot; the partner's own view then holds the visit Docplanner pushed.
// A screenshot of the week with the booking lands in the test's folder, or in
// $ACCORD_SCREENSHOTS (PNG).
func TestAPatientBooksInARealBrowser(t *testing.T) {
	clk := clock.New() // real time: the partner and the browser live in it
	m, err := docplannermock.New(docplannermock.Options{Clock: clk})
	require.NoError(t, err)
	f, err := docplannerfixture.Clinic()
	require.NoError(t, err)
	const client, secret = "sandbox-person", "s3cret"
	m.AddTenant(client, secret, f)
	mux := http.NewServeMux()
	mux.Handle(sandbox.Prefix, sandbox.New(m, sandbox.Options{}))
	mux.Handle("/", m)
	platform := httptest.NewServer(mux)
	defer platform.Close()

	p, err := docplannerpartner.New(docplannerpartner.Options{Clock: clk})
	require.NoError(t, err)
	partnerSrv := httptest.NewServer(p)
	defer partnerSrv.Close()
	p.SetPublicURL(partnerSrv.URL)
	drv, err := driver.New(partnerSrv.URL, 10*time.Second)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, drv.Reset(ctx, "docplanner", map[string]any{
		"base_url": platform.URL + "/api/v3/integration", "token_url": platform.URL + "/oauth/v2/token",
		"client_id": client, "client_secret": secret, "notification_model": "push",
	}))
	require.NoError(t, drv.LoadFixture(ctx, f.ForDriver(clk.Now().In(f.Location()))))
	require.NoError(t, drv.Act(ctx, "activate", map[string]any{}, nil))
	visits := func() []map[string]any {
		t.Helper()
		var vs []map[string]any
		require.NoError(t, drv.View(ctx, "bookings", &vs))
		return vs
	}
	before := len(visits())

	dir := t.TempDir()
	shots := os.Getenv("ACCORD_SCREENSHOTS")
	if shots == "" {
		shots = dir
	}
	b := browsertest.Start(t, dir)
	type css = chromedp.CSS
	address := f.Platform.Facilities[0].Doctors[0].Addresses[0].ID
	week := clk.Now().In(f.Location()).AddDate(0, 0, 7).Format("2006-01-02")
	require.NoError(t, chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(platform.URL+"/sandbox/"),
		chromedp.WaitVisible(css(`input[name="client_secret"]`)),
		chromedp.SendKeys(css(`input[name="client_id"]`), client),
		chromedp.SendKeys(css(`input[name="client_secret"]`), secret),
		chromedp.Submit(css(`input[name="client_secret"]`)),
		chromedp.WaitVisible(css(`a[href="/sandbox/addresses/`+address+`"]`)),
		chromedp.Navigate(platform.URL+"/sandbox/addresses/"+address+"?week="+week),
		chromedp.WaitVisible(css("button.slot.free")),
	))
	booked, err := chromedp.Run(b, chromedp.Text(css("button.slot.free")))
	require.NoError(t, err)
	// The week already shows the clinic's own visits: the page after the press is the one with the notice.
	require.NoError(t, chromedp.Do(b, chromedp.Click(css("button.slot.free")), chromedp.WaitVisible(css("#notice"))))
	page, err := chromedp.Run(b, chromedp.Text(css("body")))
	require.NoError(t, err)
	assert.Contains(t, page, "A patient booked visit")
	shot, err := chromedp.Run(b, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(shots, "docplanner-sandbox-booked.png"), shot, 0o644))
	assert.Greater(t, len(shot), 10_000, "the page renders")

	// Docplanner pushes the booking to the partner as it is made; the partner
	// takes it on its own time.
	at := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(booked), "free — book"))
	require.Eventually(t, func() bool { return len(visits()) == before+1 }, 10*time.Second, 20*time.Millisecond,
		"the visit booked at %s never reached the partner", at)
	var found map[string]any
	for _, v := range visits() {
		if v["source"] != nil && v["platform_booking_id"] != nil {
			found = v
		}
	}
	require.NotNil(t, found, "the partner holds the visit as Docplanner's: %v", visits())
	start, err := time.Parse(time.RFC3339, found["start"].(string))
	require.NoError(t, err)
	assert.Equal(t, at, start.In(f.Location()).Format("15:04"), "at the time pressed")
}
