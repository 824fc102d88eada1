package webpage_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

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
