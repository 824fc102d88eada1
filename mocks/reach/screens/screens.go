// Package screens is Reach as its customer sees it in the browser, served by `accord mock reach` at
// /reach/: sign in, connect a company (with the token the partner gave the customer, or on the
// consent page of the OAuth flow), press "sync now", read the last syncs with what each found wrong,
// and open the dashboard Reach builds from the synced books.
//
// Every action goes through the mock's own methods (reach.Reach's Discover, ExchangeCode, Schedule,
// SyncNow, the checks, BuildDashboard), so the screens hold no rule of their own. Pages are
// server-rendered and run no script (the same CSP as report.html); forms post back with a token bound
// to the session; sessions and consent pages expire on the mock's clock.
package screens

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/webpage"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// Prefix is where the screens live.
const Prefix = "/reach/"

const cookieName = "accord_reach"

// Defaults.
const (
	DefaultSessionTTL = 8 * time.Hour
	// DefaultConsentTTL is how long a consent page may wait for the customer: as long as the
	// partner's authorization code lives in the reference partner.
	DefaultConsentTTL = 10 * time.Minute
)

//go:embed pages.html.tmpl
var pagesText string

var pages = template.Must(template.New("pages").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"esc": url.PathEscape,
}).Parse(pagesText))

// Actor is the partner's driver (docs/driver-reach.md): its authorize action stands for the customer
// signing in to the partner's system and pressing Allow, as in the acceptance run.
type Actor interface {
	Act(ctx context.Context, action string, params any, result any) error
}

// Partner is the partner this Reach integrates with, as onboarding left it.
type Partner struct {
	Name    string // as the customer knows it
	BaseURL string // the partner's API base
	// OAuth is the client the partner issued Reach; nil when the partner hands out static tokens only.
	OAuth *reachmock.OAuthClient
	// Driver is the customer at the partner's consent page; needed with OAuth.
	Driver Actor
}

// Options configure the screens.
type Options struct {
	Reach   *reachmock.Reach // required; its clock times sessions and consent pages
	Partner Partner
	// Email and Password are the customer's Reach account.
	Email, Password string
	// SessionTTL and ConsentTTL are on Reach's clock; 0 means the defaults.
	SessionTTL, ConsentTTL time.Duration
}

// Screens is an http.Handler for the pages under Prefix.
type Screens struct {
	opts     Options
	sessions webpage.SignIns
	mux      *http.ServeMux
	page     http.Handler // mux, guarded

	mu       sync.Mutex
	seq      int
	conns    []*connection
	consents map[string]*consent // by state
}

// connection is one company connected by the customer.
type connection struct {
	c       *reachmock.Connection
	sched   *reachmock.Scheduler
	how     string // "static token" or "OAuth"
	at      time.Time
	secrets []string // shown to nobody: scrubbed from whatever the page shows
}

// consent is a consent page waiting for the customer's answer.
type consent struct {
	session string
	conn    *reachmock.Connection
	disc    *reachmock.Discovery
	expires time.Time
}

// routes are the screens' patterns, each also mounted on a mux shared with the partner's API.
var routes = []string{
	"GET /reach/{$}",
	"POST /reach/login",
	"POST /reach/logout",
	"POST /reach/connect",
	"GET /reach/consent",
	"POST /reach/consent",
	"GET /reach/connections/{id}",
	"POST /reach/connections/{id}/sync",
	"GET /reach/connections/{id}/syncs/{n}",
	"GET /reach/connections/{id}/syncs/{n}/dashboard",
}

