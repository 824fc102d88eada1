// Package steps is the example platform for the runner: its run, built on
// the step kit, and the steps of its one feature. docs/adding-a-platform.md
// walks through it.
package steps

import (
	"context"
	"io/fs"
	"net/http"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/examples/minimal/features"
	"github.com/accord-harness/accord/examples/minimal/mock"
	"github.com/accord-harness/accord/examples/minimal/refpartner"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/stepkit"
)

// Platform is the example platform.
type Platform struct{}

var _ runner.Platform = Platform{}

func (Platform) Name() string           { return "example" }
func (Platform) Features() fs.FS        { return features.FS }
func (Platform) Faults() []runner.Fault { return refpartner.Faults() }

// run is one run: the mock platform and the partner under test.
type run struct {
	stepkit.Base
	mock    *mock.Mock
	mockURL string // as the partner reaches it
	tenants int
}

// Start serves the mock and starts the partner under test.
func (Platform) Start(ctx context.Context, cfg runner.Config) (runner.Stage, error) {
	r := &run{}
	r.Init(cfg, 30*time.Second)
	var err error
	if r.mock, err = mock.New(r.Clock, r.Journal); err != nil {
		return nil, err
	}
	if _, r.mockURL, err = r.ServeMock(cfg, r.mock); err != nil {
		r.Close()
		return nil, err
	}
	err = r.StartPartner(ctx, cfg, stepkit.Partner{Bundled: func() (http.Handler, func(string), error) {
		p, err := refpartner.New(cfg.Faults)
		if err != nil {
			return nil, nil, err
		}
		return p.Handler(), nil, nil
	}})
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Extras are the API coverage table and the waits' latencies.
func (r *run) Extras() map[string]any {
	var calls stepkit.Tally
	for _, e := range r.Journal.Select(nil) {
		calls.Add(e.Operation, e.Status)
	}
	doc, _ := mock.Spec()
	lat, longest := r.Latencies()
	return map[string]any{
		"api_coverage":        stepkit.Coverage(doc.Operations(), func(op spec.Operation) bool { return op.Required }, calls),
		"latencies":           lat,
		"max_latency_seconds": longest,
	}
}

// InitializeScenario gives every scenario its own world and tenant.
func (r *run) InitializeScenario(sc *godog.ScenarioContext) {
	w := &world{r: r}
	sc.Before(func(ctx context.Context, scn *godog.Scenario) (context.Context, error) {
		w.begin(ctx, scn.Name)
		return ctx, nil
	})
	registerBookings(sc, w)
}
