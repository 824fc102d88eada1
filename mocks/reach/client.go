package reach

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
)

// Connection is one customer's link from Reach to a partner: the base URL and the credentials shared
// at onboarding. It is safe for concurrent use.
type Connection struct {
	// ID names the connection in the journal (its entries' Tenant).
	ID string
	// BaseURL is the partner's API base (the specification's first server stands for it).
	BaseURL string

	mu     sync.Mutex
	token  string
	oauth  *oauthState
	synced bool // a first (full history) sync has completed

	// renewing is held for the whole of a refresh: a connection never sends two refresh grants at
	// once. A partner may revoke a refresh token once used (RFC 6749 §6), so two callers that
	// found the token expired at the same instant (the nightly sync and a step) must not both
	// spend the same refresh token.
	renewing sync.Mutex
}

// NewConnection checks the base URL; token is the static bearer token (empty when OAuth will set one).
func NewConnection(id, baseURL, token string) (*Connection, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the partner's base URL %q is not an http(s) URL", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the partner's base URL %q must not carry a query or fragment", baseURL)
	}
	return &Connection{ID: id, BaseURL: strings.TrimRight(baseURL, "/"), token: token}, nil
}

// Token is the bearer token the connection sends now.
func (c *Connection) Token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// Auth says which credentials a request carries.
type Auth int

const (
	// AuthConnection sends the connection's token, refreshing an OAuth token first when it expired.
	AuthConnection Auth = iota
	// AuthNone sends no Authorization header.
	AuthNone
	// AuthToken sends Request.Token (a probe with a wrong or foreign token).
	AuthToken
)

// Request is one call to the partner.
type Request struct {
	// Operation is the specification's operationId; it gives the method and path template.
	Operation string
	Path      map[string]string
	Query     url.Values
	JSON      any        // a JSON body
	Form      url.Values // a form body (the token endpoint)
	Auth      Auth
	Token     string
	// URL replaces BaseURL+path (the token endpoint the discovery document names).
	URL string
	// NoRetry sends once even if the answer is 503 or 429.
	NoRetry bool
	// Check adds the rules the schema cannot express (pagination echo, periods) to the violations.
	Check func(status int, body []byte) []journal.Violation
	// Trace, when set, collects every attempt.
	Trace *Trace
}

// Result is a completed exchange: the last attempt.
type Result struct {
	Entry    journal.Entry
	Record   Record
	Attempts int
	Status   int
	Header   http.Header
	Body     []byte // whole, unlike the journal's copy
	// sent is the bearer token the last attempt carried, so that a 401 renews that token and
	// not one another caller has already renewed.
	sent string
}

// OK reports a 2xx answer.
func (r *Result) OK() bool { return r != nil && r.Status >= 200 && r.Status < 300 }

// Violations are the answer's breaches of the specification.
func (r *Result) Violations() []journal.Violation { return r.Entry.ResponseViolations }

// CallError is a call that got no usable answer: refused, timed out, too large, unreadable.
type CallError struct {
	Operation, Method, URL string
	Status                 int // when headers came before the failure
	Reason                 string
}

func (e *CallError) Error() string {
	return fmt.Sprintf("%s %s (%s): %s", e.Method, e.URL, e.Operation, e.Reason)
}

// Trace collects the exchanges of one job (a sync, a probe), in order.
type Trace struct {
	mu      sync.Mutex
	entries []journal.Entry
	records []Record
}

func (t *Trace) add(e journal.Entry, r Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.entries = append(t.entries, e)
	t.records = append(t.records, r)
}

// Entries returns the journal entries so far.
func (t *Trace) Entries() []journal.Entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]journal.Entry(nil), t.entries...)
}

// Records returns Reach's records so far.
func (t *Trace) Records() []Record {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Record(nil), t.records...)
}

// errRetryable marks an answer the backoff retries.
type errRetryable struct{ status int }

func (e errRetryable) Error() string { return fmt.Sprintf("answered %d", e.status) }

