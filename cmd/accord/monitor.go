package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/monitor"
	"github.com/accord-harness/accord/internal/monitor/config"
	"github.com/accord-harness/accord/internal/monitor/probe"
	"github.com/accord-harness/accord/internal/monitor/store"
	"github.com/accord-harness/accord/internal/shutdown"
)

func init() { commands = append(commands, newMonitorCmd, newProbeCmd) }

func newMonitorCmd(stdout, stderr io.Writer) *cobra.Command {
	var cfgPath, listen, statePath string
	var check bool
	cmd := &cobra.Command{
		Use:   "monitor --config monitor.yaml",
		Short: "Watch live partner endpoints and e-mail their operators when one stops answering",
		Long: `Run the blackbox monitor until SIGINT or SIGTERM: every endpoint in the config is
checked once per interval (default 5m) in its own slot; any HTTP status below 500 is alive,
5xx and timeouts, refused connections, DNS and TLS errors are failures. After threshold
(default 3) failures in a row, one alert e-mail goes to the endpoint's recipients; one
recovery e-mail follows when it answers again. State and unsent e-mails persist in a
state file, so a restart neither forgets nor repeats. /metrics and /status are served on
the listen address. See docs/monitor.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfgPath == "" {
				return usagef("monitor: --config is required (an example: fixtures/monitor/monitor.yaml)")
			}
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return usageError{err}
			}
			if cmd.Flags().Changed("listen") {
				if listen == "off" {
					listen = ""
				}
				cfg.Listen = listen
			}
			if statePath != "" {
				cfg.State = statePath
			}
			if check {
				fmt.Fprintf(stdout, "%s: OK: %d endpoints, checked every %s (timeout %s), alert after %d failures in a row; state %s; mail via %s:%d\n",
					cfgPath, len(cfg.Endpoints), cfg.Interval, cfg.Timeout, cfg.Threshold, cfg.State, cfg.SMTP.Host, cfg.SMTP.Port)
				return nil
			}
			return runMonitor(cmd.Context(), cfg, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "monitor configuration (YAML)")
	cmd.Flags().StringVar(&listen, "listen", "", `address for /metrics and /status, overriding the config ("off" disables)`)
	cmd.Flags().StringVar(&statePath, "state", "", "state file, overriding the config")
	cmd.Flags().BoolVar(&check, "check", false, "validate the configuration and exit")
	return cmd
}

func runMonitor(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer) error {
	// Signals are caught before anything starts, so a SIGTERM during start-up
	// also ends in a clean shutdown.
	ctx, stop := shutdown.OnSignal(ctx)
	defer stop()

	st, err := store.Open(cfg.State)
	if err != nil {
		return usageError{err}
	}
	defer st.Close()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	m, err := monitor.New(cfg, monitor.Options{Store: st, Logger: logger})
	if err != nil {
		return err
	}

	// The status server stops once the monitor has: it answers to the end.
	statusStopped := func() {}
	if cfg.Listen != "" {
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return usagef("%s: listen: cannot listen on %s: %v", cfg.File, cfg.Listen, err)
		}
		srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
		serving, stopServing := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = shutdown.Serve(serving, 5*time.Second, nil, shutdown.Server{Server: srv, Listener: ln})
		}()
		statusStopped = func() { stopServing(); <-done }
		fmt.Fprintf(stdout, "accord monitor: %d endpoints; status on http://%s/status.html, metrics on http://%s/metrics\n",
			len(cfg.Endpoints), ln.Addr(), ln.Addr())
	} else {
		fmt.Fprintf(stdout, "accord monitor: %d endpoints; no status server (listen: off)\n", len(cfg.Endpoints))
	}

	err = m.Run(ctx)
	statusStopped()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "accord monitor: stopped")
	return nil
}

func newProbeCmd(stdout, _ io.Writer) *cobra.Command {
	var timeout time.Duration
	var method string
	var headers []string
	cmd := &cobra.Command{
		Use:   "probe URL",
		Short: "Check one endpoint once, as the monitor does: alive (exit 0) or down (exit 1)",
		Long: `Send one request to URL and print the monitor's verdict with the reason and latency.
Any HTTP status below 500 is alive (exit 0); 5xx, a timeout, a refused connection, a DNS or
TLS error is down (exit 1). Redirects are not followed: a 3xx is already an answer.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("probe: exactly one URL is needed, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := url.Parse(args[0])
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usagef("probe: %q is not an absolute http:// or https:// URL", args[0])
			}
			if timeout <= 0 {
				return usagef("probe: --timeout must be positive, got %s", timeout)
			}
			t := probe.Target{URL: args[0], Method: strings.ToUpper(method), Headers: map[string]string{}}
			for _, h := range headers {
				k, v, ok := strings.Cut(h, ":")
				if !ok || strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t") {
					return usagef("probe: --header %q is not \"Name: value\"", h)
				}
				t.Headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			p := &probe.Prober{Client: probe.NewClient(1, nil), Timeout: timeout}
			r := p.Probe(cmd.Context(), t)
			latency := r.Latency.Round(time.Millisecond)
			if r.Latency < 10*time.Millisecond {
				latency = r.Latency.Round(time.Microsecond) // loopback answers in µs
			}
			if probe.Alive(r) {
				fmt.Fprintf(stdout, "alive: %s (latency %s) %s\n", r.Reason, latency, args[0])
				return nil
			}
			fmt.Fprintf(stdout, "down: %s (latency %s) %s\n", r.Reason, latency, args[0])
			if r.Excerpt != "" {
				fmt.Fprintf(stdout, "body: %s\n", r.Excerpt)
			}
			return failedError{}
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Second, "how long to wait for an answer")
	cmd.Flags().StringVarP(&method, "method", "X", "GET", "HTTP method")
	cmd.Flags().StringArrayVarP(&headers, "header", "H", nil, `extra header, "Name: value" (repeatable)`)
	return cmd
}
