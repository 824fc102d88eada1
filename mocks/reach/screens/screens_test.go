package screens_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/pagetest"
	reachmock "github.com/accord-harness/accord/mocks/reach"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	"github.com/accord-harness/accord/mocks/reach/screens"
)

const (
	email       = "customer@reach.example"
	password    = "correct horse"
	staticToken = "tok-static-customer-9431"
	oauthSecret = "client-s3cret-7781"
)

// site is Reach's screens beside the reference partner on one server, as `accord mock reach` serves
// them, everyone on one run clock.
type site struct {
	clock *clock.Run
	base  string
}

// theBooks are the fixture's three companies, parsed once: the reference partner never writes to
// them, and parsing is most of a site's cost under the race detector.
var theBooks = sync.OnceValues(reachfixture.LoadSet)

// siteOptions shape a site: partner (nil: the reference partner, with OAuth, committing faults, over
// the first companies of the books, or all of them).
type siteOptions struct {
	partner   http.Handler
	faults    []string
	companies int
}

func newSite(t *testing.T, o siteOptions) site {
	t.Helper()
	clk := clock.New()
	r, err := reachmock.New(reachmock.Options{Clock: clk, Virtual: true})
	require.NoError(t, err)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p := screens.Partner{Name: "Lantern Books", BaseURL: srv.URL + reachpartner.APIBase}
	partner := o.partner
	if partner == nil {
		ref, err := reachpartner.New(reachpartner.Options{Clock: clk, Faults: o.faults})
		require.NoError(t, err)
		oauth := reachpartner.OAuthClient{ClientID: "reach", ClientSecret: oauthSecret, RedirectURI: "https://app.reach.example/oauth/callback"}
		require.NoError(t, ref.Reset(reachpartner.Settings{AccessToken: staticToken, OAuth: &oauth}))
		books, err := theBooks()
		require.NoError(t, err)
		if o.companies > 0 {
			books = &reachfixture.Set{Companies: books.Companies[:o.companies]}
		}
		require.NoError(t, ref.Load(books))
		partner = ref
		p.OAuth = &reachmock.OAuthClient{ClientID: oauth.ClientID, ClientSecret: oauth.ClientSecret, RedirectURI: oauth.RedirectURI}
		p.Driver, err = driver.New(srv.URL, 5*time.Second)
		require.NoError(t, err)
	}
	mux.Handle("/", partner)
	s, err := screens.New(screens.Options{Reach: r, Partner: p, Email: email, Password: password})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	s.Mount(mux)
	return site{clock: clk, base: srv.URL}
}

// customer is one person's browser (internal/pagetest: cookies kept, redirects followed, every page
// held to the no-script CSP) with the form token of its session.
type customer struct {
	pagetest.Browser
	t     *testing.T
	token string
}

func (s site) customer(t *testing.T) *customer {
	t.Helper()
	return &customer{Browser: pagetest.New(t, s.base), t: t}
}

// answer is the page a request ended on.
type answer struct {
	code int
	body string
}

func (c *customer) get(path string) answer {
	code, body := c.Get(path)
	return answer{code, body}
}

func (c *customer) signIn() {
	c.t.Helper()
	_, home := c.Post("/reach/login", url.Values{"email": {email}, "password": {password}})
	c.token = pagetest.FormToken(home)
	require.NotEmpty(c.t, c.token, "signed in, the home page has forms: %s", home)
}

// post submits a form with the session's token unless the form names its own; header as
// pagetest's.
func (c *customer) post(path string, form url.Values, header ...string) answer {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["token"]; !ok {
		form.Set("token", c.token)
	}
	code, body := c.Post(path, form, header...)
	return answer{code, body}
}

var stateField = regexp.MustCompile(`name="state" value="([0-9a-f]+)"`)

// consentPage presses Connect and returns the consent page's state.
func (c *customer) consentPage() string {
	c.t.Helper()
	page := c.post("/reach/connect", url.Values{"how": {"oauth"}})
	require.Equal(c.t, http.StatusOK, page.code, page.body)
	require.Contains(c.t, page.body, "Connect Lantern Books to Reach")
	return stateField.FindStringSubmatch(page.body)[1]
}