// Do sends req, retrying 503 and 429 with exponential backoff on the run clock, and refreshing an
// expired OAuth token once on 401. A non-2xx answer is a Result, not an error; an error means there
// was no usable answer at all.
func (r *Reach) Do(ctx context.Context, c *Connection, req Request) (*Result, error) {
	op, ok := r.spec.Operation(req.Operation)
	if !ok {
		return nil, fmt.Errorf("reach: the specification has no operation %q", req.Operation)
	}
	res, err := r.doRetried(ctx, c, req, op)
	if err == nil && res.Status == http.StatusUnauthorized && req.Auth == AuthConnection && c.hasOAuth() {
		// The token may have been revoked or expired early: renew it once, as Reach's sync layer
		// does, unless another caller already has; then repeat the call with the new token.
		if _, rerr := r.renew(ctx, c, res.sent, req.Trace); rerr == nil {
			return r.doRetried(ctx, c, req, op)
		}
	}
	return res, err
}

func (r *Reach) doRetried(ctx context.Context, c *Connection, req Request, op spec.Operation) (*Result, error) {
	target, specURL, err := r.target(c, req, op)
	if err != nil {
		return nil, err
	}
	attempt := 0
	var hint time.Duration
	operation := func() (*Result, error) {
		attempt++
		token := ""
		switch req.Auth {
		case AuthConnection:
			tok, terr := r.accessToken(ctx, c, req.Trace)
			if terr != nil {
				return nil, backoff.Permanent(terr)
			}
			token = tok
		case AuthToken:
			token = req.Token
		}
		res, err := r.once(ctx, c, req, op, target, specURL, token, attempt)
		if res != nil {
			res.sent = token
		}
		if err != nil {
			return res, backoff.Permanent(err)
		}
		if !req.NoRetry && (res.Status == http.StatusServiceUnavailable || res.Status == http.StatusTooManyRequests) {
			hint = retryAfter(res.Header)
			return res, errRetryable{res.Status}
		}
		return res, nil
	}
	exp := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(r.opts.Retry.Initial),
		backoff.WithMaxInterval(r.opts.Retry.Max),
		backoff.WithMaxElapsedTime(r.opts.Retry.MaxElapsed),
		backoff.WithMultiplier(2),
		backoff.WithRandomizationFactor(0.2),
		backoff.WithClockProvider(r.opts.Clock),
	)
	var b backoff.BackOff = backoff.WithMaxRetries(exp, uint64(r.opts.Retry.MaxAttempts-1))
	b = &honourRetryAfter{BackOff: b, hint: &hint, cap: r.opts.Retry.MaxRetryAfter}
	b = backoff.WithContext(b, ctx)
	res, err := backoff.RetryNotifyWithTimerAndData(operation, b, nil, r.newTimer())
	var gaveUp errRetryable
	if errors.As(err, &gaveUp) && res != nil {
		return res, nil // still 503 or 429 after every attempt: the answer stands
	}
	if err != nil && res == nil {
		return nil, err
	}
	return res, err
}

// target builds the partner URL and its image under the specification's first server.
func (r *Reach) target(c *Connection, req Request, op spec.Operation) (target, specURL string, err error) {
	path := op.Path
	for k, v := range req.Path {
		path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
	}
	if strings.Contains(path, "{") {
		return "", "", fmt.Errorf("reach: %s needs path parameters for %s", op.ID, op.Path)
	}
	q := ""
	if len(req.Query) > 0 {
		q = "?" + req.Query.Encode()
	}
	specURL = SpecBase + path + q
	if req.URL != "" {
		u, err := url.Parse(req.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", "", fmt.Errorf("reach: %s URL %q is not an http(s) URL", op.ID, req.URL)
		}
		base, _ := url.Parse(c.BaseURL)
		if !strings.EqualFold(u.Host, base.Host) {
			return "", "", fmt.Errorf("reach: %s URL %s is off the partner's host %s; Reach only calls the host it was given", op.ID, u.Redacted(), base.Host)
		}
		return req.URL + q, specURL, nil
	}
	return c.BaseURL + path + q, specURL, nil
}

