package spec

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"

	dikidiapi "github.com/accord-harness/accord/mocks/dikidi/apispec"
	docplannerapi "github.com/accord-harness/accord/mocks/docplanner/apispec"
	reachapi "github.com/accord-harness/accord/mocks/reach/apispec"
)

// documents are the API documents the mocks serve and Reach calls, and this
// package's own test document.
func documents(t testing.TB) map[string]*Spec {
	t.Helper()
	out := map[string]*Spec{}
	for name, data := range map[string][]byte{
		"docplanner": docplannerapi.Document(), "dikidi": dikidiapi.Document(), "reach": reachapi.Document(),
		"test": []byte(doc),
	} {
		s, err := Load(data)
		require.NoError(t, err, name)
		require.NotNil(t, s.fast, "%s: the compiled router reads every template", name)
		out[name] = s
	}
	return out
}

// TestRouterAgreesWithGorillamux: the compiled router finds what kin-openapi's
// gorillamux router finds (route, parameters, 404 or 405) for every
// documented template filled in many ways, and for near misses.
func TestRouterAgreesWithGorillamux(t *testing.T) {
	fills := []string{"1001", "a%2Fb", "x%20y", "2026-03-02T10%3A00%3A00%2B01%3A00", "2026-03-02", "%E2%82%AC", "-", "a.b"}
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get"}
	for name, s := range documents(t) {
		t.Run(name, func(t *testing.T) {
			var paths []string
			for _, tpl := range s.Doc.Paths.InMatchingOrder() {
				base := ""
				if item := s.Doc.Paths.Value(tpl); len(item.Servers) > 0 {
					base = strings.TrimSuffix(item.Servers[0].URL, "/")
				} else if len(s.Doc.Servers) > 0 {
					base = strings.TrimSuffix(s.Doc.Servers[0].URL, "/")
				}
				for i, fill := range fills {
					p := base + regexp.MustCompile(`\{[^}]+\}`).ReplaceAllStringFunc(tpl, func(string) string { return fills[(i+len(tpl))%len(fills)] })
					_ = fill
					paths = append(paths, p, p+"/", strings.Replace(p, "/", "//", 2), strings.ToUpper(p), p+"/extra", strings.TrimPrefix(p, base))
					if k := strings.LastIndex(p, "/"); k > 0 {
						paths = append(paths, p[:k], p[:k]+"/")
					}
				}
			}
			paths = append(paths, "/", "", "/nowhere", "*")
			for _, p := range paths {
				for _, m := range methods {
					r := httptest.NewRequest(http.MethodGet, "http://mock.test/", nil)
					r.Method = m
					u, err := url.Parse(p)
					if err != nil {
						continue
					}
					r.URL.Path, r.URL.RawPath = u.Path, u.RawPath
					wantRoute, wantParams, wantErr := s.router.FindRoute(r)
					gotRoute, gotParams, hosted, gotErr := s.fast.find(r)
					if hosted {
						continue // gorillamux decides these itself
					}
					assert.Equal(t, wantErr, gotErr, "%s %s", m, p)
					if wantRoute != nil && gotRoute != nil {
						assert.Equal(t, wantRoute.Path, gotRoute.Path, "%s %s", m, p)
						assert.Equal(t, wantRoute.Operation, gotRoute.Operation, "%s %s", m, p)
						assert.Equal(t, wantRoute.Server, gotRoute.Server, "%s %s", m, p)
						assert.Equal(t, wantParams, gotParams, "%s %s", m, p)
					}
				}
			}
		})
	}
}

// gen makes a value a schema likely accepts: every property, formats and
// enums honoured; rnd decides optional parts.
type gen struct {
	rnd   *rand.Rand
	depth int
}

