package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	// The partner image is FROM scratch, with no /usr/share/zoneinfo: the
	// clinic's time zone must come from the binary itself.
	_ "time/tzdata"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/accord-harness/accord/internal/container"
	"github.com/accord-harness/accord/internal/redact"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/shutdown"
)

func init() { commands = append(commands, newPartnerCmd) }

// referencePartner is a platform's bundled reference partner as a server:
// the driver contract and the PUSH receiver in one handler.
type referencePartner interface {
	http.Handler
	SetPublicURL(string)
}

// servedPartner is how `partner serve` starts a platform's reference
// partner, and what the platform reaches it at besides the driver.
type servedPartner struct {
	start func(o serveOptions) (referencePartner, error)
	// polls: the partner takes --poll-every (Docplanner's PULL model).
	polls bool
	// reachedAt names what the platform calls, under the partner's public URL.
	reachedAt func(publicURL string) string
}

// envPollEvery sets --poll-every in a partner image (docs/partner-image.md).
const envPollEvery = "ACCORD_POLL_EVERY"

// serveOptions are what `partner serve` passes a reference partner.
type serveOptions struct {
	faults    []string
	pollEvery time.Duration // 0: the partner's own default
}

// selfAddressed is a partner that tells its own address from each request
// (Reach's reference partner is the API Reach calls, not a caller).
type selfAddressed struct{ http.Handler }

func (selfAddressed) SetPublicURL(string) {}

func newPartnerCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partner",
		Short: "Serve a platform's reference partner on its own (the partner image's entry point)",
	}
	cmd.AddCommand(newPartnerServeCmd(stdout, stderr))
	return cmd
}

func newPartnerServeCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		platform, addr, publicURL string
		faults                    []string
		pollEvery                 time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the reference partner's driver and PUSH receiver until SIGTERM",
		Long: `Serve a platform's reference partner: the partner driver contract (GET /health, POST /reset,
/fixture, /actions, GET /view/{name}) and its PUSH receiver at /callbacks, until SIGINT or
SIGTERM. This is the entry point of the reference partner image (make image); accord reaches
it like any other partner, through its driver URL.

Defaults come from the environment a partner image receives (docs/partner-image.md):
  ACCORD_PLATFORM            --platform
  ACCORD_PARTNER_ADDR        --addr
  ACCORD_PARTNER_PUBLIC_URL  --public-url (default http://<addr>)
  ACCORD_FAULT               --fault (comma-separated)
  ACCORD_POLL_EVERY          --poll-every (Docplanner's PULL interval, a Go duration)
ACCORD_MOCK_URL is only printed: the platform's URLs and credentials arrive with POST /reset.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			entry, err := lookupEntry(platform, "has")
			if err != nil {
				return err
			}
			served := entry.partner
			if err := checkFaults(entry.platform, faults); err != nil {
				return err
			}
			if v := os.Getenv(envPollEvery); v != "" && !cmd.Flags().Changed("poll-every") {
				d, err := time.ParseDuration(v)
				if err != nil {
					return usagef("$%s %q: want a Go duration such as 5s", envPollEvery, v)
				}
				pollEvery = d
			}
			if pollEvery != 0 && (!served.polls || pollEvery < 0) {
				if pollEvery < 0 {
					return usagef("--poll-every %s: want a positive duration", pollEvery)
				}
				return usagef("--poll-every is Docplanner's PULL interval; the %s reference partner does not poll on one", platform)
			}
			partner, err := served.start(serveOptions{faults: faults, pollEvery: pollEvery})
			if err != nil {
				return usageError{err}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usagef("cannot listen on %s: %v", addr, err)
			}
			if publicURL == "" {
				publicURL = "http://" + partnerReachable(ln.Addr())
			}
			partner.SetPublicURL(publicURL)
			logger := log.New(stdout, "", log.LstdFlags|log.Lmicroseconds)
			logger.Printf("reference partner (%s) driver on http://%s, %s, faults %q",
				platform, ln.Addr(), served.reachedAt(strings.TrimRight(publicURL, "/")), faults)
			if mock := os.Getenv(container.EnvMockURL); mock != "" {
				logger.Printf("mock platform announced at %s (its URLs and credentials come with POST /reset)", mock)
			}
			srv := &http.Server{Handler: logPartnerRequests(partner, logger), ReadHeaderTimeout: 10 * time.Second}
			ctx, stop := shutdown.OnSignal(cmd.Context())
			defer stop()
			failed, unfinished := shutdown.Serve(ctx, 5*time.Second, func(cause error) { logger.Printf("stopping: %v", cause) },
				shutdown.Server{Server: srv, Listener: ln})
			if unfinished != nil {
				return unfinished
			}
			if failed != nil {
				return failed
			}
			logger.Printf("stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&platform, "platform", partnerEnvOr(container.EnvPlatform, defaultPlatform()), "platform whose reference partner to serve ($"+container.EnvPlatform+")")
	f.StringVar(&addr, "addr", partnerEnvOr(container.EnvPartnerAddr, "127.0.0.1:7070"), "listen address of the driver and the PUSH receiver ($"+container.EnvPartnerAddr+")")
	f.StringVar(&publicURL, "public-url", os.Getenv(container.EnvPartnerPublicURL), "how the platform reaches this partner, the base of its callback URL; default http://<addr> ($"+container.EnvPartnerPublicURL+")")
	f.StringSliceVar(&faults, "fault", partnerSplitList(os.Getenv(container.EnvFault)), "start with this named fault, see accord faults ($"+container.EnvFault+", comma-separated)")
	f.DurationVar(&pollEvery, "poll-every", 0, "Docplanner: how often a PULL partner pulls its notifications (default 1m; $"+envPollEvery+")")
	return cmd
}

func partnerEnvOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func partnerSplitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// partnerReachable turns a listen address into one a client on this host can dial:
// an unspecified host (0.0.0.0, ::) becomes loopback.
func partnerReachable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

// logPartnerRequests prints one line per request, so a container's log tells what
// the partner was asked and how it answered.
func logPartnerRequests(h http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		logger.Printf("%s %s -> %d (%s)", r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Microsecond))
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// partnerImage is accord run's --partner-* flags: the partner under test
// started from its container image (docs/partner-image.md).
type partnerImage struct {
	image, network string
	env            []string
	port           int
	startTimeout   time.Duration
}

// partnerLogFile is the container's log in the report directory.
const partnerLogFile = "partner-container.log"

func (pi *partnerImage) register(f *pflag.FlagSet) {
	f.StringVar(&pi.image, "partner-image", "", "start the partner under test from this container image (Docker, or podman through DOCKER_HOST); see docs/partner-image.md")
	f.StringArrayVar(&pi.env, "partner-env", nil, "K=V added to the partner container's environment (repeatable), e.g. ACCORD_FAULT=no-reauth")
	f.IntVar(&pi.port, "partner-port", 0, "host network: loopback port the partner's driver listens on (default: a free one, passed as ACCORD_PARTNER_ADDR); bridge network: the container port (default 8080)")
	f.StringVar(&pi.network, "partner-network", string(container.Host), "host (the partner shares the host's loopback) or bridge (published port, mock reached through the engine's host gateway)")
	f.DurationVar(&pi.startTimeout, "partner-start-timeout", container.DefaultStartTimeout, "how long the partner container may take to answer GET /health")
}

// start checks the flags and, with --partner-image, starts the container and
// points cfg at it. finish saves the container's log into the report
// directory and removes the container; call it when the run is over, also
// when it fails or is interrupted.
func (pi *partnerImage) start(ctx context.Context, cmd *cobra.Command, platform string, cfg *runner.Config, configPath, reportDir string) (finish func(secrets []string), err error) {
	nothing := func([]string) {}
	if pi.image == "" {
		for _, name := range []string{"partner-env", "partner-port", "partner-network", "partner-start-timeout"} {
			if cmd.Flags().Changed(name) {
				return nothing, usagef("--%s needs --partner-image", name)
			}
		}
		return nothing, nil
	}
	if configPath != "" {
		return nothing, usagef("--partner-image and --config both name the partner under test; give one")
	}
	if len(cfg.Faults) > 0 {
		return nothing, usagef("--fault starts the bundled reference partner; give the image its fault with --partner-env %s=%s", container.EnvFault, strings.Join(cfg.Faults, ","))
	}
	env := map[string]string{}
	for _, kv := range pi.env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nothing, usagef("--partner-env %q: want NAME=VALUE", kv)
		}
		env[k] = v
	}
	if pi.startTimeout <= 0 {
		return nothing, usagef("--partner-start-timeout must be positive")
	}
	stderr := cmd.ErrOrStderr()
	p, err := container.Start(ctx, container.Options{
		Image:        pi.image,
		Platform:     platform,
		Env:          env,
		Network:      container.Network(pi.network),
		Port:         pi.port,
		StartTimeout: pi.startTimeout,
		Progress:     stderr,
	})
	if err != nil {
		var se *container.StartError
		if errors.As(err, &se) && se.Logs != nil {
			if werr := savePartnerLog(reportDir, partnerLogFile, se.Logs); werr == nil {
				err = fmt.Errorf("%w\n(whole log: %s)", err, filepath.Join(reportDir, partnerLogFile))
			}
		}
		return nothing, usageError{err}
	}
	cfg.Partner = &runner.PartnerConfig{DriverURL: p.DriverURL, MockListen: p.MockListen, MockURL: p.MockURL}
	// A closed stdout (accord run ... | head) must not kill accord by SIGPIPE
	// before it removes the container: the writes fail instead.
	signal.Ignore(syscall.SIGPIPE)
	return func(secrets []string) {
		defer signal.Reset(syscall.SIGPIPE)
		logs, err := p.Logs(ctx)
		if err == nil {
			// A partner may log what it was given: the run's secrets and its own.
			red := redact.New(append(secrets, secretEnv(env)...)...)
			err = savePartnerLog(reportDir, partnerLogFile, []byte(red.String(string(logs))))
		}
		if err != nil {
			fmt.Fprintf(stderr, "partner image %s: could not keep the container's log: %v\n", pi.image, err)
		} else {
			fmt.Fprintf(stderr, "partner image %s: container log in %s\n", pi.image, filepath.Join(reportDir, partnerLogFile))
		}
		_ = p.Terminate(ctx) // prints its own outcome
	}, nil
}

// secretEnv are the values of --partner-env variables whose names say they
// are secret (KEY, TOKEN, SECRET, PASSWORD).
func secretEnv(env map[string]string) []string {
	var out []string
	for k, v := range env {
		u := strings.ToUpper(k)
		if v != "" && (strings.Contains(u, "KEY") || strings.Contains(u, "TOKEN") || strings.Contains(u, "SECRET") || strings.Contains(u, "PASSWORD")) {
			out = append(out, v)
		}
	}
	return out
}

func savePartnerLog(dir, name string, data []byte) error {
	if dir == "" {
		return errors.New("no report directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), data, 0o644)
}
