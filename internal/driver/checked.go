package driver

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/accord-harness/accord/internal/spec"
)

// Partners write their drivers from the contract alone, so what accord sends
// them must be what the contract says: Checked holds every settings, fixture
// and action parameters accord sends against the schema the contract gives
// them for the platform of the session (DocplannerSettings, DikidiFixture,
// ReachOutageParams, ...), before it goes out. A request that breaks the
// contract is accord's own bug: the call fails naming the field, and no
// partner is blamed for it. What partners answer is not judged here.

// Checked wraps d.
func Checked(d Driver) Driver {
	return &checked{Driver: d, passed: map[[sha256.Size]byte]bool{}}
}

type checked struct {
	Driver
	mu       sync.Mutex
	platform string // of the last reset
	passed   map[[sha256.Size]byte]bool
}

var (
	contractOnce sync.Once
	contractSpec *spec.Spec
	contractErr  error
)

// Contract is the contract's document, loaded once per process: it is read-only.
func Contract() (*spec.Spec, error) {
	contractOnce.Do(func() { contractSpec, contractErr = spec.Load(document) })
	return contractSpec, contractErr
}

// SchemaName is the contract's schema of one platform's fixture, settings,
// action or view: ("docplanner", "book-visit", "Params") is
// DocplannerBookVisitParams.
func SchemaName(platform, name, suffix string) string {
	return camel(platform) + camel(name) + suffix
}

func (c *checked) Reset(ctx context.Context, platform string, settings any) error {
	c.mu.Lock()
	c.platform = platform
	c.mu.Unlock()
	if err := c.check("reset", "", "Settings", settings); err != nil {
		return err
	}
	return c.Driver.Reset(ctx, platform, settings)
}

func (c *checked) LoadFixture(ctx context.Context, fixture any) error {
	if err := c.check("fixture", "", "Fixture", fixture); err != nil {
		return err
	}
	return c.Driver.LoadFixture(ctx, fixture)
}

func (c *checked) Act(ctx context.Context, action string, params any, result any) error {
	if err := c.check(action, action, "Params", params); err != nil {
		return err
	}
	return c.Driver.Act(ctx, action, params, result)
}

// check validates body against the platform's schema of name and suffix.
// An action the contract gives no parameters schema (activate, sync) must
// be sent without parameters.
func (c *checked) check(what, name, suffix string, body any) error {
	c.mu.Lock()
	platform := c.platform
	c.mu.Unlock()
	if platform == "" {
		return nil
	}
	s, err := Contract()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("accord's own %s request for %s cannot be encoded: %w", what, platform, err)
	}
	schema := SchemaName(platform, name, suffix)
	sum := sha256.Sum256(append([]byte(schema+"\x00"), raw...))
	c.mu.Lock()
	known := c.passed[sum]
	c.mu.Unlock()
	if known {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("accord's own %s request for %s is not JSON: %w", what, platform, err)
	}
	if _, ok := s.Doc.Components.Schemas[schema]; !ok {
		if m, isMap := v.(map[string]any); isMap && len(m) == 0 || v == nil {
			return nil
		}
		return fmt.Errorf("accord sends %s to a %s partner with parameters, but its driver contract (internal/driver/openapi.yaml) has no schema %s for them", what, platform, schema)
	}
	if vs := s.ValidateValue(schema, v); len(vs) > 0 {
		return fmt.Errorf("accord's own %s request breaks its driver contract (internal/driver/openapi.yaml, %s), so the partner was not called: %s", what, schema, spec.Summary(vs))
	}
	c.mu.Lock()
	c.passed[sum] = true
	c.mu.Unlock()
	return nil
}

// camel turns "book-visit" into "BookVisit" and "docplanner" into "Docplanner".
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
