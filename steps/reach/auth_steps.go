package reach

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/statediff"
	"github.com/accord-harness/accord/internal/stepkit"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func registerAuth(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^Reach calls the partner without a token$`, func() error { return w.probeAuth(reachmock.AuthNone, "") })
	sc.Step(`^Reach calls the partner with a wrong token$`, func() error { return w.probeAuth(reachmock.AuthToken, "not-"+w.token) })
	sc.Step(`^Reach reads the customer's companies with the token of another customer of the partner$`, func() error { return w.probeAuth(reachmock.AuthToken, w.otherToken) })
	sc.Step(`^every call was refused with 401 or 403 and an errors body, never 200 or HTML$`, func() error { return w.refused(401, 403) })
	sc.Step(`^every call was refused with 401, 403 or 404 and an errors body, never 200 or HTML$`, func() error { return w.refused(401, 403, 404) })
	sc.Step(`^the other company's token lists only the other company$`, w.otherTokenListsOther)
	sc.Step(`^the other company's token reads its own company, every list and every statement, valid against the specification$`, w.otherTokenReadsOwn)
	sc.Step(`^Reach asks whom the customer's token belongs to$`, w.askUserInfo)
	sc.Step(`^the answer lists exactly the companies (.+)$`, w.userInfoLists)
	sc.Step(`^Reach reads the company information of each of them$`, w.readsCompanies)
	sc.Step(`^the partner runs an OAuth 2.0 server for Reach$`, w.oauthServer)
	sc.Step(`^Reach is connected by OAuth$`, w.connectByOAuth)
	sc.Step(`^Reach reads the partner's OAuth discovery document$`, w.discover)
	sc.Step(`^the customer grants Reach access on the partner's sign-in page$`, w.grantAccess)
	sc.Step(`^Reach exchanges the code for an access token and a refresh token$`, w.exchangeCode)
	sc.Step(`^the token endpoint refuses a wrong client secret, a code sent a second time and a code sent with another redirect URI$`, w.tokenEndpointRefuses)
	sc.Step(`^Reach reads every company with that access token$`, func() error { return w.readWithConnection("with its access token") })
	sc.Step(`^the access token expires on the run clock (\d+) times, Reach reading every company after each$`, w.expireTimes)
	sc.Step(`^Reach renewed access each time without the customer, with the refresh token the partner issued last$`, w.renewedEachTime)
	sc.Step(`^the access token's life ends on the partner's clock$`, w.endTokenLife)
	sc.Step(`^a call with the expired access token is refused with 401 and an errors body, never 200 or HTML$`, w.expiredRefused)
	sc.Step(`^Reach renews access without the customer and reads every company again$`, w.renewed)
	sc.Step(`^a week passes on the run clock$`, w.aWeekPasses)
	sc.Step(`^Reach still reads every company with the customer's static token$`, w.staticStillReads)
}

// probeAuth calls user-info, and for every company of the customer its information, one list and
// one statement, with the given credentials.
func (w *world) probeAuth(auth reachmock.Auth, token string) error {
	var calls []reachmock.Request
	if token != w.otherToken {
		// user-info belongs to whoever holds a valid token; only a missing or wrong one is refused there.
		calls = append(calls, reachmock.Request{Operation: "getUserInfo"})
	}
	for _, c := range w.s.set.Companies {
		path := map[string]string{"CompanyId": c.Company.CompanyID}
		calls = append(calls,
			reachmock.Request{Operation: "getCompany", Path: path},
			reachmock.Request{Operation: "listChartOfAccounts", Path: path},
			reachmock.Request{Operation: "getProfitAndLoss", Path: path, Query: url.Values{"StartDate": {c.FirstMonth.StartDate()},
				"EndDate": {c.FirstMonth.EndDate()}, "AccountingBasis": {"ACCRUAL"}}})
	}
	w.probes = nil
	for _, c := range calls {
		c.Auth, c.Token, c.NoRetry = auth, token, true
		res, err := w.s.reach.Do(w.Ctx, w.conn, c)
		if err != nil {
			return fmt.Errorf("authentication: %v", err)
		}
		w.probes = append(w.probes, res)
	}
	return nil
}

