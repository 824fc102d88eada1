// Package probe performs one liveness check of a partner endpoint over HTTP.
//
// Like the blackbox_exporter's probers, a probe is one small function that
// observes and reports; whether the observation means "alive" is decided
// separately by a Verdict, so a broken rule can be injected in tests without
// touching the network code.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/accord-harness/accord/internal/clock"
)

// Target is what to ask and how.
type Target struct {
	URL         string
	Method      string            // GET when empty
	Headers     map[string]string // sent as given
	BearerToken string            // sent as "Authorization: Bearer <token>"
}

// Kind says what happened, so verdicts and messages need not parse strings.
type Kind uint8

const (
	KindResponse Kind = iota // an HTTP answer arrived (any status)
	KindTimeout
	KindRefused
	KindDNS
	KindTLS
	KindNetwork // any other transport failure (reset, unreachable, bad request)
	KindAborted // the caller gave up (shutdown); not a verdict on the partner
)

func (k Kind) String() string {
	switch k {
	case KindResponse:
		return "response"
	case KindTimeout:
		return "timeout"
	case KindRefused:
		return "connection refused"
	case KindDNS:
		return "DNS error"
	case KindTLS:
		return "TLS error"
	case KindNetwork:
		return "network error"
	case KindAborted:
		return "aborted"
	}
	return "unknown"
}

// Result is one observation.
type Result struct {
	Kind    Kind
	Status  int           // HTTP status; 0 when no answer arrived
	Reason  string        // one line a human can act on
	Excerpt string        // start of the response body, printable, short
	Latency time.Duration // wall time from request to end of excerpt read
}

// Verdict decides whether an observation means the endpoint is alive.
type Verdict func(Result) bool

// Alive is the platform's rule: any HTTP answer below 500 is alive; 5xx and
// every transport failure (timeout, refused, DNS, TLS) are down.
func Alive(r Result) bool { return r.Kind == KindResponse && r.Status < 500 }

// Limits that keep a probe cheap whatever the partner sends back.
const (
	excerptBytes = 512      // read for the excerpt
	excerptRunes = 200      // kept in the excerpt
	drainBytes   = 64 << 10 // read past the excerpt so the connection can be reused
)

var errTimeout = errors.New("probe timeout")

// Prober runs probes with a shared HTTP client.
type Prober struct {
	Client  *http.Client
	Clock   clock.Clock // times out probes (the wall clock when nil); a manual clock in tests
	Timeout time.Duration
}

// NewClient returns an HTTP client suited to probing many endpoints at once:
// redirects are not followed (a 3xx is already an answer), and enough idle
// connections are kept that a cycle over one host reuses them instead of
// exhausting ephemeral ports.
func NewClient(concurrency int, tlsConfig *tls.Config) *http.Client {
	if concurrency < 1 {
		concurrency = 1
	}
	tr := &http.Transport{
		Proxy:                 nil, // a monitor checks the partner, not a proxy
		DialContext:           (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		MaxIdleConns:          2 * concurrency,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   0, // the probe's own timeout bounds everything
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, CheckRedirect: noRedirects}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// direct is the transport of a client made by NewClient, which Probe uses
// without the client: such a client follows no redirect and has no cookie
// jar or timeout of its own, so the client would only copy headers for
// redirects that never come.
func direct(c *http.Client) http.RoundTripper {
	if c.Transport == nil || c.Jar != nil || c.Timeout != 0 || c.CheckRedirect == nil ||
		reflect.ValueOf(c.CheckRedirect).Pointer() != reflect.ValueOf(noRedirects).Pointer() {
		return nil
	}
	return c.Transport
}

// excerpts recycles the buffers the start of each answer is read into.
var excerpts = sync.Pool{New: func() any { b := make([]byte, excerptBytes); return &b }}

// Probe asks the target once. It never returns an error: every failure is an
// observation. A cancelled ctx yields KindAborted, which callers must not count.
func (p *Prober) Probe(ctx context.Context, t Target) Result {
	var clk clock.Clock = clock.Wall{}
	if p.Clock != nil {
		clk = p.Clock
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if p.Timeout > 0 {
		// The deadline runs on the injected clock so tests can expire it by
		// advancing a manual clock instead of waiting.
		timer := clk.AfterFunc(p.Timeout, func() { cancel(errTimeout) })
		defer timer.Stop()
	}

	method := t.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, t.URL, nil)
	if err != nil {
		return Result{Kind: KindNetwork, Reason: "invalid request: " + err.Error()}
	}
	req.Header["User-Agent"] = userAgent
	for k, v := range t.Headers {
		req.Header.Set(k, v)
	}
	if t.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+t.BearerToken)
	}

	// Latency is a measurement of the partner, so it uses the real monotonic
	// clock even when scheduling runs on a manual one.
	start := time.Now()
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	var resp *http.Response
	if rt := direct(client); rt != nil {
		// What Client.Do would add: credentials written in the URL.
		if u := req.URL.User; u != nil && req.Header.Get("Authorization") == "" {
			password, _ := u.Password()
			req.SetBasicAuth(u.Username(), password)
		}
		resp, err = rt.RoundTrip(req)
	} else {
		resp, err = client.Do(req)
	}
	if err != nil {
		r := classify(ctx, err, p.Timeout)
		r.Latency = time.Since(start)
		return r
	}
	defer resp.Body.Close()
	bp := excerpts.Get().(*[]byte)
	defer excerpts.Put(bp)
	buf := *bp
	n, rerr := io.ReadFull(resp.Body, buf)
	r := Result{
		Kind:    KindResponse,
		Status:  resp.StatusCode,
		Reason:  StatusReason(resp.StatusCode),
		Excerpt: Excerpt(buf[:n]),
	}
	if rerr == nil {
		_, _ = io.CopyN(io.Discard, resp.Body, drainBytes)
	}
	// A status line followed by a hung body is still an answer: the rule is
	// about the status, so a timeout while reading the excerpt is ignored.
	r.Latency = time.Since(start)
	return r
}

