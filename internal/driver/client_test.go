package driver

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostileDriversEndInClearErrors: whatever the partner's driver does,
// a call ends within its timeout with an error that names the URL.
func TestHostileDriversEndInClearErrors(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"hangs", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}, "no answer"},
		{"garbage", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>oops")) }, "not the JSON the contract describes"},
		{"huge body", func(w http.ResponseWriter, _ *http.Request) {
			chunk := []byte(strings.Repeat("x", 1<<16))
			for range 100 { // 6.4 MB, past the 4 MiB limit
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "too large"},
		{"server error", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"error":"database down"}`))
		}, "answered 500: database down"},
		{"wrong status field", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"starting"}`)) }, `status is "starting"`},
		{"deeply nested JSON", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20)))
		}, "not the JSON the contract describes"},
		{"invalid UTF-8", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("{\"status\":\"ok\xff\xfe\"}")) }, "status is"},
		{"wrong content type", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>Welcome to nginx!</body></html>"))
		}, "not the JSON the contract describes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			// Long enough that a loaded machine (the race detector, two
			// cores) still reads the answers that do come; the hanging
			// driver costs it once.
			c, err := New(srv.URL, 2*time.Second)
			require.NoError(t, err)
			start := time.Now()
			_, err = c.Health(context.Background())
			require.Error(t, err)
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.Contains(t, err.Error(), srv.URL+"/health")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestUnreachableDriverIsNamed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	c, err := New("http://"+addr, time.Second)
	require.NoError(t, err)
	_, err = c.Health(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is the partner's driver running at http://"+addr)
}

func TestNewRefusesNonHTTPURLs(t *testing.T) {
	for _, u := range []string{"", "localhost:7070", "ftp://x", "http://"} {
		_, err := New(u, time.Second)
		assert.Error(t, err, u)
	}
}

func TestActDecodesResult(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"result":{"booking_id":"b-1"}}`))
	}))
	defer srv.Close()
	c, err := New(srv.URL, time.Second)
	require.NoError(t, err)
	var res struct {
		BookingID string `json:"booking_id"`
	}
	require.NoError(t, c.Act(context.Background(), "book-visit", nil, &res))
	assert.Equal(t, "b-1", res.BookingID)
}

// TestDriverThatStopsAnsweringCostsOneTimeout: after a call gets no answer
// and /health gets none either, later calls fail at once, naming the first
// failure.
func TestDriverThatStopsAnsweringCostsOneTimeout(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" && calls.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"status":"ok"}`))
			return
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewWithActionTimeout(srv.URL, 200*time.Millisecond, 200*time.Millisecond)
	require.NoError(t, err)
	_, err = c.Health(context.Background())
	require.NoError(t, err)
	err = c.Act(context.Background(), "activate", nil, nil)
	require.ErrorContains(t, err, "no answer")
	assert.NotContains(t, err.Error(), "busy")
	start := time.Now()
	_, err = c.Health(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stopped answering earlier (POST "+srv.URL+"/actions")
	assert.Less(t, time.Since(start), 50*time.Millisecond)
}

// TestABusyDriverFailsOnlyTheCallItWasSlowIn: a call that times out while
// /health still answers fails alone; the next calls are made.
func TestABusyDriverFailsOnlyTheCallItWasSlowIn(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		case "/actions":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewWithActionTimeout(srv.URL, time.Second, 200*time.Millisecond)
	require.NoError(t, err)
	err = c.Act(context.Background(), "activate", nil, nil)
	require.ErrorContains(t, err, "no answer")
	assert.Contains(t, err.Error(), "still answers /health")
	var view map[string]any
	require.NoError(t, c.View(context.Background(), "bookings", &view), "a busy driver is not a gone one")
	require.NoError(t, c.Reset(context.Background(), "docplanner", nil))
}