func (w *world) refused(allowed ...int) error {
	if len(w.probes) == 0 {
		return fmt.Errorf("authentication: no call was made")
	}
	var bad []string
	for _, res := range w.probes {
		if why := reachmock.Refusal(res, allowed...); why != "" {
			bad = append(bad, fmt.Sprintf("%s %s (%s) %s", res.Entry.Method, res.Entry.URL, res.Entry.Operation, why))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("authentication: %d of %d unauthorised calls were not refused properly: %s", len(bad), len(w.probes), strings.Join(bad, "; "))
	}
	return nil
}

func (w *world) userInfo(auth reachmock.Auth, token string) (reachmock.UserInfo, *reachmock.Result, error) {
	var ui reachmock.UserInfo
	res, err := w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: "getUserInfo", Auth: auth, Token: token})
	if err != nil {
		return ui, res, fmt.Errorf("authentication: %v", err)
	}
	if !res.OK() {
		return ui, res, fmt.Errorf("authentication: user-info with a valid token %s", stepkit.Describe(res.Entry))
	}
	if len(res.Violations()) > 0 {
		return ui, res, fmt.Errorf("authentication: user-info breaks the specification: %s", stepkit.Describe(res.Entry))
	}
	if err := json.Unmarshal(res.Body, &ui); err != nil {
		return ui, res, fmt.Errorf("authentication: user-info is not JSON: %v", err)
	}
	return ui, res, nil
}

func (w *world) otherTokenListsOther() error {
	ui, _, err := w.userInfo(reachmock.AuthToken, w.otherToken)
	if err != nil {
		return err
	}
	if len(ui.Companies) != 1 || ui.Companies[0].CompanyID != otherCompanyID {
		return fmt.Errorf("authentication: the other company's token lists %+v, want only %s", ui.Companies, otherCompanyID)
	}
	return nil
}

// otherTokenReadsOwn: the other customer's token reads its own company, the positive side of the
// refusals before it: its information (under its own CompanyId, not one of the customer's), every
// reference list and the three statements on both bases, each 2xx and valid against the
// specification. The customer has no books there yet, so what the lists hold is the partner's own
// (an empty list, or the records its system starts a customer with).
func (w *world) otherTokenReadsOwn() error {
	path := map[string]string{"CompanyId": otherCompanyID}
	calls := []reachmock.Request{{Operation: "getCompany", Path: path}}
	for _, op := range []string{"listChartOfAccounts", "listBudgets", "listClasses", "listDepartments", "listNonFinancialMetrics"} {
		calls = append(calls, reachmock.Request{Operation: op, Path: path})
	}
	for _, op := range []string{"getProfitAndLoss", "getBalanceSheet", "getCashFlow"} {
		for _, basis := range []string{"ACCRUAL", "CASH"} {
			calls = append(calls, reachmock.Request{Operation: op, Path: path,
				Query: url.Values{"StartDate": {"2025-01-01"}, "EndDate": {"2025-02-28"}, "AccountingBasis": {basis}}})
		}
	}
	for _, c := range calls {
		c.Auth, c.Token = reachmock.AuthToken, w.otherToken
		res, err := w.s.reach.Do(w.Ctx, w.conn, c)
		if err != nil {
			return fmt.Errorf("authentication: the other company's token: %v", err)
		}
		if !res.OK() || len(res.Violations()) > 0 {
			return fmt.Errorf("authentication: the other company's token reading its own company: %s", stepkit.Describe(res.Entry))
		}
		var body struct {
			CompanyID string `json:"CompanyId"`
		}
		if !strings.HasPrefix(c.Operation, "get") {
			continue // a list has no CompanyId
		}
		if json.Unmarshal(res.Body, &body) != nil || body.CompanyID != otherCompanyID {
			return fmt.Errorf("authentication: the other company's token reads CompanyId %q at %s %s, not its own %s", body.CompanyID, res.Entry.Method, res.Entry.URL, otherCompanyID)
		}
	}
	return nil
}

