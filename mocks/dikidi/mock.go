// Package dikidi is accord's mock of DIKIDI Business as a partner connector
// sees it: the API a company opens through an API access key, the owner panel
// where the business manages keys, records, clients and working hours, and
// the company events DIKIDI POSTs to a key's Path, retried on the run clock,
// with one e-mail per delivery incident. Routing, validation and every answer
// follow the embedded OpenAPI document (apispec/openapi.yaml); state lives in
// memory per company, so many scenarios share one mock.
package dikidi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/mockserver"
	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/spec"
	dikidiapi "github.com/accord-harness/accord/mocks/dikidi/apispec"
)

// Mailer sends the delivery-problem e-mails; alert.SMTP (a real SMTP
// conversation) is the one accord uses.
type Mailer interface {
	Send(ctx context.Context, m alert.Message) error
}

// Options configure a mock.
type Options struct {
	Clock   clock.Clock
	Journal *journal.Journal
	// OwnerToken opens the owner panel (X-Accord-Owner-Token); "" means a random one.
	OwnerToken string
	// PartnerKeys are accepted on activateKey in addition to each company fixture's partner_keys.
	PartnerKeys []string
	// RetryDelays are the waits between delivery attempts; nil means 1, 2, 4, 8, 16, 32 and 60
	// minutes (8 attempts in all).
	RetryDelays []time.Duration
	// DeliveryTimeout bounds each POST to a Path; 0 means 10 seconds.
	DeliveryTimeout time.Duration
	// EmailAfter is how many failed attempts of an incident send its e-mail; 0 means 3.
	EmailAfter int
	// Mailer sends the e-mails; nil keeps them in the outbox only.
	Mailer Mailer
	// SkipResponseValidation and SkipRequestValidation are for benchmarks that measure validation's cost.
	SkipResponseValidation bool
	SkipRequestValidation  bool
}

// DefaultRetryDelays are the designed waits between the 8 delivery attempts.
func DefaultRetryDelays() []time.Duration {
	return []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, 60 * time.Minute}
}

// Mock is the platform.
type Mock struct {
	opts    Options
	spec    *spec.Spec
	server  http.Handler
	journal *journal.Journal
	events  *http.Client

	mu          sync.Mutex
	companies   map[int64]*company
	tokens      map[string]*key
	partnerKeys map[string]bool
	nextKey     int64
	lostAnswers map[string]int  // token -> DIKIDI answers to writes to lose on the way back
	lostReads   map[string]int  // token -> DIKIDI answers to reads (GET) to cut off
	unreachable map[string]bool // token -> the partner's calls never reach DIKIDI
}

// Spec is the loaded document, parsed once per process: it is read-only.
var Spec = sync.OnceValues(func() (*spec.Spec, error) { return spec.Load(dikidiapi.Document()) })

