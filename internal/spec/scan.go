package spec

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// maxDepth bounds the nesting the fast check follows; deeper documents are
// left to kin-openapi.
const maxDepth = 512

// scanner walks a JSON document once, applying compiled nodes as it goes,
// and builds no value. It is at least as strict as encoding/json: whatever
// it accepts, encoding/json decodes to the same values.
type scanner struct {
	data []byte
	pos  int
	keys []string // scratch for objects that count their distinct keys
}

// checkJSON reports whether data is one JSON value (with surrounding
// whitespace) that n accepts.
func checkJSON(n *node, data []byte) bool {
	s := scanner{data: data}
	s.ws()
	if !s.value(n, 0) {
		return false
	}
	s.ws()
	return s.pos == len(s.data)
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value checks the value at pos against n (nil: any value) and moves past it.
func (s *scanner) value(n *node, depth int) bool {
	if depth > maxDepth || s.pos >= len(s.data) {
		return false
	}
	if n == nil {
		return s.skip(depth)
	}
	if n.bad {
		return false
	}
	c := s.data[s.pos]
	if c == 'n' {
		return s.literal("null") && n.null()
	}
	if n.empty {
		return s.skip(depth)
	}
	if len(n.oneOf) > 0 {
		// kin-openapi wants exactly one alternative to take the value: the
		// fast check is sure only when every other one refuses its type.
		var only *node
		for _, alt := range n.oneOf {
			if alt.refusesKind(c) {
				continue
			}
			if only != nil {
				return false
			}
			only = alt
		}
		if only == nil || !s.again(only, depth) {
			return false
		}
	}
	if len(n.anyOf) > 0 {
		taken := false
		for _, alt := range n.anyOf {
			if s.again(alt, depth) {
				taken = true
				break
			}
		}
		if !taken {
			return false
		}
	}
	for _, sub := range n.allOf {
		if !s.again(sub, depth) {
			return false
		}
	}
	switch {
	case c == '{':
		return s.object(n, depth)
	case c == '[':
		return s.array(n, depth)
	case c == '"':
		str, ok := s.string()
		return ok && n.checkString(str)
	case c == 't':
		return s.literal("true") && n.checkBool(true)
	case c == 'f':
		return s.literal("false") && n.checkBool(false)
	case c == '-' || (c >= '0' && c <= '9'):
		f, ok := s.number()
		return ok && n.checkNumber(f)
	}
	return false
}

// again applies another node to the value at pos and comes back to it.
func (s *scanner) again(n *node, depth int) bool {
	start := s.pos
	ok := s.value(n, depth+1)
	s.pos = start
	return ok
}

// refusesKind reports that kin-openapi refuses any value of the JSON kind
// that starts with c (not null) on its type alone.
func (n *node) refusesKind(c byte) bool {
	if n.bad || n.empty {
		return false
	}
	var k kinds
	switch {
	case c == '{':
		k = kindObject
	case c == '[':
		k = kindArray
	case c == '"':
		k = kindString
	case c == 't' || c == 'f':
		k = kindBoolean
	default:
		k = kindInteger | kindNumber
	}
	return n.types&k == 0
}

// null is how a node takes null, allOf included: kin-openapi lets null
// through a schema whose allOf all take it.
func (n *node) null() bool {
	if n.bad {
		return false
	}
	if n.nullable {
		return true
	}
	if n.empty || len(n.allOf) == 0 || len(n.oneOf) > 0 || len(n.anyOf) > 0 {
		return false
	}
	for _, sub := range n.allOf {
		if !sub.null() {
			return false
		}
	}
	return true
}

func (s *scanner) object(n *node, depth int) bool {
	if n.types&kindObject == 0 || n.enum != nil { // no object equals a scalar
		return false
	}
	var seen uint64
	count := int64(0)
	counting := n.minProps != 0 || n.maxProps >= 0
	keys := s.keys[:0]
	for more := s.open('}'); more; {
		key, ok := s.key()
		if !ok {
			return false
		}
		f, known := n.fields[key]
		switch {
		case known && f.node != nil:
			ok = s.value(f.node, depth+1)
		case n.additional == additionalNone:
			ok = false
		case n.additional == additionalSchema:
			ok = s.value(n.additionalNode, depth+1)
		default:
			ok = s.skip(depth + 1)
		}
		if !ok {
			return false
		}
		if known && f.required >= 0 {
			seen |= 1 << f.required
		}
		// encoding/json keeps the last of repeated keys: count each once.
		if counting && !slices.Contains(keys, key) {
			keys = append(keys, string([]byte(key)))
			count++
		}
		if more, ok = s.afterMember('}'); !ok {
			return false
		}
	}
	s.keys = keys[:0]
	if n.required > 0 && seen != 1<<n.required-1 {
		return false
	}
	return count >= n.minProps && (n.maxProps < 0 || count <= n.maxProps)
}

func (s *scanner) array(n *node, depth int) bool {
	if n.types&kindArray == 0 || n.enum != nil {
		return false
	}
	count := int64(0)
	var items []string // unique: each item's canonical form
	for more := s.open(']'); more; {
		start := s.pos
		if !s.value(n.items, depth+1) {
			return false
		}
		count++
		if n.unique {
			key, ok := s.uniqueKey(start)
			if !ok || slices.Contains(items, key) {
				return false
			}
			items = append(items, key)
		}
		var ok bool
		if more, ok = s.afterMember(']'); !ok {
			return false
		}
	}
	return count >= n.minItems && (n.maxItems < 0 || count <= n.maxItems)
}

// uniqueKey is the form kin-openapi compares items by (json.Marshal of the
// decoded item) for a scalar item that ends at pos; containers are left to
// kin-openapi.
func (s *scanner) uniqueKey(start int) (string, bool) {
	raw := s.data[start:s.pos]
	switch raw[0] {
	case '{', '[':
		return "", false
	case '"':
		save := s.pos
		s.pos = start
		str, ok := s.string()
		s.pos = save
		b, err := json.Marshal(str)
		return string(b), ok && err == nil
	}
	// json.Number, true, false and null marshal as written.
	return string(raw), true
}

// skip moves past any valid JSON value.
func (s *scanner) skip(depth int) bool {
	if depth > maxDepth || s.pos >= len(s.data) {
		return false
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		for more := s.open('}'); more; {
			_, ok := s.key()
			if !ok || !s.skip(depth+1) {
				return false
			}
			if more, ok = s.afterMember('}'); !ok {
				return false
			}
		}
		return true
	case c == '[':
		for more := s.open(']'); more; {
			if !s.skip(depth + 1) {
				return false
			}
			var ok bool
			if more, ok = s.afterMember(']'); !ok {
				return false
			}
		}
		return true
	case c == '"':
		_, ok := s.string()
		return ok
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := s.number()
		return ok
	}
	return false
}

// open moves past the opening bracket of an object or array at pos and
// reports whether a member or item follows; an empty one is read whole.
func (s *scanner) open(closing byte) bool {
	s.pos++
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == closing {
		s.pos++
		return false
	}
	return true
}

// key reads an object member's key and the colon after it.
func (s *scanner) key() (string, bool) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", false
	}
	key, ok := s.string()
	if !ok {
		return "", false
	}
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return "", false
	}
	s.pos++
	s.ws()
	return key, true
}