func (w *world) askUserInfo() error {
	res, err := w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: "getUserInfo"})
	if err != nil {
		return fmt.Errorf("authentication: %v", err)
	}
	w.probes = []*reachmock.Result{res}
	return nil
}

// userInfoLists: user-info lists the companies named, each once and under its name in the books,
// and no other.
func (w *world) userInfoLists(companies string) error {
	if len(w.probes) == 0 {
		return fmt.Errorf("authentication: user-info was not called")
	}
	var named []string
	for _, m := range quoted.FindAllStringSubmatch(companies, -1) {
		named = append(named, m[1])
	}
	if want := w.s.companyIDs(); !slices.Equal(named, want) {
		return fmt.Errorf("authentication: the step names the companies %q; the customer's books are %q", named, want)
	}
	res := w.probes[0]
	if !res.OK() || len(res.Violations()) > 0 {
		return fmt.Errorf("authentication: user-info with the customer's token %s", stepkit.Describe(res.Entry))
	}
	var ui reachmock.UserInfo
	if err := json.Unmarshal(res.Body, &ui); err != nil {
		return fmt.Errorf("authentication: user-info is not JSON: %v", err)
	}
	t := statediff.New("the books")
	pairs, onlyBooks, onlyPartner := statediff.Match(w.s.set.Companies, ui.Companies,
		func(c *reachfixture.Company) string { return c.Company.CompanyID }, func(c reachmock.CompanyRef) string { return c.CompanyID })
	for _, p := range pairs {
		c := w.s.set.Companies[p[0]]
		t.Differ("user-info company "+c.Company.CompanyID, "CompanyName", c.Company.CompanyName, ui.Companies[p[1]].CompanyName)
	}
	for _, i := range onlyBooks {
		c := w.s.set.Companies[i]
		t.OnlyOnPlatform("user-info company "+c.Company.CompanyID, c.Company.CompanyName)
	}
	for _, j := range onlyPartner {
		c := ui.Companies[j]
		t.OnlyAtPartner("user-info company "+c.CompanyID, c.CompanyName)
	}
	return t.Err("authentication: user-info with the customer's token")
}

// readsCompanies: the customer's token reads every company's information, every field as the books
// have it.
func (w *world) readsCompanies() error {
	t := statediff.New("the books")
	for _, c := range w.s.set.Companies {
		id := c.Company.CompanyID
		res, err := w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: "getCompany", Path: map[string]string{"CompanyId": id}})
		if err != nil {
			return fmt.Errorf("authentication: %v", err)
		}
		if !res.OK() || len(res.Violations()) > 0 {
			return fmt.Errorf("authentication: the customer's token cannot read company %s: %s", id, stepkit.Describe(res.Entry))
		}
		var got reachfixture.CompanyInfo
		_ = json.Unmarshal(res.Body, &got)
		reachmock.CompareCompanyInfo(t, c.Company, got)
	}
	return t.Err("authentication: the company information the customer's token reads")
}

// oauthServer is where the OAuth scenarios start: they apply to a partner that runs an OAuth 2.0
// server, which Reach's documents leave to the partner (static tokens are "token-based" too).
func (w *world) oauthServer() error {
	if w.s.Caps[CapOAuth] == "off" {
		return runner.NotApplicable(fmt.Sprintf("the scenario is about OAuth 2.0; the partner hands Reach static tokens only (capability %s: off)", CapOAuth))
	}
	return nil
}

