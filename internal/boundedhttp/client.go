// Package boundedhttp is how accord talks to partners: every call has a
// timeout, every body a size limit, and redirects never leave the host the
// call was made to, so a hanging, flooding or hostile partner ends in a clear
// error instead of a hang or an exhausted machine.
package boundedhttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// DefaultLimit is the largest body accord reads from a partner.
const DefaultLimit = 4 << 20

// NewClient returns a client whose calls end after timeout and which follows
// at most five redirects, all on the original host.
func NewClient(timeout time.Duration) *http.Client {
	transport := &http.Transport{
		Proxy:                 nil, // partners are reached directly, never through an environment proxy
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return fmt.Errorf("stopped after %d redirects", len(via))
			}
			if req.URL.Host != via[0].URL.Host {
				return fmt.Errorf("refused redirect off the partner's host to %s", req.URL.Redacted())
			}
			return nil
		},
	}
}

// ErrTooLarge means a body was over the limit.
var ErrTooLarge = errors.New("body too large")

// ReadLimited reads at most limit bytes; more is an error naming the limit.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}

// Result is a completed exchange.
type Result struct {
	Status int
	Header http.Header
	Body   []byte
	Took   time.Duration
}

// Do sends a request with a body and reads the answer within the limits.
func Do(ctx context.Context, c *http.Client, method, url string, header http.Header, body []byte, limit int64) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return Result{}, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return Result{Took: time.Since(start)}, err
	}
	defer resp.Body.Close()
	b, err := ReadLimited(resp.Body, limit)
	res := Result{Status: resp.StatusCode, Header: resp.Header, Body: b, Took: time.Since(start)}
	return res, err
}
