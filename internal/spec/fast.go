package spec

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// operation is one documented operation compiled for the fast checks of its
// requests and answers. Each fast check answers "valid" or "unsure"; unsure
// goes to kin-openapi, whose verdict and violations are the ones reported.
type operation struct {
	route    *routers.Route
	security bool // kin-openapi's security check passes (its authentication is a no-op)
	params   []*param
	body     *body // nil: no request body documented

	responses responses
}

type param struct {
	in, name string
	required bool
	bad      bool   // a parameter the fast check leaves to kin-openapi
	def      any    // the schema's default, written into the request when absent
	prim     string // the type the raw value parses as
	int32    bool
	array    bool
	explode  bool
	node     *node // the parameter's schema; for an array, its items' in node.items
}

type body struct {
	required bool
	media    *mediaCache
}

type responses struct {
	none    bool // no responses documented: kin-openapi accepts any answer
	byCode  map[int]*response
	byRange [6]*response // 1XX..5XX
	def     *response
}

type response struct {
	bad     bool
	headers []*param // sorted by name, as kin-openapi checks them
	media   *mediaCache
}

// mediaCache remembers, per Content-Type header value, how a body is
// checked; the schemas of its media types are compiled with the document.
type mediaCache struct {
	content openapi3.Content
	nodes   map[*openapi3.MediaType]*node
	mu      sync.RWMutex
	kinds   map[string]*media
}

type media struct {
	none bool // content has no such media type: kin-openapi refuses it
	skip bool // documented without a schema: kin-openapi accepts any body
	json bool // decoded as JSON by kin-openapi
	node *node
}

// maxMediaKinds bounds the Content-Type values remembered per body: a
// partner can send any.
const maxMediaKinds = 16

func newMediaCache(content openapi3.Content, c *compiler) *mediaCache {
	m := &mediaCache{content: content, nodes: map[*openapi3.MediaType]*node{}}
	for _, mt := range content {
		if mt != nil && mt.Schema != nil {
			m.nodes[mt] = c.compile(mt.Schema)
		}
	}
	return m
}

func (m *mediaCache) get(ct string) *media {
	m.mu.RLock()
	k := m.kinds[ct]
	m.mu.RUnlock()
	if k != nil {
		return k
	}
	k = m.classify(ct)
	m.mu.Lock()
	if len(m.kinds) < maxMediaKinds {
		if m.kinds == nil {
			m.kinds = map[string]*media{}
		}
		m.kinds[ct] = k
	}
	m.mu.Unlock()
	return k
}

// classify is what openapi3filter does with a body of this Content-Type:
// Content.Get, then decodeBody's choice of decoder.
func (m *mediaCache) classify(ct string) *media {
	mt := m.content.Get(ct)
	if mt == nil {
		return &media{none: true}
	}
	if mt.Schema == nil {
		return &media{skip: true}
	}
	if v := mt.Schema.Value; v != nil && v.Type.Is("string") && v.Format == "binary" {
		return &media{}
	}
	if len(mt.Encoding) > 0 {
		return &media{} // an encoding for "" would restrict the media type
	}
	mediaType, _, _ := strings.Cut(ct, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	isJSON := false
	switch dec := openapi3filter.RegisteredBodyDecoder(mediaType); {
	case dec != nil:
		isJSON = sameFunc(dec, openapi3filter.JSONBodyDecoder)
	case strings.HasSuffix(mediaType, "+json"):
		isJSON = sameFunc(openapi3filter.RegisteredBodyDecoder("application/json"), openapi3filter.JSONBodyDecoder)
	}
	if !isJSON {
		return &media{}
	}
	return &media{json: true, node: m.nodes[mt]}
}

// check is the fast check of a body of this Content-Type.
func (m *mediaCache) check(ct string, data []byte) bool {
	k := m.get(ct)
	switch {
	case k.none:
		return false
	case k.skip:
		return true
	case !k.json || k.node == nil:
		return false
	}
	return checkJSON(k.node, data)
}

func sameFunc(a, b openapi3filter.BodyDecoder) bool {
	return a != nil && fmt.Sprintf("%p", a) == fmt.Sprintf("%p", b)
}

// compileOperation reads one operation of the document.
func compileOperation(doc *openapi3.T, route *routers.Route, req, resp *compiler) *operation {
	op := &operation{route: route}
	security := route.Operation.Security
	if security == nil {
		security = &doc.Security
	}
	op.security = len(*security) == 0
	for _, sr := range *security {
		declared := true
		for name := range sr {
			if doc.Components == nil || doc.Components.SecuritySchemes[name] == nil {
				declared = false
			}
		}
		op.security = op.security || declared
	}

	own := route.Operation.Parameters
	for _, ref := range route.PathItem.Parameters {
		if own != nil && own.GetByInAndName(ref.Value.In, ref.Value.Name) != nil {
			continue
		}
		op.params = append(op.params, compileParam(ref.Value, req))
	}
	for _, ref := range own {
		op.params = append(op.params, compileParam(ref.Value, req))
	}

	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
		op.body = &body{required: rb.Value.Required, media: newMediaCache(rb.Value.Content, req)}
	}

	rs := route.Operation.Responses
	op.responses.none = rs.Len() == 0
	op.responses.byCode = map[int]*response{}
	for key, ref := range rs.Map() {
		r := compileResponse(ref, resp)
		switch {
		case key == "default":
			op.responses.def = r
		case len(key) == 3 && strings.HasSuffix(key, "XX") && key[0] >= '1' && key[0] <= '5':
			op.responses.byRange[key[0]-'0'] = r
		default:
			if code, err := strconv.Atoi(key); err == nil {
				op.responses.byCode[code] = r
			}
		}
	}
	return op
}

