package webpage_test

import (
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
