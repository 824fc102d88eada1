// Package monitortest runs a monitor against a scriptable partner and a real
// SMTP server, on loopback and a manual clock, for unit tests, the Gherkin
// steps and the benchmark alike.
package monitortest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
)

// Behavior is how the partner answers one path.
type Behavior struct {
	Status int    // HTTP status; 200 when zero
	Body   string // response body
	Hang   bool   // never answer: the request waits until the client gives up
}

// Partner is an HTTP server on 127.0.0.1 whose answers a test sets per path.
type Partner struct {
	srv     *httptest.Server
	closed  chan struct{}
	hanging atomic.Int64

	mu     sync.Mutex
	routes map[string]Behavior
	hits   map[string]int
}

// NewPartner starts a partner that answers 200 everywhere until told otherwise.
func NewPartner() *Partner {
	p := &Partner{closed: make(chan struct{}), routes: map[string]Behavior{}, hits: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	return p
}

func (p *Partner) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	b := p.routes[r.URL.Path]
	p.hits[r.URL.Path]++
	p.mu.Unlock()
	if b.Hang {
		p.hanging.Add(1)
		defer p.hanging.Add(-1)
		select {
		case <-r.Context().Done():
		case <-p.closed:
		}
		return
	}
	status := b.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.Body))
}

// Set decides how path is answered from now on.
func (p *Partner) Set(path string, b Behavior) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.routes[path] = b
}

// URL of path on this partner.
func (p *Partner) URL(path string) string {
	return p.srv.URL + "/" + strings.TrimPrefix(path, "/")
}

// Hits counts requests to path.
func (p *Partner) Hits(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits["/"+strings.TrimPrefix(path, "/")]
}

// Hanging counts requests being held unanswered right now.
func (p *Partner) Hanging() int { return int(p.hanging.Load()) }

// Close releases hung requests and stops the server.
func (p *Partner) Close() {
	close(p.closed)
	p.srv.Close()
}

// String names the partner in failure messages.
func (p *Partner) String() string { return fmt.Sprintf("partner at %s", p.srv.URL) }