func (g *gen) value(s *openapi3.Schema) any {
	if s == nil || g.depth > 6 {
		return nil
	}
	g.depth++
	defer func() { g.depth-- }()
	if len(s.Enum) > 0 {
		return s.Enum[g.rnd.IntN(len(s.Enum))]
	}
	if len(s.OneOf) > 0 {
		return g.value(s.OneOf[g.rnd.IntN(len(s.OneOf))].Value)
	}
	if len(s.AnyOf) > 0 {
		return g.value(s.AnyOf[g.rnd.IntN(len(s.AnyOf))].Value)
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		var scalar any
		for _, sub := range s.AllOf {
			switch v := g.value(sub.Value).(type) {
			case map[string]any:
				for k, x := range v {
					merged[k] = x
				}
			default:
				scalar = v
			}
		}
		if own, ok := g.object(s).(map[string]any); ok && s.Type.Permits(openapi3.TypeObject) {
			for k, x := range own {
				merged[k] = x
			}
		}
		if scalar != nil && len(merged) == 0 {
			return scalar
		}
		return merged
	}
	switch {
	case s.Type.Is(openapi3.TypeString):
		return g.str(s)
	case s.Type.Is(openapi3.TypeInteger):
		lo, hi := -5.0, 500.0
		if s.Min != nil {
			lo = *s.Min
		}
		if s.Max != nil {
			hi = *s.Max
		}
		return float64(int(lo) + g.rnd.IntN(int(hi-lo)+1))
	case s.Type.Is(openapi3.TypeNumber):
		return g.rnd.Float64() * 100
	case s.Type.Is(openapi3.TypeBoolean):
		return g.rnd.IntN(2) == 0
	case s.Type.Is(openapi3.TypeArray):
		n := int(s.MinItems) + g.rnd.IntN(3)
		if s.MaxItems != nil && n > int(*s.MaxItems) {
			n = int(*s.MaxItems)
		}
		out := []any{}
		for range n {
			var item *openapi3.Schema
			if s.Items != nil {
				item = s.Items.Value
			}
			v := g.value(item)
			if s.UniqueItems && slices.ContainsFunc(out, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(v) }) {
				continue
			}
			out = append(out, v)
		}
		return out
	case s.Type.Is(openapi3.TypeObject) || s.Type == nil && len(s.Properties) > 0:
		return g.object(s)
	}
	return "x"
}

func (g *gen) object(s *openapi3.Schema) any {
	out := map[string]any{}
	for name, p := range s.Properties {
		if slices.Contains(s.Required, name) || g.rnd.IntN(4) > 0 {
			out[name] = g.value(p.Value)
		}
	}
	if s.AdditionalProperties.Schema != nil && g.rnd.IntN(2) == 0 {
		out["extra"] = g.value(s.AdditionalProperties.Schema.Value)
	}
	return out
}

func (g *gen) str(s *openapi3.Schema) string {
	var v string
	switch s.Format {
	case "date-time":
		v = fmt.Sprintf("2026-0%d-1%dT%02d:%02d:00%s", 1+g.rnd.IntN(9), g.rnd.IntN(10), g.rnd.IntN(24), g.rnd.IntN(60), []string{"Z", "+01:00", ".5Z", "-03:30"}[g.rnd.IntN(4)])
	case "date":
		v = fmt.Sprintf("2026-0%d-2%d", 1+g.rnd.IntN(9), g.rnd.IntN(10))
	case "uuid":
		v = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
	case "email":
		v = "ops@partner.test"
	case "uri":
		v = "https://partner.test/a"
	default:
		if ex, ok := s.Example.(string); ok {
			v = ex
		} else {
			v = []string{"x", "Ana", "żółw", "a b", `quote"d`, "1001"}[g.rnd.IntN(6)]
		}
	}
	for int64(len([]rune(v))) < int64(s.MinLength) {
		v += "x"
	}
	return v
}

// mutate changes one place of a decoded value in a way a schema may refuse.
func mutate(rnd *rand.Rand, v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out := map[string]any{}
		for k, e := range x {
			out[k] = e
		}
		switch op := rnd.IntN(5); {
		case op == 0 && len(keys) > 0:
			delete(out, keys[rnd.IntN(len(keys))])
		case op == 1:
			out["unexpected"] = "x"
		case len(keys) > 0:
			k := keys[rnd.IntN(len(keys))]
			out[k] = mutate(rnd, out[k])
		}
		return out
	case []any:
		out := slices.Clone(x)
		switch op := rnd.IntN(4); {
		case op == 0:
			return []any{}
		case op == 1 && len(out) > 0:
			return append(out, out[0])
		case len(out) > 0:
			i := rnd.IntN(len(out))
			out[i] = mutate(rnd, out[i])
		}
		return out
	case string:
		return []any{x + "x", "", nil, 1.0, true, strings.Replace(x, "-", "/", 1), strings.Repeat(x, 40), map[string]any{}}[rnd.IntN(8)]
	case float64:
		return []any{x + 0.5, -x - 1, 1e300, nil, "1", x * 1000, 2147483648.0}[rnd.IntN(7)]
	case bool:
		return []any{!x, "true", nil, 0.0}[rnd.IntN(4)]
	case nil:
		return []any{"x", 0.0, false, []any{}, map[string]any{}}[rnd.IntN(5)]
	}
	return v
}

