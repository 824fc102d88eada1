package redact

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedaction(t *testing.T) {
	r := New("s3cr3t-client-secret", "abc")
	tests := []struct {
		name, got string
		mustNot   []string
		must      []string
	}{
		{"bearer header", strings.Join(r.Header(http.Header{"Authorization": {"Bearer 5d6ab280a3f399a4"}})["Authorization"], ""), []string{"5d6ab280"}, []string{"Bearer [REDACTED]"}},
		{"basic header", strings.Join(r.Header(http.Header{"Authorization": {"Basic YWxwaGE6YWxwaGEtc2VjcmV0"}})["Authorization"], ""), []string{"YWxwaGE6"}, []string{"Basic"}},
		{"owner token", strings.Join(r.Header(http.Header{"X-Accord-Owner-Token": {"owner-token-1"}})["X-Accord-Owner-Token"], ""), []string{"owner-token-1"}, nil},
		{"token query", r.URL("http://h/api?token=k-12345678&x=1"), []string{"k-12345678"}, []string{"x=1"}},
		{"userinfo", r.URL("http://user:pass@h/x"), []string{"pass"}, []string{"user@h"}},
		{"json", string(r.Body("application/json", []byte(`{"access_token":"tok-987654","nested":[{"client_secret":"x1y2z3w4"}],"expires_in":3600}`))), []string{"tok-987654", "x1y2z3w4"}, []string{`"expires_in":3600`}},
		{"vendor json", string(r.Body("application/vnd.docplanner+json", []byte(`{"partner_key":"pk-abcdef"}`))), []string{"pk-abcdef"}, nil},
		{"form", string(r.Body("application/x-www-form-urlencoded", []byte("grant_type=client_credentials&client_secret=zzz-999"))), []string{"zzz-999"}, []string{"grant_type=client_credentials"}},
		{"known value anywhere", r.String("error: bad secret s3cr3t-client-secret given"), []string{"s3cr3t-client-secret"}, []string{"[REDACTED]"}},
		{"short values ignored", r.String("abc"), nil, []string{"abc"}},
		{"known values in a long body, the longest whole", New("tok-1234", "tok-1234-and-more").String(strings.Repeat("x", 2000) + " tok-1234-and-more, tok-1234 "),
			[]string{"tok-1234", "-and-more"}, []string{"[REDACTED], [REDACTED] "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.mustNot {
				assert.NotContains(t, tt.got, s)
			}
			for _, s := range tt.must {
				assert.Contains(t, tt.got, s)
			}
		})
	}
}

func TestMayHaveSensitiveKey(t *testing.T) {
	tests := []struct {
		name, body string
		want       bool
	}{
		{"no secret field", `{"id":"1","items":[{"name":"token"}],"note":"key: value"}`, false},
		{"a secret field", `{"id":"1","access_token":"x"}`, true},
		{"nested, upper case, spaced", `{"a":[{"b":{"Client_Secret" : "x"}}]}`, true},
		{"a sensitive word as a value only", `{"kind":"password"}`, false},
		{"an escaped quote before a field", `{"note":"say \"hi\"","token":"x"}`, true},
		{"an escaped key", `{"\u0074oken":"x"}`, true},
		{"a key inside a string", `{"note":"{\"token\":1}"}`, false},
		{"unterminated", `{"id":"1`, true},
		{"not an object", `[1,2,"three"]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mayHaveSensitiveKey([]byte(tt.body)))
		})
	}
}

// FuzzMayHaveSensitiveKey holds the fast path to the slow one: a JSON text it calls free of
// sensitive keys has none at any depth once decoded.
func FuzzMayHaveSensitiveKey(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"token":"x"}`, `{"a":{"\u0074oken":"x"}}`, `[{"Key":1}]`, `{"a":"\"key\":"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if json.Unmarshal(b, &v) != nil || mayHaveSensitiveKey(b) {
			return
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, val := range x {
					if Sensitive(k) {
						t.Fatalf("%s: the fast path missed the key %q", b, k)
					}
					walk(val)
				}
			case []any:
				for _, val := range x {
					walk(val)
				}
			}
		}
		walk(v)
	})
}
