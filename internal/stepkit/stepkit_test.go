package stepkit

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/spec"
)

// healthy answers the driver contract's health check, as any partner does.
func healthy(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok","name":"` + name + `"}`))
	})
}

func startedBase(t *testing.T, cfg runner.Config, p Partner) (*Base, error) {
	t.Helper()
	b := &Base{}
	b.Init(cfg, 30*time.Second)
	t.Cleanup(func() { _ = b.Close() })
	return b, b.StartPartner(context.Background(), cfg, p)
}

func TestStartPartner(t *testing.T) {
	bundled := func() (http.Handler, func(string), error) { return healthy("bundled"), nil, nil }
	tests := []struct {
		name    string
		partner func(t *testing.T) *runner.PartnerConfig
		faults  []string
		variant string
		wantErr error
		want    string // the partner's name
		virtual bool
	}{
		{name: "the bundled partner lives on the run clock", want: "bundled", virtual: true},
		{name: "a build of the bundled partner", variant: "alt", want: "bundled", virtual: true},
		{name: "a partner of its own lives in real time", want: "own", partner: ownPartner},
		{name: "a fault cannot apply to a partner of its own", faults: []string{"no-reauth"}, partner: ownPartner, wantErr: ErrFaultOfOwnPartner},
		{name: "nor can a build of the bundled one", variant: "alt", partner: ownPartner, wantErr: ErrVariantOfOwnPartner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := runner.Config{Faults: tt.faults}
			if tt.partner != nil {
				cfg.Partner = tt.partner(t)
			}
			b, err := startedBase(t, cfg, Partner{Bundled: bundled, Variant: tt.variant, Tick: 100 * time.Millisecond})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, b.PartnerName())
			assert.Equal(t, tt.virtual, b.Waiter.Virtual)
			assert.Equal(t, tt.virtual, b.Bundled)
		})
	}
}

func ownPartner(t *testing.T) *runner.PartnerConfig {
	t.Helper()
	var s Servers
	t.Cleanup(s.Close)
	addr, err := s.Serve("127.0.0.1:0", healthy("own"))
	require.NoError(t, err)
	return &runner.PartnerConfig{DriverURL: "http://" + addr}
}

