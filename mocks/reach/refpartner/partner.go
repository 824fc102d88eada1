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
	"sync"
	"time"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
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
	mux := driver.NewServer(p)
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
	return p.faults.Label(name)
}

// driver contract -----------------------------------------------------------------

var _ driver.Partner = (*Partner)(nil)

// Platforms is the one platform the partner integrates with.
func (p *Partner) Platforms() []string { return []string{"reach"} }

// ResetSession is Reset with the settings as the driver received them.
func (p *Partner) ResetSession(_ context.Context, _ string, settings json.RawMessage) error {
	var st Settings
	if err := driver.Decode(settings, &st); err != nil {
		return err
	}
	if err := p.Reset(st); err != nil {
		return driver.Errorf(http.StatusBadRequest, "%w", err)
	}
	return nil
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

// LoadFixture takes the fixture ({"Companies": [...]}, each in fixtures/reach/company.json's shape,
// or one company's document alone) as the customer's books.
func (p *Partner) LoadFixture(_ context.Context, raw json.RawMessage) error {
	books, err := p.parse(raw)
	if err != nil {
		return driver.Errorf(http.StatusBadRequest, "%w", err)
	}
	if err := p.Load(books); err != nil {
		return driver.Errorf(http.StatusConflict, "%w", err)
	}
	return nil
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

// live is the session and whether its books are loaded; the caller holds p.mu.
func (p *Partner) live() (*session, bool) { return p.s, p.s != nil && p.s.books != nil }

// Act performs one of the customer's doings in the partner's system.
func (p *Partner) Act(ctx context.Context, a driver.Action) (any, error) {
	return driver.OnLive(&p.mu, p.live, func(s *session) (any, error) {
		return driver.Dispatch(ctx, s, a, map[string]driver.ActionFunc[*session]{"outage": p.outage, "authorize": p.authorize})
	})
}

// outage: the partner's system goes briefly unavailable (a deploy, a month-end close).
func (p *Partner) outage(_ context.Context, s *session, raw json.RawMessage) (any, error) {
	var params struct {
		Requests int `json:"requests"`
	}
	if err := driver.Decode(raw, &params); err != nil {
		return nil, err
	}
	if params.Requests < 1 || params.Requests > 100 {
		return nil, driver.Errorf(http.StatusBadRequest, "requests must be between 1 and 100")
	}
	s.outage = params.Requests
	return map[string]any{"unavailable_for": params.Requests}, nil
}

// authorize: the customer signs in to the partner's system and lets Reach read their company.
func (p *Partner) authorize(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	var params struct {
		ClientID    string `json:"client_id"`
		RedirectURI string `json:"redirect_uri"`
		Scope       string `json:"scope"`
		State       string `json:"state"`
	}
	if len(raw) == 0 {
		return nil, driver.Errorf(http.StatusBadRequest, "params missing")
	}
	if err := driver.Decode(raw, &params); err != nil {
		return nil, err
	}
	back, err := p.grantCode(driver.Origin(ctx), s, params.ClientID, params.RedirectURI, params.State)
	if err != nil {
		return nil, err
	}
	return map[string]any{"redirect": back}, nil
}

// View reports the partner's own view of name.
func (p *Partner) View(ctx context.Context, name string) (any, error) {
	return driver.OnLive(&p.mu, p.live, func(s *session) (any, error) {
		return driver.Show(ctx, s, name, map[string]driver.ViewFunc[*session]{
			"connection": func(ctx context.Context, s *session) any {
				return map[string]any{"base_url": driver.Origin(ctx) + p.base, "oauth": s.settings.OAuth != nil}
			},
			"status": func(_ context.Context, s *session) any {
				counts := map[string]int{}
				for k, v := range s.counts {
					counts[k] = v
				}
				companies := []map[string]any{}
				for _, c := range s.books.Companies {
					companies = append(companies, map[string]any{"company_id": c.Company.CompanyID, "months": []string{c.FirstMonth.String(), c.LastMonth.String()}})
				}
				return map[string]any{"companies": companies, "requests": counts, "unavailable_for": s.outage}
			},
		})
	})
}

func randomToken(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}
