// Package container runs a partner under test from its container image, with
// testcontainers-go: it starts the image with accord's environment (env.go,
// docs/partner-image.md), waits until the partner's driver answers
// GET /health, keeps the container's log and removes the container. It
// knows no platform: the platform's name is only passed on.
//
// The engine is whichever testcontainers finds: DOCKER_HOST (a podman API
// socket works), else the Docker socket.
package container

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	dcontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/accord-harness/accord/internal/driver"
)

// testcontainers prints a banner and a line per step to stderr through its
// default logger; accord is its only user and Start prints its own lines.
func init() { tclog.SetDefault(quiet{}) }

// Network is how the container is wired to the host.
type Network string

const (
	// Host runs the container in the host's network namespace: the partner
	// listens on a loopback port and reaches the mock platform on 127.0.0.1.
	// The default: traffic stays on loopback and nothing depends on the
	// engine's gateway. Works with Docker and podman on Linux.
	Host Network = "host"
	// Bridge runs the container on the engine's default network: the
	// driver's port is published on 127.0.0.1 of the host, and the partner
	// reaches the mock through the engine's host gateway
	// (host.docker.internal, host.containers.internal), so the mock listens
	// on every interface. For engines whose host network is not the host's
	// loopback (Docker Desktop).
	Bridge Network = "bridge"
)

// Defaults.
const (
	DefaultStartTimeout = 60 * time.Second
	// DefaultBridgePort is the container port a partner listens on in bridge mode.
	DefaultBridgePort = 8080
	// Label marks the containers accord starts; its value is the image.
	Label = "org.accord-harness.partner-image"
	// tailLines of the container's log go into a start error.
	tailLines = 25
)

// Options say which image to start and how.
type Options struct {
	// Image is the partner's image, e.g. localhost/accord-reference-partner:dev.
	// An image the engine lacks is pulled, once.
	Image string
	// Platform is passed on as ACCORD_PLATFORM.
	Platform string
	// Env is added to the container's environment after accord's variables,
	// so it may override them.
	Env map[string]string
	// Network is Host (the default) or Bridge.
	Network Network
	// Port: with Host, the loopback port the driver listens on (0: a free
	// one, passed as ACCORD_PARTNER_ADDR); with Bridge, the container port
	// it listens on (0: 8080), published on a free loopback port.
	Port int
	// MockHost is the host name the container reaches the mock by in Bridge
	// mode; empty means the engine's own (host.containers.internal on
	// podman, host.docker.internal on Docker, which gets it as an extra
	// host mapped to host-gateway).
	MockHost string
	// StartTimeout bounds pulling, creating and starting the container and
	// the driver's first healthy answer; 0 means DefaultStartTimeout.
	StartTimeout time.Duration
	// Progress receives one line per step; nil discards them.
	Progress io.Writer
}

// Partner is a started partner container.
type Partner struct {
	Image   string
	ID      string
	Network Network
	// DriverURL is how accord reaches the partner's driver.
	DriverURL string
	// MockListen is where the mock platform must listen, and MockURL how the
	// partner reaches it: runner.PartnerConfig's mock_listen and mock_url.
	MockListen, MockURL string
	// Env is what accord put in the container's environment (with Options.Env).
	Env map[string]string
	// Name is what the driver's GET /health called the partner.
	Name string
	// Requested is when accord asked the engine for the container; Running
	// when the engine had started it; Healthy when the driver first answered.
	Requested, Running, Healthy time.Time

	c        testcontainers.Container
	progress io.Writer
	once     sync.Once
	termErr  error
}

// StartError is a container that did not become a healthy partner.
type StartError struct {
	Image string
	// Reason says what went wrong, in a sentence.
	Reason string
	// ExitCode is the container's exit code when it exited; -1 otherwise.
	ExitCode int
	// Logs is the container's whole log, when there was a container.
	Logs []byte
	Err  error
}

func (e *StartError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "partner image %s: %s", e.Image, e.Reason)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if tail := Tail(e.Logs, tailLines); tail != "" {
		fmt.Fprintf(&b, "\nlast lines of the container's log:\n%s", tail)
	} else if e.Logs != nil {
		b.WriteString("\n(the container's log is empty)")
	}
	return b.String()
}

func (e *StartError) Unwrap() error { return e.Err }

// EngineError means no container engine answered.
type EngineError struct{ Err error }

func (e *EngineError) Error() string {
	return fmt.Sprintf("no container engine answered (DOCKER_HOST=%q): %v\n"+
		"start Docker, or serve podman's Docker-compatible API and point DOCKER_HOST at it:\n"+
		"  podman system service --time=0 unix:///tmp/podman.sock &\n"+
		"  export DOCKER_HOST=unix:///tmp/podman.sock TESTCONTAINERS_RYUK_DISABLED=true\n"+
		"(docs/partner-image.md; .ci/run sets this up from nothing)", os.Getenv("DOCKER_HOST"), e.Err)
}

func (e *EngineError) Unwrap() error { return e.Err }

// plan is what Start will ask for, decided before anything runs.
type plan struct {
	network      Network
	driverURL    string
	mockListen   string
	mockURL      string
	env          map[string]string
	exposed      []string
	bindings     network.PortMap
	extraHosts   []string
	startTimeout time.Duration
}