func (w *world) discover() error {
	d, res, err := w.s.reach.Discover(w.Ctx, w.conn, nil)
	if err != nil {
		return fmt.Errorf("authentication: OAuth discovery: %v", err)
	}
	if d == nil {
		why := "answers it " + stepkit.Describe(res.Entry)
		if reachmock.Refusal(res, 404) == "" {
			why = "answers it 404, as a partner with static tokens only does"
		}
		return fmt.Errorf("authentication: the partner runs an OAuth 2.0 server (capability %s: on, the default), but GET /auth/oauth-discovery %s; a partner without one declares %s: off", CapOAuth, why, CapOAuth)
	}
	// RFC 8414 §2: response_types_supported is required. Reach runs the code flow and authenticates
	// with client_secret_post, which the contract asks of every partner: a list of methods that
	// leaves it out contradicts that, a document without one is left alone.
	if !slices.Contains(d.ResponseTypes, "code") {
		return fmt.Errorf("authentication: the discovery document's response_types_supported %q lacks code: Reach runs the authorization code flow", d.ResponseTypes)
	}
	if d.AuthMethods != nil && !slices.Contains(d.AuthMethods, "client_secret_post") {
		return fmt.Errorf("authentication: the discovery document's token_endpoint_auth_methods_supported %q lacks client_secret_post, the way Reach authenticates", d.AuthMethods)
	}
	w.discovery = d
	return nil
}

// grantAccess is the customer at the partner's sign-in page pressing Allow. Where the page asks
// nothing typed (the customer is signed in already), the customer's browser presses Allow itself
// and the code it brings back to Reach is the one Reach exchanges; a sign-in is the customer's, and
// the driver's authorize action stands for it.
func (w *world) grantAccess() error {
	state := secret("state")
	if err := w.openSignInPage(state); err != nil {
		return err
	}
	if err := w.foreignRedirectRefused(); err != nil {
		return err
	}
	code, err := w.pressAllow(state)
	if err == nil && code == "" {
		code, err = w.consent(state)
	}
	w.code = code
	return err
}

// pressAllow is the customer's browser sent to the authorization endpoint, pressing Allow on every
// page that asks for nothing typed (RFC 6749 §4.1.1, §4.1.2): the partner must send it back to
// Reach's redirect URI, its query kept, with a code and Reach's state. It returns the code, or ""
// when a page asks the customer to type or sends the browser to sign in on another host.
func (w *world) pressAllow(state string) (string, error) {
	authorize, err := url.Parse(reachmock.AuthorizeURL(w.discovery, w.oauth, state))
	if err != nil {
		return "", fmt.Errorf("authentication: the discovery document's authorization_endpoint %q is not a URL", w.discovery.AuthorizationEndpoint)
	}
	b := newBrowser(authorize.Host, w.s.timeout)
	defer b.close()
	back, err := b.consent(w.Ctx, authorize)
	if err != nil {
		return "", fmt.Errorf("authentication: the customer pressed Allow on the partner's consent page, which never sent them back to Reach: %v", err)
	}
	reach, _ := url.Parse(w.oauth.RedirectURI)
	if to, err := url.Parse(back); back == "" || err != nil || !strings.EqualFold(to.Host, reach.Host) {
		return "", nil // signing in elsewhere: the customer's
	}
	code, err := reachmock.CodeFromRedirect(back, w.oauth, state)
	if err != nil {
		return "", fmt.Errorf("authentication: the customer pressed Allow on the partner's consent page: %v", err)
	}
	w.s.AddSecrets(code)
	return code, nil
}

// foreignRedirect is a redirect URI nobody registered: an attacker's, in a link to the partner's
// sign-in page that carries Reach's client_id.
const foreignRedirect = "https://callback.attacker.example/reach"

// foreignRedirectRefused: the customer, lured to the partner's sign-in page with Reach's client but
// an attacker's redirect URI, presses Allow. The code must not go there (RFC 6749 §3.1.2.4, §10.6):
// the partner refuses (the action fails) or sends the browser anywhere else.
func (w *world) foreignRedirectRefused() error {
	var out struct {
		Redirect string `json:"redirect"`
	}
	err := w.s.Driver.Act(w.Ctx, "authorize", map[string]any{"client_id": w.oauth.ClientID, "redirect_uri": foreignRedirect,
		"scope": "read:company", "state": secret("state")}, &out)
	if err == nil && strings.HasPrefix(out.Redirect, foreignRedirect) {
		return fmt.Errorf("authentication: the partner sends the customer's code to %s, a redirect URI never registered for Reach's client: whoever made the link gets the grant", foreignRedirect)
	}
	return nil
}

