package reach

import (
	"crypto/sha256"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/journal"
)

// Validating an answer against the specification is most of a sync's cost, and a partner that
// serves the same books answers the same request with the same bytes sync after sync. The cache
// keeps the verdict on an exchange by a digest of everything validation reads: the operation, the
// request's URL and body, the status, the headers, the body. Time-stamped headers are left out;
// an answer that differs in anything else is validated afresh.

// maxCached bounds the verdicts kept; past it the cache starts again.
const maxCached = 8192

type validated struct {
	violations, warnings []journal.Violation
}

type validationCache struct {
	off bool
	mu  sync.Mutex
	m   map[[32]byte]validated
}

func newValidationCache(off bool) *validationCache {
	return &validationCache{off: off, m: map[[32]byte]validated{}}
}

func (c *validationCache) get(k [32]byte) (validated, bool) {
	if c.off {
		return validated{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return validated{slices.Clone(v.violations), slices.Clone(v.warnings)}, ok
}

func (c *validationCache) put(k [32]byte, v validated) {
	if c.off {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCached {
		c.m = map[[32]byte]validated{}
	}
	c.m[k] = validated{slices.Clone(v.violations), slices.Clone(v.warnings)}
}

// unkeyedHeaders change from answer to answer without changing what validation says.
var unkeyedHeaders = map[string]bool{"Date": true, "Content-Length": true}

func validationKey(op, specURL string, reqBody []byte, res boundedhttp.Result) [32]byte {
	h := sha256.New()
	field := func(b []byte) {
		h.Write([]byte(strconv.Itoa(len(b))))
		h.Write([]byte{0})
		h.Write(b)
	}
	field([]byte(op))
	field([]byte(specURL))
	field(reqBody)
	field([]byte(strconv.Itoa(res.Status)))
	names := make([]string, 0, len(res.Header))
	for k := range res.Header {
		if !unkeyedHeaders[http.CanonicalHeaderKey(k)] {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		field([]byte(k + ": " + strings.Join(res.Header[k], "\x00")))
	}
	field(res.Body)
	var out [32]byte
	h.Sum(out[:0])
	return out
}
