package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/container/containertest"
	"github.com/accord-harness/accord/internal/racedetector"
)

// TestPartnerImage runs accord against the reference partner as a container
// image, built here from fixtures/image/Containerfile: the correct image
// passes, the same image with ACCORD_FAULT fails, a crashing image and one
// that never answers end with clear errors in bounded time, an interrupted
// run removes its container. It needs a container engine (containertest.EnvRun).
func TestPartnerImage(t *testing.T) {
	// The containers' lifecycle is the engine's and a child process's; in this process it is one more
	// Docplanner suite.
	racedetector.SkipRepeat(t, "the Docplanner suite")
	img := containertest.ReferenceImage(t)
	t.Logf("timing: image build %s (static binary %s, engine build %s)",
		(img.Compile + img.Build).Round(time.Millisecond), img.Compile.Round(time.Millisecond), img.Build.Round(time.Millisecond))

	t.Run("reference image passes", func(t *testing.T) {
		// The image lives in real time: it pulls every 2 s, not every
		// minute, and the mock's rate limits are lifted, so that no scenario
		// waits a real minute for a PULL or a write window. A partner in
		// real time under the published limits is TestAPartnerOnItsOwnClock…
		// in steps/docplanner, on a one-second window.
		r, dir := imgRunReport(t, exitOK, "--partner-image", img.Name, "--partner-env", "ACCORD_POLL_EVERY=2s", "--rate-limits", "off")
		assert.Contains(t, r.stdout, " passed, 0 failed")
		assert.Contains(t, r.stdout, "against accord reference partner (Docplanner)")
		log := imgReadFile(t, filepath.Join(dir, partnerLogFile))
		assert.Contains(t, log, "GET /health -> 200")
		assert.Contains(t, log, "POST /callbacks -> 200", "the mock reached the partner's PUSH receiver")
		imgRemoved(t, r.stderr)
		t.Logf("timing: container start to first scenario %s; whole run %s",
			r.firstScenario.Round(time.Millisecond), r.took.Round(time.Millisecond))
	})

	t.Run("image with a fault fails", func(t *testing.T) {
		r, dir := imgRunReport(t, exitFailed, "--partner-image", img.Name, "--partner-env", "ACCORD_FAULT=no-reauth", "--tags", "@auth")
		assert.Contains(t, r.stderr, "FAILED Authentication / The partner signs in again when its token expires")
		assert.Contains(t, r.stdout, "with fault no-reauth")
		assert.FileExists(t, filepath.Join(dir, partnerLogFile))
		imgRemoved(t, r.stderr)
		t.Logf("timing: @auth run against the faulty image %s (container start to first scenario %s)", r.took.Round(time.Millisecond), r.firstScenario.Round(time.Millisecond))
	})

	t.Run("crashing image ends at once with its log", func(t *testing.T) {
		dir := t.TempDir()
		// The binary refuses an unknown fault and exits 2 before listening.
		r := imgRun(t, "run", "--partner-image", img.Name, "--partner-env", "ACCORD_FAULT=no-such-fault", "--partner-start-timeout", "30s", "--report-dir", dir)
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Regexp(t, `the container exited with code 2 before its driver answered GET http://127\.0\.0\.1:\d+/health`, r.stderr)
		assert.Contains(t, r.stderr, `unknown fault "no-such-fault"`, "the log's last lines are in the error")
		assert.Contains(t, imgReadFile(t, filepath.Join(dir, partnerLogFile)), "no-such-fault")
		assert.Less(t, r.took, 15*time.Second, "an exit is noticed long before the start timeout")
		imgRemoved(t, r.stderr)
		t.Logf("timing: crash reported after %s", r.took.Round(time.Millisecond))
	})

	t.Run("image that never answers ends at the start timeout", func(t *testing.T) {
		// The partner listens where accord does not look, as an image with a
		// hard-wired port would.
		elsewhere := imgFreePort(t)
		r := imgRun(t, "run", "--partner-image", img.Name, "--partner-env", "ACCORD_PARTNER_ADDR="+elsewhere,
			"--partner-start-timeout", "3s", "--report-dir", t.TempDir())
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Regexp(t, `its driver did not answer GET http://127\.0\.0\.1:\d+/health within 3s \(the start timeout\)`, r.stderr)
		assert.Contains(t, r.stderr, "connection refused", "the last health error is named")
		assert.Contains(t, r.stderr, "driver on http://"+elsewhere, "the log's last lines are in the error")
		assert.Less(t, r.took, 15*time.Second)
		imgRemoved(t, r.stderr)
		t.Logf("timing: never-healthy reported after %s (start timeout 3s)", r.took.Round(time.Millisecond))
	})

	t.Run("missing image is named", func(t *testing.T) {
		r := imgRun(t, "run", "--partner-image", "localhost/accord-no-such-image:none", "--partner-start-timeout", "5s", "--report-dir", t.TempDir())
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, "partner image localhost/accord-no-such-image:none: the engine has no such image and pulling it failed")
		assert.Less(t, r.took, 20*time.Second)
	})

	// Signals go to a child accord, so that one arriving late can never
	// reach the test process.
	bin := containertest.Binary(t, t.TempDir())
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run("run interrupted by "+sig.String()+" removes its container", func(t *testing.T) {
			dir := t.TempDir()
			// push-only never pulls: the PULL scenario waits its whole two
			// minutes, and is interrupted while it waits.
			// --verbose prints each scenario as it starts ("Scenario:"); the
			// default console prints a line when one has ended.
			cmd := exec.Command(bin, "run", "--partner-image", img.Name, "--partner-env", "ACCORD_FAULT=push-only", "--tags", "@pull", "--verbose", "--report-dir", dir)
			var stdout, stderr imgClockWriter
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				for _, id := range imgContainerIDs(stderr.String()) {
					containertest.Remove(id)
				}
			})
			deadline := time.After(30 * time.Second)
			for stdout.firstScenario().IsZero() {
				select {
				case err := <-done:
					t.Fatalf("accord ended (%v) before its first scenario:\n%s", err, stderr.String())
				case <-deadline:
					t.Fatalf("no scenario within 30s:\n%s", stderr.String())
				case <-time.After(20 * time.Millisecond):
				}
			}
			ids := imgContainerIDs(stderr.String())
			require.Len(t, ids, 1, stderr.String())
			require.True(t, containertest.Exists(t, ids[0]), "the partner container runs during the run")
			sent := time.Now()
			require.NoError(t, cmd.Process.Signal(sig))
			select {
			case err := <-done:
				assert.Error(t, err, "an interrupted run does not pass")
			case <-time.After(45 * time.Second):
				t.Fatalf("accord did not end within 45s of %s:\n%s", sig, stderr.String())
			}
			assert.False(t, containertest.Exists(t, ids[0]), "container %s left behind:\n%s", ids[0], stderr.String())
			assert.FileExists(t, filepath.Join(dir, partnerLogFile))
			t.Logf("timing: %s to exit with the container removed: %s", sig, time.Since(sent).Round(time.Millisecond))
		})
	}
}