// TestACustomerConnectsSyncsAndReadsTheDashboard walks the screens as a customer does: signs in,
// connects on the consent page, presses Sync now, reads the sync and its dashboard; then connects
// again with the partner's static token, and once more but denies.
func TestACustomerConnectsSyncsAndReadsTheDashboard(t *testing.T) {
	s := newSite(t, siteOptions{})
	c := s.customer(t)

	a := c.get("/reach/")
	assert.Contains(t, a.body, `name="password"`)
	a = c.post("/reach/login", url.Values{"email": {email}, "password": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, a.code)
	assert.Contains(t, a.body, "Unknown e-mail or wrong password")
	c.signIn()

	state := c.consentPage()
	a = c.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}})
	require.Contains(t, a.body, "<h1>Connection customer-1</h1>", "allowed, the customer lands on the connection")
	assert.Contains(t, a.body, "Connected Lantern Books")
	assert.Contains(t, a.body, "with OAuth")
	assert.Contains(t, a.body, "No sync yet")

	a = c.post("/reach/connections/customer-1/sync", nil)
	assert.Contains(t, a.body, "Sync 1 completed; companies read: 3.")
	assert.Contains(t, a.body, `<tr class="sync"><td><a href="/reach/connections/customer-1/syncs/1">1</a> on-demand`)
	assert.Contains(t, a.body, "Lantern Physiotherapy Pty Ltd")

	a = c.get("/reach/connections/customer-1/syncs/1")
	assert.Equal(t, http.StatusOK, a.code)
	assert.Contains(t, a.body, "Nothing.", "the reference partner's sync finds nothing wrong")
	a = c.get("/reach/connections/customer-1/syncs/1/dashboard")
	assert.Equal(t, http.StatusOK, a.code)
	assert.Contains(t, a.body, "<h1>Fernhill Veterinary Clinic Limited</h1>", "the mock's dashboard, one section a company")
	assert.Contains(t, a.body, "Profit and loss by month")
	assert.Equal(t, http.StatusNotFound, c.get("/reach/connections/customer-1/syncs/2/dashboard").code)

	a = c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}})
	assert.Contains(t, a.body, "Connected Lantern Books with your API token (…9431)")
	assert.NotContains(t, a.body, staticToken, "the token is masked")

	state = c.consentPage()
	a = c.post("/reach/consent", url.Values{"state": {state}, "allow": {"no"}})
	assert.Contains(t, a.body, "Not connected: you did not allow Reach")
	home := c.get("/reach/")
	assert.Equal(t, 2, strings.Count(home.body, `class="connection"`), "the denied consent connected nothing")
	for _, secret := range []string{staticToken, oauthSecret} {
		assert.NotContains(t, home.body, secret)
	}
}

// TestFormsNeedTheSessionsToken: a form posted without this session's token, or from another site's
// page (posting with the customer's cookie), changes nothing.
func TestFormsNeedTheSessionsToken(t *testing.T) {
	s := newSite(t, siteOptions{})
	c := s.customer(t)
	c.signIn()
	other := s.customer(t)
	other.signIn()
	c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}})
	state := c.consentPage()

	for _, tc := range []struct {
		name, token string
	}{
		{"no token", ""},
		{"another session's token", other.token},
		{"a made-up token", strings.Repeat("ab", 32)},
	} {
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{"/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}}},
			{"/reach/consent", url.Values{"state": {state}, "allow": {"yes"}}},
			{"/reach/connections/customer-1/sync", url.Values{}},
		} {
			t.Run(tc.name+" "+post.path, func(t *testing.T) {
				post.form.Set("token", tc.token)
				a := c.post(post.path, post.form)
				assert.Equal(t, http.StatusForbidden, a.code)
				assert.Contains(t, a.body, "the form's token is not this session's")
			})
		}
	}
	t.Run("another site's page", func(t *testing.T) {
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{"/reach/login", url.Values{"email": {email}, "password": {password}}},
			{"/reach/logout", url.Values{}},
			{"/reach/connect", url.Values{"token": {c.token}, "how": {"token"}, "access_token": {staticToken}}},
		} {
			a := c.post(post.path, post.form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
			assert.Equal(t, http.StatusForbidden, a.code, post.path)
		}
	})
	home := c.get("/reach/")
	assert.Equal(t, 1, strings.Count(home.body, `class="connection"`), "no refused form connected anything")
	assert.Contains(t, home.body, "<span class=\"muted\">none</span>", "no refused form started a sync")
	a := c.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}})
	assert.Contains(t, a.body, "Connected Lantern Books", "the consent page still waits for its own session's answer")
}

