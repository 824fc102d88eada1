package docplanner

import (
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/stepkit"
)

func registerAuth(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^the partner is given a wrong client secret$`), w.givenWrongSecret)
	sc.Step(w.re(`^the partner asked for a token with grant type "([^"]*)" and scope "([^"]*)"$`), w.askedForToken)
	sc.Step(w.re(`^the partner used one token for all its calls$`), w.usedOneToken)
	sc.Step(w.re(`^Docplanner refused the token request with 401$`), w.tokenRefused)
	sc.Step(w.re(`^the partner reports that it is not connected, and why$`), w.reportsNotConnected)
	sc.Step(w.re(`^Docplanner expires the partner's access tokens$`), w.expireTokens)
	sc.Step(w.re(`^Docplanner refused a call because the token had expired$`), w.refusedExpired)
	sc.Step(w.re(`^the partner asked for a new token$`), w.askedForNewToken)
	sc.Step(w.re(`^Docplanner refused none of the partner's calls for its token$`), w.noCallRefusedForToken)
	sc.Step(w.re(`^the partner called nothing else on Docplanner$`), w.calledNothingElse)
}

func (w *world) givenWrongSecret() error { return w.connect("not-" + w.secret) }

func (w *world) tokenRequests(after int64) []journal.Entry {
	return w.s.Journal.Select(func(e journal.Entry) bool {
		return e.Tenant == w.clientID && e.Operation == "getToken" && e.Seq > after
	})
}

// tokenForm reads a token request's form, url-encoded or multipart.
func tokenForm(e journal.Entry) url.Values {
	mt, params, _ := mime.ParseMediaType(e.RequestHeader.Get("Content-Type"))
	if mt == "multipart/form-data" {
		f, err := multipart.NewReader(strings.NewReader(string(e.RequestBody)), params["boundary"]).ReadForm(64 << 10)
		if err == nil {
			return url.Values(f.Value)
		}
	}
	v, _ := url.ParseQuery(string(e.RequestBody))
	return v
}

func (w *world) askedForToken(grant, scope string) error {
	reqs := w.tokenRequests(w.activateFrom)
	if len(reqs) == 0 {
		return fmt.Errorf("authentication: the partner never asked POST /oauth/v2/token for a token (%s)", w.evidence(w.activateFrom))
	}
	for _, e := range reqs {
		f := tokenForm(e)
		if f.Get("grant_type") == grant && f.Get("scope") == scope && e.OK() {
			return nil
		}
	}
	return fmt.Errorf("authentication: no successful token request with grant_type=%s and scope=%s; the last was %s with body %q", grant, scope, stepkit.Describe(reqs[len(reqs)-1]), string(reqs[len(reqs)-1].RequestBody))
}

// usedOneToken: the guide asks integrations to cache the token for its
// lifetime rather than sign in for every call.
func (w *world) usedOneToken() error {
	tokens := map[string]bool{}
	for _, e := range w.calls(w.activateFrom) {
		if e.Operation == "getToken" {
			continue
		}
		tokens[e.RequestHeader.Get("Authorization")] = true
	}
	n := len(w.tokenRequests(w.activateFrom))
	if n > 1 || len(tokens) > 1 {
		return fmt.Errorf("authentication: the partner asked for %d tokens and used %d different ones during activation; a token lives an hour and must be reused", n, len(tokens))
	}
	return nil
}

func (w *world) tokenRefused() error {
	for _, e := range w.tokenRequests(w.activateFrom) {
		if e.Status == 401 {
			return nil
		}
	}
	return fmt.Errorf("authentication: Docplanner never refused a token request of this partner (%s)", w.evidence(w.activateFrom))
}

func (w *world) reportsNotConnected() error {
	var st partnerStatus
	if err := w.s.Driver.View(w.Ctx, "status", &st); err != nil {
		return err
	}
	if st.Connected {
		return fmt.Errorf("authentication: Docplanner refused the credentials, yet the partner reports the integration as connected (activate answered: %v)", errText(w.activateErr))
	}
	if strings.TrimSpace(st.LastError) == "" {
		return fmt.Errorf("authentication: the partner reports it is not connected but gives no reason (last_error is empty)")
	}
	if w.activateErr == nil {
		// The driver contract answers a refused sign-in with 502: whoever
		// started the activation learns that it failed from its answer.
		return fmt.Errorf("authentication: Docplanner refused the credentials, yet the partner answered the activation as done (its status says: %s)", st.LastError)
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return "success"
	}
	return err.Error()
}

func (w *world) expireTokens() error {
	w.changeMark = w.Mark()
	w.s.mock.ExpireTokens(w.clientID)
	return nil
}

// refusedExpired waits: a partner may send its update after answering the
// staff action.
func (w *world) refusedExpired() error {
	return w.Within(w.s.Budget, "authentication: the partner called Docplanner with its expired token and was refused", func() (bool, string) {
		for _, e := range w.calls(w.changeMark) {
			if e.Status == 401 && strings.Contains(string(e.ResponseBody), "expired") {
				return true, ""
			}
		}
		return false, w.evidence(w.changeMark)
	})
}

func (w *world) askedForNewToken() error {
	return w.Within(w.s.Budget, "authentication: after its token expired the partner asked for a new one", func() (bool, string) {
		for _, e := range w.tokenRequests(w.changeMark) {
			if e.OK() {
				return true, ""
			}
		}
		return false, w.evidence(w.changeMark)
	})
}

// noCallRefusedForToken: a token's lifetime is known (expires_in), so a
// partner renews it before it dies; waiting for the 401 fails a call of
// every hour.
func (w *world) noCallRefusedForToken() error {
	for _, e := range w.calls(w.activateTo) {
		if e.Status == http.StatusUnauthorized {
			return fmt.Errorf("authentication: Docplanner refused the partner's %s with 401 (%s): it used a token past its expires_in", e.Operation, strings.TrimSpace(string(e.ResponseBody)))
		}
	}
	return nil
}

// calledNothingElse: with its sign-in refused a partner has no token, so
// every further call could only be refused too.
func (w *world) calledNothingElse() error {
	// A call without a valid token names no tenant: on a mock of its own
	// the run's are all this partner's.
	anyone := w.s.Journal.Select(func(e journal.Entry) bool {
		return (e.Tenant == w.clientID || e.Tenant == "") && e.Direction == journal.Inbound && e.Seq > w.activateFrom
	})
	var ops []string
	for _, e := range anyone {
		if e.Operation != "getToken" {
			ops = append(ops, e.Operation)
		}
	}
	if len(ops) > 0 {
		return fmt.Errorf("authentication: Docplanner refused the partner's sign-in, yet it went on calling: %s", strings.Join(ops, ", "))
	}
	return nil
}
