package boundedhttp

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	timeout = 400 * time.Millisecond
	// Every hostile case must end within this, and allocate at most maxAlloc.
	maxTime  = 3 * time.Second
	maxAlloc = 32 << 20
)

// TestHostilePartners is the catalogue of partner behaviours that must each
// end in a clear error, in bounded time and memory, never a hang or a crash.
func TestHostilePartners(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("elsewhere")) }))
	defer other.Close()

	tests := []struct {
		name    string
		handler http.HandlerFunc
		tls     bool
		want    string // in the error; "" means no error but a bounded body
	}{
		{"no answer at all", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}, false, "Client.Timeout"},
		{"body trickled one byte at a time", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			for i := 0; i < 1000; i++ {
				if _, err := w.Write([]byte("x")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-time.After(100 * time.Millisecond):
				case <-r.Context().Done():
					return
				case <-release:
					return
				}
			}
		}, false, "Client.Timeout"},
		{"gigantic body", func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat("{", 1<<16))
			for i := 0; i < 1600; i++ { // 100 MiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, false, "body too large"},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/again", http.StatusFound)
		}, false, "stopped after 5 redirects"},
		{"redirect to another host", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
		}, false, "refused redirect off the partner's host"},
		{"bad TLS certificate", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("{}")) }, true, "certificate"},
		{"connection closed mid-response", raw("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/json\r\n\r\n{\"status\":"), false, "unexpected EOF"},
		{"garbage instead of HTTP", raw("\x00\xffthis is not http\r\n\r\n"), false, "malformed HTTP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *httptest.Server
			if tt.tls {
				srv = httptest.NewTLSServer(tt.handler)
			} else {
				srv = httptest.NewServer(tt.handler)
			}
			defer srv.Close()
			// Only the slow partners are cut by the timeout; the others must
			// fail for their own fault, which a loaded machine (the race
			// detector, two test passes at once) must not turn into a
			// timeout: a TLS handshake alone took over 400 ms there.
			limit := timeout
			if tt.want != "Client.Timeout" {
				limit = maxTime / 2
			}
			c := NewClient(limit)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := Do(context.Background(), c, http.MethodGet, srv.URL+"/", nil, nil, DefaultLimit)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %v after %s, %d KiB allocated", tt.name, err, took.Round(time.Millisecond), alloc>>10)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, took, maxTime)
			assert.Less(t, alloc, uint64(maxAlloc))
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	_, err = Do(context.Background(), NewClient(timeout), http.MethodGet, "http://"+addr, nil, nil, DefaultLimit)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection refused")
}

// raw answers with these bytes on the connection, HTTP or not, and hangs up.
func raw(answer string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString(answer)
		_ = buf.Flush()
		_ = conn.Close()
	}
}