// Plan validates the options and decides ports, URLs and environment.
func (o Options) plan(podman bool) (*plan, error) {
	if strings.TrimSpace(o.Image) == "" {
		return nil, errors.New("no image given")
	}
	p := &plan{network: o.Network, startTimeout: o.StartTimeout}
	if p.network == "" {
		p.network = Host
	}
	if p.startTimeout <= 0 {
		p.startTimeout = DefaultStartTimeout
	}
	if o.Port < 0 || o.Port > 65535 {
		return nil, fmt.Errorf("port %d is not a TCP port", o.Port)
	}
	var partnerAddr, publicURL string
	switch p.network {
	case Host:
		ports, err := freePorts(2)
		if err != nil {
			return nil, err
		}
		driverPort := ports[0]
		if o.Port != 0 {
			driverPort = o.Port
		}
		partnerAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(driverPort))
		p.driverURL = "http://" + partnerAddr
		publicURL = p.driverURL
		p.mockListen = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))
		p.mockURL = "http://" + p.mockListen
	case Bridge:
		ports, err := freePorts(2)
		if err != nil {
			return nil, err
		}
		cport := o.Port
		if cport == 0 {
			cport = DefaultBridgePort
		}
		partnerAddr = net.JoinHostPort("0.0.0.0", strconv.Itoa(cport))
		p.driverURL = "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
		// The mock platform calls back from the host, through the published port.
		publicURL = p.driverURL
		mockHost := o.MockHost
		if mockHost == "" {
			mockHost = "host.containers.internal"
			if !podman {
				mockHost = "host.docker.internal"
				p.extraHosts = []string{"host.docker.internal:host-gateway"}
			}
		}
		p.mockListen = net.JoinHostPort("0.0.0.0", strconv.Itoa(ports[1]))
		p.mockURL = "http://" + net.JoinHostPort(mockHost, strconv.Itoa(ports[1]))
		port := fmt.Sprintf("%d/tcp", cport)
		p.exposed = []string{port}
		p.bindings = network.PortMap{
			network.MustParsePort(port): {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: strconv.Itoa(ports[0])}},
		}
	default:
		return nil, fmt.Errorf("network %q: want %s or %s", o.Network, Host, Bridge)
	}
	p.env = map[string]string{
		EnvPlatform:         o.Platform,
		EnvPartnerAddr:      partnerAddr,
		EnvPartnerPublicURL: publicURL,
		EnvMockURL:          p.mockURL,
	}
	for k, v := range o.Env {
		p.env[k] = v
	}
	return p, nil
}

// request is the testcontainers request for a plan.
func (p *plan) request(image string) testcontainers.ContainerRequest {
	return testcontainers.ContainerRequest{
		Image:        image,
		Env:          p.env,
		ExposedPorts: p.exposed,
		Labels:       map[string]string{Label: image},
		HostConfigModifier: func(hc *dcontainer.HostConfig) {
			if p.network == Host {
				hc.NetworkMode = "host"
				return
			}
			hc.PortBindings = p.bindings
			hc.ExtraHosts = append(hc.ExtraHosts, p.extraHosts...)
		},
		EndpointSettingsModifier: func(eps map[string]*network.EndpointSettings) {
			if p.network == Host {
				// A container on the host network joins no other network.
				clear(eps)
			}
		},
	}
}

// Start starts the image and waits until its driver answers GET /health.
// On failure nothing is left running: the error is a *StartError carrying
// the container's log, or an *EngineError.
func Start(ctx context.Context, o Options) (*Partner, error) {
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	podman := testcontainers.ProviderDefault.UnderlyingProviderType() == testcontainers.ProviderPodman
	pl, err := o.plan(podman)
	if err != nil {
		return nil, &StartError{Image: o.Image, Reason: "cannot plan the container", ExitCode: -1, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, pl.startTimeout)
	defer cancel()
	p := &Partner{Image: o.Image, Network: pl.network, DriverURL: pl.driverURL, MockListen: pl.mockListen,
		MockURL: pl.mockURL, Env: pl.env, progress: progress}

	provider, err := testcontainers.ProviderDefault.GetProvider(testcontainers.WithLogger(quiet{}))
	if err == nil {
		defer provider.Close()
		err = provider.Health(ctx)
	}
	if err != nil {
		return nil, &EngineError{Err: err}
	}
	if dp, ok := provider.(*testcontainers.DockerProvider); ok {
		if err := ensureImage(ctx, dp.Client(), o.Image, progress); err != nil {
			return nil, &StartError{Image: o.Image, Reason: "the engine has no such image and pulling it failed (build it first, e.g. make image)", ExitCode: -1, Err: startCause(ctx, err, pl.startTimeout)}
		}
	}

	engine := "docker"
	if podman {
		engine = "podman"
	}
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		engine += " at " + host
	}
	fmt.Fprintf(progress, "partner image %s: starting on %s (network %s, driver %s, mock for the partner at %s)\n", o.Image, engine, pl.network, pl.driverURL, pl.mockURL)
	p.Requested = time.Now()
	c, err := provider.CreateContainer(ctx, pl.request(o.Image))
	if c != nil {
		p.c = c
		p.ID = c.GetContainerID()
	}
	if err != nil {
		return nil, p.fail(ctx, "the engine could not create the container", -1, startCause(ctx, err, pl.startTimeout))
	}
	if err := c.Start(ctx); err != nil {
		return nil, p.fail(ctx, "the engine could not start the container", -1, startCause(ctx, err, pl.startTimeout))
	}
	p.Running = time.Now()
	fmt.Fprintf(progress, "partner image %s: container %s running after %s; waiting for GET %s/health\n", o.Image, shortID(p.ID), p.Running.Sub(p.Requested).Round(time.Millisecond), pl.driverURL)
	if err := p.waitHealthy(ctx, pl.startTimeout); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "partner image %s: %q healthy %s after the container started\n", o.Image, p.Name, p.Healthy.Sub(p.Running).Round(time.Millisecond))
	return p, nil
}

