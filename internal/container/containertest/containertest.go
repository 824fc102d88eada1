// Package containertest is for tests that need a container engine: it
// decides whether they run, and builds the reference partner image from
// fixtures/image/Containerfile, as `make image` does, through the engine
// testcontainers uses (so the image is where the run will look for it).
package containertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// EnvRun governs the container tests: 1 means they must run (a missing
// engine fails them; .ci/run sets it after setting up podman), 0 skips
// them, unset runs them when an engine answers and skips them, saying how
// to set one up, when none does.
const EnvRun = "ACCORD_CONTAINER_TESTS"

// Setup is how to get an engine on a machine like CI's.
const Setup = `To run the container tests, give testcontainers an engine:
  - Docker: a running daemon (DOCKER_HOST or /var/run/docker.sock), or
  - podman (Debian: apt-get install -y podman runc), serving its Docker API:
      podman system service --time=0 unix:///tmp/podman.sock &
      export DOCKER_HOST=unix:///tmp/podman.sock TESTCONTAINERS_RYUK_DISABLED=true
    (in a sandbox whose cgroups need runc, /etc/containers/containers.conf as .ci/run writes it)
then: ` + EnvRun + `=1 go test ./cmd/accord/ -run PartnerImage. .ci/run does all of this from nothing.`

var (
	probeOnce sync.Once
	probeErr  error
)

func probe() error {
	probeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		p, err := testcontainers.ProviderDefault.GetProvider()
		if err != nil {
			probeErr = err
			return
		}
		defer p.Close()
		probeErr = p.Health(ctx)
	})
	return probeErr
}

// RequireEngine lets the test go on only with an engine, as EnvRun says.
func RequireEngine(t testing.TB) {
	t.Helper()
	mode := os.Getenv(EnvRun)
	if mode == "0" {
		t.Skipf("%s=0: container tests not run", EnvRun)
	}
	err := probe()
	if err == nil {
		return
	}
	if mode == "" {
		t.Skipf("SKIPPED, no container engine answered (%v).\n%s\n(with %s=1 this test fails instead of skipping)", err, Setup, EnvRun)
	}
	t.Fatalf("%s=%s but no container engine answered (DOCKER_HOST=%q): %v\n%s", EnvRun, mode, os.Getenv("DOCKER_HOST"), err, Setup)
}

// Image is the built reference partner image.
type Image struct {
	Name string
	// Compile is the static binary's build, Build the engine's image build.
	Compile, Build time.Duration
}

// The image tests build; `make image` builds the same repository with tag dev.
const (
	ReferenceRepo = "localhost/accord-reference-partner"
	ReferenceTag  = "test"
	ReferenceName = ReferenceRepo + ":" + ReferenceTag
)

var (
	buildOnce sync.Once
	built     Image
	buildErr  error
)

// ReferenceImage builds the reference partner image once per test process.
func ReferenceImage(t testing.TB) Image {
	t.Helper()
	RequireEngine(t)
	buildOnce.Do(func() { built, buildErr = buildReference() })
	if buildErr != nil {
		t.Fatalf("building %s: %v", ReferenceName, buildErr)
	}
	return built
}

// Root is the module's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

func buildReference() (Image, error) {
	img := Image{Name: ReferenceName}
	root := Root()
	dir, err := os.MkdirTemp("", "accord-image-")
	if err != nil {
		return img, err
	}
	defer os.RemoveAll(dir)

	start := time.Now()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "accord"), "./cmd/accord")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return img, fmt.Errorf("go build (CGO_ENABLED=0): %v\n%s", err, out)
	}
	img.Compile = time.Since(start)
	containerfile, err := os.ReadFile(filepath.Join(root, "fixtures", "image", "Containerfile"))
	if err != nil {
		return img, err
	}
	if err := os.WriteFile(filepath.Join(dir, "Containerfile"), containerfile, 0o644); err != nil {
		return img, err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return img, err
	}
	defer p.Close()
	previous := imageID(ctx, p.Client(), ReferenceName)
	start = time.Now()
	var buildLog strings.Builder
	req := testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: dir, Dockerfile: "Containerfile", Repo: ReferenceRepo, Tag: ReferenceTag, KeepImage: true,
		BuildLogWriter: &buildLog,
	}}
	if _, err := p.BuildImage(ctx, &req); err != nil {
		return img, fmt.Errorf("%v\n%s", err, buildLog.String())
	}
	img.Build = time.Since(start)
	// The image the tag left behind would pile up, one per test run.
	if previous != "" && previous != imageID(ctx, p.Client(), ReferenceName) {
		_, _ = p.Client().ImageRemove(ctx, previous, client.ImageRemoveOptions{})
	}
	return img, nil
}

func imageID(ctx context.Context, cli client.APIClient, name string) string {
	res, err := cli.ImageInspect(ctx, name)
	if err != nil {
		return ""
	}
	return res.ID
}

// Exists says whether the engine still has the container (an ID or a
// unique prefix of one).
func Exists(t testing.TB, id string) bool {
	t.Helper()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_, err = p.Client().ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if errdefs.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatalf("inspecting container %s: %v", id, err)
	}
	return true
}

// Remove force-removes a container a failed test may have left behind.
func Remove(id string) {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = p.Client().ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
}

// Binary builds the accord command for the host into dir, as the image's
// binary is built (the build cache makes it quick after ReferenceImage).
func Binary(t testing.TB, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "accord")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/accord")
	cmd.Dir = Root()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	return out
}