// TestSessionsAndConsentPagesExpire on Reach's clock. The cases share one site: each signs in
// afresh, so the time earlier cases let pass does not count against it.
func TestSessionsAndConsentPagesExpire(t *testing.T) {
	s := newSite(t, siteOptions{})
	for _, tc := range []struct {
		name string
		wait time.Duration
		// answer is the customer allowing on the consent page after the wait.
		answerCode int
		answerSays string
	}{
		{"consent page expired", screens.DefaultConsentTTL + time.Second, http.StatusOK, "this consent page expired"},
		{"session ended", screens.DefaultSessionTTL + time.Second, http.StatusForbidden, "your session has ended"},
		{"in time", screens.DefaultConsentTTL - time.Minute, http.StatusOK, "Connected Lantern Books"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := s.customer(t)
			c.signIn()
			state := c.consentPage()
			s.clock.Advance(tc.wait)
			a := c.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}})
			require.Equal(t, tc.answerCode, a.code, a.body)
			assert.Contains(t, a.body, tc.answerSays)
		})
	}
	t.Run("a signed-out page asks to sign in", func(t *testing.T) {
		c := s.customer(t)
		c.signIn()
		s.clock.Advance(screens.DefaultSessionTTL + time.Second)
		a := c.get("/reach/connections/customer-1")
		assert.Contains(t, a.body, `name="password"`)
	})
	t.Run("another session's consent page", func(t *testing.T) {
		c, other := s.customer(t), s.customer(t)
		c.signIn()
		other.signIn()
		state := c.consentPage()
		a := other.post("/reach/consent", url.Values{"state": {state}, "allow": {"yes"}})
		assert.Contains(t, a.body, "this consent page is unknown or was answered already")
	})
}

