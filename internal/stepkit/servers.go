// Package stepkit is what every platform's steps need around their own: the
// run's clock, journal and loopback servers (Base), one way to start the
// partner under test with the refusals written once (Base.StartPartner), and a
// scenario's look at the journal and its waits (Scenario), so that within,
// mark and evidence behave the same on every platform.
package stepkit

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

// dial connects to the partner's driver at url and checks its health. The
// partner config (nil for a bundled partner) may set the timeouts and the
// name shown in reports; otherwise the driver's own name is used. In a joint
// session the operator takes over the actions the staff's instructions name.
func dial(ctx context.Context, url string, cfg runner.Config, staff runner.Staff) (driver.Driver, string, error) {
	timeout, actions := 10*time.Second, time.Duration(0)
	if p := cfg.Partner; p != nil {
		if p.Timeout > 0 {
			timeout = p.Timeout
		}
		actions = p.ActionTimeout
	}
	c, err := driver.NewWithActionTimeout(url, timeout, actions)
	if err != nil {
		return nil, "", err
	}
	name, err := c.Health(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("the partner under test is not answering: %w", err)
	}
	if cfg.Partner != nil && cfg.Partner.Name != "" {
		name = cfg.Partner.Name
	}
	var d driver.Driver = c
	if cfg.Operator != nil {
		d = cfg.Operator.Manual(c, staff)
	}
	// What accord sends is held to the contract partners write their drivers from.
	return driver.Checked(d), name, nil
}
