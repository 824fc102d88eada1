package reach

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// OAuthClient is what a partner with an OAuth 2.0 server issues Reach at onboarding.
type OAuthClient struct {
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scope        string // default "read:company"
}

// Discovery is the partner's OAuth discovery document.
type Discovery struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	GrantTypesSupported   []string `json:"grant_types_supported"`
	ResponseTypes         []string `json:"response_types_supported"`
	ScopesSupported       []string `json:"scopes_supported"`
	AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
}

// Token is an answer of the token endpoint.
type Token struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

type oauthState struct {
	client   OAuthClient
	tokenURL string
	refresh  string
	expires  time.Time // on the run clock
}

// refreshAhead refreshes a token this long before it expires.
const refreshAhead = time.Minute

func (c *Connection) hasOAuth() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.oauth != nil
}

// TokenExpiry is when the connection's OAuth access token expires on the run clock (zero for a static token).
func (c *Connection) TokenExpiry() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.oauth == nil {
		return time.Time{}
	}
	return c.oauth.expires
}

// Discover reads the partner's discovery document. A 404 means the partner uses static tokens: the
// document is then nil and so is the error.
func (r *Reach) Discover(ctx context.Context, c *Connection, trace *Trace) (*Discovery, *Result, error) {
	res, err := r.Do(ctx, c, Request{Operation: "getOAuthDiscovery", Auth: AuthNone, Trace: trace})
	if err != nil {
		return nil, res, err
	}
	if res.Status == http.StatusNotFound {
		return nil, res, nil
	}
	if !res.OK() {
		return nil, res, fmt.Errorf("GET /auth/oauth-discovery answered %d, neither the document nor 404", res.Status)
	}
	var d Discovery
	if err := json.Unmarshal(res.Body, &d); err != nil {
		return nil, res, fmt.Errorf("the discovery document is not JSON: %v", err)
	}
	var missing []string
	for name, v := range map[string]string{"issuer": d.Issuer, "authorization_endpoint": d.AuthorizationEndpoint, "token_endpoint": d.TokenEndpoint} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		return nil, res, fmt.Errorf("the discovery document lacks %s", strings.Join(missing, ", "))
	}
	for _, g := range []string{"authorization_code", "refresh_token"} {
		if !slices.Contains(d.GrantTypesSupported, g) {
			return nil, res, fmt.Errorf("the discovery document's grant_types_supported %v lacks %s: Reach needs the code flow with refresh", d.GrantTypesSupported, g)
		}
	}
	return &d, res, nil
}

// AuthorizeURL is where the customer's browser is sent to grant Reach access.
func AuthorizeURL(d *Discovery, client OAuthClient, state string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {client.ClientID}, "redirect_uri": {client.RedirectURI}, "scope": {scope(client)}, "state": {state}}
	sep := "?"
	if strings.Contains(d.AuthorizationEndpoint, "?") {
		sep = "&"
	}
	return d.AuthorizationEndpoint + sep + q.Encode()
}

func scope(c OAuthClient) string {
	if c.Scope == "" {
		return "read:company"
	}
	return c.Scope
}

// ExchangeCode trades an authorization code for tokens; the connection then uses them.
func (r *Reach) ExchangeCode(ctx context.Context, c *Connection, d *Discovery, client OAuthClient, code string, trace *Trace) (*Token, *Result, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {client.RedirectURI},
		"client_id": {client.ClientID}, "client_secret": {client.ClientSecret}}
	tok, res, err := r.token(ctx, c, d.TokenEndpoint, form, trace)
	if err != nil {
		return tok, res, err
	}
	if tok.RefreshToken == "" {
		return tok, res, fmt.Errorf("the token endpoint issued no refresh_token for the code: Reach could not renew access without the customer")
	}
	c.mu.Lock()
	c.token = tok.AccessToken
	c.oauth = &oauthState{client: client, tokenURL: d.TokenEndpoint, refresh: tok.RefreshToken,
		expires: r.opts.Clock.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)}
	c.mu.Unlock()
	return tok, res, nil
}

// Refresh renews the connection's access token with its refresh token, whatever its expiry.
func (r *Reach) Refresh(ctx context.Context, c *Connection, trace *Trace) error {
	c.renewing.Lock()
	defer c.renewing.Unlock()
	return r.refreshLocked(ctx, c, trace)
}

