// Package shutdown ends accord's long-running commands the same way: on
// SIGINT or SIGTERM, with the servers' requests in flight given a bounded
// time to finish.
package shutdown

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// OnSignal is ctx, cancelled also on SIGINT or SIGTERM (its cause names the
// signal); stop releases the signals, as signal.NotifyContext's does.
func OnSignal(ctx context.Context) (_ context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

// Server is an HTTP server and the listener it serves on.
type Server struct {
	*http.Server
	Listener net.Listener
}

// Serve serves every server until ctx ends or one of them fails, then shuts
// them all down, each given grace to finish the requests in flight. It
// returns once every server has stopped, so what those requests changed is
// done by then. failed is what made a server stop other than the shutdown;
// unfinished is a shutdown that did not end within grace (a caller that
// only stops may ignore it). stopping, when not nil, is called with ctx's
// cause before the shutdown begins, when ctx ended the serving.
func Serve(ctx context.Context, grace time.Duration, stopping func(cause error), servers ...Server) (failed, unfinished error) {
	served := make(chan error, len(servers))
	for _, s := range servers {
		go func() { served <- s.Serve(s.Listener) }()
	}
	var errs []error
	select {
	case err := <-served:
		errs = append(errs, err)
	case <-ctx.Done():
		if stopping != nil {
			stopping(context.Cause(ctx))
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var late []error
	for _, s := range servers {
		late = append(late, s.Shutdown(shut))
	}
	for len(errs) < len(servers) {
		errs = append(errs, <-served)
	}
	for i, err := range errs {
		if errors.Is(err, http.ErrServerClosed) {
			errs[i] = nil
		}
	}
	return errors.Join(errs...), errors.Join(late...)
}
