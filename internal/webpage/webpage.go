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
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/clock"
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

// SignIns are sign-ins held in a cookie this process signed: who signed in,
// until when on a clock, and a nonce that makes each sign-in's form token its
// own. Nothing is kept on the server, so a restart signs everyone out.
type SignIns struct {
	Signer Signer
	// Cookie is the cookie's name, Path where the browser sends it.
	Cookie, Path string
	// Life is how long a sign-in lasts on Clock.
	Life  time.Duration
	Clock clock.Clock
}

// DefaultLife is a working day: a page left open overnight asks again.
const DefaultLife = 12 * time.Hour

// SignIn is one sign-in.
type SignIn struct {
	// Who signed in, as the caller named them at Start.
	Who     string
	Expires time.Time
	id      string // who, expiry and nonce: what the cookie's signature covers
}

// Start signs who in for Life.
func (ss SignIns) Start(w http.ResponseWriter, who string) SignIn {
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	expires := ss.Clock.Now().Add(ss.Life)
	id := base64.RawURLEncoding.EncodeToString([]byte(who)) + "." + strconv.FormatInt(expires.Unix(), 10) + "." + hex.EncodeToString(nonce)
	http.SetCookie(w, &http.Cookie{Name: ss.Cookie, Value: id + "." + ss.Signer.Sign("session:"+id), Path: ss.Path,
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return SignIn{Who: who, Expires: time.Unix(expires.Unix(), 0), id: id}
}

// Read is r's sign-in: ok while it lasts; expired when it was signed here
// but its time is up (the page can say so rather than just ask again).
func (ss SignIns) Read(r *http.Request) (s SignIn, ok, expired bool) {
	c, err := r.Cookie(ss.Cookie)
	if err != nil {
		return s, false, false
	}
	i := strings.LastIndexByte(c.Value, '.')
	if i < 0 || !ss.Signer.Valid("session:"+c.Value[:i], c.Value[i+1:]) {
		return s, false, false
	}
	id := c.Value[:i]
	parts := strings.Split(id, ".") // who, expiry, nonce
	if len(parts) != 3 {
		return s, false, false
	}
	who, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return s, false, false
	}
	s = SignIn{Who: string(who), Expires: time.Unix(exp, 0), id: id}
	if !ss.Clock.Now().Before(s.Expires) {
		return SignIn{}, false, true
	}
	return s, true, false
}

// End signs the browser out.
func (ss SignIns) End(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: ss.Cookie, Value: "", Path: ss.Path, MaxAge: -1})
}

// FormToken is what s's forms carry in their "token" field.
func (ss SignIns) FormToken(s SignIn) string { return ss.Signer.Sign("form:" + s.id) }

// FormValid tells whether r's form carries s's token: a page elsewhere, or
// one of another sign-in, cannot post on s's behalf.
func (ss SignIns) FormValid(r *http.Request, s SignIn) bool {
	return s.id != "" && ss.Signer.Valid("form:"+s.id, r.PostFormValue("token"))
}