// renew renews the access token stale, once: a caller that waited while another renewed it gets
// the new token without a second refresh grant.
func (r *Reach) renew(ctx context.Context, c *Connection, stale string, trace *Trace) (string, error) {
	c.renewing.Lock()
	defer c.renewing.Unlock()
	if tok := c.Token(); tok != stale {
		return tok, nil
	}
	if err := r.refreshLocked(ctx, c, trace); err != nil {
		return "", err
	}
	return c.Token(), nil
}

// refreshLocked sends one refresh grant; c.renewing is held.
func (r *Reach) refreshLocked(ctx context.Context, c *Connection, trace *Trace) error {
	c.mu.Lock()
	st := c.oauth
	var refresh string
	if st != nil {
		refresh = st.refresh
	}
	c.mu.Unlock()
	if st == nil {
		return fmt.Errorf("the connection has a static token; there is nothing to refresh")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {st.client.ClientID}, "client_secret": {st.client.ClientSecret}}
	tok, _, err := r.token(ctx, c, st.tokenURL, form, trace)
	if err != nil {
		return fmt.Errorf("refreshing the access token: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.token = tok.AccessToken
	if tok.RefreshToken != "" {
		c.oauth.refresh = tok.RefreshToken
	}
	c.oauth.expires = r.opts.Clock.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	return nil
}

func (r *Reach) token(ctx context.Context, c *Connection, endpoint string, form url.Values, trace *Trace) (*Token, *Result, error) {
	res, err := r.Do(ctx, c, Request{Operation: "exchangeOAuthToken", URL: endpoint, Form: form, Auth: AuthNone, Trace: trace})
	if err != nil {
		return nil, res, err
	}
	if !res.OK() {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(res.Body, &e)
		return nil, res, fmt.Errorf("the token endpoint answered %d to grant_type=%s (%s %s)", res.Status, form.Get("grant_type"), e.Error, e.Description)
	}
	var tok Token
	if err := json.Unmarshal(res.Body, &tok); err != nil {
		return nil, res, fmt.Errorf("the token endpoint's answer is not JSON: %v", err)
	}
	if tok.AccessToken == "" || tok.ExpiresIn <= 0 || !strings.EqualFold(tok.TokenType, "bearer") {
		return &tok, res, fmt.Errorf("the token endpoint's answer lacks a bearer access_token with a positive expires_in")
	}
	return &tok, res, nil
}

// accessToken is the token to send now; an OAuth token about to expire is renewed first (once,
// however many callers find it expired together).
func (r *Reach) accessToken(ctx context.Context, c *Connection, trace *Trace) (string, error) {
	c.mu.Lock()
	tok, oauth := c.token, c.oauth != nil
	var expires time.Time
	if oauth {
		expires = c.oauth.expires
	}
	c.mu.Unlock()
	if !oauth || r.opts.Clock.Now().Add(refreshAhead).Before(expires) {
		return tok, nil
	}
	return r.renew(ctx, c, tok, trace)
}

// CodeFromRedirect reads the authorization code from where the partner sent the customer's browser
// after consent: it must be the client's registered redirect URI, its own query kept (RFC 6749
// §3.1.2, in any order), and carry back the state Reach sent.
func CodeFromRedirect(redirect string, client OAuthClient, state string) (string, error) {
	u, err := url.Parse(redirect)
	at, _, _ := strings.Cut(redirect, "?")
	registered, own, _ := strings.Cut(client.RedirectURI, "?")
	if err != nil || at != registered {
		return "", fmt.Errorf("after consent the partner redirects to %q, not to Reach's redirect URI %s", redirect, client.RedirectURI)
	}
	kept, _ := url.ParseQuery(own)
	for k, vs := range kept {
		if got := u.Query()[k]; !slices.Equal(got, vs) {
			return "", fmt.Errorf("after consent the partner redirects to %q, without the query of Reach's redirect URI %s (%s=%q): RFC 6749 §3.1.2 keeps it", redirect, client.RedirectURI, k, vs)
		}
	}
	if got := u.Query().Get("state"); got != state {
		return "", fmt.Errorf("the redirect carries state %q, not the %q Reach sent", got, state)
	}
	code := u.Query().Get("code")
	if code == "" {
		return "", fmt.Errorf("the redirect %s carries no code", redirect)
	}
	return code, nil
}
