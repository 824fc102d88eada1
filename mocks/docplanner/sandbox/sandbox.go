// Package sandbox is Docplanner's sandbox as a person uses it in the
// browser, served by `accord mock docplanner` at /sandbox/: "You can
// interact with them just by logging in to the service". Log in with the
// sandbox client's id and secret, see the test clinic (facilities, doctors,
// addresses, each calendar's week with its slots, bookings and breaks), act
// as a patient (book a free slot, cancel, move) or as the doctor (add or
// remove a break), turn the real-time checks on or off, and see what
// Docplanner sent the partner and the live journal with its violations.
//
// Pages are server-rendered and need no script: the same CSP as report.html
// (no script at all), forms posting back with a token bound to the client,
// a browser's cross-site POST refused (internal/webpage).
package sandbox

import (
	"crypto/subtle"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/webpage"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// Prefix is where the sandbox lives beside the API.
const Prefix = "/sandbox/"

const (
	cookieName     = "accord_sandbox"
	operatorCookie = "accord_sandbox_operator"
)

//go:embed pages.html.tmpl
var pagesText string

var pages = template.Must(template.New("pages").Funcs(template.FuncMap{
	"day":   func(t time.Time) string { return t.Format("Mon 2 Jan") },
	"hm":    func(t time.Time) string { return t.Format("15:04") },
	"stamp": func(t time.Time) string { return t.Format("2006-01-02T15:04") },
	"clock": func(t time.Time) string { return t.Format("15:04:05") },
	"esc":   url.PathEscape,
}).Parse(pagesText))

// Options configure a sandbox.
type Options struct {
	// OperatorKey, when set, signs in the person running a joint session
	// (client id left empty, this key as the secret) to every client the
	// mock holds: each is one scenario's, with random credentials the
	// operator never sees. `accord session` sets it; a standalone mock,
	// whose clients sign in with their own credentials, does not.
	OperatorKey string
	// Clock times sign-ins; nil means the wall clock (a run's clock jumps
	// hours ahead in a scenario, and would sign the operator out).
	Clock clock.Clock
	// SessionLife is how long a sign-in lasts; 0 means webpage.DefaultLife.
	SessionLife time.Duration
}

// Sandbox serves the pages over one mock.
type Sandbox struct {
	mock *docplannermock.Mock
	opts Options
	// signIns are sign-ins as a client, operators the joint session's operator's.
	signIns, operators webpage.SignIns
	mux                *http.ServeMux
	page               http.Handler
}

// New serves the sandbox over m.
func New(m *docplannermock.Mock, opts Options) *Sandbox {
	if opts.Clock == nil {
		opts.Clock = clock.Wall{}
	}
	if opts.SessionLife <= 0 {
		opts.SessionLife = webpage.DefaultLife
	}
	sig := webpage.NewSigner()
	s := &Sandbox{mock: m, opts: opts, mux: http.NewServeMux(),
		signIns:   webpage.SignIns{Signer: sig, Cookie: cookieName, Path: Prefix, Life: opts.SessionLife, Clock: opts.Clock},
		operators: webpage.SignIns{Signer: sig, Cookie: operatorCookie, Path: Prefix, Life: opts.SessionLife, Clock: opts.Clock}}
	s.page = webpage.Guard(s.mux)
	s.mux.HandleFunc("GET /sandbox/{$}", s.home)
	s.mux.HandleFunc("POST /sandbox/login", s.login)
	s.mux.HandleFunc("POST /sandbox/logout", s.logout)
	s.mux.HandleFunc("GET /sandbox/addresses/{address}", s.signedIn(s.calendar))
	s.mux.HandleFunc("POST /sandbox/addresses/{address}/bookings", s.signedIn(s.book))
	s.mux.HandleFunc("POST /sandbox/addresses/{address}/bookings/{booking}/cancel", s.signedIn(s.cancel))
	s.mux.HandleFunc("POST /sandbox/addresses/{address}/bookings/{booking}/move", s.signedIn(s.move))
	s.mux.HandleFunc("POST /sandbox/addresses/{address}/breaks", s.signedIn(s.addBreak))
	s.mux.HandleFunc("POST /sandbox/addresses/{address}/breaks/{break}/remove", s.signedIn(s.removeBreak))
	s.mux.HandleFunc("POST /sandbox/real-time", s.signedIn(s.realTime))
	s.mux.HandleFunc("GET /sandbox/traffic", s.signedIn(s.traffic))
	s.mux.HandleFunc("GET /sandbox/clients", s.clients)
	s.mux.HandleFunc("POST /sandbox/clients/{client}/open", s.open)
	return s
}

func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.page.ServeHTTP(w, r) }