// consent is the customer pressing Allow: the code the partner sends the browser back to Reach with.
func (w *world) consent(state string) (string, error) {
	var out struct {
		Redirect string `json:"redirect"`
	}
	err := w.s.Driver.Act(w.Ctx, "authorize", map[string]any{"client_id": w.oauth.ClientID, "redirect_uri": w.oauth.RedirectURI,
		"scope": "read:company", "state": state}, &out)
	if err != nil {
		return "", fmt.Errorf("authentication: the customer could not grant access: %w", err)
	}
	code, err := reachmock.CodeFromRedirect(out.Redirect, w.oauth, state)
	if err != nil {
		return "", fmt.Errorf("authentication: %v", err)
	}
	w.s.AddSecrets(code)
	return code, nil
}

// openSignInPage is the customer's browser arriving where Reach sends it, the authorization endpoint
// of the discovery document with Reach's client, redirect URI, scope and state (RFC 6749 §4.1.1):
// the partner shows its sign-in page (2xx) or sends the browser on to it (3xx). Anything else means
// no customer could ever grant Reach access. Whatever happens on the page is the customer's, and the
// authorize action stands for it.
func (w *world) openSignInPage(state string) error {
	endpoint, err := url.Parse(w.discovery.AuthorizationEndpoint)
	if err != nil {
		return fmt.Errorf("authentication: the discovery document's authorization_endpoint %q is not a URL", w.discovery.AuthorizationEndpoint)
	}
	q := endpoint.Query()
	for k, v := range (url.Values{"response_type": {"code"}, "client_id": {w.oauth.ClientID}, "redirect_uri": {w.oauth.RedirectURI},
		"scope": {"read:company"}, "state": {state}}) {
		q[k] = v
	}
	endpoint.RawQuery = ""
	res, err := w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: "authorizeOAuth", URL: endpoint.String(), Query: q, Auth: reachmock.AuthNone, NoRetry: true})
	var ce *reachmock.CallError
	switch {
	case errors.As(err, &ce) && strings.Contains(ce.Reason, "redirect"):
		return nil // sent on to a sign-in elsewhere
	case err != nil:
		return fmt.Errorf("authentication: the customer's browser could not open the authorization endpoint: %v", err)
	case res.Status >= 400:
		return fmt.Errorf("authentication: the customer's browser, sent to the authorization endpoint, gets no sign-in page: %s", stepkit.Describe(res.Entry))
	}
	return nil
}

func (w *world) exchangeCode() error {
	tok, res, err := w.s.reach.ExchangeCode(w.Ctx, w.conn, w.discovery, w.oauth, w.code, nil)
	if err != nil {
		return fmt.Errorf("authentication: exchanging the code: %v", err)
	}
	if len(res.Violations()) > 0 {
		return fmt.Errorf("authentication: the token answer breaks the specification: %s", stepkit.Describe(res.Entry))
	}
	w.s.AddSecrets(w.code, tok.AccessToken, tok.RefreshToken)
	if tok.AccessToken == w.token {
		return fmt.Errorf("authentication: the code was exchanged for the static token")
	}
	if cc := res.Header.Get("Cache-Control"); !slices.Contains(strings.Fields(strings.ToLower(strings.ReplaceAll(cc, ",", " "))), "no-store") {
		return fmt.Errorf("authentication: the token answer carries Cache-Control %q, not no-store: RFC 6749 §5.1 keeps tokens out of every cache", cc)
	}
	return nil
}

