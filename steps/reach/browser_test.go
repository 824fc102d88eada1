package reach_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// TestTheCustomersBrowserPressesAllowOnlyWhereNothingIsTyped: the browser presses the consent
// form's Allow, whatever else the page holds, and leaves a sign-in to the customer.
func TestTheCustomersBrowserPressesAllowOnlyWhereNothingIsTyped(t *testing.T) {
	const at = "https://books.example/oauth/authorize?client_id=reach"
	hidden := `<input type="hidden" name="state" value="s&amp;1">`
	for _, tc := range []struct {
		name, body     string
		method, action string
		values         url.Values // nil: nothing is pressed
	}{
		{"one button", `<form method="post" action="/oauth/authorize">` + hidden + `<button>Allow</button></form>`,
			"POST", "https://books.example/oauth/authorize", url.Values{"state": {"s&1"}}},
		{"allow beside deny", `<form method="POST">` + hidden + `<button name="d" value="deny">Deny</button><button name="d" value="allow">Allow access</button></form>`,
			"POST", at, url.Values{"state": {"s&1"}, "d": {"allow"}}},
		{"consent beside sign-out", `<form method="post" action="/logout"><button>Sign out</button></form><form method="post" action="/consent">` + hidden + `<input type="submit" value="Authorize"></form>`,
			"POST", "https://books.example/consent", url.Values{"state": {"s&1"}}},
		{"a GET form, boxes ticked", `<form action="ok">` + hidden + `<input type="checkbox" name="share" checked><input type="checkbox" name="email"><button>Continue</button></form>`,
			"GET", "https://books.example/oauth/ok?share=on&state=s%261", url.Values{"state": {"s&1"}, "share": {"on"}}},
		{"a filled field", `<form method="post"><input name="email" value="a@b.example"><button>Allow</button></form>`,
			"POST", at, url.Values{"email": {"a@b.example"}}},
		{"a sign-in", `<form method="post"><input name="email" value="a@b.example"><input type="password" name="pw"><button>Sign in</button></form>`, "", "", nil},
		{"an empty field", `<form method="post"><input name="email"><button>Continue</button></form>`, "", "", nil},
		{"no form", `<p>Signed out.</p>`, "", "", nil},
		{"two forms, neither labelled", `<form><button>Go</button></form><form><button>Go</button></form>`, "", "", nil},
		{"two buttons, neither labelled", `<form><button>Left</button><button>Right</button></form>`, "", "", nil},
		{"don't allow before allow", `<form method="post">` + hidden + `<button name="d" value="no">Don't allow</button><button name="d" value="yes">Allow</button></form>`,
			"POST", at, url.Values{"state": {"s&1"}, "d": {"yes"}}},
		{"the only button denies", `<form method="post"><button>Cancel</button></form>`, "", "", nil},
		{"a page that runs a script", `<script src="/consent.js"></script><form method="post">` + hidden + `<button>Allow</button></form>`, "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method, action, values, ok := reachsteps.Pressed(at, "<!DOCTYPE html><html><body>"+tc.body+"</body></html>")
			if tc.values == nil {
				assert.False(t, ok, "pressed %s %s %v", method, action, values)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tc.method, method)
			assert.Equal(t, tc.action, action)
			assert.Equal(t, tc.values, values)
		})
	}
}

// TestTheCustomersBrowserKeepsCookiesAndStopsOffTheHost: a consent that sets a cookie, redirects on
// its own host and sends the browser to Reach; a failing Allow is an error naming the answer.
func TestTheCustomersBrowserKeepsCookiesAndStopsOffTheHost(t *testing.T) {
	const back = "https://app.reach.example/cb?region=au&code=c-1&state=s-1"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/consent?"+r.URL.RawQuery, http.StatusFound)
	})
	mux.HandleFunc("GET /consent", func(w http.ResponseWriter, _ *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "csrf", Value: "k-1"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<form method="post" action="/consent"><input type="hidden" name="csrf" value="k-1"><button>Allow</button></form>`))
	})
	mux.HandleFunc("POST /consent", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("csrf"); err != nil || c.Value != r.PostFormValue("csrf") {
			http.Error(w, "forged", http.StatusForbidden)
			return
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /broken", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<form method="post" action="/nowhere"><button>Allow</button></form>`))
	})
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<form method="post"><input name="user"><input type="password" name="pw"><button>Sign in</button></form>`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	got, err := reachsteps.Consent(ctx, srv.URL+"/authorize?state=s-1")
	require.NoError(t, err)
	assert.Equal(t, back, got)

	got, err = reachsteps.Consent(ctx, srv.URL+"/signin")
	require.NoError(t, err)
	assert.Empty(t, got, "a sign-in is the customer's")

	_, err = reachsteps.Consent(ctx, srv.URL+"/broken")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `pressing "Allow"`)
	assert.Contains(t, err.Error(), "answers 404")
}