// rewrites are byte-level edits of an encoded document.
var rewrites = []func(string) string{
	func(s string) string { return s },
	func(s string) string { return " \n" + s + "\t" },
	func(s string) string { return s + "x" },
	func(s string) string { return s + s },
	func(s string) string { return strings.Replace(s, `"`, `"\u0061`, 1) },
	func(s string) string { return strings.Replace(s, `":`, `" :`, -1) },
	func(s string) string { return strings.Replace(s, `,"`, `,"_items":null,"`, 1) },
	func(s string) string {
		return strings.Replace(s, `{"`, `{"`+strings.SplitN(strings.TrimPrefix(s, `{"`), `"`, 2)[0]+`":0,"`, 1)
	},
	func(s string) string { return strings.Replace(s, "0", "00", 1) },
	func(s string) string { return strings.Replace(s, "1", "1.0", 1) },
	func(s string) string { return strings.Replace(s, "1", "1e1", 1) },
	func(s string) string { return strings.Replace(s, `"`, "\"\x01", 1) },
	func(s string) string { return strings.Replace(s, `"`, "\"\xff", 1) },
	func(s string) string { return strings.TrimSuffix(s, "}") },
	func(s string) string { return "" },
}

func schemaOf(content openapi3.Content, ct string) *openapi3.Schema {
	if mt := content.Get(ct); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	return nil
}

// TestFastChecksNeverPassWhatKinRefuses applies the compiled checks and
// kin-openapi to answers and requests made for every operation of every
// document, valid and broken in many ways: whatever the compiled check
// passes, kin-openapi passes too, defaults written alike. It also asks that
// the compiled check does pass most of what kin-openapi passes, or it would
// be no faster.
func TestFastChecksNeverPassWhatKinRefuses(t *testing.T) {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	for name, s := range documents(t) {
		t.Run(name, func(t *testing.T) {
			cov := &coverage{}
			for route, op := range s.compiled {
				g := &gen{rnd: rnd}
				for code, ref := range route.Operation.Responses.Map() {
					status := map[string]int{"default": 599, "1XX": 150, "2XX": 299, "3XX": 399, "4XX": 499, "5XX": 555}[code]
					if status == 0 {
						fmt.Sscan(code, &status)
					}
					for ct := range ref.Value.Content {
						for i := range 12 {
							v := g.value(schemaOf(ref.Value.Content, ct))
							if i%2 == 1 {
								v = mutate(rnd, v)
							}
							raw, err := json.Marshal(v)
							require.NoError(t, err)
							rw := rnd.IntN(len(rewrites))
							body := []byte(rewrites[rw](string(raw)))
							header := http.Header{"Content-Type": {ct}}
							for h, hr := range ref.Value.Headers {
								if hr.Value.Schema == nil {
									continue
								}
								switch rnd.IntN(6) {
								case 0: // absent
								case 1: // named with no value: kin-openapi decodes it as null
									header[http.CanonicalHeaderKey(h)] = []string{}
								case 2:
									header.Set(h, "")
								default:
									header.Set(h, fmt.Sprint(g.value(hr.Value.Schema.Value)))
								}
							}
							r := httptest.NewRequest(route.Method, "http://mock.test/", nil)
							rt := &Route{route: route, op: op, Params: map[string]string{}}
							fast := op.fastResponse(route.Method, status, header, body)
							kin := kinResponse(ctx, r, rt, status, header, body)
							if fast {
								assert.Empty(t, kin, "%s %s %d %s: the compiled check passed %s", route.Method, route.Path, status, ct, body)
							}
							cov.count(rw, fast, kin)
						}
					}
				}
				checkRequests(t, ctx, rnd, g, route, op, cov)
			}
			t.Logf("%s: %d cases; of the plainly encoded ones kin-openapi passed %d, the compiled check %d", name, cov.cases, cov.kinPassed, cov.fastPassed)
			assert.GreaterOrEqual(t, cov.fastPassed, cov.kinPassed*9/10,
				"the compiled check passes nearly all plainly encoded documents kin-openapi passes")
		})
	}
}

