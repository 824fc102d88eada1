package refpartner_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/clock"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
)

// FuzzPartnerRequest throws arbitrary requests, with a valid token, at the
// Reach reference partner (what `accord mock reach --serve-partner`
// serves): never a panic or an internal error, every refusal a 4xx JSON body.
func FuzzPartnerRequest(f *testing.F) {
	for _, s := range []struct{ method, path string }{
		{"GET", "/oauth2/user-info"},
		{"GET", "/companies/cmp-lantern"},
		{"GET", "/companies/cmp-lantern/chart-of-accounts?limit=1001&offset=-5"},
		{"GET", "/companies/cmp-lantern/chart-of-accounts?limit=abc"},
		{"GET", "/companies/cmp-lantern/profit-and-loss?StartDate=2025-01-15&EndDate=2024-01-01&AccountingBasis=Magic"},
		{"GET", "/companies/cmp-lantern/balance-sheet?StartDate=2025-01-01&EndDate=2025-12-31&AccountingBasis=Accrual"},
		{"POST", "/companies/cmp-lantern/non-financial"},
		{"GET", "/companies/%00/budgets"},
		{"POST", "/oauth2/token"},
	} {
		f.Add(s.method, s.path, `{"StartDate":"2025-01-01","EndDate":"2025-13-01","MetricIds":[[[[]]]]}`)
	}
	p, err := reachpartner.New(reachpartner.Options{Clock: clock.New()})
	require.NoError(f, err)
	call := func(method, path string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		return w
	}
	require.Equal(f, http.StatusNoContent, call("POST", "/reset", []byte(`{"platform":"reach","settings":{"access_token":"tok-fuzz"}}`)).Code)
	require.Equal(f, http.StatusNoContent, call("POST", "/fixture", reachfixture.Raw()).Code)

	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") {
			return
		}
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
		default:
			return
		}
		req, err := http.NewRequest(method, "http://partner"+reachpartner.APIBase+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer tok-fuzz")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		p.ServeHTTP(w, req)
		if w.Code >= 500 && w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %s answered %d: %s", method, path, w.Code, w.Body.String())
		}
		if w.Code >= 400 {
			mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
			if !strings.HasSuffix(mt, "json") || !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %s answered %d without a JSON error: %q %s", method, path, w.Code, mt, w.Body.String())
			}
		}
	})
}
