package container

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	dcontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanHostNetworkStaysOnLoopback(t *testing.T) {
	pl, err := Options{Image: "img", Platform: "docplanner", Env: map[string]string{"ACCORD_FAULT": "no-reauth", "EXTRA": "1"}}.plan(true)
	require.NoError(t, err)
	assert.Equal(t, Host, pl.network)
	assert.Equal(t, DefaultStartTimeout, pl.startTimeout)
	driver, mock := mustURL(t, pl.driverURL), mustURL(t, pl.mockURL)
	assert.Equal(t, "127.0.0.1", driver.Hostname())
	assert.Equal(t, "127.0.0.1", mock.Hostname())
	assert.NotEqual(t, driver.Port(), mock.Port())
	assert.Equal(t, mock.Host, pl.mockListen, "the mock listens where the partner looks")
	assert.Equal(t, map[string]string{
		EnvPlatform:         "docplanner",
		EnvPartnerAddr:      driver.Host,
		EnvPartnerPublicURL: pl.driverURL,
		EnvMockURL:          pl.mockURL,
		EnvFault:            "no-reauth",
		"EXTRA":             "1",
	}, pl.env)

	req := pl.request("img")
	var hc dcontainer.HostConfig
	req.HostConfigModifier(&hc)
	assert.Equal(t, dcontainer.NetworkMode("host"), hc.NetworkMode)
	assert.Empty(t, hc.PortBindings)
	eps := map[string]*network.EndpointSettings{"podman": {}}
	req.EndpointSettingsModifier(eps)
	assert.Empty(t, eps, "a host-network container joins no other network")
	assert.Equal(t, "img", req.Labels[Label])
	assert.Nil(t, req.WaitingFor, "Start waits on the driver itself")
}

func TestPlanHostNetworkFixedPort(t *testing.T) {
	pl, err := Options{Image: "img", Port: 18080}.plan(false)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:18080", pl.driverURL)
	assert.Equal(t, "127.0.0.1:18080", pl.env[EnvPartnerAddr])
}

func TestPlanBridge(t *testing.T) {
	for _, tt := range []struct {
		name       string
		podman     bool
		host       string
		extraHosts []string
	}{
		{"docker", false, "host.docker.internal", []string{"host.docker.internal:host-gateway"}},
		{"podman", true, "host.containers.internal", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pl, err := Options{Image: "img", Network: Bridge}.plan(tt.podman)
			require.NoError(t, err)
			assert.Equal(t, "0.0.0.0:8080", pl.env[EnvPartnerAddr])
			driver := mustURL(t, pl.driverURL)
			assert.Equal(t, "127.0.0.1", driver.Hostname(), "the published port is on loopback only")
			assert.Equal(t, pl.driverURL, pl.env[EnvPartnerPublicURL], "the mock calls back through the published port")
			mock := mustURL(t, pl.mockURL)
			assert.Equal(t, tt.host, mock.Hostname())
			assert.Equal(t, "0.0.0.0:"+mock.Port(), pl.mockListen)

			var hc dcontainer.HostConfig
			req := pl.request("img")
			req.HostConfigModifier(&hc)
			assert.Equal(t, []string{"8080/tcp"}, req.ExposedPorts)
			assert.Equal(t, tt.extraHosts, hc.ExtraHosts)
			bindings := hc.PortBindings[network.MustParsePort("8080/tcp")]
			require.Len(t, bindings, 1)
			assert.Equal(t, "127.0.0.1", bindings[0].HostIP.String())
			assert.Equal(t, driver.Port(), bindings[0].HostPort)
		})
	}
	pl, err := Options{Image: "img", Network: Bridge, Port: 9000, MockHost: "gateway.test"}.plan(false)
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0:9000", pl.env[EnvPartnerAddr])
	assert.Equal(t, "gateway.test", mustURL(t, pl.mockURL).Hostname())
	assert.Empty(t, pl.extraHosts)
}

func TestPlanRefusesBadOptions(t *testing.T) {
	for _, o := range []Options{{}, {Image: " "}, {Image: "img", Network: "overlay"}, {Image: "img", Port: -1}, {Image: "img", Port: 65536}} {
		_, err := o.plan(false)
		assert.Error(t, err, "%+v", o)
	}
	// Start says so before it asks for an engine.
	_, err := Start(context.Background(), Options{Image: "img", Network: "overlay"})
	var se *StartError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), `partner image img: cannot plan the container: network "overlay": want host or bridge`)
}

func TestErrorsCarryTheLogTail(t *testing.T) {
	var logs strings.Builder
	for i := range 40 {
		logs.WriteString("line " + string(rune('A'+i%26)) + "\n")
	}
	err := &StartError{Image: "img", Reason: "the container exited with code 3", ExitCode: 3, Logs: []byte(logs.String())}
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "partner image img: the container exited with code 3\nlast lines of the container's log:\n  | line"), msg)
	assert.Equal(t, tailLines, strings.Count(msg, "  | "))
	assert.True(t, strings.HasSuffix(msg, "  | line N"), msg)

	empty := &StartError{Image: "img", Reason: "r", Logs: []byte{}, Err: errors.New("boom")}
	assert.Equal(t, "partner image img: r: boom\n(the container's log is empty)", empty.Error())
	assert.ErrorIs(t, empty, empty.Err)

	none := &StartError{Image: "img", Reason: "r"}
	assert.Equal(t, "partner image img: r", none.Error())

	assert.Equal(t, "", Tail(nil, 5))
	assert.Equal(t, "  | a\n  | b", Tail([]byte("a\nb\n"), 5))
	assert.Equal(t, "  | b", Tail([]byte("a\nb"), 1))

	t.Setenv("DOCKER_HOST", "unix:///nowhere.sock")
	ee := (&EngineError{Err: errors.New("dial: no such file")}).Error()
	assert.Contains(t, ee, `no container engine answered (DOCKER_HOST="unix:///nowhere.sock"): dial: no such file`)
	assert.Contains(t, ee, "podman system service")
	assert.Contains(t, ee, "docs/partner-image.md")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}
