package webpage_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/clock"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/webpage"
)

func TestGuardRefusesOtherSitesAndScript(t *testing.T) {
	served := 0
	h := webpage.Guard(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }))
	cases := []struct {
		name           string
		method         string
		header         map[string]string
		status, served int
	}{
		{"a page", http.MethodGet, nil, http.StatusOK, 1},
		{"a page linked from another site", http.MethodGet, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusOK, 1},
		{"a form of this site", http.MethodPost, map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusOK, 1},
		{"a form of a client that is no browser", http.MethodPost, nil, http.StatusOK, 1},
		{"a form of another site", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden, 0},
		{"a form from another origin", http.MethodPost, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			served = 0
			r := httptest.NewRequest(tc.method, "http://mock.test/page", nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tc.status, w.Code)
			assert.Equal(t, tc.served, served)
			assert.Equal(t, webpage.CSP, w.Header().Get("Content-Security-Policy"))
			assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		})
	}
}

func TestSignerKnowsItsOwnSignatures(t *testing.T) {
	s, other := webpage.NewSigner(), webpage.NewSigner()
	sig := s.Sign("session:1")
	cases := []struct {
		name      string
		what, sig string
		valid     bool
	}{
		{"its own", "session:1", sig, true},
		{"another value", "session:2", sig, false},
		{"another process's", "session:1", other.Sign("session:1"), false},
		{"cut short", "session:1", sig[:10], false},
		{"none", "session:1", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.valid, s.Valid(tc.what, tc.sig)) })
	}
}

func TestRenderSendsWholePagesOnly(t *testing.T) {
	pages := template.Must(template.New("").Parse(`{{define "ok"}}<p>{{.}}</p>{{end}}{{define "broken"}}<p>start</p>{{.Missing}}{{end}}`))
	cases := []struct {
		name, page  string
		data        any
		status      int
		body, ctype string
	}{
		{"a page, its data escaped", "ok", "<script>x</script>", http.StatusTeapot, "<p>&lt;script&gt;x&lt;/script&gt;</p>", "text/html; charset=utf-8"},
		{"a page that fails half way", "broken", "a string has no field", http.StatusInternalServerError, "cannot render the page broken:", "text/plain; charset=utf-8"},
		{"a page that is not there", "nowhere", nil, http.StatusInternalServerError, "cannot render the page nowhere:", "text/plain; charset=utf-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			webpage.Render(rec, http.StatusTeapot, pages, tc.page, tc.data)
			assert.Equal(t, tc.status, rec.Code)
			assert.Equal(t, tc.ctype, rec.Header().Get("Content-Type"))
			assert.Contains(t, rec.Body.String(), tc.body)
			assert.NotContains(t, rec.Body.String(), "<p>start</p>", "no half page")
		})
	}
}

func TestSessionsLastTheirLifeAndBindForms(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	ss := webpage.SignIns{Signer: webpage.NewSigner(), Cookie: "s", Path: "/x/", Life: time.Hour, Clock: clk}
	signIn := func(who string) (*http.Cookie, webpage.SignIn) {
		t.Helper()
		rec := httptest.NewRecorder()
		s := ss.Start(rec, who)
		cookies := rec.Result().Cookies()
		require.Len(t, cookies, 1)
		assert.True(t, cookies[0].HttpOnly)
		assert.Equal(t, http.SameSiteStrictMode, cookies[0].SameSite)
		return cookies[0], s
	}
	request := func(c *http.Cookie, form url.Values) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/x/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c != nil {
			r.AddCookie(c)
		}
		return r
	}
	who := "client.with-dots@example.pl" // any name, dots and dashes too
	cookie, started := signIn(who)
	_, other := signIn(who) // the same person again: another sign-in

	s, ok, expired := ss.Read(request(cookie, nil))
	require.True(t, ok)
	assert.False(t, expired)
	assert.Equal(t, who, s.Who)
	assert.Equal(t, started.Expires, s.Expires)
	assert.True(t, ss.FormValid(request(cookie, url.Values{"token": {ss.FormToken(s)}}), s))
	assert.False(t, ss.FormValid(request(cookie, url.Values{"token": {ss.FormToken(other)}}), s), "another sign-in's token")
	assert.False(t, ss.FormValid(request(cookie, nil), s), "no token")
	assert.False(t, ss.FormValid(request(cookie, url.Values{"token": {ss.FormToken(s)}}), webpage.SignIn{}), "no sign-in")

	for _, tc := range []struct {
		name   string
		cookie *http.Cookie
	}{
		{"no cookie", nil},
		{"another name in a signed cookie's place", &http.Cookie{Name: "s", Value: strings.Replace(cookie.Value, cookie.Value[:4], "YWRt", 1)}},
		{"signed by another process", func() *http.Cookie {
			rec := httptest.NewRecorder()
			other := ss
			other.Signer = webpage.NewSigner()
			other.Start(rec, who)
			return rec.Result().Cookies()[0]
		}()},
		{"not a session at all", &http.Cookie{Name: "s", Value: "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ok, expired := ss.Read(request(tc.cookie, nil))
			assert.False(t, ok)
			assert.False(t, expired)
		})
	}

	clk.Advance(time.Hour)
	_, ok, expired = ss.Read(request(cookie, nil))
	assert.False(t, ok, "a sign-in ends when its life is up")
	assert.True(t, expired, "and says it ended")

	rec := httptest.NewRecorder()
	ss.End(rec)
	assert.Equal(t, -1, rec.Result().Cookies()[0].MaxAge)
}
