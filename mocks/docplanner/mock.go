// Package docplanner is accord's mock of the Docplanner Integrations API v3:
// routing, validation and every answer are driven by the embedded OpenAPI
// document (apispec/openapi.yaml); state lives in memory per client
// credentials, so many partners can share one mock; the platform's own side
// (patients booking, doctors adding breaks) is a Go API the scenarios drive.
package docplanner

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/mockserver"
	"github.com/accord-harness/accord/internal/spec"
	docplannerapi "github.com/accord-harness/accord/mocks/docplanner/apispec"
)

// Media types of the platform's answers.
const (
	mediaSuccess = "application/vnd.docplanner+json; charset=UTF-8"
	mediaError   = "application/vnd.error+docplanner+json"
)

// Options configure a mock.
type Options struct {
	// Clock is the run clock: PUSH retries, rate-limit windows, the PULL
	// queue's expiry and the tenants' calendars run on it.
	Clock clock.Clock
	// PartnerClock is the clock the partner lives on: every time it can read
	// (booking and notification times, X-RateLimit-Reset, token lifetimes)
	// is on it. nil means Clock, for a partner that shares the run clock; a
	// partner outside the run lives on the wall clock, which the run clock
	// runs ahead of once a scenario lets minutes pass.
	PartnerClock clock.Clock
	Journal      *journal.Journal
	// TokenLifetime is how long an access token lives; 0 means one hour.
	TokenLifetime time.Duration
	// PushRetries are the delays of the retries after a failed PUSH; nil means 5 and 10 minutes.
	PushRetries []time.Duration
	// PushTimeout bounds each PUSH delivery; 0 means 10 seconds.
	PushTimeout time.Duration
	// GetsPerHour and WritesPerMinute are the rate limits; 0 means 8000 and 40.
	GetsPerHour, WritesPerMinute int
	// WriteWindow is the length of the write window WritesPerMinute counts
	// in; 0 means a minute, as published. A test of a partner that waits in
	// real time shortens it.
	WriteWindow time.Duration
	// RateLimitsOff counts calls and sends the rate-limit headers as usual
	// but never answers 429: for load tests and development against a
	// standalone mock (accord mock docplanner --rate-limits off).
	RateLimitsOff bool
	// SkipResponseValidation is for benchmarks that measure validation's cost.
	SkipResponseValidation bool
	// SkipRequestValidation likewise.
	SkipRequestValidation bool
}

// Mock is the platform.
type Mock struct {
	opts    Options
	spec    *spec.Spec
	server  http.Handler
	journal *journal.Journal
	push    *http.Client

	mu      sync.Mutex
	tenants map[string]*tenant // by client id
	tokens  map[string]token   // by access token
}

type token struct {
	clientID string
	expires  time.Time
}

// Spec is the loaded document, parsed once per process: it is read-only.
var Spec = sync.OnceValues(func() (*spec.Spec, error) { return spec.Load(docplannerapi.Document()) })

// New builds a mock with no tenants.
func New(opts Options) (*Mock, error) {
	if opts.Clock == nil {
		opts.Clock = clock.New()
	}
	if opts.PartnerClock == nil {
		opts.PartnerClock = opts.Clock
	}
	if opts.Journal == nil {
		opts.Journal = journal.New()
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.PushRetries == nil {
		opts.PushRetries = []time.Duration{5 * time.Minute, 10 * time.Minute}
	}
	if opts.PushTimeout <= 0 {
		opts.PushTimeout = 10 * time.Second
	}
	if opts.GetsPerHour <= 0 {
		opts.GetsPerHour = 8000
	}
	if opts.WriteWindow <= 0 {
		opts.WriteWindow = time.Minute
	}
	if opts.WritesPerMinute <= 0 {
		opts.WritesPerMinute = 40
	}
	sp, err := Spec()
	if err != nil {
		return nil, err
	}
	m := &Mock{
		opts:    opts,
		spec:    sp,
		journal: opts.Journal,
		push:    boundedhttp.NewClient(opts.PushTimeout),
		tenants: map[string]*tenant{},
		tokens:  map[string]token{},
	}
	srv, err := mockserver.New(mockserver.Config{
		Spec:                   sp,
		Handlers:               m.handlers(),
		Policy:                 policy{m},
		Journal:                opts.Journal,
		Clock:                  opts.Clock,
		SkipResponseValidation: opts.SkipResponseValidation,
		SkipRequestValidation:  opts.SkipRequestValidation,
	})
	if err != nil {
		return nil, err
	}
	m.server = srv
	return m, nil
}

// ServeHTTP serves the platform's API.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.server.ServeHTTP(w, r) }

// Journal holds every exchange with every partner.
func (m *Mock) Journal() *journal.Journal { return m.journal }

// SpecDoc is the document the mock serves.
func (m *Mock) SpecDoc() *spec.Spec { return m.spec }

// AddTenant creates the platform state of one set of client credentials from
// a fixture's platform side; it replaces any tenant with that client id.
func (m *Mock) AddTenant(clientID, secret string, f *docplannerfixture.Fixture) {
	t := newTenant(clientID, secret, f)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tenants[clientID] = t
	for tok, info := range m.tokens {
		if info.clientID == clientID {
			delete(m.tokens, tok)
		}
	}
}

// RemoveTenant forgets a tenant and its tokens.
func (m *Mock) RemoveTenant(clientID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tenants, clientID)
	for tok, info := range m.tokens {
		if info.clientID == clientID {
			delete(m.tokens, tok)
		}
	}
}

