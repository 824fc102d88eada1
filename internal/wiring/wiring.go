// Package wiring brings up what every platform's run needs around its
// scenarios: loopback servers that are shut down at the end, and the
// partner's driver, checked at once so an absent partner is named before any
// scenario runs.
package wiring

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/runner"
)

// Servers are the HTTP servers of one run.
type Servers struct {
	list []*http.Server
}

// Serve listens on addr (127.0.0.1:0 for any loopback port) and serves h;
// it returns the address it listens on.
func (s *Servers) Serve(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.list = append(s.list, srv)
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), nil
}

// Close shuts every server down, giving each two seconds to finish.
func (s *Servers) Close() {
	for _, srv := range s.list {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = srv.Shutdown(ctx)
		cancel()
	}
	s.list = nil
}

// Partner connects to the partner's driver at url and checks its health. The
// config (nil for a bundled partner) may set the timeouts and the name shown
// in reports; otherwise the driver's own name is used.
func Partner(ctx context.Context, url string, cfg *runner.PartnerConfig) (*driver.Client, string, error) {
	timeout, actions := 10*time.Second, time.Duration(0)
	if cfg != nil {
		if cfg.Timeout > 0 {
			timeout = cfg.Timeout
		}
		actions = cfg.ActionTimeout
	}
	d, err := driver.NewWithActionTimeout(url, timeout, actions)
	if err != nil {
		return nil, "", err
	}
	name, err := d.Health(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("the partner under test is not answering: %w", err)
	}
	if cfg != nil && cfg.Name != "" {
		name = cfg.Name
	}
	return d, name, nil
}
