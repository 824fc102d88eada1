package screens

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/accord-harness/accord/internal/webpage"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// home is the sign-in page, or the customer's connections with the ways to connect another.
func (s *Screens) home(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(r)
	q := r.URL.Query()
	if !ok {
		s.render(w, http.StatusOK, "login", webpage.SignIn{}, page{Title: "Sign in", Notice: q.Get("notice")})
		return
	}
	s.mu.Lock()
	conns := append([]*connection(nil), s.conns...)
	s.mu.Unlock()
	var views []connView
	for i := len(conns) - 1; i >= 0; i-- {
		views = append(views, conns[i].view(1))
	}
	s.render(w, http.StatusOK, "home", sess, page{Title: "Connections", Data: views, Notice: q.Get("notice"), Error: q.Get("error")})
}

// newConnection names the next connection; it joins the list once connected.
func (s *Screens) newConnection(token string) (*reachmock.Connection, error) {
	s.mu.Lock()
	s.seq++
	id := "customer-" + strconv.Itoa(s.seq)
	s.mu.Unlock()
	return reachmock.NewConnection(id, s.opts.Partner.BaseURL, token)
}

// add lists a connected company and starts its nightly syncs.
func (s *Screens) add(c *reachmock.Connection, how string, secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = append(s.conns, &connection{c: c, sched: s.opts.Reach.Schedule(c), how: how, at: s.now(), secrets: secrets})
}

func (s *Screens) find(id string) (*connection, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// connect starts a connection: with the static token the partner gave the customer, at once; by
// OAuth, Reach reads the partner's discovery document and shows the consent page.
func (s *Screens) connect(w http.ResponseWriter, r *http.Request, sess webpage.SignIn) {
	p := s.opts.Partner
	if r.PostFormValue("how") != "oauth" {
		tok := r.PostFormValue("access_token")
		if tok == "" {
			back(w, r, Prefix, "", errors.New("paste the API token your bookkeeping system issued for Reach"))
			return
		}
		c, err := s.newConnection(tok)
		if err != nil {
			back(w, r, Prefix, "", err)
			return
		}
		s.add(c, "static token", tok)
		back(w, r, Prefix+"connections/"+c.ID, fmt.Sprintf("Connected %s with your API token (%s). Press Sync now to read your books.", p.Name, reachmock.Masked(tok)), nil)
		return
	}
	if p.OAuth == nil {
		back(w, r, Prefix, "", fmt.Errorf("%s hands out API tokens: Reach was issued no OAuth client for it", p.Name))
		return
	}
	c, err := s.newConnection("")
	if err != nil {
		back(w, r, Prefix, "", err)
		return
	}
	d, _, err := s.opts.Reach.Discover(r.Context(), c, nil)
	if err == nil && d == nil {
		err = fmt.Errorf("%s has no OAuth server (its discovery document answers 404): connect with an API token", p.Name)
	}
	if err != nil {
		back(w, r, Prefix, "", fmt.Errorf("OAuth discovery: %w", err))
		return
	}
	state := random()
	s.mu.Lock()
	for k, old := range s.consents { // forget the pages nobody answered
		if s.now().After(old.expires) {
			delete(s.consents, k)
		}
	}
	s.consents[state] = &consent{session: sess.Who, conn: c, disc: d, expires: s.now().Add(s.opts.ConsentTTL)}
	s.mu.Unlock()
	http.Redirect(w, r, Prefix+"consent?state="+state, http.StatusSeeOther)
}

// pending is the consent page of this state, while it is this session's and has not expired.
func (s *Screens) pending(state string, sess webpage.SignIn, take bool) (*consent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.consents[state]
	if !ok || c.session != sess.Who {
		return nil, errors.New("this consent page is unknown or was answered already: start connecting again")
	}
	if s.now().After(c.expires) {
		delete(s.consents, state)
		return nil, fmt.Errorf("this consent page expired at %s: start connecting again", c.expires.UTC().Format("15:04:05 UTC"))
	}
	if take {
		delete(s.consents, state)
	}
	return c, nil
}

type consentView struct {
	State, Scope, Authorize string
}

func (s *Screens) consentPage(w http.ResponseWriter, r *http.Request, sess webpage.SignIn) {
	state := r.URL.Query().Get("state")
	c, err := s.pending(state, sess, false)
	if err != nil {
		s.render(w, http.StatusGone, "home", sess, page{Title: "Connections", Error: err.Error()})
		return
	}
	o := *s.opts.Partner.OAuth
	scope := o.Scope
	if scope == "" {
		scope = "read:company"
	}
	s.render(w, http.StatusOK, "consent", sess, page{Title: "Connect " + s.opts.Partner.Name,
		Data: consentView{State: state, Scope: scope, Authorize: c.disc.AuthorizationEndpoint}})
}

// answerConsent is the customer's Allow or Deny. Allow is the partner's authorization as the
// acceptance run obtains it (the driver's authorize action), then Reach's own part: the redirect
// checked, the code exchanged for tokens.
func (s *Screens) answerConsent(w http.ResponseWriter, r *http.Request, sess webpage.SignIn) {
	state := r.PostFormValue("state")
	c, err := s.pending(state, sess, true)
	if err != nil {
		back(w, r, Prefix, "", err)
		return
	}
	if r.PostFormValue("allow") != "yes" {
		back(w, r, Prefix, "Not connected: you did not allow Reach to read your books.", nil)
		return
	}
	o := *s.opts.Partner.OAuth
	var out struct {
		Redirect string `json:"redirect"`
	}
	err = s.opts.Partner.Driver.Act(r.Context(), "authorize", map[string]any{"client_id": o.ClientID, "redirect_uri": o.RedirectURI,
		"scope": "read:company", "state": state}, &out)
	var code string
	if err == nil {
		code, err = reachmock.CodeFromRedirect(out.Redirect, o, state)
	}
	var tok *reachmock.Token
	if err == nil {
		tok, _, err = s.opts.Reach.ExchangeCode(r.Context(), c.conn, c.disc, o, code, nil)
	}
	if err != nil {
		back(w, r, Prefix, "", fmt.Errorf("not connected: %w", err))
		return
	}
	s.add(c.conn, "OAuth", tok.AccessToken, tok.RefreshToken, o.ClientSecret, code)
	back(w, r, Prefix+"connections/"+c.conn.ID, fmt.Sprintf("Connected %s: Reach holds an access token (%s) and renews it itself. Press Sync now to read your books.", s.opts.Partner.Name, reachmock.Masked(tok.AccessToken)), nil)
}