// client is the signed-in client, from the session cookie.
func (s *Sandbox) client(r *http.Request) (string, bool) {
	c, ok, _ := s.signIns.Read(r)
	return c.Who, ok
}

// expiredNotice is what the sign-in page says to a browser whose sign-in ran out.
const expiredNotice = "Your session has expired: sign in again."

type handler func(w http.ResponseWriter, r *http.Request, client string)

// signedIn serves a page to a signed-in client; a form must carry the
// client's token (a page elsewhere cannot post on its behalf).
func (s *Sandbox) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, ok, expired := s.signIns.Read(r)
		if !ok {
			to := Prefix
			if expired {
				to += "?notice=" + url.QueryEscape(expiredNotice)
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !s.signIns.FormValid(r, sess) {
			http.Error(w, "the form's token is not this session's: reload the page", http.StatusForbidden)
			return
		}
		h(w, r, sess.Who)
	}
}

// page is what every page template gets.
type page struct {
	Title, Client, Token, Error, Notice string
	// Operator: the person running a joint session, who may open any client.
	Operator bool
	Clinic   docplannermock.ClinicView
	Data     any
}

func (s *Sandbox) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Operator = s.operator(r)
	if sess, ok, _ := s.signIns.Read(r); ok && p.Client != "" && p.Client == sess.Who {
		p.Token = s.signIns.FormToken(sess)
	}
	webpage.Render(w, status, pages, name, p)
}

func (s *Sandbox) home(w http.ResponseWriter, r *http.Request) {
	sess, ok, expired := s.signIns.Read(r)
	if !ok {
		notice := r.URL.Query().Get("notice")
		if expired {
			notice = expiredNotice
		}
		s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Notice: notice})
		return
	}
	client := sess.Who
	c, err := s.mock.Clinic(client)
	if err != nil {
		s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Error: "This client is gone (a run ended it): sign in again."})
		return
	}
	s.render(w, r, http.StatusOK, "clinic", page{Title: "Test clinic", Client: client, Clinic: c, Notice: r.URL.Query().Get("notice"), Error: r.URL.Query().Get("error")})
}

func (s *Sandbox) login(w http.ResponseWriter, r *http.Request) {
	id, secret := r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	if id == "" && s.opts.OperatorKey != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.OperatorKey)) == 1 {
		s.operators.Start(w, "operator")
		http.Redirect(w, r, Prefix+"clients", http.StatusSeeOther)
		return
	}
	if err := s.mock.SignIn(id, secret); err != nil {
		s.render(w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Error: "Unknown client id or wrong secret."})
		return
	}
	s.signIns.Start(w, id)
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

