package shutdown

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServe holds Serve's promises: a request in flight ends before Serve
// returns, one that outlives the grace is reported apart from a failure,
// and a server that fails stops the others without a call to stopping.
func TestServe(t *testing.T) {
	stopped := errors.New("told to stop")
	for _, tc := range []struct {
		name string
		// hold: the request in flight answers once stopping was called
		// (false: only after Serve returned).
		hold            bool
		grace           time.Duration
		failFirst       bool // the first server's listener is closed before it serves
		wantStopping    bool
		wantFailed      bool
		wantUnfinished  bool
		wantRequestDone bool
	}{
		{name: "a request in flight ends before Serve returns", hold: true, grace: time.Minute, wantStopping: true, wantRequestDone: true},
		{name: "a request outliving the grace is unfinished, not failed", grace: time.Millisecond, wantStopping: true, wantUnfinished: true},
		{name: "a failed server stops the others", grace: time.Minute, failFirst: true, wantFailed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			release := make(chan struct{})
			entered := make(chan struct{}, 1)
			var done atomic.Bool
			handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				entered <- struct{}{}
				<-release
				done.Store(true)
			})
			var servers []Server
			for range 2 {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				servers = append(servers, Server{Server: &http.Server{Handler: handler}, Listener: ln})
			}
			if tc.failFirst {
				require.NoError(t, servers[0].Listener.Close())
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			var cause error
			stopping := func(c error) {
				cause = c
				if tc.hold {
					close(release)
				}
			}
			type result struct{ failed, unfinished error }
			out := make(chan result, 1)
			go func() {
				failed, unfinished := Serve(ctx, tc.grace, stopping, servers...)
				out <- result{failed, unfinished}
			}()
			if !tc.failFirst {
				go func() { _, _ = http.Get("http://" + servers[1].Listener.Addr().String()) }()
				<-entered
				cancel(stopped)
			}
			r := <-out
			assert.Equal(t, tc.wantRequestDone, done.Load(), "request finished before Serve returned")
			if !tc.hold {
				close(release)
			}
			assert.Equal(t, tc.wantFailed, r.failed != nil, "failed: %v", r.failed)
			assert.Equal(t, tc.wantUnfinished, r.unfinished != nil, "unfinished: %v", r.unfinished)
			if tc.wantStopping {
				assert.ErrorIs(t, cause, stopped)
			} else {
				assert.NoError(t, cause, "stopping was called")
			}
			for _, s := range servers[1:] {
				_, err := net.Dial("tcp", s.Listener.Addr().String())
				assert.Error(t, err, "a server still listens after Serve returned")
			}
		})
	}
}
