// Package refpartner is the reference partner for Reach: a small bookkeeping system that hosts the
// Reach API (mocks/reach/apispec) over the books of fixtures/reach, the way Reach's guides ask, and
// exposes accord's partner driver contract (docs/driver-reach.md). The API is mounted at /reach, the
// driver at /. Started with a named fault it makes one realistic mistake, which the acceptance
// scenarios must catch; started as VariantAlt it is a second, differently built correct partner
// (variant.go).
package refpartner

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/faults"
)

// APIBase is where the partner mounts the Reach API.
const APIBase = "/reach"

// Options configure a partner.
type Options struct {
	Clock clock.Clock
	// Faults to run with; none means a correct implementation.
	Faults []string
	// Wait is how the partner spends time it takes to answer (the slow-answers fault); nil sleeps in
	// real time. A run on the run clock passes one that advances the clock.
	Wait func(ctx context.Context, d time.Duration)
	// TokenLifetime is how long an OAuth access token lives; 0 means one hour (20 minutes in the
	// alt variant).
	TokenLifetime time.Duration
	// Variant is VariantDefault or VariantAlt (variant.go).
	Variant string
}

// Settings are what the driver's reset hands over for Reach: the credentials the partner must accept.
type Settings struct {
	// AccessToken is the static bearer token issued for the fixture's company.
	AccessToken string `json:"access_token"`
	// OtherCompany is a second customer of the partner with a token of its own.
	OtherCompany *OtherCompany `json:"other_company,omitempty"`
	// OAuth, when set, makes the partner advertise an OAuth 2.0 server for this client.
	OAuth *OAuthClient `json:"oauth,omitempty"`
}

// OtherCompany is another customer: its token must not read the fixture's company.
type OtherCompany struct {
	CompanyID   string `json:"company_id"`
	CompanyName string `json:"company_name"`
	AccessToken string `json:"access_token"`
}

// OAuthClient is the client Reach was issued at onboarding.
type OAuthClient struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RedirectURI  string `json:"redirect_uri"`
}

// maxParsed bounds the books a partner keeps parsed.
const maxParsed = 64

// Partner is an http.Handler: the Reach API under /reach, the driver contract at the root.
type Partner struct {
	opts   Options
	faults faults.Set
	alt    bool
	base   string // where the API is mounted: APIBase, or AltAPIBase in the alt variant
	mux    *http.ServeMux

	mu sync.Mutex
	s  *session
	// parsed keeps the books loaded, by the body's digest: a run loads the same bytes before every
	// scenario, an exploration the same few cuts of them again and again, and the books are never
	// written to. It is emptied when it holds maxParsed.
	parsed map[[32]byte]*reachfixture.Set
}

// session is one reset-to-reset life of the partner's system.
type session struct {
	settings Settings
	books    *reachfixture.Set    // the customer's companies
	outage   int                  // answers left to refuse as unavailable
	codes    map[string]grant     // authorization codes
	started  time.Time            // the reset, on the partner's clock
	access   map[string]time.Time // OAuth access token → expiry
	narrow   map[string]bool      // access tokens good for the first company only (refreshed-token-first-company-only)
	refresh  map[string]bool      // live refresh tokens
	counts   map[string]int       // requests served, by kind
	reports  map[string]reply     // statement answers by request (stale-report-cache)
	minute   time.Time            // rate-limit window (rate-limits-nightly)
	inMinute int                  // requests in it
}

type grant struct {
	redirect string
	expires  time.Time
}

// New checks the faults and builds a partner.
func New(opts Options) (*Partner, error) {
	fs, err := catalogue.Parse(opts.Faults)
	if err != nil {
		return nil, err
	}
	if opts.Variant != VariantDefault && opts.Variant != VariantAlt {
		return nil, fmt.Errorf("unknown variant %q of the Reach reference partner (want %q, or none for the default)", opts.Variant, VariantAlt)
	}
	alt := opts.Variant == VariantAlt
	if opts.Clock == nil {
		opts.Clock = clock.New()
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
		if alt {
			opts.TokenLifetime = altTokenLifetime
		}
	}
	if opts.Wait == nil {
		opts.Wait = func(ctx context.Context, d time.Duration) {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
			case <-t.C:
			}
		}
	}
	p := &Partner{opts: opts, faults: fs, alt: alt, base: APIBase}
	if alt {
		p.base = AltAPIBase
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", p.health)
	mux.HandleFunc("POST /reset", p.reset)
	mux.HandleFunc("POST /fixture", p.loadFixture)
	mux.HandleFunc("POST /actions", p.act)
	mux.HandleFunc("GET /view/{name}", p.view)
	mux.HandleFunc(p.base+"/", p.api)
	if alt {
		mux.HandleFunc(altOAuthBase+"/", p.api)
	}
	p.mux = mux
	return p, nil
}

func (p *Partner) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// Name is how the partner introduces itself.
func (p *Partner) Name() string {
	name := "accord reference partner (Reach)"
	if p.alt {
		name = "accord reference partner (Reach), alternative build"
	}
	if len(p.faults) > 0 {
		var fs []string
		for f := range p.faults {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		name += " with fault " + strings.Join(fs, ",")
	}
	return name
}

// driver contract -----------------------------------------------------------------

func (p *Partner) health(w http.ResponseWriter, _ *http.Request) {
	driver.WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "name": p.Name(), "platforms": []string{"reach"}})
}

