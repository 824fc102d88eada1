package probe

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-harness/accord/internal/clock"
)

func TestProbeVerdicts(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hang":
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			return
		case "/redirect":
			http.Redirect(w, r, "http://192.0.2.1/elsewhere", http.StatusFound)
			return
		case "/basic":
			if u, p, ok := r.BasicAuth(); !ok || u != "ops" || p != "pa ss" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		case "/auth":
			if r.Header.Get("Authorization") != "Bearer s3cret" || r.Header.Get("X-Key") != "k" || r.Method != http.MethodHead {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		w.WriteHeader(code)
		_, _ = w.Write([]byte("status page\n\n  with\tspaces"))
	}))
	defer srv.Close()

	tests := []struct {
		name   string
		target Target
		kind   Kind
		status int
		alive  bool
		reason string
	}{
		{"200 alive", Target{URL: srv.URL + "/200"}, KindResponse, 200, true, "HTTP 200 OK"},
		{"404 alive", Target{URL: srv.URL + "/404"}, KindResponse, 404, true, "HTTP 404 Not Found"},
		{"401 alive", Target{URL: srv.URL + "/401"}, KindResponse, 401, true, "HTTP 401 Unauthorized"},
		{"499 alive", Target{URL: srv.URL + "/499"}, KindResponse, 499, true, "HTTP 499"},
		{"redirect is an answer, not followed", Target{URL: srv.URL + "/redirect"}, KindResponse, 302, true, "HTTP 302 Found"},
		{"500 down", Target{URL: srv.URL + "/500"}, KindResponse, 500, false, "HTTP 500 Internal Server Error"},
		{"503 down", Target{URL: srv.URL + "/503"}, KindResponse, 503, false, "HTTP 503 Service Unavailable"},
		{"599 down", Target{URL: srv.URL + "/599"}, KindResponse, 599, false, "HTTP 599"},
		{"method, headers and token are sent", Target{URL: srv.URL + "/auth", Method: "HEAD", Headers: map[string]string{"X-Key": "k"}, BearerToken: "s3cret"}, KindResponse, 204, true, "HTTP 204 No Content"},
		{"credentials in the URL are sent", Target{URL: strings.Replace(srv.URL, "://", "://ops:pa%20ss@", 1) + "/basic"}, KindResponse, 204, true, "HTTP 204 No Content"},
	}
	// NewClient's client is used through its transport; any other through
	// Client.Do. Both must see the same.
	clients := map[string]*http.Client{
		"NewClient":      NewClient(4, nil),
		"another client": {CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	for name, c := range clients {
		p := &Prober{Client: c, Timeout: 5 * time.Second}
		for _, tc := range tests {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				r := p.Probe(context.Background(), tc.target)
				if r.Kind != tc.kind || r.Status != tc.status || Alive(r) != tc.alive || r.Reason != tc.reason {
					t.Errorf("got kind=%v status=%d alive=%v reason=%q; want %v %d %v %q", r.Kind, r.Status, Alive(r), r.Reason, tc.kind, tc.status, tc.alive, tc.reason)
				}
			})
		}
	}
	p := &Prober{Client: NewClient(4, nil), Timeout: 5 * time.Second}

	t.Run("timeout on the injected clock", func(t *testing.T) {
		clock := clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		p := &Prober{Client: NewClient(1, nil), Clock: clock, Timeout: 10 * time.Second}
		done := make(chan Result)
		go func() { done <- p.Probe(context.Background(), Target{URL: srv.URL + "/hang"}) }()
		// Bounded in real time only so that a probe which ignores the
		// injected clock fails here instead of hanging the test.
		waited, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := clock.WaitPending(waited, 1); err != nil {
			t.Fatalf("the probe set no timer on the injected clock: %v", err)
		}
		clock.Advance(10 * time.Second)
		r := <-done
		if r.Kind != KindTimeout || Alive(r) || !strings.Contains(r.Reason, "no answer within 10s") {
			t.Errorf("got %+v", r)
		}
	})

	t.Run("cancelled by the caller is aborted, not down", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan Result)
		go func() { done <- p.Probe(ctx, Target{URL: srv.URL + "/hang"}) }()
		time.Sleep(20 * time.Millisecond)
		cancel()
		if r := <-done; r.Kind != KindAborted {
			t.Errorf("got %+v", r)
		}
	})
}

func TestProbeTransportFailures(t *testing.T) {
	// A port that was just free: nothing listens there, so the kernel refuses.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/"
	l.Close()

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is the point
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()

	// DNS failures are produced by the dialer, so no resolver is asked: all
	// test traffic stays on loopback.
	dnsClient := NewClient(1, nil)
	dnsClient.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "partner.invalid", IsNotFound: true}}
	}

	tests := []struct {
		name   string
		client *http.Client
		url    string
		kind   Kind
		reason string
	}{
		{"connection refused", NewClient(1, nil), refused, KindRefused, "connection refused"},
		{"untrusted certificate", NewClient(1, nil), tlsSrv.URL + "/", KindTLS, "TLS error"},
		{"TLS to a plain server", NewClient(1, nil), strings.Replace(plain.URL, "http:", "https:", 1) + "/", KindTLS, "TLS error"},
		{"DNS", dnsClient, "http://partner.invalid/", KindDNS, "DNS error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &Prober{Client: tc.client, Timeout: 5 * time.Second}
			r := p.Probe(context.Background(), Target{URL: tc.url})
			if r.Kind != tc.kind || Alive(r) || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got kind=%v reason=%q alive=%v; want %v containing %q", r.Kind, r.Reason, Alive(r), tc.kind, tc.reason)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  <h1>Down</h1>\r\n\r\n  for maintenance ", "<h1>Down</h1> for maintenance"},
		{"bin\x00\x01ary\xff", "bin??ary?"},
		{"héllo wörld", "héllo wörld"},
		{strings.Repeat("a", 300), strings.Repeat("a", 200) + "…"},
	}
	for _, tc := range tests {
		if got := Excerpt([]byte(tc.in)); got != tc.want {
			t.Errorf("Excerpt(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
