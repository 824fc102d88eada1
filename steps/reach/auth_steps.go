package reach

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cucumber/godog"

	mock "github.com/accord-harness/accord/mocks/reach"
)

func registerAuth(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^Reach calls the partner without a token$`, func() error { return w.probeAuth(mock.AuthNone, "") })
	sc.Step(`^Reach calls the partner with a wrong token$`, func() error { return w.probeAuth(mock.AuthToken, "not-"+w.token) })
	sc.Step(`^Reach reads this company with the token of another company of the partner$`, func() error { return w.probeAuth(mock.AuthToken, w.otherToken) })
	sc.Step(`^every call was refused with 401 or 403 and an errors body, never 200 or HTML$`, func() error { return w.refused(401, 403) })
	sc.Step(`^every call was refused with 401, 403 or 404 and an errors body, never 200 or HTML$`, func() error { return w.refused(401, 403, 404) })
	sc.Step(`^the other company's token lists only the other company$`, w.otherTokenListsOther)
	sc.Step(`^Reach asks whom the customer's token belongs to$`, w.askUserInfo)
	sc.Step(`^the answer lists the company "([^"]*)" and no other$`, w.userInfoLists)
	sc.Step(`^Reach reads the company information of "([^"]*)"$`, w.readsCompany)
	sc.Step(`^Reach reads the partner's OAuth discovery document$`, w.discover)
	sc.Step(`^the customer grants Reach access on the partner's sign-in page$`, w.grantAccess)
	sc.Step(`^Reach exchanges the code for an access token and a refresh token$`, w.exchangeCode)
	sc.Step(`^Reach reads the company with that access token$`, func() error { return w.readWithConnection("with its access token") })
	sc.Step(`^the access token expires on the run clock$`, w.expireToken)
	sc.Step(`^Reach renews access without the customer and reads the company again$`, w.renewed)
}