// hostile is a partner that puts markup in what it sends and echoes the customer's token back.
func hostile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/oauth2/user-info") {
			fmt.Fprint(w, `{"UserId":"u-1","Name":"Ann","Email":"ann@example.com","Companies":[{"CompanyId":"c-1","CompanyName":"<script>alert(1)</script>"}]}`)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"errors":[{"message":"<script>alert(2)</script> you sent %s"}]}`, r.Header.Get("Authorization"))
	})
}

// TestPartnerContentIsTextAndSecretsMasked: what a partner sent shows as text, and the token it
// echoed does not show at all.
func TestPartnerContentIsTextAndSecretsMasked(t *testing.T) {
	s := newSite(t, siteOptions{partner: hostile()})
	c := s.customer(t)
	c.signIn()
	c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}})
	a := c.post("/reach/connections/customer-1/sync", nil)
	assert.Contains(t, a.body, "sync 1 did not complete")
	for _, path := range []string{"/reach/", "/reach/connections/customer-1", "/reach/connections/customer-1/syncs/1"} {
		t.Run(path, func(t *testing.T) {
			page := c.get(path).body
			assert.NotContains(t, page, "<script>", "partner markup is escaped")
			assert.NotContains(t, page, staticToken, "the echoed token is scrubbed")
		})
	}
	home := c.get("/reach/").body
	assert.Contains(t, home, "&lt;script&gt;alert(1)&lt;/script&gt;", "the company name shows as text")
	assert.Contains(t, home, `<span class="bad">did not complete</span>, <a href="/reach/connections/customer-1/syncs/1">findings: `)
	sync := c.get("/reach/connections/customer-1/syncs/1").body
	assert.Contains(t, sync, "&lt;script&gt;alert(2)&lt;/script&gt;", "the partner's error shows as text")
	assert.Contains(t, sync, "[REDACTED]", "where the token was")
	assert.Contains(t, sync, `<tr class="finding"><td>problem</td>`)
	assert.Equal(t, http.StatusNotFound, c.get("/reach/connections/customer-1/syncs/1/dashboard").code,
		"Reach shows no figures from a sync that did not complete")
}

// TestASyncShowsWhatItFoundWrong: each kind of finding the mock records reaches the sync's page (a
// problem: TestPartnerContentIsTextAndSecretsMasked).
func TestASyncShowsWhatItFoundWrong(t *testing.T) {
	for _, tc := range []struct {
		fault    string
		findings []string
	}{
		{"pl-totals-off", []string{"<td>check</td><td>cmp-lantern</td><td>ACCRUAL P&amp;L"}},
		{"no-company-list", []string{"<td>violation</td><td>#1 getUserInfo (200)</td><td>Companies property &#34;Companies&#34; is missing (required)",
			"<td>ignored</td><td>#1 getUserInfo (200)</td><td>companies not in the specification"}},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			s := newSite(t, siteOptions{faults: []string{tc.fault}, companies: 1})
			c := s.customer(t)
			c.signIn()
			c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}})
			c.post("/reach/connections/customer-1/sync", nil)
			page := c.get("/reach/connections/customer-1/syncs/1").body
			for _, f := range tc.findings {
				assert.True(t, strings.Contains(page, `<tr class="finding">`+f), "the sync's page lists %s; it lists:\n%s", f, firstFindings(page))
			}
		})
	}
}

// firstFindings are the first rows of a sync's findings, to say what a page lists instead.
func firstFindings(page string) string {
	rows := regexp.MustCompile(`<tr class="finding">.*?</tr>`).FindAllString(page, 5)
	return strings.Join(rows, "\n")
}

// TestSyncNowKeepsToTheDailyLimit: the sync button works a few times a UTC day on Reach's clock.
func TestSyncNowKeepsToTheDailyLimit(t *testing.T) {
	s := newSite(t, siteOptions{partner: hostile()}) // its syncs end at once
	c := s.customer(t)
	c.signIn()
	c.post("/reach/connect", url.Values{"how": {"token"}, "access_token": {staticToken}})
	for i := 1; i <= reachmock.DefaultDailyOnDemand; i++ {
		a := c.post("/reach/connections/customer-1/sync", nil)
		require.Contains(t, a.body, fmt.Sprintf("sync %d did not complete", i))
	}
	a := c.post("/reach/connections/customer-1/sync", nil)
	assert.Contains(t, a.body, "the daily limit of on-demand syncs is reached")
	s.clock.Skip(24 * time.Hour) // the nightly sync's timer stays put: it would number a sync of its own
	c.signIn()                   // the day outlived the session
	a = c.post("/reach/connections/customer-1/sync", nil)
	assert.Contains(t, a.body, fmt.Sprintf("sync %d did not complete", reachmock.DefaultDailyOnDemand+1), "a new day, a new allowance")
}

// TestTheConnectFormSaysWhatIsMissing: an OAuth connection with a partner Reach has
// no OAuth client for, and a token left empty, say so.
func TestTheConnectFormSaysWhatIsMissing(t *testing.T) {
	s := newSite(t, siteOptions{partner: hostile()})
	c := s.customer(t)
	c.signIn()
	for _, tc := range []struct {
		form url.Values
		says string
	}{
		{url.Values{"how": {"oauth"}}, "Lantern Books hands out API tokens: Reach was issued no OAuth client for it"},
		{url.Values{"how": {"token"}, "access_token": {""}}, "paste the API token"},
	} {
		a := c.post("/reach/connect", tc.form)
		assert.Contains(t, a.body, tc.says)
	}
	assert.NotContains(t, c.get("/reach/").body, `class="connection"`)
}
