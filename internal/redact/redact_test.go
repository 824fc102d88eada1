package redact

import (
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