var imgContainerLine = regexp.MustCompile(`container ([0-9a-f]{12}) running`)

// imgContainerIDs are the containers a run's progress lines name.
func imgContainerIDs(stderr string) []string {
	var ids []string
	for _, m := range imgContainerLine.FindAllStringSubmatch(stderr, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// imgRemoved checks that the run's container is gone.
func imgRemoved(t *testing.T, stderr string) {
	t.Helper()
	ids := imgContainerIDs(stderr)
	require.NotEmpty(t, ids, "no container line in:\n%s", stderr)
	for _, id := range ids {
		if containertest.Exists(t, id) {
			t.Errorf("container %s left behind", id)
			containertest.Remove(id)
		}
	}
}

// TestPartnerImageFlags: mistakes in the --partner-* flags are usage errors,
// found before any engine is asked.
func TestPartnerImageFlags(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "partner.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("partner:\n  driver_url: http://127.0.0.1:7070\n"), 0o644))
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{"image and config", []string{"--partner-image", "x", "--config", cfg}, "--partner-image and --config both name the partner under test"},
		{"image and fault", []string{"--partner-image", "x", "--fault", "no-reauth"}, "--partner-env ACCORD_FAULT=no-reauth"},
		{"env without image", []string{"--partner-env", "A=B"}, "--partner-env needs --partner-image"},
		{"env not K=V", []string{"--partner-image", "x", "--partner-env", "JUSTANAME"}, `--partner-env "JUSTANAME": want NAME=VALUE`},
		{"bad network", []string{"--partner-image", "x", "--partner-network", "carrier-pigeon"}, `network "carrier-pigeon": want host or bridge`},
		{"bad port", []string{"--partner-image", "x", "--partner-port", "70000"}, "port 70000 is not a TCP port"},
		{"zero start timeout", []string{"--partner-image", "x", "--partner-start-timeout", "0s"}, "--partner-start-timeout must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := imgRun(t, append([]string{"run", "--report-dir", t.TempDir()}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stderr, tt.contains)
		})
	}
}

