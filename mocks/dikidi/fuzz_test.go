package dikidi_test

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/clock"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// FuzzMockRequest throws arbitrary requests at the DIKIDI mock with an
// active access key (and, for the owner panel, the owner's token): never a
// panic or an internal error, every refusal a 4xx in DIKIDI's error envelope.
func FuzzMockRequest(f *testing.F) {
	for _, s := range []struct{ method, path, body string }{
		{"GET", api + "/company", ""},
		{"GET", api + "/clients?limit=-1&offset=abc", ""},
		{"POST", api + "/records", `{"master_id":1,"service_ids":[1],"client_id":1,"start":"2026-05-04T10:00:00+03:00"}`},
		{"POST", api + "/records", `{"start":"noon","service_ids":"x"}`},
		{"POST", api + "/occupied-times", `{}`},
		{"PUT", api + "/schedule/1/2026-05-04", `{"intervals":[{"from":"25:00","to":"08:00"}]}`},
		{"DELETE", api + "/records/99999999999999999999", ""},
		{"PATCH", "/owner/companies/48213/keys/1", `{"permissions":{"records":{"add_edit":false}}}`},
		{"POST", "/owner/companies/48213/keys", `{"name":"","access_type":"God"}`},
		{"GET", api + "/free-times?master_id=1&date=2026-02-30", ""},
		{"POST", api + "/key/activate", "\xff\xfe"},
	} {
		f.Add(s.method, s.path, s.body)
	}
	m, err := dikidimock.New(dikidimock.Options{Clock: clock.New(), OwnerToken: "owner-secret"})
	require.NoError(f, err)
	base, err := dikidifixture.Salon()
	require.NoError(f, err)
	fx, err := base.WeekAfter(clock.New().Now())
	require.NoError(f, err)
	require.NoError(f, m.AddCompany(fx))
	k, err := m.CreateKey(companyID, dikidimock.KeySpec{Name: "fuzz", AccessType: dikidimock.AccessAdministrator})
	require.NoError(f, err)
	r := httptest.NewRequest("POST", api+"/key/activate?token="+url.QueryEscape(k.Token), nil)
	r.Header.Set("Authorization", partnerKey)
	w := httptest.NewRecorder()
	m.ServeHTTP(w, r)
	require.Equal(f, http.StatusOK, w.Code, w.Body.String())

	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") {
			return
		}
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
		default:
			return
		}
		req, err := http.NewRequest(method, "http://mock"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		q := req.URL.Query()
		q.Set("token", k.Token)
		req.URL.RawQuery = q.Encode()
		req.Header.Set("X-Accord-Owner-Token", "owner-secret")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		m.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s answered %d: %s", method, path, w.Code, w.Body.String())
		}
		if w.Code >= 400 {
			mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
			var env struct {
				Error struct {
					Code    any    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if !strings.HasSuffix(mt, "json") || json.Unmarshal(w.Body.Bytes(), &env) != nil || env.Error.Message == "" {
				t.Fatalf("%s %s answered %d outside the error envelope: %q %s", method, path, w.Code, mt, w.Body.String())
			}
		}
	})
}
