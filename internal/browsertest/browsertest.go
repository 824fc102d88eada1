// Package browsertest starts headless Chromium for tests that check a page
// accord writes (report.html, the testing protocol) in a real browser,
// offline.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// find looks for the browser; .ci/run installs Debian's chromium. A test
// that needs one fails without it rather than skip: pages are only known to
// work once a browser has shown them.
func find() (string, bool) {
	for _, name := range []string{os.Getenv("ACCORD_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	p, ok := find()
	if !ok {
		t.Fatal("no Chromium found: the page is checked in a real browser; install it (apt-get install -y chromium) or set ACCORD_CHROMIUM")
	}
	return p
}

// Start starts headless Chromium, offline, with its profile in dir; it
// ends with the test.
func Start(t *testing.T, dir string) context.Context {
	t.Helper()
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
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}