// New builds a mock with no companies.
func New(opts Options) (*Mock, error) {
	if opts.Clock == nil {
		opts.Clock = clock.New()
	}
	if opts.Journal == nil {
		opts.Journal = journal.New()
	}
	if opts.OwnerToken == "" {
		opts.OwnerToken = randomHex(16)
	}
	if opts.RetryDelays == nil {
		opts.RetryDelays = DefaultRetryDelays()
	}
	if opts.DeliveryTimeout <= 0 {
		opts.DeliveryTimeout = 10 * time.Second
	}
	if opts.EmailAfter <= 0 {
		opts.EmailAfter = 3
	}
	sp, err := Spec()
	if err != nil {
		return nil, err
	}
	events := boundedhttp.NewClient(opts.DeliveryTimeout)
	// A redirect is a failed attempt, not something to follow.
	events.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	m := &Mock{
		opts:        opts,
		spec:        sp,
		journal:     opts.Journal,
		events:      events,
		companies:   map[int64]*company{},
		tokens:      map[string]*key{},
		partnerKeys: map[string]bool{},
		nextKey:     7000,
		lostAnswers: map[string]int{},
		lostReads:   map[string]int{},
		unreachable: map[string]bool{},
	}
	for _, pk := range opts.PartnerKeys {
		m.partnerKeys[pk] = true
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

// ServeHTTP serves the partner API and the owner panel.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.cutOff(r) {
		// The connection drops before DIKIDI sees the call, as when the
		// partner cannot reach it: nothing is done, no answer comes.
		panic(http.ErrAbortHandler)
	}
	tok := r.URL.Query().Get("token")
	if r.Method != http.MethodGet && m.takeLost(m.lostAnswers, tok) {
		// The request is served in full, then the connection drops before
		// the answer leaves: the partner cannot know whether it worked.
		m.server.ServeHTTP(&held{header: http.Header{}}, r)
		panic(http.ErrAbortHandler)
	}
	if r.Method == http.MethodGet && m.takeLost(m.lostReads, tok) {
		// The connection drops halfway through the answer. Cut off after
		// its status line, not before: an HTTP client may send a read
		// that got no answer at all again by itself (Go's does).
		d := &held{header: w.Header()}
		m.server.ServeHTTP(d, r)
		d.WriteHeader(http.StatusOK)
		w.Header().Set("Content-Length", strconv.Itoa(len(d.body)))
		w.WriteHeader(d.status)
		_, _ = w.Write(d.body[:len(d.body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	m.server.ServeHTTP(w, r)
}

// Journal holds every exchange with every partner, events included.
func (m *Mock) Journal() *journal.Journal { return m.journal }

// SpecDoc is the document the mock serves.
func (m *Mock) SpecDoc() *spec.Spec { return m.spec }

// OwnerToken opens the owner panel.
func (m *Mock) OwnerToken() string { return m.opts.OwnerToken }

// KeyTenant is how the journal names a key's traffic; OwnerTenant the owner panel's;
// both start with CompanyTenant.
func KeyTenant(companyID, keyID int64) string {
	return fmt.Sprintf("company-%d/key-%d", companyID, keyID)
}

// OwnerTenant names the owner panel's traffic of a company.
func OwnerTenant(companyID int64) string { return fmt.Sprintf("company-%d/owner", companyID) }

// CompanyTenant is the prefix of every tenant of a company.
func CompanyTenant(companyID int64) string { return fmt.Sprintf("company-%d/", companyID) }

func (m *Mock) company(id int64) (*company, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.companies[id]
	return c, ok
}

func (m *Mock) keyByToken(tok string) *key {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokens[tok]
}

func (m *Mock) knownPartnerKey(pk string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.partnerKeys[pk]
}

// register hands out the key id and a fresh token; callers hold the company's lock.
func (m *Mock) register(k *key) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextKey++
	k.id = m.nextKey
	for {
		k.token = randomHex(16)
		if _, taken := m.tokens[k.token]; !taken {
			break
		}
	}
	m.tokens[k.token] = k
}

// LoseNextAnswers makes DIKIDI's answers to the next n writes (non-GET calls)
// made with this access key vanish on the way back: DIKIDI does the work, the
// partner sees the connection drop.
func (m *Mock) LoseNextAnswers(token string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lostAnswers[token] = n
}

// CutNextReads cuts DIKIDI's answers to the next n reads (GET calls) made
// with this access key off halfway, as when the connection drops in the
// middle of a partner's synchronisation.
func (m *Mock) CutNextReads(token string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lostReads[token] = n
}

// takeLost uses up one answer of lost (lostAnswers or lostReads) for tok.
func (m *Mock) takeLost(lost map[string]int, tok string) bool {
	if tok == "" {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if lost[tok] <= 0 {
		return false
	}
	lost[tok]--
	return true
}

// SetUnreachable cuts a key's calls off DIKIDI (on) or lets them through
// again: a network failure or an incident between the partner and DIKIDI.
// DIKIDI still delivers the key's events to its Path, which is DIKIDI's own
// traffic, so a partner that takes events hears of changes it cannot read.
func (m *Mock) SetUnreachable(companyID, keyID int64, on bool) error {
	var token string
	err := m.with(companyID, func(c *company) *Error {
		k, e := c.keyByID(keyID)
		if e == nil {
			token = k.token
		}
		return e
	})
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.unreachable[token] = on
	return nil
}

// cutOff journals a call of a key SetUnreachable cut off: the report shows
// the partner's attempts, and its scenario can count them.
func (m *Mock) cutOff(r *http.Request) bool {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		return false
	}
	m.mu.Lock()
	cut := m.unreachable[tok]
	k := m.tokens[tok]
	m.mu.Unlock()
	if !cut || k == nil {
		return false
	}
	m.journal.Add(journal.Entry{
		Tenant: KeyTenant(k.c.id, k.id), Time: m.opts.Clock.Now(), Direction: journal.Inbound,
		Method: r.Method, URL: r.URL.String(), RequestHeader: r.Header.Clone(),
		Error: "simulated outage (accord): the call never reached DIKIDI, and no answer came back",
	})
	return true
}

// held keeps an answer the network will not deliver whole.
type held struct {
	header http.Header
	status int
	body   []byte
}

func (d *held) Header() http.Header { return d.header }

func (d *held) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	d.body = append(d.body, b...)
	return len(b), nil
}

func (d *held) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}

// newUUID is a random (version 4) UUID in lowercase.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// policy adapts the mock to mockserver.Policy.
type policy struct{ m *Mock }

// ownerOps are the owner panel's operations: they take the owner token.
func ownerOp(op string) bool {
	switch op {
	case "createAccessKey", "listAccessKeys", "getAccessKey", "updateAccessKey", "deleteAccessKey",
		"listKeyDeliveries", "listOutboxEmails", "ownerCreateRecord", "ownerOccupyTime", "ownerUpdateRecord",
		"ownerCancelRecord", "ownerCreateClient", "ownerUpdateClient", "ownerUpdateSchedule":
		return true
	}
	return false
}

// recordWrite are the calls a paused key may not make.
func recordWrite(op string) bool {
	switch op {
	case "createRecord", "updateRecord", "cancelRecord", "occupyTime":
		return true
	}
	return false
}

// Authenticate runs the checks that come before the input is looked at, in
// the document's order: the key (401), its state (403 KEY_NOT_ACTIVATED,
// KEY_PAUSED), then the permission the call needs (403 PERMISSION_DENIED).
func (p policy) Authenticate(op string, r *http.Request) (string, *mockserver.Response) {
	if ownerOp(op) {
		tenant := ""
		if id, ok := pathID(r.URL.Path, "companies"); ok {
			tenant = OwnerTenant(id)
		}
		if !sameSecret(r.Header.Get("X-Accord-Owner-Token"), p.m.opts.OwnerToken) {
			resp := failure(http.StatusUnauthorized, codeOwnerToken, "Missing or wrong X-Accord-Owner-Token.")
			return tenant, &resp
		}
		return tenant, nil
	}
	tok := r.URL.Query().Get("token")
	if tok == "" {
		resp := failure(http.StatusUnauthorized, codeKeyMissing, "No access key: pass it as the token query parameter (?token=...).")
		return "", &resp
	}
	k := p.m.keyByToken(tok)
	if k == nil {
		resp := failure(http.StatusUnauthorized, codeKeyUnknown, "No access key with this token exists.")
		return "", &resp
	}
	c := k.c
	c.mu.Lock()
	defer c.mu.Unlock()
	tenant := KeyTenant(c.id, k.id)
	if k.deleted != nil {
		resp := failure(http.StatusUnauthorized, codeKeyDeleted, "The company deleted this access key; the integration has ended.")
		return tenant, &resp
	}
	switch op {
	case "activateKey":
		if r.Header.Get("Authorization") == "" {
			resp := failure(http.StatusUnauthorized, codePartnerKeyMissing, "Activation needs the partner key in the Authorization header.")
			return tenant, &resp
		}
		return tenant, nil
	case "getKeyStatus":
		return tenant, nil
	}
	switch k.state() {
	case StateAwaiting:
		resp := failure(http.StatusForbidden, codeNotActivated, "The access key is awaiting activation by the partner.")
		return tenant, &resp
	case StatePaused:
		if recordWrite(op) {
			resp := failure(http.StatusForbidden, codePaused, "The company paused the integration: records cannot be changed.")
			return tenant, &resp
		}
	}
	if perm := c.permissionFor(k, op, r.URL.Path); perm != "" {
		resp := denied(perm)
		return tenant, &resp
	}
	return tenant, nil
}

// permissionFor names the permission a call lacks, or "". Calls on a record
// need the permission of its type; an unknown record is left to the handler
// (404).
func (c *company) permissionFor(k *key, op, path string) string {
	p := k.perms
	switch op {
	case "listClients", "getClient":
		if p.Clients.View == ScopeNone {
			return PermClientsView
		}
	case "createRecord":
		if !p.Records.AddEdit {
			return PermAddEdit
		}
	case "occupyTime":
		if !p.Records.OccupyTime {
			return PermOccupyTime
		}
	case "updateRecord", "cancelRecord":
		need, other := PermAddEdit, p.Records.AddEdit
		if op == "cancelRecord" {
			need, other = PermCancel, p.Records.Cancel
		}
		id, _ := pathID(path, "records")
		r, ok := c.records[id]
		switch {
		case ok && r.typ == TypeOccupied && !p.Records.OccupyTime:
			return PermOccupyTime
		case ok && r.typ == TypeRecord && !other:
			return need
		case !ok && !other && !p.Records.OccupyTime:
			return need
		}
	case "updateSchedule":
		master, ok := pathID(path, "schedule")
		switch p.Schedule.Edit {
		case ScopeNone:
			return PermScheduleEdit
		case ScopeOwn:
			if ok && (k.employee == nil || *k.employee != master) {
				return PermScheduleEdit
			}
		}
	}
	return ""
}

// pathID reads the integer path segment that follows after.
func pathID(path, after string) (int64, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == after {
			id, err := strconv.ParseInt(parts[i+1], 10, 64)
			return id, err == nil && id > 0
		}
	}
	return 0, false
}