// tokenEndpointRefuses: the customer grants access three times more. One code comes with a wrong
// client secret (RFC 6749 §5.2, invalid_client); one is exchanged and then sent again (§4.1.2: a code
// is good once); one comes with another redirect_uri than it was issued for (§4.1.3). Each must be
// refused with a 4xx, never tokens. The second code's tokens are never
// used: a partner may revoke them when their code comes again, as §4.1.2 recommends.
func (w *world) tokenEndpointRefuses() error {
	exchange := func(code, clientSecret, redirect string) (*reachmock.Result, error) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
			"client_id": {w.oauth.ClientID}, "client_secret": {clientSecret}}
		return w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: "exchangeOAuthToken", URL: w.discovery.TokenEndpoint, Form: form, Auth: reachmock.AuthNone})
	}
	for _, c := range []struct {
		what, secret, redirect string
		usedOnce               bool
	}{
		{"a code sent with a wrong client secret", "not-" + w.oauth.ClientSecret, w.oauth.RedirectURI, false},
		{"a code sent a second time", w.oauth.ClientSecret, w.oauth.RedirectURI, true},
		{"a code sent with another redirect_uri than it was issued for", w.oauth.ClientSecret, foreignRedirect, false},
	} {
		code, err := w.consent(secret("state"))
		if err != nil {
			return err
		}
		if c.usedOnce {
			res, err := exchange(code, c.secret, c.redirect)
			if err != nil || !res.OK() {
				return fmt.Errorf("authentication: a fresh code was not exchanged: %v", orEntry(err, res))
			}
			var tok reachmock.Token
			if json.Unmarshal(res.Body, &tok) == nil {
				w.s.AddSecrets(tok.AccessToken, tok.RefreshToken)
			}
		}
		res, err := exchange(code, c.secret, c.redirect)
		if err != nil {
			return fmt.Errorf("authentication: %s: %v", c.what, err)
		}
		if res.Status < 400 || res.Status > 499 {
			return fmt.Errorf("authentication: the token endpoint must refuse %s with 400 or 401; it answered %s", c.what, stepkit.Describe(res.Entry))
		}
	}
	return nil
}

// orEntry is what went wrong with a call: its error, or its answer.
func orEntry(err error, res *reachmock.Result) string {
	if err != nil {
		return err.Error()
	}
	return stepkit.Describe(res.Entry)
}

// connectByOAuth is the whole onboarding by OAuth in one step: discovery, consent, code exchange.
func (w *world) connectByOAuth() error {
	for _, step := range []func() error{w.discover, w.grantAccess, w.exchangeCode} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// readWithConnection reads every company's information with the connection's token (renewed first
// when it expired).
func (w *world) readWithConnection(how string) error {
	for _, c := range w.s.set.Companies {
		id := c.Company.CompanyID
		res, err := w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: "getCompany", Path: map[string]string{"CompanyId": id}})
		if err != nil {
			return fmt.Errorf("authentication: reading company %s %s: %v", id, how, err)
		}
		if !res.OK() {
			return fmt.Errorf("authentication: reading company %s %s: %s", id, how, stepkit.Describe(res.Entry))
		}
	}
	return nil
}

// expireToken moves the run clock past the access token's life, plus leeway.
func (w *world) expireToken(leeway time.Duration) {
	w.probes = nil
	// The token that expires, kept before the clock moves: a nightly sync the move sets off may
	// renew it before the next step looks.
	w.expired = w.conn.Token()
	w.s.Clock.Advance(w.conn.TokenExpiry().Sub(w.s.Clock.Now()) + leeway)
}

// expireTimes lets the access token expire n times; after each, Reach reads every company, which
// renews it (after its life, not ahead of it).
func (w *world) expireTimes(n int) error {
	if n < 1 || n > 10 {
		return fmt.Errorf("authentication: %d expiries; the step takes 1 to 10", n)
	}
	for i := range n {
		w.expireToken(time.Second)
		if err := w.renewed(); err != nil {
			return fmt.Errorf("%w (renewal %d of %d)", err, i+1, n)
		}
		w.renewals = append(w.renewals, w.conn.Token())
	}
	return nil
}