// New builds the screens over o.Reach.
func New(o Options) (*Screens, error) {
	if o.Reach == nil {
		return nil, fmt.Errorf("screens: no Reach to serve")
	}
	if o.Email == "" || o.Password == "" {
		return nil, fmt.Errorf("screens: the customer's e-mail and password must not be empty")
	}
	if o.Partner.OAuth != nil && o.Partner.Driver == nil {
		return nil, fmt.Errorf("screens: an OAuth partner needs its driver, which stands for the customer pressing Allow")
	}
	if _, err := reachmock.NewConnection("check", o.Partner.BaseURL, ""); err != nil {
		return nil, fmt.Errorf("screens: %w", err)
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.ConsentTTL <= 0 {
		o.ConsentTTL = DefaultConsentTTL
	}
	s := &Screens{opts: o, mux: http.NewServeMux(), consents: map[string]*consent{},
		sessions: webpage.SignIns{Signer: webpage.NewSigner(), Cookie: cookieName, Path: Prefix, Life: o.SessionTTL, Clock: o.Reach.Clock()}}
	s.page = webpage.Guard(s.mux)
	handlers := []http.HandlerFunc{
		s.home, s.login, s.logout,
		s.signedIn(s.connect), s.signedIn(s.consentPage), s.signedIn(s.answerConsent),
		s.signedIn(s.connectionPage), s.signedIn(s.syncNow), s.signedIn(s.syncPage), s.signedIn(s.dashboard),
	}
	for i, p := range routes {
		s.mux.HandleFunc(p, handlers[i])
	}
	return s, nil
}

// Mount serves the screens' patterns from mux, beside whatever else it serves under /reach (the
// reference partner's API).
func (s *Screens) Mount(mux *http.ServeMux) {
	for _, p := range routes {
		mux.Handle(p, s)
	}
}

// Close stops every connection's nightly syncs.
func (s *Screens) Close() {
	s.mu.Lock()
	conns := append([]*connection(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		c.sched.Stop()
	}
}

// ServeHTTP serves a page under the no-script CSP, refusing a browser's cross-site post before any
// form is read (sign in and sign out carry no session token).
func (s *Screens) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.page.ServeHTTP(w, r) }

func (s *Screens) now() time.Time { return s.opts.Reach.Clock().Now() }

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// session is the signed-in session, from its cookie; it ends on Reach's clock.
func (s *Screens) session(r *http.Request) (webpage.SignIn, bool) {
	sess, ok, _ := s.sessions.Read(r)
	return sess, ok
}

type handler func(w http.ResponseWriter, r *http.Request, session webpage.SignIn)

// signedIn serves a page to a signed-in customer; a form must carry the session's token (a page
// elsewhere cannot post on the customer's behalf).
func (s *Screens) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, ok := s.session(r)
		if !ok {
			if r.Method == http.MethodPost {
				http.Error(w, "your session has ended: sign in again", http.StatusForbidden)
				return
			}
			http.Redirect(w, r, Prefix+"?notice="+url.QueryEscape("Sign in to continue."), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !s.sessions.FormValid(r, sess) {
			http.Error(w, "the form's token is not this session's: reload the page", http.StatusForbidden)
			return
		}
		h(w, r, sess)
	}
}

// page is what every page template gets.
type page struct {
	Title, Email, Token, Error, Notice string
	Partner                            Partner
	Data                               any
}

func (s *Screens) render(w http.ResponseWriter, status int, name string, sess webpage.SignIn, p page) {
	if sess.Who != "" {
		p.Token = s.sessions.FormToken(sess)
		p.Email = s.opts.Email
	}
	p.Partner = s.opts.Partner
	webpage.Render(w, status, pages, name, p)
}

func (s *Screens) login(w http.ResponseWriter, r *http.Request) {
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	if subtle.ConstantTimeCompare([]byte(email), []byte(s.opts.Email)) != 1 || subtle.ConstantTimeCompare([]byte(pw), []byte(s.opts.Password)) != 1 {
		s.render(w, http.StatusUnauthorized, "login", webpage.SignIn{}, page{Title: "Sign in", Error: "Unknown e-mail or wrong password."})
		return
	}
	// Each sign-in is someone of its own: a consent page opened in one is not another's to answer.
	s.sessions.Start(w, random())
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

func (s *Screens) logout(w http.ResponseWriter, r *http.Request) {
	s.sessions.End(w)
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// back returns to a page saying what happened.
func back(w http.ResponseWriter, r *http.Request, to, notice string, err error) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	if err != nil {
		to += sep + "error=" + url.QueryEscape(err.Error())
	} else if notice != "" {
		to += sep + "notice=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
