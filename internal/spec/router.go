package spec

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// router matches a request to its path as kin-openapi's gorillamux router
// does, without a regular expression per template: the templates in the same
// order (Paths.InMatchingOrder, each path once per server), each segment a
// literal or a whole-segment parameter ([^/]+) compared against the escaped
// path, the first template that matches deciding, 405 when it has no such
// method. A template on a server with a host (matched on the request's Host
// too) is left to gorillamux when the path matches it; a document with a
// template this reading cannot follow (a parameter inside a segment, a
// pattern, a variable in a server's path) is routed by gorillamux alone.
type router struct {
	routes []*pathRoute
}

type pathRoute struct {
	segs   []string // literal segments
	param  []bool   // which segments are parameters
	names  []string // parameter names, in segment order
	hosted bool     // the server names a host: gorillamux decides
	ops    map[string]*routers.Route
}

// newRouter reads the document's templates; ok is false when one of them
// needs gorillamux.
func newRouter(doc *openapi3.T) (*router, bool) {
	r := &router{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		servers := doc.Servers
		if len(item.Servers) > 0 {
			servers = item.Servers
		}
		if len(servers) == 0 {
			servers = openapi3.Servers{nil}
		}
		for _, server := range servers {
			pr, ok := newPathRoute(doc, path, item, server)
			if !ok {
				return nil, false
			}
			r.routes = append(r.routes, pr)
		}
	}
	return r, true
}

// newPathRoute reads one template on one server, as gorillamux's newSrv
// reads the server's path.
func newPathRoute(doc *openapi3.T, path string, item *openapi3.PathItem, server *openapi3.Server) (*pathRoute, bool) {
	pr := &pathRoute{ops: map[string]*routers.Route{}}
	base := ""
	if server != nil {
		raw := server.URL
		if strings.Contains(raw, "://") {
			pr.hosted = true
			_, raw, _ = strings.Cut(raw, "://")
			if i := strings.IndexByte(raw, '/'); i >= 0 {
				raw = raw[i:]
			} else {
				raw = ""
			}
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host != "" || u.RawQuery != "" || strings.ContainsAny(raw, "{}") {
			return nil, false
		}
		base = strings.TrimSuffix(u.EscapedPath(), "/")
	}
	for _, seg := range strings.Split(base+path, "/") {
		switch {
		case !strings.ContainsAny(seg, "{}"):
			pr.segs = append(pr.segs, seg)
			pr.param = append(pr.param, false)
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && !strings.ContainsAny(seg[1:len(seg)-1], "{}:"):
			pr.segs = append(pr.segs, "")
			pr.param = append(pr.param, true)
			pr.names = append(pr.names, seg[1:len(seg)-1])
		default:
			return nil, false
		}
	}
	if len(pr.names) > maxPathParams {
		return nil, false
	}
	for method, op := range item.Operations() {
		pr.ops[method] = &routers.Route{Spec: doc, Server: server, Path: path, PathItem: item, Method: method, Operation: op}
	}
	return pr, true
}

// find returns the route and the raw (escaped) parameter values; hosted is
// true when gorillamux must decide.
func (r *router) find(req *http.Request) (route *routers.Route, params map[string]string, hosted bool, err error) {
	path := req.URL.EscapedPath()
	for _, pr := range r.routes {
		values, ok := pr.match(path)
		if !ok {
			continue
		}
		if pr.hosted {
			return nil, nil, true, nil
		}
		route = pr.ops[req.Method]
		if route == nil {
			return nil, nil, false, routers.ErrMethodNotAllowed
		}
		params = make(map[string]string, len(pr.names))
		for i, name := range pr.names {
			params[name] = values[i]
		}
		return route, params, false, nil
	}
	return nil, nil, false, routers.ErrPathNotFound
}

const maxPathParams = 8

// match compares path with the template segment by segment; values are the
// parameters' segments.
func (pr *pathRoute) match(path string) (values [maxPathParams]string, ok bool) {
	n := 0
	for i, seg := range pr.segs {
		var part string
		if i == len(pr.segs)-1 {
			part = path
			path = ""
			if strings.IndexByte(part, '/') >= 0 {
				return values, false
			}
		} else {
			j := strings.IndexByte(path, '/')
			if j < 0 {
				return values, false
			}
			part, path = path[:j], path[j+1:]
		}
		if pr.param[i] {
			if part == "" {
				return values, false
			}
			values[n] = part
			n++
			continue
		}
		if part != seg {
			return values, false
		}
	}
	return values, true
}