// TestPartnerServe serves the reference partner from the environment a
// partner image receives, and stops cleanly on SIGTERM.
func TestPartnerServe(t *testing.T) {
	t.Setenv("ACCORD_PLATFORM", "docplanner")
	t.Setenv("ACCORD_PARTNER_ADDR", "127.0.0.1:0")
	t.Setenv("ACCORD_FAULT", "no-reauth, token-per-call")
	t.Setenv("ACCORD_MOCK_URL", "http://127.0.0.1:1")
	base, stdout, stderr, done := servePartner(t, "partner", "serve")
	assert.Contains(t, stdout.String(), "PUSH notifications at "+base+"/callbacks", "public URL defaults to the listen address")
	assert.Contains(t, stdout.String(), "mock platform announced at http://127.0.0.1:1")

	resp, err := http.Get(base + "/health")
	require.NoError(t, err)
	body := new(bytes.Buffer)
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body.String(), "no-reauth")
	assert.Contains(t, body.String(), "token-per-call")

	stopPartner(t, stderr, done)
	assert.Contains(t, stdout.String(), "stopped")

	t.Run("bad input is a usage error", func(t *testing.T) {
		r := imgRun(t, "partner", "serve", "--fault", "nope", "--addr", "127.0.0.1:0")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, `unknown fault "nope"`)
		r = imgRun(t, "partner", "serve", "--platform", "nowhere")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, `unknown platform "nowhere"; accord has: dikidi, docplanner, reach`)
		for _, tc := range []struct {
			env  string
			args []string
			want string
		}{
			{"", []string{"--platform", "dikidi", "--poll-every", "2s"}, "--poll-every is Docplanner's PULL interval; the dikidi reference partner does not poll on one"},
			{"", []string{"--poll-every", "-1s"}, "--poll-every -1s: want a positive duration"},
			{"soon", nil, `$ACCORD_POLL_EVERY "soon": want a Go duration such as 5s`},
		} {
			t.Setenv("ACCORD_FAULT", "") // the Docplanner faults set above
			t.Setenv("ACCORD_POLL_EVERY", tc.env)
			r := imgRun(t, append([]string{"partner", "serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
		}
	})
}

