package driver_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/spec"
)

// A partner writes its driver from the contract alone: every field of every
// schema says what it means and in which format, and every fixture accord
// sends is what its platform's schema describes.

func contract(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.Load(driver.Document())
	require.NoError(t, err)
	return s
}

// TestEveryFieldOfTheContractIsDescribed walks every schema of the document,
// named or inline, down to the last nested property and array item.
func TestEveryFieldOfTheContractIsDescribed(t *testing.T) {
	doc := contract(t).Doc
	var missing []string
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, s *openapi3.Schema)
	walk = func(where string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for _, name := range sortedKeys(s.Properties) {
			p := s.Properties[name].Value
			if p == nil || strings.TrimSpace(p.Description) == "" {
				missing = append(missing, where+"."+name)
			}
			walk(where+"."+name, p)
		}
		if s.Items != nil {
			walk(where+"[]", s.Items.Value)
		}
		for i, group := range [][]*openapi3.SchemaRef{s.AllOf, s.AnyOf, s.OneOf} {
			for j, r := range group {
				walk(fmt.Sprintf("%s(%d.%d)", where, i, j), r.Value)
			}
		}
	}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if strings.TrimSpace(s.Description) == "" {
			missing = append(missing, name)
		}
		walk(name, s)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.RequestBody != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(where+" request", mt.Schema.Value)
				}
			}
			for code, r := range op.Responses.Map() {
				for _, mt := range r.Value.Content {
					walk(where+" "+code, mt.Schema.Value)
				}
			}
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "fields of internal/driver/openapi.yaml without a description")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestTheFixturesAccordSendsMatchTheirSchemas renders each platform's
// fixtures as the steps send them to POST /fixture, at run clocks that trip
// calendars (a change to summer time ahead, a year's end), and validates
// them against the platform's schema.
func TestTheFixturesAccordSendsMatchTheirSchemas(t *testing.T) {
	c := contract(t)
	nows := []time.Time{
		time.Date(2026, 3, 24, 9, 0, 0, 0, time.UTC),    // Europe changes to summer time within the horizon
		time.Date(2026, 12, 30, 23, 30, 0, 0, time.UTC), // the year ends
		time.Date(2026, 7, 5, 1, 55, 0, 0, time.UTC),    // a Sunday night
	}
	type sent struct {
		name, schema string
		body         any
	}
	var all []sent
	for _, load := range []func() (*docplannerfixture.Fixture, error){docplannerfixture.Clinic, docplannerfixture.ClinicLarge} {
		f, err := load()
		require.NoError(t, err)
		for _, now := range nows {
			all = append(all, sent{f.Name + " at " + now.Format(time.RFC3339), "DocplannerFixture", f.ForDriver(now)})
		}
	}
	for _, load := range []func() (*dikidifixture.Fixture, error){dikidifixture.Salon, dikidifixture.SalonLarge} {
		f, err := load()
		require.NoError(t, err)
		for _, now := range nows {
			moved, err := f.WeekAfter(now)
			require.NoError(t, err)
			all = append(all, sent{f.Name + " at " + now.Format(time.RFC3339), "DikidiFixture", moved.WithCompanyID(48213007).ForDriver()})
		}
	}
	all = append(all, sent{"the Reach set", "ReachFixture", json.RawMessage(reachfixture.RawSet())})
	for _, s := range all {
		t.Run(s.name, func(t *testing.T) {
			v := decoded(t, s.body)
			assert.Empty(t, c.ValidateValue(s.schema, v))
			assert.NotEmpty(t, c.ValidateValue("DocplannerFixture", map[string]any{}), "an empty fixture must not pass: the check can fail")
		})
	}
}

// TestAFixtureOffItsSchemaIsNamed: the schemas are strict where a partner
// relies on a field, so a drifted fixture fails the test above.
func TestAFixtureOffItsSchemaIsNamed(t *testing.T) {
	c := contract(t)
	f, err := docplannerfixture.Clinic()
	require.NoError(t, err)
	now := time.Date(2026, 3, 24, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, schema, field string
		body                any
		spoil               func(map[string]any)
	}{
		{"Docplanner weekday capitalised", "DocplannerFixture", "weekday", f.ForDriver(now), func(m map[string]any) {
			m["working_hours"].([]any)[0].(map[string]any)["weekday"] = "Monday"
		}},
		{"Docplanner clock with seconds", "DocplannerFixture", "from", f.ForDriver(now), func(m map[string]any) {
			m["working_hours"].([]any)[0].(map[string]any)["from"] = "08:00:00"
		}},
		{"Docplanner start without its offset", "DocplannerFixture", "start", f.ForDriver(now), func(m map[string]any) {
			m["bookings"].([]any)[0].(map[string]any)["start"] = "2026-03-30T10:00:00"
		}},
		{"Docplanner booking without a start", "DocplannerFixture", "start", f.ForDriver(now), func(m map[string]any) {
			delete(m["bookings"].([]any)[0].(map[string]any), "start")
		}},
		{"DIKIDI without its horizon", "DikidiFixture", "days", dikidifixture.DriverFixture{CompanyID: 1, CompanyName: "x", TimeZone: "Europe/Moscow", WeekStart: "2026-12-07"}, func(m map[string]any) {
			delete(m, "days")
		}},
		{"Reach month as a date", "ReachFixture", "FirstMonth", json.RawMessage(reachfixture.RawSet()), func(m map[string]any) {
			m["Companies"].([]any)[0].(map[string]any)["FirstMonth"] = "2025-01-01"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := decoded(t, tt.body).(map[string]any)
			tt.spoil(v)
			vs := c.ValidateValue(tt.schema, v)
			require.NotEmpty(t, vs)
			assert.Contains(t, spec.Summary(vs), tt.field)
		})
	}
}

// decoded is body as the driver receives it: JSON, decoded without types.
func decoded(t *testing.T, body any) any {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}