func classify(ctx context.Context, err error, timeout time.Duration) Result {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), errTimeout) {
			return Result{Kind: KindTimeout, Reason: fmt.Sprintf("timeout: no answer within %s", timeout)}
		}
		return Result{Kind: KindAborted, Reason: "aborted"}
	}
	var (
		dnsErr   *net.DNSError
		recErr   tls.RecordHeaderError
		verErr   *tls.CertificateVerificationError
		alertErr tls.AlertError
		unkCA    x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invErr   x509.CertificateInvalidError
		netErr   net.Error
	)
	switch {
	case errors.As(err, &dnsErr):
		return Result{Kind: KindDNS, Reason: "DNS error: " + dnsErr.Error()}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Result{Kind: KindRefused, Reason: "connection refused" + addrOf(err)}
	case errors.As(err, &verErr), errors.As(err, &unkCA), errors.As(err, &hostErr),
		errors.As(err, &invErr), errors.As(err, &recErr), errors.As(err, &alertErr),
		// net/http turns a RecordHeaderError into this plain text.
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return Result{Kind: KindTLS, Reason: "TLS error: " + innermost(err)}
	case errors.As(err, &netErr) && netErr.Timeout():
		return Result{Kind: KindTimeout, Reason: "timeout: " + innermost(err)}
	}
	return Result{Kind: KindNetwork, Reason: "network error: " + innermost(err)}
}

func addrOf(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return " by " + op.Addr.String()
	}
	return ""
}

// innermost drops the `Get "url":` prefix that url.Error adds, since the URL
// is shown next to the reason anyway.
func innermost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

var userAgent = []string{"accord-monitor/1"}

// reasons are StatusReason's answers for 100 to 599, written once.
var reasons = func() (out [500]string) {
	for i := range out {
		out[i] = statusReason(100 + i)
	}
	return out
}()

// StatusReason renders a status as "HTTP 503 Service Unavailable".
func StatusReason(code int) string {
	if code >= 100 && code < 600 {
		return reasons[code-100]
	}
	return statusReason(code)
}

func statusReason(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("HTTP %d %s", code, text)
	}
	return fmt.Sprintf("HTTP %d", code)
}

// Excerpt turns the start of a body into one printable line: partners answer
// with HTML error pages and binary junk, and the excerpt goes into e-mails.
func Excerpt(b []byte) string {
	var sb strings.Builder
	runes, space := 0, false
	for len(b) > 0 && runes < excerptRunes {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '?'
		case unicode.IsSpace(r):
			if !space && sb.Len() > 0 {
				sb.WriteByte(' ')
				runes++
			}
			space = true
			continue
		case !unicode.IsPrint(r):
			r = '?'
		}
		space = false
		sb.WriteRune(r)
		runes++
	}
	out := strings.TrimRight(sb.String(), " ")
	if len(b) > 0 && runes >= excerptRunes {
		out += "…"
	}
	return out
}