// renewedEachTime: every renewal gave a new access token, and each refresh grant carried the
// refresh token the partner issued last (rotated or kept: RFC 6749 §6 lets the partner choose).
func (w *world) renewedEachTime() error {
	if len(w.renewals) == 0 {
		return fmt.Errorf("authentication: the access token never expired in this scenario")
	}
	seen := map[string]bool{}
	for i, tok := range w.renewals {
		if seen[tok] {
			return fmt.Errorf("authentication: renewal %d gave an access token Reach had before", i+1)
		}
		seen[tok] = true
	}
	var issued string
	grants, codes := 0, 0
	for _, e := range w.s.Journal.Tenant(w.id) {
		if e.Operation != "exchangeOAuthToken" || e.Status != 200 {
			continue
		}
		form, _ := url.ParseQuery(string(e.RequestBody))
		if form.Get("grant_type") == "authorization_code" {
			// The connection's code is the first exchanged; later ones are tokenEndpointRefuses'
			// grants, whose tokens Reach never uses (the journal keeps codes redacted).
			if codes++; codes > 1 {
				continue
			}
		}
		if form.Get("grant_type") == "refresh_token" {
			grants++
			if sent := form.Get("refresh_token"); sent != issued {
				return fmt.Errorf("authentication: refresh grant %d carried the refresh token %s, but the partner had last issued %s", grants, sent, issued)
			}
		}
		var answer struct {
			RefreshToken string `json:"refresh_token"`
		}
		if json.Unmarshal(e.ResponseBody, &answer) == nil && answer.RefreshToken != "" {
			issued = answer.RefreshToken
		}
	}
	if grants < len(w.renewals) {
		return fmt.Errorf("authentication: %d renewals but %d refresh grants answered 200", len(w.renewals), grants)
	}
	return nil
}

func (w *world) renewed() error {
	if err := w.readWithConnection("after its access token expired"); err != nil {
		return err
	}
	if w.conn.Token() == w.expired {
		return fmt.Errorf("authentication: the access token expired but Reach still uses it: nothing was renewed")
	}
	w.s.AddSecrets(w.conn.Token())
	return nil
}

// tokenLeeway is how long past its life an access token may still be taken: an authorization
// server may allow for clocks that disagree a little.
const tokenLeeway = 5 * time.Minute

// endTokenLife moves the partner's clock past the access token's life and the leeway. A partner in
// real time would have to be waited for, the token's whole life: the scenario does not apply.
func (w *world) endTokenLife() error {
	if !w.s.Bundled {
		return runner.NotApplicable(fmt.Sprintf("the partner lives in real time and its access token lives until %s; accord does not wait that long",
			w.conn.TokenExpiry().UTC().Format(time.RFC3339)))
	}
	w.expireToken(tokenLeeway)
	return nil
}

// expiredRefused calls user-info and every company with the expired access token.
func (w *world) expiredRefused() error {
	calls := []reachmock.Request{{Operation: "getUserInfo"}}
	for _, c := range w.s.set.Companies {
		calls = append(calls, reachmock.Request{Operation: "getCompany", Path: map[string]string{"CompanyId": c.Company.CompanyID}})
	}
	w.probes = nil
	for _, c := range calls {
		c.Auth, c.Token, c.NoRetry = reachmock.AuthToken, w.expired, true
		res, err := w.s.reach.Do(w.Ctx, w.conn, c)
		if err != nil {
			return fmt.Errorf("authentication: %v", err)
		}
		w.probes = append(w.probes, res)
	}
	return w.refused(401)
}

// aWeekPasses moves the run clock a week on.
func (w *world) aWeekPasses() error {
	w.s.Clock.Advance(7 * 24 * time.Hour)
	return nil
}

// staticStillReads reads user-info and every company with the customer's static token.
func (w *world) staticStillReads() error {
	calls := []reachmock.Request{{Operation: "getUserInfo"}}
	for _, c := range w.s.set.Companies {
		calls = append(calls, reachmock.Request{Operation: "getCompany", Path: map[string]string{"CompanyId": c.Company.CompanyID}})
	}
	for _, c := range calls {
		c.Auth, c.Token = reachmock.AuthToken, w.token
		res, err := w.s.reach.Do(w.Ctx, w.conn, c)
		if err != nil {
			return fmt.Errorf("authentication: %v", err)
		}
		if !res.OK() {
			return fmt.Errorf("authentication: a week on, the customer's static token no longer reads: %s", stepkit.Describe(res.Entry))
		}
	}
	return nil
}