// waitHealthy polls the driver's health and the container's state until
// one of them gives an answer or the start deadline passes.
func (p *Partner) waitHealthy(ctx context.Context, budget time.Duration) error {
	dc, err := driver.New(p.DriverURL, time.Second)
	if err != nil {
		return p.fail(ctx, "bad driver URL", -1, err)
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		name, err := dc.Health(ctx)
		if err == nil {
			p.Name = name
			p.Healthy = time.Now()
			return nil
		}
		last = err
		if st, serr := p.c.State(ctx); serr == nil && !st.Running {
			reason := fmt.Sprintf("the container exited with code %d before its driver answered GET %s/health", st.ExitCode, p.DriverURL)
			if st.OOMKilled {
				reason += " (killed: out of memory)"
			}
			return p.fail(ctx, reason, st.ExitCode, nil)
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return p.fail(ctx, fmt.Sprintf("its driver did not answer GET %s/health within %s (the start timeout)", p.DriverURL, budget), -1, last)
			}
			return p.fail(ctx, "interrupted while waiting for its driver", -1, context.Cause(ctx))
		case <-tick.C:
		}
	}
}

// fail collects the log, removes the container and builds the error.
func (p *Partner) fail(ctx context.Context, reason string, exit int, err error) error {
	e := &StartError{Image: p.Image, Reason: reason, ExitCode: exit, Err: err}
	if p.c != nil {
		logs, lerr := p.Logs(ctx)
		if lerr == nil {
			e.Logs = logs
		}
		_ = p.Terminate(ctx)
	}
	return e
}

func startCause(ctx context.Context, err error, budget time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("start timeout %s passed: %w", budget, err)
	}
	return err
}

// ensureImage pulls the image, once, when the engine lacks it.
func ensureImage(ctx context.Context, cli client.APIClient, image string, progress io.Writer) error {
	_, err := cli.ImageInspect(ctx, image)
	if err == nil {
		return nil
	}
	if !errdefs.IsNotFound(err) {
		return err
	}
	fmt.Fprintf(progress, "partner image %s: not among the engine's images; pulling it\n", image)
	resp, err := cli.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer resp.Close()
	return resp.Wait(ctx)
}

// Logs is the container's log so far, stdout and stderr interleaved.
func (p *Partner) Logs(ctx context.Context) ([]byte, error) {
	if p.c == nil {
		return nil, errors.New("no container")
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	rc, err := p.c.Logs(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// SaveLogs writes the container's log to path.
func (p *Partner) SaveLogs(ctx context.Context, path string) error {
	logs, err := p.Logs(ctx)
	if err != nil {
		return fmt.Errorf("partner container log: %w", err)
	}
	return os.WriteFile(path, logs, 0o644)
}

// Terminate stops the container (SIGTERM, then SIGKILL after 10 seconds) and
// removes it. It runs even when ctx is already cancelled (an interrupted
// run), within 30 seconds, and only once.
func (p *Partner) Terminate(ctx context.Context) error {
	p.once.Do(func() {
		if p.c == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		start := time.Now()
		p.termErr = p.c.Terminate(ctx, testcontainers.StopTimeout(10*time.Second))
		if p.termErr != nil {
			p.termErr = fmt.Errorf("removing partner container %s: %w", shortID(p.ID), p.termErr)
			fmt.Fprintf(p.progress, "partner image %s: %v\n", p.Image, p.termErr)
			return
		}
		fmt.Fprintf(p.progress, "partner image %s: container %s removed (%s)\n", p.Image, shortID(p.ID), time.Since(start).Round(time.Millisecond))
	})
	return p.termErr
}

// Tail is the last n lines of a log, indented.
func Tail(logs []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(bytes.ToValidUTF8(logs, []byte("?"))), "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return ""
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  | " + strings.Join(lines, "\n  | ")
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// freePorts finds n distinct free loopback ports. Another process may take
// one before it is used; the mock or the partner then fails to listen and
// says so.
func freePorts(n int) ([]int, error) {
	var out []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free loopback port: %w", err)
		}
		defer ln.Close()
		out = append(out, ln.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

// quiet drops testcontainers' progress lines; Start prints its own.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
