package refpartner

import (
	"crypto/subtle"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/driver"
)

func (p *Partner) discovery(r *http.Request, s *session) reply {
	if s.settings.OAuth == nil {
		return p.errReply(http.StatusNotFound, "NotFound", "This API uses static bearer tokens; there is no OAuth server.", 2)
	}
	var doc map[string]any
	if p.alt {
		// The authorization server lives at the host's root; scopes_supported is optional.
		doc = map[string]any{
			"issuer":                                origin(r),
			"authorization_endpoint":                p.oauthURL(r, "authorize"),
			"token_endpoint":                        p.oauthURL(r, "token"),
			"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
			"response_types_supported":              []string{"code"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		}
	} else {
		doc = map[string]any{
			"issuer":                                origin(r) + p.base,
			"authorization_endpoint":                p.oauthURL(r, "authorize"),
			"token_endpoint":                        p.oauthURL(r, "token"),
			"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
			"response_types_supported":              []string{"code"},
			"scopes_supported":                      []string{"openid", "profile", "email", "read:company"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_post"},
		}
	}
	if p.faults["discovery-implicit-only"] {
		doc["response_types_supported"] = []string{"token"}
	}
	if p.faults["discovery-basic-auth-only"] {
		doc["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic"}
	}
	return jsonReply(http.StatusOK, doc)
}

var consentPage = template.Must(template.New("consent").Parse(`<!DOCTYPE html><html><head><title>Connect Reach</title></head><body>
<h1>Let Reach read {{.Company}}?</h1><p>Reach will read your company information, chart of accounts and financial statements.</p>
<form method="post" action="{{.Action}}"><input type="hidden" name="response_type" value="code"><input type="hidden" name="client_id" value="{{.ClientID}}"><input type="hidden" name="redirect_uri" value="{{.RedirectURI}}"><input type="hidden" name="state" value="{{.State}}">{{if .Alt}}<button name="decision" value="deny">Deny</button><button name="decision" value="allow">Allow access</button>{{else}}<button>Allow</button>{{end}}</form>
{{if .Alt}}<form method="post" action="/logout"><button>Sign out</button></form>{{end}}</body></html>`))

// authorizePage is the sign-in and consent page a customer's browser sees; the driver's authorize
// action stands for the customer pressing Allow.
func (p *Partner) authorizePage(r *http.Request, s *session) reply {
	q := r.URL.Query()
	o := s.settings.OAuth
	if o == nil {
		return p.errReply(http.StatusNotFound, "NotFound", "This API uses static bearer tokens; there is no OAuth server.", 2)
	}
	if p.faults["authorize-page-missing"] {
		return p.errReply(http.StatusNotFound, "NotFound", "No route GET /oauth2/authorize.", 6)
	}
	if q.Get("response_type") != "code" || q.Get("client_id") != o.ClientID || q.Get("redirect_uri") != o.RedirectURI {
		return p.errReply(http.StatusBadRequest, "InvalidRequest", "The client, response type or redirect URI is not registered.", 7)
	}
	state := q.Get("state")
	if p.faults["consent-form-drops-state"] {
		state = ""
	}
	var b strings.Builder
	// The alt variant's page has Deny beside Allow in the same form, and a sign-out form: the
	// customer's browser must press the right button of the right form.
	_ = consentPage.Execute(&b, map[string]any{"Company": s.customerName(), "Action": strings.TrimPrefix(p.oauthURL(r, "authorize"), origin(r)),
		"ClientID": q.Get("client_id"), "RedirectURI": q.Get("redirect_uri"), "State": state, "Alt": p.alt})
	return reply{status: http.StatusOK, ctype: "text/html; charset=utf-8", body: []byte(b.String())}
}

// allow is the customer pressing Allow on the consent page: back to Reach with a code, as the
// driver's authorize action does for a run.
func (p *Partner) allow(r *http.Request, s *session, body []byte) reply {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("response_type") != "code" {
		return p.errReply(http.StatusBadRequest, "InvalidRequest", "The consent form is not one this page sent.", 7)
	}
	if p.alt && form.Get("decision") != "allow" {
		if form.Get("client_id") != s.settings.OAuth.ClientID || form.Get("redirect_uri") != s.settings.OAuth.RedirectURI {
			return p.errReply(http.StatusBadRequest, "InvalidRequest", "unknown client or redirect URI", 7)
		}
		// Denied: back to the client with access_denied (RFC 6749 §4.1.2.1).
		q := url.Values{"error": {"access_denied"}, "state": {form.Get("state")}}
		return reply{status: http.StatusSeeOther, header: http.Header{"Location": {withQuery(form.Get("redirect_uri"), q)}, "Cache-Control": {"no-store"}}}
	}
	back, err := p.grantCode(origin(r), s, form.Get("client_id"), form.Get("redirect_uri"), form.Get("state"))
	if err != nil {
		return p.errReply(driver.StatusOf(err), "InvalidRequest", err.Error(), 7)
	}
	return reply{status: http.StatusSeeOther, header: http.Header{"Location": {back}, "Cache-Control": {"no-store"}}}
}

// grantCode issues an authorization code for a registered client and redirect URI, and says where
// the customer's browser goes with it (RFC 6749 §4.1.2); issuer is the partner's own origin.
func (p *Partner) grantCode(issuer string, s *session, clientID, redirectURI, state string) (back string, err error) {
	o := s.settings.OAuth
	if o == nil {
		return "", driver.Errorf(http.StatusNotFound, "this partner was reset without oauth; it uses static tokens")
	}
	if clientID != o.ClientID || redirectURI != o.RedirectURI && !p.faults["redirect-uri-not-checked"] {
		return "", driver.Errorf(http.StatusBadRequest, "unknown client or redirect URI")
	}
	code := p.newToken("code")
	s.codes[code] = grant{redirect: redirectURI, expires: p.opts.Clock.Now().Add(10 * time.Minute)}
	q := url.Values{"code": {code}}
	if state != "" {
		q.Set("state", state)
	}
	if p.alt {
		// The issuer, as RFC 9207 lets an authorization server name itself on the way back.
		q.Set("iss", issuer)
	}
	back = redirectURI
	if p.faults["redirect-query-dropped"] {
		back, _, _ = strings.Cut(back, "?")
	}
	return withQuery(back, q), nil
}

// withQuery adds q to a redirect URI, keeping the URI's own query (RFC 6749 §3.1.2).
func withQuery(uri string, q url.Values) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + q.Encode()
}

func (p *Partner) oauthErr(status int, code, description string) reply {
	rep := jsonReply(status, map[string]string{"error": code, "error_description": description})
	rep.header = http.Header{"Cache-Control": {"no-store"}}
	return rep
}

// token is the token endpoint: client_secret_post, the code grant and the refresh grant (RFC 6749).
func (p *Partner) token(r *http.Request, s *session, body []byte, now time.Time) reply {
	o := s.settings.OAuth
	if o == nil {
		return p.errReply(http.StatusNotFound, "NotFound", "This API uses static bearer tokens; there is no OAuth server.", 2)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return p.oauthErr(http.StatusBadRequest, "invalid_request", "Send an application/x-www-form-urlencoded body.")
	}
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if u, pw, ok := r.BasicAuth(); ok && p.alt { // client_secret_basic, which the alt variant also takes
		id, secret = u, pw
	}
	if id != o.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(o.ClientSecret)) != 1 && !p.faults["client-secret-not-checked"] {
		return p.oauthErr(http.StatusUnauthorized, "invalid_client", "Unknown client or wrong secret.")
	}
	switch form.Get("grant_type") {
	case "authorization_code":
		g, ok := s.codes[form.Get("code")]
		if !p.faults["code-reusable"] {
			delete(s.codes, form.Get("code")) // a code is good once
		}
		if !ok || now.After(g.expires) {
			return p.oauthErr(http.StatusBadRequest, "invalid_grant", "The code is unknown, used or expired.")
		}
		if form.Get("redirect_uri") != g.redirect && !p.faults["redirect-uri-not-compared"] {
			return p.oauthErr(http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request's.")
		}
	case "refresh_token":
		rt := form.Get("refresh_token")
		if p.faults["refresh-token-rejected"] || !s.refresh[rt] {
			return p.oauthErr(http.StatusBadRequest, "invalid_grant", "The refresh token has expired; the customer must reconnect.")
		}
		if !p.alt || p.faults["refresh-token-not-saved"] {
			delete(s.refresh, rt) // rotated; the alt variant keeps one refresh token per grant
		}
	case "":
		return p.oauthErr(http.StatusBadRequest, "invalid_request", "grant_type is required.")
	default:
		return p.oauthErr(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported.", form.Get("grant_type")))
	}
	access := p.newToken("at")
	s.access[access] = now.Add(p.opts.TokenLifetime)
	if p.faults["refreshed-token-first-company-only"] && form.Get("grant_type") == "refresh_token" {
		s.narrow[access] = true
	}
	answer := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": int(p.opts.TokenLifetime / time.Second), "scope": "read:company"}
	if p.alt {
		// token_type is compared case-insensitively, scope is optional, and a refresh answer without
		// refresh_token means: keep the one you have.
		answer["token_type"] = "bearer"
		delete(answer, "scope")
	}
	if !p.alt || form.Get("grant_type") == "authorization_code" {
		refresh := p.newToken("rt")
		if !p.faults["refresh-token-not-saved"] || form.Get("grant_type") == "authorization_code" {
			s.refresh[refresh] = true
		}
		answer["refresh_token"] = refresh
	}
	rep := jsonReply(http.StatusOK, answer)
	if !p.faults["token-answer-cacheable"] {
		rep.header = http.Header{"Cache-Control": {"no-store"}} // RFC 6749 §5.1: tokens are never cached
	}
	return rep
}