func (s *Sandbox) logout(w http.ResponseWriter, r *http.Request) {
	s.signIns.End(w)
	s.operators.End(w)
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// operator tells whether the session's operator signed in.
func (s *Sandbox) operator(r *http.Request) bool {
	if s.opts.OperatorKey == "" {
		return false
	}
	_, ok := s.operatorSession(r)
	return ok
}

func (s *Sandbox) operatorSession(r *http.Request) (webpage.SignIn, bool) {
	if s.opts.OperatorKey == "" {
		return webpage.SignIn{}, false
	}
	op, ok, _ := s.operators.Read(r)
	return op, ok
}

// clientView is one client as the operator picks it: the scenario it is.
type clientView struct{ ID, Scenario string }

type clientsView struct {
	Clients []clientView
	// Token is the operator's form token.
	Token string
}

// clients lists every client for the operator, the newest first: the
// scenario running now is at the top.
func (s *Sandbox) clients(w http.ResponseWriter, r *http.Request) {
	op, ok := s.operatorSession(r)
	if !ok {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	labels := s.mock.Journal().Labels()
	ids := s.mock.ClientIDs()
	views := make([]clientView, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		views = append(views, clientView{ID: ids[i], Scenario: labels[ids[i]]})
	}
	current, _ := s.client(r)
	s.render(w, r, http.StatusOK, "clients", page{Title: "Scenarios", Client: current, Data: clientsView{Clients: views, Token: s.operators.FormToken(op)}})
}

// open signs the operator in as one client.
func (s *Sandbox) open(w http.ResponseWriter, r *http.Request) {
	if op, ok := s.operatorSession(r); !ok || !s.operators.FormValid(r, op) {
		http.Error(w, "the form's token is not this session's: reload the page", http.StatusForbidden)
		return
	}
	id := r.PathValue("client")
	if !slices.Contains(s.mock.ClientIDs(), id) {
		http.Redirect(w, r, Prefix+"clients", http.StatusSeeOther)
		return
	}
	s.signIns.Start(w, id)
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// dayView is one day of a calendar's week.
type dayView struct {
	Date     time.Time
	Slots    []docplannermock.SlotView
	Bookings []docplannermock.BookingView
	Breaks   []docplannermock.BreakView
}

type calendarView struct {
	Doctor                   docplannermock.DoctorView
	Address                  docplannermock.AddressNameView
	Days                     []dayView
	Week, PrevWeek, NextWeek string
	Services                 map[string]string
}

func (s *Sandbox) calendar(w http.ResponseWriter, r *http.Request, client string) {
	c, err := s.mock.Clinic(client)
	if err != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	id := r.PathValue("address")
	d, a, ok := c.AddressOwner(id)
	if !ok {
		s.render(w, r, http.StatusNotFound, "clinic", page{Title: "Test clinic", Client: client, Clinic: c, Error: "No address " + id + " in this clinic."})
		return
	}
	monday := mondayOf(c.Now)
	if wk := r.URL.Query().Get("week"); wk != "" {
		t, err := time.ParseInLocation("2006-01-02", wk, c.Zone)
		if err != nil {
			s.render(w, r, http.StatusBadRequest, "clinic", page{Title: "Test clinic", Client: client, Clinic: c, Error: fmt.Sprintf("week %q is not a date (YYYY-MM-DD)", wk)})
			return
		}
		monday = mondayOf(t)
	}
	from, to := monday, monday.AddDate(0, 0, 7)
	av, err := s.mock.Address(client, id, from, to)
	if err != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	names, _ := s.mock.ServiceNames(client)
	v := calendarView{Doctor: d, Address: a, Services: names, Week: monday.Format("2006-01-02"),
		PrevWeek: monday.AddDate(0, 0, -7).Format("2006-01-02"), NextWeek: to.Format("2006-01-02")}
	for day := from; day.Before(to); day = day.AddDate(0, 0, 1) {
		next := day.AddDate(0, 0, 1)
		dv := dayView{Date: day}
		for _, sl := range av.SlotDetails {
			if !sl.Start.Before(day) && sl.Start.Before(next) {
				sl.Start = sl.Start.In(c.Zone)
				dv.Slots = append(dv.Slots, sl)
			}
		}
		for _, b := range av.Bookings {
			if !b.Start.Before(day) && b.Start.Before(next) {
				b.Start = b.Start.In(c.Zone)
				dv.Bookings = append(dv.Bookings, b)
			}
		}
		for _, b := range av.Breaks {
			if b.Since.Before(next) && b.Till.After(day) {
				b.Since, b.Till = b.Since.In(c.Zone), b.Till.In(c.Zone)
				dv.Breaks = append(dv.Breaks, b)
			}
		}
		v.Days = append(v.Days, dv)
	}
	s.render(w, r, http.StatusOK, "calendar", page{Title: d.Name + " " + d.Surname + " at " + a.Name, Client: client, Clinic: c, Data: v,
		Notice: r.URL.Query().Get("notice"), Error: r.URL.Query().Get("error")})
}

func mondayOf(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// back returns to the calendar (or the clinic) saying what happened.
func back(w http.ResponseWriter, r *http.Request, notice string, err error) {
	to := Prefix
	if a := r.PathValue("address"); a != "" {
		to += "addresses/" + url.PathEscape(a)
		if wk := r.PostFormValue("week"); wk != "" {
			to += "?week=" + url.QueryEscape(wk) + "&"
		} else {
			to += "?"
		}
	} else {
		to += "?"
	}
	if err != nil {
		to += "error=" + url.QueryEscape(err.Error())
	} else {
		to += "notice=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// at reads a form's local time (datetime-local) in the clinic's zone.
func (s *Sandbox) at(r *http.Request, client, field string) (time.Time, error) {
	c, err := s.mock.Clinic(client)
	if err != nil {
		return time.Time{}, err
	}
	v := r.PostFormValue(field)
	for _, layout := range []string{"2006-01-02T15:04", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, c.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a time (YYYY-MM-DDTHH:MM)", field, v)
}

func (s *Sandbox) book(w http.ResponseWriter, r *http.Request, client string) {
	start, err := s.at(r, client, "start")
	if err == nil {
		p := docplannermock.Patient{Name: r.PostFormValue("name"), Surname: r.PostFormValue("surname"), Phone: r.PostFormValue("phone")}
		if p.Name == "" {
			p = docplannermock.Patient{Name: "Test", Surname: "Patient", Phone: "+48500000000"}
		}
		var id string
		if svc := r.PostFormValue("service"); svc != "" {
			id, err = s.mock.PatientBooksService(client, r.PathValue("address"), start, svc, p)
		} else {
			id, err = s.mock.PatientBooks(client, r.PathValue("address"), start, p)
		}
		if err == nil {
			back(w, r, "A patient booked visit "+id+" at "+start.Format("Mon 2 Jan 15:04")+"; Docplanner tells the partner.", nil)
			return
		}
	}
	back(w, r, "", err)
}

func (s *Sandbox) cancel(w http.ResponseWriter, r *http.Request, client string) {
	err := s.mock.PatientCancels(client, r.PathValue("booking"))
	back(w, r, "The patient cancelled visit "+r.PathValue("booking")+".", err)
}

func (s *Sandbox) move(w http.ResponseWriter, r *http.Request, client string) {
	start, err := s.at(r, client, "start")
	if err == nil {
		var id string
		if id, err = s.mock.PatientMoves(client, r.PathValue("booking"), start); err == nil {
			back(w, r, "The patient moved the visit to "+start.Format("Mon 2 Jan 15:04")+" (now visit "+id+").", nil)
			return
		}
	}
	back(w, r, "", err)
}

func (s *Sandbox) addBreak(w http.ResponseWriter, r *http.Request, client string) {
	since, err := s.at(r, client, "since")
	var till time.Time
	if err == nil {
		till, err = s.at(r, client, "till")
	}
	if err == nil && !till.After(since) {
		err = errors.New("a break ends after it starts")
	}
	if err == nil {
		var id string
		if id, err = s.mock.DoctorAddsBreak(client, r.PathValue("address"), since, till); err == nil {
			back(w, r, "The doctor added break "+id+".", nil)
			return
		}
	}
	back(w, r, "", err)
}

func (s *Sandbox) removeBreak(w http.ResponseWriter, r *http.Request, client string) {
	err := s.mock.DoctorRemovesBreak(client, r.PathValue("address"), r.PathValue("break"))
	back(w, r, "The doctor removed break "+r.PathValue("break")+".", err)
}

func (s *Sandbox) realTime(w http.ResponseWriter, r *http.Request, client string) {
	on := r.PostFormValue("on") == "on"
	err := s.mock.SetRealTime(client, on)
	state := "off"
	if on {
		state = "on"
	}
	back(w, r, "Real-time checks are "+state+".", err)
}

// trafficView is what Docplanner sent the partner, a notification a row,
// what waits to be pulled, and what the partner called, newest first.
type trafficView struct {
	Sent   []sentView
	Pull   []docplannermock.QueuedView
	Called []journal.Entry
}

// sentView is one notification or real-time check with every attempt at
// delivering it, oldest first. Attempts are tied together by their body:
// a retry sends the very bytes the first attempt did.
type sentView struct {
	Name, To string
	Check    bool
	Attempts []journal.Entry
	// State is how it ended, or stands, in the partner's eyes.
	State string
	OK    bool
}

// shown bounds each list, so a sandbox left running for weeks still
// renders its traffic page at once.
const shown = 100

func (s *Sandbox) traffic(w http.ResponseWriter, r *http.Request, client string) {
	c, err := s.mock.Clinic(client)
	if err != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	q, err := s.mock.Queues(client)
	if err != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	es := s.mock.Journal().Select(func(e journal.Entry) bool { return e.Tenant == client })
	v := trafficView{Sent: sent(es, q.Buried), Pull: q.Pull}
	for i := len(es) - 1; i >= 0 && len(v.Called) < shown; i-- {
		if es[i].Direction == journal.Inbound {
			v.Called = append(v.Called, es[i])
		}
	}
	s.render(w, r, http.StatusOK, "traffic", page{Title: "Traffic", Client: client, Clinic: c, Data: v})
}

// sent groups the journal's outbound entries (oldest first) by what they
// delivered, newest first; buried are the notifications given up on.
func sent(es []journal.Entry, buried []docplannermock.QueuedView) []sentView {
	waiting := map[string]bool{}
	for _, b := range buried {
		waiting[b.Body] = true
	}
	var out []*sentView
	byBody := map[string]*sentView{}
	for _, e := range es {
		if e.Direction != journal.Outbound {
			continue
		}
		name := strings.TrimPrefix(e.Operation, "push:")
		key := string(e.RequestBody)
		g := byBody[key]
		if g == nil || docplannermock.IsCheck(name) {
			g = &sentView{Name: name, To: e.URL, Check: docplannermock.IsCheck(name)}
			byBody[key] = g
			out = append(out, g)
		}
		g.Attempts = append(g.Attempts, e)
		g.To = e.URL
	}
	views := make([]sentView, 0, min(len(out), shown))
	for i := len(out) - 1; i >= 0 && len(views) < shown; i-- {
		g := out[i]
		g.State, g.OK = sentState(*g, waiting[string(g.Attempts[0].RequestBody)])
		views = append(views, *g)
	}
	return views
}

func sentState(g sentView, buried bool) (string, bool) {
	last := g.Attempts[len(g.Attempts)-1]
	switch {
	case g.Check && last.OK():
		return "approved: the booking went ahead", true
	case g.Check:
		return "denied: the booking did not go ahead", false
	case last.OK() && len(g.Attempts) == 1:
		return "delivered", true
	case last.OK():
		return fmt.Sprintf("delivered on attempt %d", len(g.Attempts)), true
	case buried:
		return fmt.Sprintf("given up after %d attempts: waits for the partner's release call", len(g.Attempts)), false
	}
	return "not delivered yet: Docplanner retries on its schedule", false
}