// afterMember reads what follows a member of an object or an item of an
// array: a comma (more follow, from the next one on) or the closing bracket
// (the end); anything else is not JSON.
func (s *scanner) afterMember(closing byte) (more, ok bool) {
	s.ws()
	if s.pos >= len(s.data) {
		return false, false
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		s.ws()
		return true, true
	case closing:
		s.pos++
		return false, true
	}
	return false, false
}

func (s *scanner) literal(lit string) bool {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return false
	}
	s.pos += len(lit)
	return true
}

// string reads a string at pos. Without escapes the result aliases the
// document (valid only while it is); with escapes encoding/json decodes it.
// Invalid UTF-8, which encoding/json would replace, is left to kin-openapi.
func (s *scanner) string() (string, bool) {
	start := s.pos
	s.pos++ // "
	escaped, ascii := false, true
	for {
		if s.pos >= len(s.data) {
			return "", false
		}
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw := s.data[start+1 : s.pos]
			s.pos++
			if !ascii && !utf8.Valid(raw) {
				return "", false
			}
			if !escaped {
				return unsafe.String(unsafe.SliceData(raw), len(raw)), true
			}
			var out string
			if err := json.Unmarshal(s.data[start:s.pos], &out); err != nil {
				return "", false
			}
			return out, true
		case c == '\\':
			escaped = true
			if s.pos+1 >= len(s.data) {
				return "", false
			}
			switch s.data[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				if s.pos+6 > len(s.data) {
					return "", false
				}
				for _, h := range s.data[s.pos+2 : s.pos+6] {
					if !isHex(h) {
						return "", false
					}
				}
				s.pos += 6
			default:
				return "", false
			}
		case c < 0x20:
			return "", false
		default:
			if c >= 0x80 {
				ascii = false
			}
			s.pos++
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number reads a number with JSON's grammar and converts it as
// json.Number.Float64 does; one out of float64's range is left to kin-openapi.
func (s *scanner) number() (float64, bool) {
	start := s.pos
	d := s.data
	if s.pos < len(d) && d[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(d) && d[s.pos] == '0':
		s.pos++
	case s.pos < len(d) && d[s.pos] >= '1' && d[s.pos] <= '9':
		for s.pos < len(d) && d[s.pos] >= '0' && d[s.pos] <= '9' {
			s.pos++
		}
	default:
		return 0, false
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if !s.digits() {
			return 0, false
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if !s.digits() {
			return 0, false
		}
	}
	raw := d[start:s.pos]
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(raw), len(raw)), 64)
	return f, err == nil
}

func (s *scanner) digits() bool {
	from := s.pos
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
	}
	return s.pos > from
}