func (p policy) Admit(string, *http.Request) (http.Header, *mockserver.Response) { return nil, nil }

// Invalid renders what broke the document in DIKIDI's envelope: a bad path id
// or an unknown route is 404 NOT_FOUND, anything else 422 VALIDATION_ERROR
// with the fields.
func (p policy) Invalid(op string, status int, message string, vs []journal.Violation) mockserver.Response {
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return failure(http.StatusNotFound, codeNotFound, message)
	case http.StatusBadRequest:
		var fields []FieldError
		for _, v := range vs {
			if v.In == "path" {
				return failure(http.StatusNotFound, codeNotFound, fmt.Sprintf("Not found: %s is not the id of anything here (%s).", v.Field, v.Message))
			}
			field := v.Field
			if field == "" {
				field = v.In
			}
			if field == "" {
				field = "body"
			}
			msg := v.Message
			if v.Rule != "" {
				msg = v.Rule + ": " + msg
			}
			fields = append(fields, FieldError{Field: field, Message: msg})
		}
		if len(fields) == 0 {
			fields = []FieldError{{Field: "body", Message: message}}
		}
		return (&Error{Status: http.StatusUnprocessableEntity, Code: codeValidation, Message: "The request is invalid: " + message, Fields: fields}).response()
	}
	return (&Error{Status: status, Code: codeValidation, Message: message}).response()
}

func (p policy) ContentType(int) string { return "application/json" }
