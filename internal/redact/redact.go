// Package redact removes secrets from everything accord writes: reports,
// HAR files, logs. It knows the usual places secrets travel (authorization
// headers, token and secret fields in JSON and forms, token query
// parameters) and, besides, scrubs every exact secret value it is told about,
// wherever it appears.
package redact

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret.
const Mask = "[REDACTED]"

// sensitive names of headers, JSON fields, form fields and query parameters
// (lower case).
var sensitive = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-api-key": true, "x-accord-owner-token": true,
	"access_token": true, "refresh_token": true, "id_token": true, "token": true,
	"client_secret": true, "password": true, "secret": true,
	"partner_key": true, "access_key": true, "api_key": true, "key": true,
}

// Redactor scrubs known secret values; its zero value scrubs only by name.
type Redactor struct {
	secrets []string
	// replacer scrubs them all in one pass over a long string: a run hands out a few secrets a
	// scenario, and its report scrubs every body of its journal. It is built on first use, as
	// building it costs more than scrubbing a short line the slow way.
	once     sync.Once
	replacer *strings.Replacer
}

// shortString is the length under which scrubbing secret by secret is cheaper than building the
// one-pass replacer.
const shortString = 1024

// fewSecrets is the count up to which a short string is scrubbed secret by secret: a run's
// redactor knows a few secrets a scenario, and scanning every line once for each of them costs
// more than the one pass of the replacer.
const fewSecrets = 8

// New returns a redactor that also scrubs these exact values (longest
// first, so a secret containing another is removed whole). Values shorter
// than 6 characters are ignored: masking "1" everywhere would ruin a report.
func New(secrets ...string) *Redactor {
	var keep []string
	seen := map[string]bool{}
	for _, s := range secrets {
		if len(s) >= 6 && !seen[s] {
			keep = append(keep, s)
			seen[s] = true
		}
	}
	sort.Slice(keep, func(i, j int) bool { return len(keep[i]) > len(keep[j]) })
	return &Redactor{secrets: keep}
}

// Sensitive reports whether a header, field or parameter name carries secrets.
func Sensitive(name string) bool { return sensitive[strings.ToLower(name)] }

// String scrubs exact secret values from s.
func (r *Redactor) String(s string) string {
	if len(r.secrets) == 0 {
		return s
	}
	if len(s) < shortString && len(r.secrets) <= fewSecrets {
		for _, sec := range r.secrets {
			s = strings.ReplaceAll(s, sec, Mask)
		}
		return s
	}
	r.once.Do(func() {
		pairs := make([]string, 0, 2*len(r.secrets))
		for _, sec := range r.secrets {
			pairs = append(pairs, sec, Mask) // earlier pairs win where two match: the longest
		}
		r.replacer = strings.NewReplacer(pairs...)
	})
	return r.replacer.Replace(s)
}

// Header returns a copy with sensitive headers masked (keeping an
// Authorization scheme, which is useful evidence) and secrets scrubbed.
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			if Sensitive(k) {
				if scheme, _, ok := strings.Cut(v, " "); ok && strings.EqualFold(k, "Authorization") {
					v = scheme + " " + Mask
				} else {
					v = Mask
				}
			}
			out[k] = append(out[k], r.String(v))
		}
	}
	return out
}

// URL masks sensitive query parameters and scrubs secrets.
func (r *Redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.String(raw)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	changed := false
	for k := range q {
		if Sensitive(k) {
			q[k] = []string{Mask}
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return r.String(u.String())
}

// Body masks sensitive fields of a JSON or form body and scrubs secrets
// from any body.
func (r *Redactor) Body(contentType string, b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "json") || (ct == "" && json.Valid(b)):
		if !mayHaveSensitiveKey(b) {
			// Nothing to mask by name: the body stays byte for byte as sent, and a report of
			// thousands of bodies is not decoded and encoded again.
			break
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			if out, err := json.Marshal(maskJSON(v)); err == nil {
				b = out
			}
		}
	case strings.Contains(ct, "application/x-www-form-urlencoded"):
		if q, err := url.ParseQuery(string(b)); err == nil {
			for k := range q {
				if Sensitive(k) {
					q[k] = []string{Mask}
				}
			}
			b = []byte(q.Encode())
		}
	}
	return []byte(r.String(string(b)))
}

func maskJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if Sensitive(k) {
				if _, isString := val.(string); isString {
					x[k] = Mask
					continue
				}
			}
			x[k] = maskJSON(val)
		}
	case []any:
		for i := range x {
			x[i] = maskJSON(x[i])
		}
	}
	return v
}

// mayHaveSensitiveKey reports whether a JSON text has an object key that Sensitive names, or
// one it cannot read without decoding (an escaped key, an unterminated string). It reads the
// text once and allocates nothing, so the common body with no secret field is left alone.
func mayHaveSensitiveKey(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		j, escaped := i+1, false
		for j < len(b) && b[j] != '"' {
			if b[j] == '\\' {
				escaped = true
				j++
			}
			j++
		}
		if j >= len(b) {
			return true
		}
		k := j + 1
		for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
			k++
		}
		if k < len(b) && b[k] == ':' && (escaped || sensitiveKey(b[i+1:j])) {
			return true
		}
		i = j
	}
	return false
}

// sensitiveKey is Sensitive for a key's bytes, without allocating.
func sensitiveKey(key []byte) bool {
	var lower [24]byte
	if len(key) > len(lower) {
		return false // longer than any sensitive name
	}
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return sensitive[string(lower[:len(key)])]
}