// TestPartnerServeServesEveryPlatform: every platform's reference partner
// can be served alone (the partner image's entry point), answers its
// driver's health check, and its log names where the platform reaches it,
// an address that is routed (a request there is not a 404).
func TestPartnerServeServesEveryPlatform(t *testing.T) {
	reachedAt := map[string]string{
		"docplanner": "PUSH notifications at %s/callbacks",
		"dikidi":     "company events (the key's Path) at %s/events",
		"reach":      "the API Reach syncs from at %s/reach",
	}
	for _, platform := range platformNames() {
		t.Run(platform, func(t *testing.T) {
			base, stdout, stderr, done := servePartner(t, "partner", "serve", "--platform", platform, "--addr", "127.0.0.1:0")
			defer stopPartner(t, stderr, done)
			resp, err := http.Get(base + "/health")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			require.Contains(t, reachedAt, platform, "a platform without an expectation here")
			want := fmt.Sprintf(reachedAt[platform], base)
			assert.Contains(t, stdout.String(), want)
			at := strings.TrimSpace(want[strings.LastIndex(want, " "):])
			resp, err = http.Post(at, "application/json", strings.NewReader("{}"))
			require.NoError(t, err)
			resp.Body.Close()
			assert.NotEqual(t, http.StatusNotFound, resp.StatusCode, "%s is not routed", at)
		})
	}
}

type imgResult struct {
	code           int
	stdout, stderr string
	took           time.Duration
	// firstScenario is from the container's start (accord asking the
	// engine) to the first scenario's output.
	firstScenario time.Duration
}

func imgRun(t *testing.T, args ...string) imgResult {
	t.Helper()
	var stdout, stderr imgClockWriter
	start := time.Now()
	code := run(args, &stdout, &stderr)
	r := imgResult{code: code, stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	if c, s := stderr.containerStart(), stdout.firstScenario(); !c.IsZero() && !s.IsZero() {
		r.firstScenario = s.Sub(c)
	}
	return r
}

// imgRunReport runs accord run with args and a report directory of its own,
// and requires the exit code.
func imgRunReport(t *testing.T, code int, args ...string) (r imgResult, dir string) {
	t.Helper()
	dir = t.TempDir()
	r = imgRun(t, append(append([]string{"run"}, args...), "--report-dir", dir)...)
	require.Equal(t, code, r.code, "stdout:\n%s\nstderr:\n%s", imgTail(r.stdout), r.stderr)
	return r, dir
}

// imgClockWriter is a buffer safe for concurrent use that notes when the
// container was asked for and when the first scenario showed.
type imgClockWriter struct {
	mu                  sync.Mutex
	b                   bytes.Buffer
	started, firstScene time.Time
}

func (w *imgClockWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	n, err := w.b.Write(p)
	// A marker may come in pieces: look at the end of what was written.
	recent := w.b.Bytes()[max(0, w.b.Len()-len(p)-32):]
	if w.started.IsZero() && bytes.Contains(recent, []byte(": starting on ")) {
		w.started = now
	}
	if w.firstScene.IsZero() && bytes.Contains(recent, []byte("Scenario:")) {
		w.firstScene = now
	}
	return n, err
}

func (w *imgClockWriter) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.b.String() }
func (w *imgClockWriter) containerStart() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.started
}
func (w *imgClockWriter) firstScenario() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.firstScene
}

func imgTail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

func imgReadFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(raw)
}

func imgFreePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return fmt.Sprintf("127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)
}

// servePartner runs accord with args until it prints where its driver
// listens.
func servePartner(t *testing.T, args ...string) (base string, stdout, stderr *imgClockWriter, done chan int) {
	t.Helper()
	stdout, stderr, done = &imgClockWriter{}, &imgClockWriter{}, make(chan int, 1)
	go func() { done <- run(args, stdout, stderr) }()
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); {
		if m := regexp.MustCompile(`driver on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	require.NotEmpty(t, base, "no listen line: %s %s", stdout.String(), stderr.String())
	return base, stdout, stderr, done
}

// stopPartner sends SIGTERM and waits for a clean stop.
func stopPartner(t *testing.T, stderr *imgClockWriter, done chan int) {
	t.Helper()
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("partner serve did not stop within 10s of SIGTERM")
	}
}