// coverage counts how much of what kin-openapi passes the compiled check
// passes too, among documents encoded plainly (no repeated keys, trailing
// bytes, escapes or invalid UTF-8, which it leaves to kin-openapi on purpose).
type coverage struct{ cases, kinPassed, fastPassed int }

func (c *coverage) count(rewrite int, fast bool, kin []journal.Violation) {
	c.cases++
	if rewrite > 1 || len(kin) > 0 {
		return
	}
	c.kinPassed++
	if fast {
		c.fastPassed++
	}
}

func checkRequests(t *testing.T, ctx context.Context, rnd *rand.Rand, g *gen, route *routers.Route, op *operation, cov *coverage) {
	t.Helper()
	params := append(slices.Clone(route.PathItem.Parameters), route.Operation.Parameters...)
	for i := range 16 {
		path := route.Path
		query := url.Values{}
		pathParams := map[string]string{}
		for _, ref := range params {
			p := ref.Value
			v := g.value(p.Schema.Value)
			if i%2 == 1 && rnd.IntN(3) == 0 {
				v = mutate(rnd, v)
			}
			raw := fmt.Sprint(v)
			if arr, ok := v.([]any); ok {
				items := make([]string, len(arr))
				for k, x := range arr {
					items[k] = fmt.Sprint(x)
				}
				raw = strings.Join(items, ",")
			}
			switch p.In {
			case openapi3.ParameterInPath:
				path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(raw))
				pathParams[p.Name] = raw
			case openapi3.ParameterInQuery:
				switch {
				case i%2 == 1 && rnd.IntN(4) == 0:
				case i%2 == 1 && rnd.IntN(4) == 0:
					query.Add(p.Name, "")
					query.Add(p.Name, raw)
				default:
					query.Set(p.Name, raw)
				}
			}
		}
		var body []byte
		rw := 0
		ct := "application/json"
		if rb := route.Operation.RequestBody; rb != nil {
			for c := range rb.Value.Content {
				ct = c
			}
			v := g.value(schemaOf(rb.Value.Content, ct))
			if i%2 == 1 {
				v = mutate(rnd, v)
			}
			raw, _ := json.Marshal(v)
			rw = rnd.IntN(len(rewrites))
			body = []byte(rewrites[rw](string(raw)))
		}
		target := "http://mock.test" + path
		if len(query) > 0 {
			target += "?" + query.Encode()
		}
		r := httptest.NewRequest(route.Method, target, nil)
		r.Header.Set("Content-Type", ct)
		kinReq := r.Clone(ctx)
		rt := &Route{route: route, op: op, Params: pathParams}
		defaults, fast := op.fastRequest(r, body, pathParams)
		kin := kinRequest(ctx, kinReq, body, rt)
		if fast {
			writeDefaults(r, defaults)
			assert.Empty(t, kin, "%s %s: the compiled check passed %s", route.Method, target, body)
			assert.Equal(t, kinReq.URL.RawQuery, r.URL.RawQuery, "defaults written as kin-openapi writes them")
		}
		cov.count(rw, fast, kin)
	}
}