// probeAuth calls user-info, the company and one list and one statement with the given credentials.
func (w *world) probeAuth(auth mock.Auth, token string) error {
	id := w.s.books.Company.CompanyID
	path := map[string]string{"CompanyId": id}
	calls := []mock.Request{
		{Operation: "getCompany", Path: path},
		{Operation: "listChartOfAccounts", Path: path},
		{Operation: "getProfitAndLoss", Path: path, Query: url.Values{"StartDate": {w.s.books.FirstMonth.StartDate()},
			"EndDate": {w.s.books.FirstMonth.EndDate()}, "AccountingBasis": {"ACCRUAL"}}},
	}
	if token != w.otherToken {
		// user-info belongs to whoever holds a valid token; only a missing or wrong one is refused there.
		calls = append([]mock.Request{{Operation: "getUserInfo"}}, calls...)
	}
	w.probes = nil
	for _, c := range calls {
		c.Auth, c.Token, c.NoRetry = auth, token, true
		res, err := w.s.reach.Do(w.ctx, w.conn, c)
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
		if why := mock.Refusal(res, allowed...); why != "" {
			bad = append(bad, fmt.Sprintf("%s %s (%s) %s", res.Entry.Method, res.Entry.URL, res.Entry.Operation, why))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("authentication: %d of %d unauthorised calls were not refused properly: %s", len(bad), len(w.probes), strings.Join(bad, "; "))
	}
	return nil
}

func (w *world) userInfo(auth mock.Auth, token string) (mock.UserInfo, *mock.Result, error) {
	var ui mock.UserInfo
	res, err := w.s.reach.Do(w.ctx, w.conn, mock.Request{Operation: "getUserInfo", Auth: auth, Token: token})
	if err != nil {
		return ui, res, fmt.Errorf("authentication: %v", err)
	}
	if !res.OK() {
		return ui, res, fmt.Errorf("authentication: user-info with a valid token %s", describe(res.Entry))
	}
	if len(res.Violations()) > 0 {
		return ui, res, fmt.Errorf("authentication: user-info breaks the specification: %s", describe(res.Entry))
	}
	if err := json.Unmarshal(res.Body, &ui); err != nil {
		return ui, res, fmt.Errorf("authentication: user-info is not JSON: %v", err)
	}
	return ui, res, nil
}

func (w *world) otherTokenListsOther() error {
	ui, _, err := w.userInfo(mock.AuthToken, w.otherToken)
	if err != nil {
		return err
	}
	if len(ui.Companies) != 1 || ui.Companies[0].CompanyID != otherCompanyID {
		return fmt.Errorf("authentication: the other company's token lists %+v, want only %s", ui.Companies, otherCompanyID)
	}
	return nil
}

func (w *world) askUserInfo() error {
	res, err := w.s.reach.Do(w.ctx, w.conn, mock.Request{Operation: "getUserInfo"})
	if err != nil {
		return fmt.Errorf("authentication: %v", err)
	}
	w.probes = []*mock.Result{res}
	return nil
}

func (w *world) userInfoLists(id string) error {
	if len(w.probes) == 0 {
		return fmt.Errorf("authentication: user-info was not called")
	}
	res := w.probes[0]
	if !res.OK() || len(res.Violations()) > 0 {
		return fmt.Errorf("authentication: user-info with the customer's token %s", describe(res.Entry))
	}
	var ui mock.UserInfo
	if err := json.Unmarshal(res.Body, &ui); err != nil {
		return fmt.Errorf("authentication: user-info is not JSON: %v", err)
	}
	var ids []string
	for _, c := range ui.Companies {
		ids = append(ids, c.CompanyID)
	}
	if len(ids) != 1 || ids[0] != id {
		return fmt.Errorf("authentication: user-info lists the companies %v, want only %s (body %s)", ids, id, describe(res.Entry))
	}
	return nil
}

func (w *world) readsCompany(id string) error {
	res, err := w.s.reach.Do(w.ctx, w.conn, mock.Request{Operation: "getCompany", Path: map[string]string{"CompanyId": id}})
	if err != nil {
		return fmt.Errorf("authentication: %v", err)
	}
	if !res.OK() || len(res.Violations()) > 0 {
		return fmt.Errorf("authentication: the customer's token cannot read its company: %s", describe(res.Entry))
	}
	var c struct {
		CompanyID   string `json:"CompanyId"`
		CompanyName string `json:"CompanyName"`
	}
	_ = json.Unmarshal(res.Body, &c)
	if c.CompanyID != id || c.CompanyName != w.s.books.Company.CompanyName {
		return fmt.Errorf("authentication: company %s reads as %q %q", id, c.CompanyID, c.CompanyName)
	}
	return nil
}

func (w *world) discover() error {
	d, res, err := w.s.reach.Discover(w.ctx, w.conn, nil)
	if err != nil {
		return fmt.Errorf("authentication: OAuth discovery: %v", err)
	}
	if d == nil {
		if why := mock.Refusal(res, 404); why != "" {
			return fmt.Errorf("authentication: a partner without OAuth answers the discovery with 404 and an errors body; it %s", why)
		}
	}
	w.discovery = d
	return nil
}

// grantAccess stands for the customer signing in to the partner's system and pressing Allow: the
// driver returns where the partner redirects the browser.
func (w *world) grantAccess() error {
	if w.discovery == nil {
		return nil // static token: there is nothing to grant
	}
	state := secret("state")
	var out struct {
		Redirect string `json:"redirect"`
	}
	err := w.s.driver.Act(w.ctx, "authorize", map[string]any{"client_id": w.oauth.ClientID, "redirect_uri": w.oauth.RedirectURI,
		"scope": "read:company", "state": state}, &out)
	if err != nil {
		return fmt.Errorf("authentication: the customer could not grant access: %w", err)
	}
	u, err := url.Parse(out.Redirect)
	if err != nil || !strings.HasPrefix(out.Redirect, w.oauth.RedirectURI) {
		return fmt.Errorf("authentication: after consent the partner redirects to %q, not to Reach's redirect URI %s", out.Redirect, w.oauth.RedirectURI)
	}
	if got := u.Query().Get("state"); got != state {
		return fmt.Errorf("authentication: the redirect carries state %q, not the %q Reach sent", got, state)
	}
	if w.code = u.Query().Get("code"); w.code == "" {
		return fmt.Errorf("authentication: the redirect %s carries no code", out.Redirect)
	}
	return nil
}

func (w *world) exchangeCode() error {
	if w.discovery == nil {
		return nil // static token: Reach uses it as given
	}
	tok, res, err := w.s.reach.ExchangeCode(w.ctx, w.conn, w.discovery, w.oauth, w.code, nil)
	if err != nil {
		return fmt.Errorf("authentication: exchanging the code: %v", err)
	}
	if len(res.Violations()) > 0 {
		return fmt.Errorf("authentication: the token answer breaks the specification: %s", describe(res.Entry))
	}
	w.s.addSecrets(w.code, tok.AccessToken, tok.RefreshToken)
	if tok.AccessToken == w.token {
		return fmt.Errorf("authentication: the code was exchanged for the static token")
	}
	return nil
}

func (w *world) readWithConnection(how string) error {
	id := w.s.books.Company.CompanyID
	res, err := w.s.reach.Do(w.ctx, w.conn, mock.Request{Operation: "getCompany", Path: map[string]string{"CompanyId": id}})
	if err != nil {
		return fmt.Errorf("authentication: reading the company %s: %v", how, err)
	}
	if !res.OK() {
		return fmt.Errorf("authentication: reading the company %s: %s", how, describe(res.Entry))
	}
	return nil
}

// expireToken moves the run clock past the access token's life (an hour for a static token, which
// must outlive it).
func (w *world) expireToken() error {
	w.probes = nil
	// The token that expires, kept before the clock moves: a nightly sync the move sets off may
	// renew it before the next step looks.
	w.expired = w.conn.Token()
	d := time.Hour
	if exp := w.conn.TokenExpiry(); !exp.IsZero() {
		d = exp.Sub(w.s.clock.Now())
	}
	w.s.clock.Advance(d + time.Second)
	return nil
}

func (w *world) renewed() error {
	if err := w.readWithConnection("after its access token expired"); err != nil {
		return err
	}
	if w.discovery != nil && w.conn.Token() == w.expired {
		return fmt.Errorf("authentication: the access token expired but Reach still uses it: nothing was renewed")
	}
	w.s.addSecrets(w.conn.Token())
	return nil
}
