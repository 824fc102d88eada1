// Package panel is the DIKIDI Business panel as a company's staff use it in
// the browser, served by `accord mock dikidi` at /panel/: the walk of DIKIDI's
// own instructions (Settings → Integration → API access → Add access: name,
// access type, partner key, Path, e-mail; the key awaiting activation; its
// permission settings edited and saved, unticking every record permission
// pausing it; copying and deleting it), and beside it the company's records
// and working hours, the events DIKIDI sent to each key's Path with their
// delivery, and the e-mails about delivery trouble.
//
// Signing in: the real panel signs staff in with a phone number and a
// password, and the mock has no staff accounts. What already opens a
// company's side of the mock is the owner token (X-Accord-Owner-Token of the
// owner API, printed at start), so the panel asks for the company's id and
// that token: no second credential to invent, keep or leak. The session is a
// cookie signed with a key of this process, ending after Options.SessionTTL
// on the injected clock.
//
// Every action calls the mock's own methods (CreateKey, UpdateKey, DeleteKey,
// ...), the ones the owner API's handlers share, so no rule exists twice.
// Pages are server-rendered and run no script (the same CSP as report.html);
// forms post back with a token bound to the session, and a browser's
// cross-site POST is refused before any handler runs.
package panel

import (
	"crypto/subtle"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/redact"
	"github.com/accord-harness/accord/internal/webpage"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// Prefix is where the panel lives beside the API.
const Prefix = "/panel/"

const cookieName = "accord_dikidi_panel"

// DefaultSessionTTL is how long a sign-in lasts unless told otherwise.
const DefaultSessionTTL = webpage.DefaultLife

//go:embed pages.html.tmpl
var pagesText string

var pages = template.Must(template.New("pages").Funcs(template.FuncMap{
	"day":    func(t time.Time) string { return t.Format("Mon 2 Jan") },
	"hm":     func(t time.Time) string { return t.Format("15:04") },
	"when":   func(t time.Time) string { return t.Format("2006-01-02 15:04:05") },
	"state":  stateLabel,
	"access": accessLabel,
	"masked": maskKey,
}).Parse(pagesText))

// Options configure a panel.
type Options struct {
	// Clock decides when a session ends; nil means the wall clock. Give it
	// the mock's clock, so moving a run's time on moves the sessions too.
	Clock clock.Clock
	// SessionTTL is how long a sign-in lasts; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
}

// Panel serves the pages over one mock.
type Panel struct {
	mock    *dikidimock.Mock
	opts    Options
	signIns webpage.SignIns
	mux     *http.ServeMux
	page    http.Handler
}

// New serves the panel over m.
func New(m *dikidimock.Mock, opts Options) *Panel {
	if opts.Clock == nil {
		opts.Clock = clock.Wall{}
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	p := &Panel{mock: m, opts: opts, mux: http.NewServeMux(),
		signIns: webpage.SignIns{Signer: webpage.NewSigner(), Cookie: cookieName, Path: Prefix, Life: opts.SessionTTL, Clock: opts.Clock}}
	p.page = webpage.Guard(p.mux)
	p.mux.HandleFunc("GET /panel/{$}", p.home)
	p.mux.HandleFunc("POST /panel/login", p.login)
	p.mux.HandleFunc("POST /panel/logout", p.logout)
	p.mux.HandleFunc("GET /panel/settings/integration", p.signedIn(p.integration))
	p.mux.HandleFunc("GET /panel/settings/integration/new", p.signedIn(p.newKey))
	p.mux.HandleFunc("POST /panel/settings/integration/keys", p.signedIn(p.addKey))
	p.mux.HandleFunc("GET /panel/settings/integration/keys/{key}", p.signedIn(p.editKey))
	p.mux.HandleFunc("POST /panel/settings/integration/keys/{key}", p.signedIn(p.saveKey))
	p.mux.HandleFunc("GET /panel/settings/integration/keys/{key}/copy", p.signedIn(p.copyKey))
	p.mux.HandleFunc("POST /panel/settings/integration/keys/{key}/delete", p.signedIn(p.deleteKey))
	p.mux.HandleFunc("GET /panel/records", p.signedIn(p.records))
	p.mux.HandleFunc("GET /panel/schedule", p.signedIn(p.schedule))
	p.mux.HandleFunc("GET /panel/events", p.signedIn(p.events))
	p.mux.HandleFunc("GET /panel/emails", p.signedIn(p.emails))
	return p
}

func (p *Panel) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.page.ServeHTTP(w, r) }

// signedIn is a company signed in to its panel.
type signedIn struct {
	webpage.SignIn
	company int64
}

func (s signedIn) token(p *Panel) string { return p.signIns.FormToken(s.SignIn) }

// signIn reads the cookie: ok when signed by this panel and not expired.
func (p *Panel) signIn(r *http.Request) (s signedIn, ok, expired bool) {
	ws, ok, expired := p.signIns.Read(r)
	if !ok {
		return s, false, expired
	}
	cid, err := strconv.ParseInt(ws.Who, 10, 64)
	if err != nil {
		return s, false, false
	}
	return signedIn{SignIn: ws, company: cid}, true, false
}

type handler func(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView)

// signedIn serves a page to a signed-in company; a form must carry the
// session's token (a page elsewhere cannot post on its behalf).
func (p *Panel) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok, expired := p.signIn(r)
		if !ok {
			to := Prefix
			if expired {
				to += "?notice=" + url.QueryEscape("Your session has expired: sign in again.")
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		c, err := p.mock.Company(s.company)
		if err != nil {
			p.clearCookie(w)
			http.Redirect(w, r, Prefix+"?notice="+url.QueryEscape("This company is no longer on the platform."), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !p.signIns.FormValid(r, s.SignIn) {
			http.Error(w, "the form's token is not this session's: reload the page", http.StatusForbidden)
			return
		}
		h(w, r, s, c)
	}
}

// page is what every page template gets.
type page struct {
	Title, Section, Token, Error, Notice string
	Company                              *dikidimock.CompanyView
	Data                                 any
}

func (p *Panel) render(w http.ResponseWriter, status int, name string, pg page) {
	webpage.Render(w, status, pages, name, pg)
}

// show renders a signed-in page, with the notice or error the last action
// left in the address.
func (p *Panel) show(w http.ResponseWriter, r *http.Request, status int, name, section string, s signedIn, c dikidimock.CompanyView, data any) {
	p.render(w, status, name, page{Title: c.Name, Section: section, Token: s.token(p), Company: &c, Data: data,
		Notice: r.URL.Query().Get("notice"), Error: r.URL.Query().Get("error")})
}

func (p *Panel) home(w http.ResponseWriter, r *http.Request) {
	s, ok, _ := p.signIn(r)
	if !ok {
		p.render(w, http.StatusOK, "login", page{Title: "Sign in", Notice: r.URL.Query().Get("notice")})
		return
	}
	c, err := p.mock.Company(s.company)
	if err != nil {
		p.clearCookie(w)
		p.render(w, http.StatusOK, "login", page{Title: "Sign in", Error: "This company is no longer on the platform."})
		return
	}
	keys, _ := p.mock.Keys(c.ID)
	byState := map[string]int{}
	for _, k := range keys {
		byState[k.State]++
	}
	p.show(w, r, http.StatusOK, "home", "home", s, c, byState)
}

func (p *Panel) login(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("company_id")), 10, 64)
	token := r.PostFormValue("owner_token")
	if err == nil && subtle.ConstantTimeCompare([]byte(token), []byte(p.mock.OwnerToken())) == 1 {
		_, err = p.mock.Company(id)
	} else {
		err = fmt.Errorf("wrong owner token")
	}
	if err != nil {
		p.render(w, http.StatusUnauthorized, "login", page{Title: "Sign in", Error: "Unknown company or wrong owner token."})
		return
	}
	p.signIns.Start(w, strconv.FormatInt(id, 10))
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

func (p *Panel) clearCookie(w http.ResponseWriter) {
	p.signIns.End(w)
}

func (p *Panel) logout(w http.ResponseWriter, r *http.Request) {
	p.clearCookie(w)
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// back returns to a page of the panel saying what happened.
func back(w http.ResponseWriter, r *http.Request, to, notice string, err error) {
	if err != nil {
		to += "?error=" + url.QueryEscape(err.Error())
	} else if notice != "" {
		to += "?notice=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// redactor masks every secret the company's pages could carry: the keys'
// tokens, the partner keys entered on them, the owner token and a secret a
// Path carries in its query (?token=...), wherever they appear: the Path
// itself, an event's body, an e-mail that quotes the Path.
func (p *Panel) redactor(keys []dikidimock.KeyView) *redact.Redactor {
	secrets := []string{p.mock.OwnerToken()}
	for _, k := range keys {
		secrets = append(secrets, k.Token, k.PartnerKey)
		if u, err := url.Parse(k.Path); err == nil {
			for name, vs := range u.Query() {
				if redact.Sensitive(name) {
					secrets = append(secrets, vs...)
				}
			}
		}
	}
	return redact.New(secrets...)
}

// maskKey shows enough of a key to tell it from another, as a card's last
// digits: copying it is an action of its own.
func maskKey(token string) string {
	if len(token) <= 8 {
		return strings.Repeat("•", len(token))
	}
	return "••••" + token[len(token)-4:]
}

func stateLabel(state string) string {
	switch state {
	case dikidimock.StateAwaiting:
		return "Awaiting activation of the key"
	case dikidimock.StateActive:
		return "Active"
	case dikidimock.StatePaused:
		return "Paused: no record permission"
	case dikidimock.StateDeleted:
		return "Deleted"
	}
	return state
}

func accessLabel(accessType string) string {
	switch accessType {
	case dikidimock.AccessAdministrator:
		return "Administrator"
	case dikidimock.AccessEmployeeEditor:
		return "Employee (with edit rights)"
	case dikidimock.AccessEmployee:
		return "Employee"
	}
	return accessType
}