func (p *Partner) reset(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Platform string   `json:"platform"`
		Settings Settings `json:"settings"`
	}
	if !driver.ReadJSON(w, r, &body) {
		return
	}
	if body.Platform != "reach" {
		driver.WriteError(w, http.StatusBadRequest, "this partner hosts the Reach API, not %q", body.Platform)
		return
	}
	if err := p.Reset(body.Settings); err != nil {
		driver.WriteError(w, http.StatusBadRequest, "%v", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Reset starts a fresh session that accepts the given credentials; the books must be loaded next.
func (p *Partner) Reset(st Settings) error {
	if st.AccessToken == "" {
		return errors.New("settings need access_token: the bearer token Reach will send")
	}
	if o := st.OtherCompany; o != nil && (o.CompanyID == "" || o.AccessToken == "" || o.AccessToken == st.AccessToken) {
		return errors.New("other_company needs company_id and an access_token of its own")
	}
	if o := st.OAuth; o != nil && (o.ClientID == "" || o.ClientSecret == "" || o.RedirectURI == "") {
		return errors.New("oauth needs client_id, client_secret and redirect_uri")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.s = &session{settings: st, started: p.opts.Clock.Now(), codes: map[string]grant{}, access: map[string]time.Time{}, narrow: map[string]bool{},
		refresh: map[string]bool{}, counts: map[string]int{}, reports: map[string]reply{}}
	return nil
}

// loadFixture takes the fixture ({"Companies": [...]}, each in fixtures/reach/company.json's shape,
// or one company's document alone) as the customer's books.
func (p *Partner) loadFixture(w http.ResponseWriter, r *http.Request) {
	body, err := boundedhttp.ReadLimited(r.Body, 16<<20)
	if err != nil {
		driver.WriteError(w, http.StatusBadRequest, "fixture: %v", err)
		return
	}
	books, err := p.parse(body)
	if err != nil {
		driver.WriteError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if err := p.Load(books); err != nil {
		driver.WriteError(w, http.StatusConflict, "%v", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (p *Partner) parse(body []byte) (*reachfixture.Set, error) {
	sum := sha256.Sum256(body)
	p.mu.Lock()
	if books, ok := p.parsed[sum]; ok {
		defer p.mu.Unlock()
		return books, nil
	}
	p.mu.Unlock()
	books, err := reachfixture.ParseSet(body)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.parsed == nil || len(p.parsed) >= maxParsed {
		p.parsed = map[[32]byte]*reachfixture.Set{}
	}
	p.parsed[sum] = books
	return books, nil
}

// Load makes books the customer's companies in the current session.
func (p *Partner) Load(books *reachfixture.Set) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s == nil {
		return errors.New("reset first: no session")
	}
	if len(books.Companies) == 0 {
		return errors.New("the fixture has no company")
	}
	if o := p.s.settings.OtherCompany; o != nil {
		if _, clash := books.Company(o.CompanyID); clash {
			return fmt.Errorf("the other company's id %s is one of the fixture's companies", o.CompanyID)
		}
	}
	p.s.books = books
	return nil
}

func (p *Partner) act(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Action string          `json:"action"`
		Params json.RawMessage `json:"params"`
	}
	if !driver.ReadJSON(w, r, &body) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.s
	if s == nil || s.books == nil {
		driver.WriteError(w, http.StatusConflict, "reset and load a fixture first")
		return
	}
	switch body.Action {
	case "outage":
		// The partner's system goes briefly unavailable (a deploy, a month-end close).
		var params struct {
			Requests int `json:"requests"`
		}
		if len(body.Params) > 0 {
			if err := json.Unmarshal(body.Params, &params); err != nil {
				driver.WriteError(w, http.StatusBadRequest, "outage params: %v", err)
				return
			}
		}
		if params.Requests < 1 || params.Requests > 100 {
			driver.WriteError(w, http.StatusBadRequest, "outage needs requests between 1 and 100")
			return
		}
		s.outage = params.Requests
		driver.WriteJSON(w, http.StatusOK, map[string]any{"result": map[string]any{"unavailable_for": params.Requests}})
	case "authorize":
		// The customer signs in to the partner's system and lets Reach read their company.
		var params struct {
			ClientID    string `json:"client_id"`
			RedirectURI string `json:"redirect_uri"`
			Scope       string `json:"scope"`
			State       string `json:"state"`
		}
		if err := json.Unmarshal(body.Params, &params); err != nil {
			driver.WriteError(w, http.StatusBadRequest, "authorize params: %v", err)
			return
		}
		back, status, err := p.grantCode(r, s, params.ClientID, params.RedirectURI, params.State)
		if err != nil {
			driver.WriteError(w, status, "%v", err)
			return
		}
		driver.WriteJSON(w, http.StatusOK, map[string]any{"result": map[string]any{"redirect": back}})
	default:
		driver.WriteError(w, http.StatusNotFound, "unknown action %q; this partner knows outage and authorize", body.Action)
	}
}

func (p *Partner) view(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.s
	if s == nil || s.books == nil {
		driver.WriteError(w, http.StatusConflict, "reset and load a fixture first")
		return
	}
	switch name := r.PathValue("name"); name {
	case "connection":
		driver.WriteJSON(w, http.StatusOK, map[string]any{"base_url": origin(r) + p.base, "oauth": s.settings.OAuth != nil})
	case "status":
		counts := map[string]int{}
		for k, v := range s.counts {
			counts[k] = v
		}
		companies := []map[string]any{}
		for _, c := range s.books.Companies {
			companies = append(companies, map[string]any{"company_id": c.Company.CompanyID, "months": []string{c.FirstMonth.String(), c.LastMonth.String()}})
		}
		driver.WriteJSON(w, http.StatusOK, map[string]any{"companies": companies, "requests": counts, "unavailable_for": s.outage})
	default:
		driver.WriteError(w, http.StatusNotFound, "unknown view %q; this partner has connection and status", name)
	}
}

func randomToken(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}