func compileParam(p *openapi3.Parameter, c *compiler) *param {
	out := &param{in: p.In, name: p.Name, required: p.Required}
	if p.Schema == nil && p.Content == nil {
		out.prim = "none" // kin-openapi checks nothing
		return out
	}
	sm, err := p.SerializationMethod()
	if err != nil || p.Content != nil || p.AllowEmptyValue || p.Schema.Value == nil {
		out.bad = true
		return out
	}
	s := p.Schema.Value
	out.node = c.compile(p.Schema)
	out.def = s.Default
	if out.def != nil && (p.In != openapi3.ParameterInQuery || s.Type.Is(openapi3.TypeArray) ||
		s.VisitJSON(out.def, openapi3.MultiErrors()) != nil) {
		out.bad = true
		return out
	}
	switch {
	case p.In == openapi3.ParameterInQuery && sm.Style == openapi3.SerializationForm:
	case p.In == openapi3.ParameterInPath && sm.Style == openapi3.SerializationSimple:
	default:
		out.bad = true
		return out
	}
	item := s
	if s.Type.Is(openapi3.TypeArray) {
		if p.In != openapi3.ParameterInQuery || s.Items == nil || s.Items.Value == nil {
			out.bad = true
			return out
		}
		out.array, out.explode, item = true, sm.Explode, s.Items.Value
	}
	if !primitive(item) {
		out.bad = true
		return out
	}
	out.prim = item.Type.Slice()[0]
	out.int32 = item.Format == "int32"
	return out
}

// primitive reports a schema kin-openapi decodes with parsePrimitive alone.
func primitive(s *openapi3.Schema) bool {
	if len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil || !s.Type.IsSingle() {
		return false
	}
	switch s.Type.Slice()[0] {
	case openapi3.TypeString, openapi3.TypeInteger, openapi3.TypeNumber, openapi3.TypeBoolean:
		return true
	}
	return false
}

func compileResponse(ref *openapi3.ResponseRef, c *compiler) *response {
	r := &response{}
	if ref == nil || ref.Value == nil {
		r.bad = true
		return r
	}
	v := ref.Value
	r.media = newMediaCache(v.Content, c)
	names := make([]string, 0, len(v.Headers))
	for name := range v.Headers {
		if name != "Content-Type" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		h := v.Headers[name].Value
		p := &param{in: openapi3.ParameterInHeader, name: http.CanonicalHeaderKey(name)}
		if h == nil || h.Content != nil || h.Schema == nil || h.Schema.Value == nil || !primitive(h.Schema.Value) {
			r.bad = true
			return r
		}
		sm, _ := h.SerializationMethod()
		if sm.Style != openapi3.SerializationSimple {
			r.bad = true
			return r
		}
		p.required, p.node = h.Required, c.compile(h.Schema)
		p.prim = h.Schema.Value.Type.Slice()[0]
		p.int32 = h.Schema.Value.Format == "int32"
		r.headers = append(r.headers, p)
	}
	return r
}

// parse is kin-openapi's parsePrimitive for one type: not ok when the raw
// value is empty and not a string, or does not parse.
func (p *param) parse(raw string) (v any, ok bool) {
	switch p.prim {
	case openapi3.TypeString:
		return raw, true
	case openapi3.TypeBoolean:
		b, ok := p.parseBool(raw)
		return b, ok
	}
	f, ok := p.parseNumber(raw)
	return f, ok
}

func (p *param) parseNumber(raw string) (float64, bool) {
	if raw == "" {
		return 0, false
	}
	switch p.prim {
	case openapi3.TypeInteger:
		bits := 64
		if p.int32 {
			bits = 32
		}
		i, err := strconv.ParseInt(raw, 10, bits)
		return float64(i), err == nil
	case openapi3.TypeNumber:
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil
	}
	return 0, false
}

func (p *param) parseBool(raw string) (bool, bool) {
	b, err := strconv.ParseBool(raw)
	return b, err == nil && raw != ""
}

// checkRaw decodes one raw value as kin-openapi does and applies the
// schema, building no interface value on the way.
func (p *param) checkRaw(raw string) bool {
	n := p.node
	if n.bad || len(n.oneOf) > 0 || len(n.anyOf) > 0 || len(n.allOf) > 0 {
		v, ok := p.parse(raw)
		return ok && n.scalar(v)
	}
	if n.empty {
		_, ok := p.parse(raw)
		return ok
	}
	switch p.prim {
	case openapi3.TypeString:
		return n.checkString(raw)
	case openapi3.TypeBoolean:
		b, ok := p.parseBool(raw)
		return ok && n.checkBool(b)
	}
	f, ok := p.parseNumber(raw)
	return ok && n.checkNumber(f)
}