// isDate is kin-openapi's date format,
// ^[0-9]{4}-(0[1-9]|10|11|12)-(0[1-9]|[12][0-9]|3[01])$, without the regexp.
func isDate(s string) bool {
	return len(s) == 10 && dateAt(s)
}

// isDateTime is kin-openapi's date-time format, without the regexp:
// ^[0-9]{4}-(0[1-9]|10|11|12)-(0[1-9]|[12][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)[0-9]{2}:[0-9]{2})$
func isDateTime(s string) bool {
	if len(s) < 20 || !dateAt(s) || s[10] != 'T' {
		return false
	}
	h0, h1 := s[11], s[12]
	if !((h0 == '0' || h0 == '1') && isDigit(h1) || h0 == '2' && h1 >= '0' && h1 <= '3') {
		return false
	}
	if s[13] != ':' || !(s[14] >= '0' && s[14] <= '5') || !isDigit(s[15]) || s[16] != ':' {
		return false
	}
	if !(s[17] >= '0' && s[17] <= '5' && isDigit(s[18]) || s[17] == '6' && s[18] == '0') {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	if rest == "Z" {
		return true
	}
	return len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && isDigit(rest[1]) && isDigit(rest[2]) &&
		rest[3] == ':' && isDigit(rest[4]) && isDigit(rest[5])
}

// dateAt checks the date at the start of s (at least 10 bytes long).
func dateAt(s string) bool {
	if !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) || s[4] != '-' || s[7] != '-' {
		return false
	}
	m0, m1 := s[5], s[6]
	if !(m0 == '0' && m1 >= '1' && m1 <= '9' || m0 == '1' && m1 >= '0' && m1 <= '2') {
		return false
	}
	d0, d1 := s[8], s[9]
	return d0 == '0' && d1 >= '1' && d1 <= '9' || (d0 == '1' || d0 == '2') && isDigit(d1) || d0 == '3' && (d1 == '0' || d1 == '1')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
