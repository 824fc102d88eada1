// Package pagetest is a person's browser without the browser, for tests of
// the pages accord's mocks serve (the Docplanner sandbox, the DIKIDI panel):
// it keeps cookies, follows redirects, holds every page to the no-script
// CSP and posts forms, with the headers a browser would add when a test
// plays a page of another site.
package pagetest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Browser is one person's session with a server at base.
type Browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

// New is a browser with no cookies yet.
func New(t *testing.T, base string) Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return Browser{t: t, c: &http.Client{Jar: jar}, base: base}
}

// Get loads a page; every page must forbid script.
func (b Browser) Get(path string) (int, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	assert.Contains(b.t, res.Header.Get("Content-Security-Policy"), "default-src 'none'", "no page may run script")
	return res.StatusCode, string(body)
}

// Post submits a form; header is name, value pairs (Sec-Fetch-Site, Origin).
func (b Browser) Post(path string, form url.Values, header ...string) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

var tokenField = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

// FormToken is the token a page's forms carry against cross-site posts, ""
// when the page has none.
func FormToken(page string) string {
	if m := tokenField.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}
