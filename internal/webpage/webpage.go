// Package webpage is what every server-rendered page of accord's mocks (the
// Docplanner sandbox, the DIKIDI panel, Reach's screens) needs to be safe to open beside a
// partner's data: no script may run, no other site may post a form, and a
// cookie or a form token is signed by the serving process.
package webpage

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/http"
)

// CSP forbids every script and any load from elsewhere, as report.html's.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"

// Guard serves h's pages under the CSP, unsniffed and uncached (pages show
// secrets and personal data: no copy on disk), and refuses a browser's
// cross-site POST before h sees it.
func Guard(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "a page of another site may not post here", http.StatusForbidden)
	}))
	guarded := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", CSP)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		guarded.ServeHTTP(w, r)
	})
}

// Render writes the page name of pages with data, and status. The page is
// made whole before anything is sent, so a template that fails shows as a 500
// naming why, never as half a page under a 200.
func Render(w http.ResponseWriter, status int, pages *template.Template, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("cannot render the page " + name + ": " + err.Error() + "\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// Signer signs what a page hands the browser (a session, a form's token)
// with a key of this process: a restart signs everyone out.
type Signer struct{ key []byte }

// NewSigner makes a signer with a fresh random key.
func NewSigner() Signer {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return Signer{key: key}
}

// Sign is the signature of what.
func (s Signer) Sign(what string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(what))
	return hex.EncodeToString(mac.Sum(nil))
}

// Valid reports whether sig is what's signature, in constant time.
func (s Signer) Valid(what, sig string) bool {
	return hmac.Equal([]byte(sig), []byte(s.Sign(what)))
}