// once sends one attempt, validates the answer and journals it.
func (r *Reach) once(ctx context.Context, c *Connection, req Request, op spec.Operation, target, specURL, token string, attempt int) (*Result, error) {
	header := http.Header{"Accept": {"application/json"}, "User-Agent": {"accord-reach-sync/1.0"}}
	var body []byte
	switch {
	case req.Form != nil:
		body = []byte(req.Form.Encode())
		header.Set("Content-Type", "application/x-www-form-urlencoded")
	case req.JSON != nil:
		var err error
		if body, err = json.Marshal(req.JSON); err != nil {
			return nil, fmt.Errorf("reach: encoding the %s body: %w", op.ID, err)
		}
		header.Set("Content-Type", "application/json")
	}
	if token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	start, realStart := r.opts.Clock.Now(), time.Now()
	hres, err := boundedhttp.Do(ctx, r.http, strings.ToUpper(op.Method), target, header, body, r.opts.BodyLimit)
	took := r.opts.Clock.Since(start)
	if r.opts.Virtual {
		// Every party lives on the run clock: an answer took what the partner spent on it there.
		// The real time in between is accord's own work on a shared machine (the race detector,
		// other tests), which no partner's latency should carry.
		took = max(0, took-time.Since(realStart))
	}
	entry := journal.Entry{
		Tenant:         c.ID,
		Time:           start,
		Duration:       took,
		Direction:      journal.Outbound,
		Operation:      op.ID,
		Method:         strings.ToUpper(op.Method),
		URL:            target,
		RequestHeader:  redactHeader(header),
		RequestBody:    redactBody(req.Form, body),
		Status:         hres.Status,
		ResponseHeader: hres.Header,
		ResponseBody:   hres.Body,
	}
	rec := Record{Conn: c.ID, Operation: op.ID, Status: hres.Status, Attempt: attempt, Took: took}
	if err != nil {
		reason := transportReason(err, r.opts.Timeout, r.opts.BodyLimit)
		entry.Error = reason
		entry = r.opts.Journal.Add(entry)
		rec.Seq = entry.Seq
		r.addRecord(rec, false, 0)
		if req.Trace != nil {
			req.Trace.add(entry, rec)
		}
		return &Result{Entry: entry, Record: rec, Attempts: attempt, Status: hres.Status, Header: hres.Header, Body: hres.Body},
			&CallError{Operation: op.ID, Method: entry.Method, URL: target, Status: hres.Status, Reason: reason}
	}
	validated := !r.opts.SkipValidation
	var vtook time.Duration
	if validated {
		t0 := time.Now()
		entry.ResponseViolations, rec.Warnings = r.validate(ctx, op, specURL, header, body, hres)
		entry.Warnings = rec.Warnings // the run's verdict and report see them on the exchange
		if req.Check != nil {
			entry.ResponseViolations = append(entry.ResponseViolations, req.Check(hres.Status, hres.Body)...)
		}
		vtook = time.Since(t0)
	}
	if op.ID == "exchangeOAuthToken" {
		entry.ResponseBody = redactTokens(hres.Body)
	}
	entry = r.opts.Journal.Add(entry)
	rec.Seq = entry.Seq
	r.addRecord(rec, validated, vtook)
	if req.Trace != nil {
		req.Trace.add(entry, rec)
	}
	return &Result{Entry: entry, Record: rec, Attempts: attempt, Status: hres.Status, Header: hres.Header, Body: hres.Body}, nil
}