func TestDateFormatsAreKinsRegexps(t *testing.T) {
	dt := regexp.MustCompile(openapi3.FormatOfStringDateTime)
	d := regexp.MustCompile(openapi3.FormatOfStringDate)
	for _, s := range []string{
		"2026-03-02T10:00:00Z", "2026-03-02T10:00:00+01:00", "2026-03-02T10:00:00.123456789-03:30", "2026-12-31T23:59:60Z",
		"2026-13-02T10:00:00Z", "2026-00-02T10:00:00Z", "2026-03-32T10:00:00Z", "2026-03-02T24:00:00Z", "2026-03-02T10:60:00Z",
		"2026-03-02T10:00:61Z", "2026-03-02t10:00:00Z", "2026-03-02T10:00:00", "2026-03-02T10:00:00.Z", "2026-03-02T10:00:00+0100",
		"2026-03-02T10:00:00z", "2026-03-02", "2026-3-2", "20260302", "2026-03-02 ", " 2026-03-02", "", "2026-03-02T10:00:00+01:00x",
		"2026-10-10", "2026-11-30", "2026-12-31", "2026-03-00", "2026-03-30", "2026-03-19T19:00:00Z", "2026-03-09T09:09:09Z",
	} {
		assert.Equal(t, dt.MatchString(s), isDateTime(s), "date-time %q", s)
		assert.Equal(t, d.MatchString(s), isDate(s), "date %q", s)
	}
}

func FuzzDateFormatsAreKinsRegexps(f *testing.F) {
	dt := regexp.MustCompile(openapi3.FormatOfStringDateTime)
	d := regexp.MustCompile(openapi3.FormatOfStringDate)
	for _, s := range []string{"2026-03-02T10:00:00Z", "2026-03-02T10:00:00.5+01:00", "2026-03-02", "2026-12-31T23:59:60-12:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if dt.MatchString(s) != isDateTime(s) || d.MatchString(s) != isDate(s) {
			t.Fatalf("%q: regexp date-time %v date %v, compiled %v %v", s, dt.MatchString(s), d.MatchString(s), isDateTime(s), isDate(s))
		}
	})
}

// FuzzFastResponseNeverPassesWhatKinRefuses feeds any bytes as the answer to
// every Docplanner and DIKIDI operation the seeds name.
func FuzzFastResponseNeverPassesWhatKinRefuses(f *testing.F) {
	specs := documents(f)
	type target struct {
		s     *Spec
		route *routers.Route
		op    *operation
	}
	var targets []target
	for _, name := range []string{"docplanner", "dikidi", "reach", "test"} {
		s := specs[name]
		for route, op := range s.compiled {
			targets = append(targets, target{s, route, op})
		}
	}
	slices.SortFunc(targets, func(a, b target) int {
		return strings.Compare(a.route.Operation.OperationID, b.route.Operation.OperationID)
	})
	f.Add(uint16(0), uint16(200), "application/json", []byte(`{"_items":[{"start":"2026-03-02T09:00:00+01:00"}]}`))
	f.Add(uint16(1), uint16(200), "application/vnd.docplanner+json; charset=UTF-8", []byte(`{"id":"1","name":"x"}`))
	f.Add(uint16(7), uint16(400), "application/vnd.error+docplanner+json", []byte(`{"message":"x","errors":{"a":["b"]}}`))
	f.Add(uint16(3), uint16(200), "application/json", []byte(`{"data":{"id":1,"title":"x"},"error":null}`))
	f.Fuzz(func(t *testing.T, which, status uint16, ct string, body []byte) {
		tg := targets[int(which)%len(targets)]
		header := http.Header{"Content-Type": {ct}}
		if !tg.op.fastResponse(tg.route.Method, int(status), header, body) {
			return
		}
		r := httptest.NewRequest(tg.route.Method, "http://mock.test/", nil)
		if kin := kinResponse(context.Background(), r, &Route{route: tg.route, op: tg.op}, int(status), header, body); len(kin) > 0 {
			t.Fatalf("%s: the compiled check passed the %d answer %q (%s), kin-openapi finds %s", tg.route.Operation.OperationID, status, body, ct, Summary(kin))
		}
	})
}

func TestKinsDateFormatsAreRecognised(t *testing.T) {
	assert.True(t, sameFormat(openapi3.SchemaStringFormats["date-time"], openapi3.FormatOfStringDateTime))
	assert.True(t, sameFormat(openapi3.SchemaStringFormats["date"], openapi3.FormatOfStringDate))
	assert.False(t, sameFormat(openapi3.SchemaStringFormats["date"], openapi3.FormatOfStringDateTime))
	assert.False(t, sameFormat(openapi3.NewCallbackValidator(func(string) error { return nil }), openapi3.FormatOfStringDate))
}