func (m *Mock) tenant(clientID string) (*tenant, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tenants[clientID]
	if !ok {
		return nil, fmt.Errorf("docplanner mock: no tenant %q", clientID)
	}
	return t, nil
}

// issueToken checks client credentials in constant time and mints a token.
func (m *Mock) issueToken(clientID, secret string) (string, time.Duration, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tenants[clientID]
	if !ok || subtle.ConstantTimeCompare([]byte(secret), []byte(t.secret)) != 1 {
		return "", 0, false
	}
	buf := make([]byte, 20)
	_, _ = rand.Read(buf)
	tok := hex.EncodeToString(buf)
	m.tokens[tok] = token{clientID: clientID, expires: m.opts.PartnerClock.Now().Add(m.opts.TokenLifetime)}
	return tok, m.opts.TokenLifetime, true
}

var errExpired = errors.New("access token expired")

func (m *Mock) tokenTenant(tok string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	info, ok := m.tokens[tok]
	if !ok {
		return "", errors.New("access token not recognised")
	}
	if !m.opts.PartnerClock.Now().Before(info.expires) {
		return info.clientID, errExpired
	}
	return info.clientID, nil
}

// policy adapts the mock to mockserver.Policy.
type policy struct{ m *Mock }

func (p policy) Authenticate(op string, r *http.Request) (string, *mockserver.Response) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		resp := errResp(http.StatusUnauthorized, "Missing bearer token: send Authorization: Bearer <access_token> from /oauth/v2/token")
		return "", &resp
	}
	clientID, err := p.m.tokenTenant(strings.TrimSpace(tok))
	if err != nil {
		resp := errResp(http.StatusUnauthorized, "Invalid token: "+err.Error())
		resp.Header = http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}}
		return clientID, &resp
	}
	return clientID, nil
}

func (p policy) Admit(tenantID string, r *http.Request) (http.Header, *mockserver.Response) {
	if tenantID == "" {
		return nil, nil
	}
	t, err := p.m.tenant(tenantID)
	if err != nil {
		resp := errResp(http.StatusUnauthorized, "Invalid token: its client no longer exists")
		return nil, &resp
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	t.admitted++
	if t.failCallIn > 0 {
		t.failCallIn--
		if t.failCallIn == 0 {
			resp := errResp(http.StatusServiceUnavailable, "Service temporarily unavailable")
			return nil, &resp
		}
	}
	if t.outage || (write && t.failWrites > 0) {
		if !t.outage {
			t.failWrites--
		}
		resp := errResp(http.StatusServiceUnavailable, "Service temporarily unavailable")
		resp.Header = http.Header{"Retry-After": {"60"}}
		return nil, &resp
	}
	opts := p.m.opts
	opts.RateLimitsOff = opts.RateLimitsOff || t.unlimited
	return t.limits.admit(opts, opts.Clock.Now(), p.m.forPartner, r.Method)
}

func (p policy) Invalid(op string, status int, message string, vs []journal.Violation) mockserver.Response {
	if op == "getToken" {
		// The token endpoint speaks OAuth 2.0, errors included.
		for _, v := range vs {
			if v.Field == "grant_type" && v.Rule == "enum" {
				return oauthErr(http.StatusBadRequest, "unsupported_grant_type", message)
			}
		}
		return oauthErr(http.StatusBadRequest, "invalid_request", message)
	}
	if len(vs) == 0 {
		return errResp(status, message)
	}
	fields := map[string][]string{}
	for _, v := range vs {
		key := fieldKey(v.Field)
		if key == "" {
			key = v.In
		}
		msg := v.Message
		if v.Rule != "" {
			msg = v.Rule + ": " + msg
		}
		fields[key] = append(fields[key], msg)
	}
	return mockserver.Response{Status: status, Body: map[string]any{"message": message, "errors": fields}}
}

func (p policy) ContentType(status int) string {
	if status >= 400 {
		return mediaError
	}
	return mediaSuccess
}

// fieldKey writes a field path the way the platform's error bodies do
// (slots[1].end): array indexes in brackets, not as path segments.
func fieldKey(dotted string) string {
	if dotted == "" {
		return ""
	}
	var b strings.Builder
	for i, part := range strings.Split(dotted, ".") {
		if _, err := strconv.Atoi(part); err == nil && i > 0 {
			b.WriteString("[" + part + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

func errResp(status int, message string) mockserver.Response {
	return mockserver.Response{Status: status, Body: map[string]any{"message": message, "errors": []string{}}}
}

func fieldErr(status int, message, field, detail string) mockserver.Response {
	return mockserver.Response{Status: status, Body: map[string]any{"message": message, "errors": map[string][]string{field: {detail}}}}
}