const maxQueryPairs = 1000

// queryValues are the values of one query parameter as url.ParseQuery
// reads them (a pair with a semicolon or a bad escape is dropped), without
// reading the others into a map. Unless the query holds escapes no value is
// copied.
func queryValues(query, name string, into []string) []string {
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		if !strings.Contains(key, name) && !strings.ContainsAny(key, "%+") {
			continue
		}
		key, err := url.QueryUnescape(key)
		if err != nil || key != name {
			continue
		}
		value, err = url.QueryUnescape(value)
		if err != nil {
			continue
		}
		into = append(into, value)
	}
	return into
}

// fastRequest is kin-openapi's ValidateRequest (MultiError, no-op
// authentication) where it can be sure the request is valid; defaults are
// the query parameters kin-openapi would write into the request, to write if
// the request goes through.
func (op *operation) fastRequest(r *http.Request, body []byte, pathParams map[string]string) (defaults []*param, ok bool) {
	if !op.security || strings.Count(r.URL.RawQuery, "&") >= maxQueryPairs {
		return nil, false // url.ParseQuery reads none past its limit (10,000)
	}
	var scratch [4]string
	for _, p := range op.params {
		if p.prim == "none" {
			continue
		}
		if p.bad {
			return nil, false
		}
		raws := scratch[:0]
		switch p.in {
		case openapi3.ParameterInPath:
			if v := pathParams[p.name]; v != "" {
				raws = append(raws, v)
			}
		case openapi3.ParameterInQuery:
			raws = queryValues(r.URL.RawQuery, p.name, raws)
		}
		if len(raws) == 0 {
			if p.required {
				return nil, false
			}
			if p.def != nil {
				defaults = append(defaults, p)
			}
			continue
		}
		if !p.check(raws) {
			return nil, false
		}
	}
	if op.body != nil && !op.body.fast(r.Header.Get("Content-Type"), body) {
		return nil, false
	}
	return defaults, true
}

// check decodes a present parameter as kin-openapi does and applies its schema.
func (p *param) check(raws []string) bool {
	if !p.array {
		raw := raws[0]
		if raw == "" && len(raws) > 1 {
			for _, v := range raws[1:] {
				if v != "" {
					raw = v
					break
				}
			}
		}
		return p.checkRaw(raw)
	}
	if !p.explode {
		raws = strings.Split(raws[0], ",")
	}
	n := p.node
	if n.bad || n.empty || len(n.allOf) > 0 || n.enum != nil || n.types&kindArray == 0 {
		return false
	}
	if int64(len(raws)) < n.minItems || (n.maxItems >= 0 && int64(len(raws)) > n.maxItems) {
		return false
	}
	if len(raws) == 1 && raws[0] == "" {
		return false // kin-openapi takes a lone empty item for no value
	}
	var seen []any // kin-openapi compares the decoded items
	for _, raw := range raws {
		v, ok := p.parse(raw)
		if !ok || (n.items != nil && !n.items.scalar(v)) {
			return false
		}
		if n.unique {
			if slices.Contains(seen, v) {
				return false
			}
			seen = append(seen, v)
		}
	}
	return true
}

// writeDefaults writes absent query parameters' defaults into the request,
// as kin-openapi's ValidateParameter does.
func writeDefaults(r *http.Request, defaults []*param) {
	for _, p := range defaults {
		q := r.URL.Query()
		q.Del(p.name)
		q.Add(p.name, fmt.Sprint(p.def))
		r.URL.RawQuery = q.Encode()
	}
}

// fast is kin-openapi's ValidateRequestBody where it can be sure.
func (b *body) fast(ct string, data []byte) bool {
	if len(data) == 0 {
		return !b.required
	}
	if len(b.media.content) == 0 {
		return true
	}
	return b.media.check(ct, data)
}

// fastResponse is kin-openapi's ValidateResponse (MultiError, undocumented
// statuses refused) where it can be sure the answer is valid.
func (op *operation) fastResponse(method string, status int, header http.Header, data []byte) bool {
	if method == http.MethodHead {
		return true
	}
	switch status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return true
	}
	if op.responses.none {
		return true
	}
	r := op.responses.byCode[status]
	if r == nil && status > 99 && status < 600 {
		r = op.responses.byRange[status/100]
	}
	if r == nil {
		r = op.responses.def
	}
	if r == nil || r.bad {
		return false
	}
	for _, h := range r.headers {
		vs, present := header[h.name]
		if !present {
			if h.required {
				return false
			}
			continue
		}
		// Named with no value, kin-openapi checks null against the schema:
		// left to it.
		if len(vs) == 0 || !h.checkRaw(vs[0]) {
			return false
		}
	}
	if len(r.media.content) == 0 {
		return true
	}
	return r.media.check(header.Get("Content-Type"), data)
}