func TestStartPartnerTellsTheBundledPartnerWhereItIs(t *testing.T) {
	var told string
	b, err := startedBase(t, runner.Config{}, Partner{Bundled: func() (http.Handler, func(string), error) {
		return healthy("bundled"), func(u string) { told = u }, nil
	}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(told, "http://127.0.0.1:"), "told %q", told)
	assert.NotNil(t, b.Driver)
}

func TestStartPartnerNamesAnUnreachablePartner(t *testing.T) {
	var s Servers
	addr, err := s.Serve("127.0.0.1:0", healthy("gone"))
	require.NoError(t, err)
	s.Close()
	_, err = startedBase(t, runner.Config{Partner: &runner.PartnerConfig{DriverURL: "http://" + addr}}, Partner{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the partner under test is not answering")
	assert.Contains(t, err.Error(), addr)
}

func TestServeMockGivesThePartnerTheConfigsURL(t *testing.T) {
	b := &Base{}
	t.Cleanup(func() { _ = b.Close() })
	served, forPartner, err := b.ServeMock(runner.Config{Partner: &runner.PartnerConfig{MockURL: "http://host.containers.internal:9000/"}}, healthy("mock"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(served, "http://127.0.0.1:"), served)
	assert.Equal(t, "http://host.containers.internal:9000", forPartner)
	_, _, err = b.ServeMock(runner.Config{Partner: &runner.PartnerConfig{MockListen: "256.0.0.1:1"}}, healthy("mock"))
	assert.ErrorContains(t, err, "mock platform cannot listen on 256.0.0.1:1")
}

func TestWithin(t *testing.T) {
	broken := errors.New("the driver answered 500")
	tests := []struct {
		name string
		cond func(s *Scenario, looks int) (bool, string)
		// want is in the error ("" none); wantLooks the looks the wait took
		want      string
		wantLooks int
	}{
		{name: "true at once", cond: func(*Scenario, int) (bool, string) { return true, "" }, wantLooks: 1},
		{name: "true at the third look", cond: func(_ *Scenario, n int) (bool, string) { return n == 3, "not yet" }, wantLooks: 3},
		{name: "never true: why, on the run clock", cond: func(*Scenario, int) (bool, string) { return false, "the visit is missing" },
			want: "the visit: not so after 5s on the run clock: the visit is missing", wantLooks: 6},
		{name: "a driver error stops the wait at once", cond: func(s *Scenario, _ int) (bool, string) { s.DriverFailed(broken); return false, "" },
			want: "the visit: cannot tell: the driver answered 500", wantLooks: 1},
		{name: "a look that fails stops the wait at once", cond: func(s *Scenario, _ int) (bool, string) { return s.CannotTell(errors.New("no company 7")) },
			want: "the visit: cannot tell: no company 7", wantLooks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Base{}
			b.Init(runner.Config{}, 5*time.Second)
			b.Waiter.Clock, b.Waiter.Virtual = b.Clock, true
			var s Scenario
			s.Begin(b, context.Background(), "a scenario")
			looks := 0
			err := s.Within(b.Budget, "the visit", func() (bool, string) { looks++; return tt.cond(&s, looks) })
			assert.Equal(t, tt.wantLooks, looks)
			lat, _ := b.Latencies()
			if tt.want != "" {
				require.Error(t, err)
				assert.Equal(t, tt.want, err.Error())
				assert.Empty(t, lat, "a failed wait is no latency")
				return
			}
			require.NoError(t, err)
			require.Len(t, lat, 1)
			assert.Equal(t, "a scenario", lat[0].Scenario)
			assert.Equal(t, 5.0, lat[0].Limit)
		})
	}
}

func TestEvidence(t *testing.T) {
	ok := journal.Entry{Method: "GET", URL: "http://m/api/slots?start=1", Operation: "getSlots", Status: 200}
	refused := journal.Entry{Method: "PUT", URL: "http://m/api/slots?token=k-123456789", Operation: "replaceSlots", Status: 400,
		RequestViolations: []journal.Violation{{In: "body", Field: "slots", Rule: "required", Message: "is missing"}}}
	long := journal.Entry{Method: "POST", URL: "http://m/api/visits", Operation: "bookVisit", Status: 409, ResponseBody: []byte(strings.Repeat("x ", 400))}
	tests := []struct {
		name    string
		calls   []journal.Entry
		want    []string
		wantNot []string
	}{
		{"none", nil, []string{"the partner sent no request to Docplanner"}, nil},
		{"all succeeded", []journal.Entry{ok, ok}, []string{"the partner's 2 requests all succeeded (getSlots, getSlots)"}, nil},
		{"refused, with why, the key masked", []journal.Entry{ok, refused}, []string{"refused requests: PUT http://m/api/slots?token=%5BREDACTED%5D (replaceSlots) → 400: "},
			[]string{"k-123456789", "getSlots"}},
		{"a long body is cut", []journal.Entry{long}, []string{"→ 409: x x", "… (the whole body is in the evidence)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evidence("Docplanner", tt.calls)
			for _, s := range tt.want {
				assert.Contains(t, got, s)
			}
			for _, s := range tt.wantNot {
				assert.NotContains(t, got, s)
			}
		})
	}
}

func TestCoverageCountsEveryOperationByFlow(t *testing.T) {
	ops := []spec.Operation{{ID: "b", Flow: "sync"}, {ID: "a", Flow: "sync", Required: true}, {ID: "c", Flow: "mapping"}}
	var calls Tally
	calls.Add("a", 200)
	calls.Add("a", 503)
	calls.Add("c", 204)
	got := Coverage(ops, func(op spec.Operation) bool { return op.Required }, calls)
	assert.Equal(t, []CoverageRow{
		{Operation: "c", Flow: "mapping", Calls: 1, Succeeded: 1},
		{Operation: "a", Flow: "sync", Required: true, Calls: 2, Succeeded: 1},
		{Operation: "b", Flow: "sync"},
	}, got)
}