// validate checks an answer against the specification: internal/spec for the schema, status and
// media type, then Reach's walk for what a schema lets through (extra fields, data as field names,
// null for an array).
func (r *Reach) validate(ctx context.Context, op spec.Operation, specURL string, reqHeader http.Header, reqBody []byte, res boundedhttp.Result) (vs, warnings []journal.Violation) {
	key := validationKey(op.ID, specURL, reqBody, res)
	if v, ok := r.cache.get(key); ok {
		return v.violations, v.warnings
	}
	defer func() { r.cache.put(key, validated{vs, warnings}) }()
	vreq, err := http.NewRequestWithContext(ctx, strings.ToUpper(op.Method), "http://reach.invalid"+specURL, bytes.NewReader(reqBody))
	if err != nil {
		return []journal.Violation{{In: "request", Message: "accord could not map the call onto the specification: " + err.Error()}}, nil
	}
	vreq.Header = reqHeader.Clone()
	route, err := r.spec.Find(vreq)
	if err != nil {
		return []journal.Violation{{In: "request", Message: fmt.Sprintf("accord could not map %s %s onto the specification: %v", vreq.Method, specURL, err)}}, nil
	}
	if route.OperationID() != op.ID {
		return []journal.Violation{{In: "request", Message: fmt.Sprintf("accord mapped %s onto %s, not %s", specURL, route.OperationID(), op.ID)}}, nil
	}
	vs = r.spec.ValidateResponse(ctx, vreq, route, res.Status, res.Header, res.Body)
	if r.declares(op, res.Status, res.Header.Get("Content-Type")) {
		// A media type the document declares but kin-openapi cannot decode (the sign-in page's
		// text/html) is not the partner's fault.
		kept := vs[:0]
		for _, v := range vs {
			if !(v.Rule == "parse" && strings.Contains(v.Message, "unsupported content type")) {
				kept = append(kept, v)
			}
		}
		vs = kept
	}
	if schema := r.responseSchema(op, res.Status); schema != nil && isJSON(res.Header.Get("Content-Type")) {
		var v any
		dec := json.NewDecoder(bytes.NewReader(res.Body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			w := newWalker(v)
			w.walk(schema, v, "")
			vs = append(vs, w.violations...)
			warnings = w.warnings
		}
	}
	return vs, warnings
}

// declares reports whether the document gives an answer with this status this media type.
func (r *Reach) declares(op spec.Operation, status int, ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	item := r.spec.Doc.Paths.Value(op.Path)
	if item == nil {
		return false
	}
	o := item.GetOperation(strings.ToUpper(op.Method))
	if o == nil || o.Responses == nil {
		return false
	}
	resp := o.Responses.Status(status)
	return resp != nil && resp.Value != nil && resp.Value.Content.Get(mt) != nil
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func transportReason(err error, timeout time.Duration, limit int64) string {
	var ne net.Error
	switch {
	case errors.Is(err, boundedhttp.ErrTooLarge):
		return fmt.Sprintf("the answer is larger than %d bytes; Reach stops reading there", limit)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no complete answer within %s (timed out)", timeout)
	case errors.Is(err, context.Canceled):
		return "the call was cancelled"
	}
	return "no answer: " + err.Error()
}

func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	if a := out.Get("Authorization"); a != "" {
		out.Set("Authorization", "Bearer "+redact(strings.TrimPrefix(a, "Bearer ")))
	}
	return out
}

func redactBody(form url.Values, body []byte) []byte {
	if form == nil {
		return body
	}
	f := url.Values{}
	for k, vs := range form {
		for _, v := range vs {
			switch k {
			case "client_secret", "code", "refresh_token":
				v = redact(v)
			}
			f.Add(k, v)
		}
	}
	return []byte(f.Encode())
}

// redactTokens keeps issued tokens out of the journal: the answer was validated whole.
func redactTokens(body []byte) []byte {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	for _, k := range []string{"access_token", "refresh_token", "id_token"} {
		if v, ok := m[k].(string); ok {
			m[k] = redact(v)
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// Masked is a secret as Reach shows it anywhere a person reads it (the journal, the reports, the
// screens): its last four characters, enough to tell tokens apart.
func Masked(secret string) string { return redact(secret) }

// redact keeps the last four characters of a secret, enough to tell tokens apart in a report.
func redact(s string) string {
	if len(s) <= 4 {
		return "…"
	}
	return "…" + s[len(s)-4:]
}

// retryAfter reads a Retry-After in seconds (the specification's form); 0 when absent.
func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// honourRetryAfter waits at least as long as the partner asked, up to a cap.
type honourRetryAfter struct {
	backoff.BackOff
	hint *time.Duration
	cap  time.Duration
}

func (h *honourRetryAfter) NextBackOff() time.Duration {
	d := h.BackOff.NextBackOff()
	if d == backoff.Stop {
		return d
	}
	if want := min(*h.hint, h.cap); want > d {
		d = want
	}
	*h.hint = 0
	return d
}

// clockTimer is backoff's timer on the run clock. Virtual: the wait advances the clock and ends at
// once; otherwise it is a run-clock timer, which real time also fires.
type clockTimer struct {
	clock   *clock.Run
	virtual bool
	ch      chan time.Time
	t       clock.Timer
}

func (r *Reach) newTimer() *clockTimer {
	return &clockTimer{clock: r.opts.Clock, virtual: r.opts.Virtual, ch: make(chan time.Time, 1)}
}

func (t *clockTimer) Start(d time.Duration) {
	if t.virtual {
		t.clock.Advance(d)
		t.fire()
		return
	}
	t.t = t.clock.AfterFunc(d, t.fire)
}

func (t *clockTimer) fire() {
	select {
	case t.ch <- t.clock.Now():
	default:
	}
}

func (t *clockTimer) Stop() {
	if t.t != nil {
		t.t.Stop()
	}
}

func (t *clockTimer) C() <-chan time.Time { return t.ch }
