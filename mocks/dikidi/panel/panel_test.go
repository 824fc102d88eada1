package panel_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/pagetest"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
	"github.com/accord-harness/accord/mocks/dikidi/panel"
)

const ownerToken = "owner-secret-of-the-test"

// world is a mock with the bundled salon, its panel served over HTTP, and
// the run clock both go by.
type world struct {
	t       *testing.T
	mock    *dikidimock.Mock
	clock   *clock.Run
	fixture *dikidifixture.Fixture
	srv     *httptest.Server
}

func newWorld(t *testing.T, opts dikidimock.Options) *world {
	t.Helper()
	c := clock.New()
	opts.Clock, opts.OwnerToken = c, ownerToken
	m, err := dikidimock.New(opts)
	require.NoError(t, err)
	f, err := dikidifixture.Salon()
	require.NoError(t, err)
	f, err = f.WeekAfter(c.Now())
	require.NoError(t, err)
	require.NoError(t, m.AddCompany(f))
	srv := httptest.NewServer(panel.New(m, panel.Options{Clock: c, SessionTTL: time.Hour}))
	t.Cleanup(srv.Close)
	return &world{t: t, mock: m, clock: c, fixture: f, srv: srv}
}

func (w *world) company() int64 { return w.fixture.Company.ID }

// browser is a person's browser, with the panel's sign-in.
type browser struct{ pagetest.Browser }

func (w *world) browser() browser { return browser{pagetest.New(w.t, w.srv.URL)} }

// signIn signs the browser in as the salon's owner and returns the forms' token.
func (b browser) signIn(t *testing.T, company int64) string {
	t.Helper()
	code, page := b.Post("/panel/login", url.Values{"company_id": {strconv.FormatInt(company, 10)}, "owner_token": {ownerToken}})
	require.Equal(t, http.StatusOK, code, page)
	token := pagetest.FormToken(page)
	require.NotEmpty(t, token, "a signed-in page carries the forms' token: %s", page)
	return token
}

// pathServer is a partner's Path: it counts the events and answers status.
type pathServer struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	got    int
}

func newPath(t *testing.T, status int) *pathServer {
	t.Helper()
	p := &pathServer{status: status}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		p.got++
		st := p.status
		p.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *pathServer) received() int { p.mu.Lock(); defer p.mu.Unlock(); return p.got }

// activate is the partner activating a key through the partner API.
func (w *world) activate(token string) {
	w.t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/api/partner/key/activate?token="+token, nil)
	r.Header.Set("Authorization", w.fixture.PartnerKeys[0])
	rec := httptest.NewRecorder()
	w.mock.ServeHTTP(rec, r)
	require.Equal(w.t, http.StatusOK, rec.Code, rec.Body.String())
}

func (w *world) onlyKey() dikidimock.KeyView {
	w.t.Helper()
	keys, err := w.mock.Keys(w.company())
	require.NoError(w.t, err)
	require.Len(w.t, keys, 1)
	return keys[0]
}

// permissionsForm is the edit screen as DIKIDI's instructions want it
// (every group ticked), minus the fields named in untick.
func permissionsForm(token string, untick ...string) url.Values {
	f := url.Values{"token": {token}, "name": {"ProDoctorov"},
		"clients_view_on": {"on"}, "clients_view": {"all"}, "show_surnames": {"on"},
		"show_phones_on": {"on"}, "show_phones": {"everywhere"},
		"add_edit": {"on"}, "cancel": {"on"}, "occupy_time": {"on"},
		"schedule_edit_on": {"on"}, "schedule_edit": {"all"}}
	for _, u := range untick {
		f.Del(u)
	}
	return f
}

// TestTheKeyWalkOfTheDocument follows DIKIDI's instructions in the panel:
// add an access, see it awaiting activation, copy the key, have the partner
// activate it, pause it by unticking the record permissions, resume, delete.
func TestTheKeyWalkOfTheDocument(t *testing.T) {
	w := newWorld(t, dikidimock.Options{})
	path := newPath(t, http.StatusOK)
	b := w.browser()

	code, page := b.Get("/panel/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `name="owner_token"`)
	code, page = b.Post("/panel/login", url.Values{"company_id": {strconv.FormatInt(w.company(), 10)}, "owner_token": {"guess"}})
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, page, "Unknown company or wrong owner token")
	code, _ = b.Post("/panel/login", url.Values{"company_id": {"1"}, "owner_token": {ownerToken}})
	assert.Equal(t, http.StatusUnauthorized, code, "the token opens only a company the mock holds")

	token := b.signIn(t, w.company())
	_, page = b.Get("/panel/settings/integration")
	assert.Contains(t, page, "You have no API accesses yet")

	_, page = b.Post("/panel/settings/integration/keys", url.Values{"token": {token}, "name": {"ProDoctorov"}, "access_type": {"administrator"},
		"partner_key": {w.fixture.PartnerKeys[0]}, "path": {path.URL + "/events"}, "email": {"it@partner.test"}})
	assert.Contains(t, page, `Access &#34;ProDoctorov&#34; added`)
	k := w.onlyKey()
	assert.Equal(t, dikidimock.StateAwaiting, k.State)
	assert.Equal(t, dikidimock.Preset(dikidimock.AccessAdministrator), k.Permissions, "the access type's preset")
	assert.Contains(t, page, "Awaiting activation of the key")
	assert.NotContains(t, page, k.Token, "the list shows the key masked")
	assert.Contains(t, page, "••••"+k.Token[len(k.Token)-4:])

	_, page = b.Get("/panel/settings/integration/keys/" + strconv.FormatInt(k.ID, 10) + "/copy")
	assert.Contains(t, page, `readonly value="`+k.Token+`"`, "copying shows the whole key in a read-only field")

	w.activate(k.Token)
	_, page = b.Get("/panel/settings/integration")
	assert.Contains(t, page, `<span class="state active">Active</span>`)

	edit := "/panel/settings/integration/keys/" + strconv.FormatInt(k.ID, 10)
	_, page = b.Get(edit)
	for _, box := range []string{"clients_view_on", "show_surnames", "show_phones_on", "add_edit", "cancel", "occupy_time", "schedule_edit_on"} {
		assert.Regexp(t, `name="`+box+`" value="on" checked`, page, "the administrator's preset ticks %s", box)
	}
	_, page = b.Post(edit, permissionsForm(token, "add_edit", "cancel", "occupy_time"))
	assert.Contains(t, page, "saved: Paused: no record permission")
	assert.Equal(t, dikidimock.StatePaused, w.onlyKey().State)
	_, page = b.Post(edit, permissionsForm(token, "clients_view_on", "show_phones_on"))
	assert.Contains(t, page, "saved: Active")
	k = w.onlyKey()
	assert.Equal(t, dikidimock.ScopeNone, k.Permissions.Clients.View)
	assert.Equal(t, dikidimock.PhonesNone, k.Permissions.Clients.ShowPhones)

	_, page = b.Post(edit, permissionsForm(token, "name"))
	assert.Contains(t, page, "must not be empty", "the mock's own refusal is said on the page")
	_, page = b.Post(edit, func() url.Values { f := permissionsForm(token); f.Set("clients_view", "own"); return f }())
	assert.Contains(t, page, "employee_id", "an own scope needs an employee, as the owner API says")

	require.Eventually(t, func() bool {
		ds, err := w.mock.Deliveries(w.company(), k.ID)
		return err == nil && len(ds) == 3 && ds[2].Status == dikidimock.DeliveryDelivered
	}, 5*time.Second, 10*time.Millisecond, "activated, paused, resumed")
	_, page = b.Get("/panel/events")
	assert.Equal(t, 3, strings.Count(page, `<tr class="delivery">`))
	assert.Equal(t, 3, strings.Count(page, "<td>key.state_changed</td>"))
	assert.Contains(t, page, `<td class="status">delivered`)
	assert.Equal(t, 3, path.received())

	_, page = b.Post(edit+"/delete", url.Values{"token": {token}})
	assert.Contains(t, page, "deleted: the integration has ended")
	assert.Equal(t, dikidimock.StateDeleted, w.onlyKey().State)
	assert.Contains(t, page, `<span class="state deleted">Deleted</span>`)
	assert.NotContains(t, page, "/copy", "a deleted key is not offered to copy")

	b.Post("/panel/logout", url.Values{"token": {token}})
	_, page = b.Get("/panel/settings/integration")
	assert.Contains(t, page, `name="owner_token"`, "signed out, the panel asks to sign in")
}

// TestFormsRefuseOtherSites: a form reaches the mock only with this
// session's token, from the panel's own pages.
func TestFormsRefuseOtherSites(t *testing.T) {
	w := newWorld(t, dikidimock.Options{})
	b := w.browser()
	token := b.signIn(t, w.company())
	otherToken := w.browser().signIn(t, w.company()) // the same company, signed in elsewhere
	require.NotEqual(t, token, otherToken)

	add := url.Values{"name": {"Sneaky"}, "access_type": {"administrator"}}
	with := func(tok string) url.Values {
		f := url.Values{}
		for k, v := range add {
			f[k] = v
		}
		if tok != "" {
			f.Set("token", tok)
		}
		return f
	}
	cases := []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no token", with(""), nil},
		{"a wrong token", with("00ff"), nil},
		{"another session's token", with(otherToken), nil},
		{"a page of another site, even with the token", with(token), []string{"Sec-Fetch-Site", "cross-site"}},
		{"an Origin of another site", with(token), []string{"Origin", "https://evil.example"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _ := b.Post("/panel/settings/integration/keys", tc.form, tc.header...)
			assert.Equal(t, http.StatusForbidden, code)
			keys, err := w.mock.Keys(w.company())
			require.NoError(t, err)
			assert.Empty(t, keys, "nothing was added")
		})
	}
	_, page := b.Post("/panel/settings/integration/keys", with(token))
	assert.Contains(t, page, "added", "the session's own form works")
}

// TestSessionsEndOnTheClock: a sign-in lasts the TTL on the injected clock.
func TestSessionsEndOnTheClock(t *testing.T) {
	cases := []struct {
		name   string
		after  time.Duration
		signed bool
	}{
		{"just signed in", 0, true},
		{"a minute before the end", time.Hour - time.Minute, true},
		{"at the end", time.Hour, false},
		{"a day later", 24 * time.Hour, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, dikidimock.Options{})
			b := w.browser()
			token := b.signIn(t, w.company())
			w.clock.Skip(tc.after)
			_, page := b.Get("/panel/settings/integration")
			_, _ = b.Post("/panel/settings/integration/keys", url.Values{"token": {token}, "name": {"Late"}, "access_type": {"administrator"}})
			keys, err := w.mock.Keys(w.company())
			require.NoError(t, err)
			if tc.signed {
				assert.Contains(t, page, "Integration · API access")
				assert.Len(t, keys, 1)
				return
			}
			assert.Contains(t, page, "Your session has expired: sign in again.")
			assert.Contains(t, page, `name="owner_token"`)
			assert.Empty(t, keys, "an expired session's form does nothing")
		})
	}
}

// TestHostileContentIsShownAsText: what a partner, a client or the staff
// typed is shown, never run.
func TestHostileContentIsShownAsText(t *testing.T) {
	const evil = `<script>alert(1)</script>`
	w := newWorld(t, dikidimock.Options{RetryDelays: []time.Duration{time.Minute}, EmailAfter: 1})
	path := newPath(t, http.StatusInternalServerError)
	k, err := w.mock.CreateKey(w.company(), dikidimock.KeySpec{Name: evil, AccessType: dikidimock.AccessAdministrator,
		Path: ptr(path.URL + "/?x=" + url.QueryEscape(evil)), Email: ptr("it@partner.test")})
	require.NoError(t, err)
	w.activate(k.Token)
	day, err := w.fixture.Day(1)
	require.NoError(t, err)
	free, err := w.mock.FreeTimes(w.company(), []int64{301}, 201, day)
	require.NoError(t, err)
	require.NotEmpty(t, free)
	_, err = w.mock.Book(w.company(), dikidimock.Booking{MasterID: 201, ServiceIDs: []int64{301}, Start: free[0],
		Client: dikidimock.Client{Name: evil, Surname: evil, Phone: "+79160000000"}, Comment: evil})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		out, err := w.mock.Outbox(w.company())
		return err == nil && len(out) == 1
	}, 5*time.Second, 10*time.Millisecond, "the failing Path brings the e-mail")

	b := w.browser()
	b.signIn(t, w.company())
	for _, page := range []string{
		"/panel/settings/integration",
		"/panel/settings/integration/keys/" + strconv.FormatInt(k.ID, 10),
		"/panel/settings/integration/keys/" + strconv.FormatInt(k.ID, 10) + "/copy",
		"/panel/records?week=" + w.fixture.WeekStart,
		"/panel/events",
		"/panel/emails",
	} {
		t.Run(page, func(t *testing.T) {
			code, body := b.Get(page)
			require.Equal(t, http.StatusOK, code)
			assert.NotContains(t, body, "<script>", "nothing typed becomes markup")
			assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;", "it is shown, as text")
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestSecretsAreMasked: no page but the copy page shows a key; none shows a
// partner key, the owner token or a secret in a Path's query, wherever they
// travel (the Path, an event, an e-mail).
func TestSecretsAreMasked(t *testing.T) {
	const pathSecret = "path-secret-4711"
	w := newWorld(t, dikidimock.Options{RetryDelays: []time.Duration{time.Minute}, EmailAfter: 1})
	path := newPath(t, http.StatusBadGateway)
	pk := w.fixture.PartnerKeys[0]
	k, err := w.mock.CreateKey(w.company(), dikidimock.KeySpec{Name: "Partner", AccessType: dikidimock.AccessAdministrator, PartnerKey: &pk,
		Path: ptr(path.URL + "/hook?token=" + pathSecret), Email: ptr("it@partner.test")})
	require.NoError(t, err)
	w.activate(k.Token)
	require.Eventually(t, func() bool {
		out, err := w.mock.Outbox(w.company())
		return err == nil && len(out) == 1
	}, 5*time.Second, 10*time.Millisecond)

	b := w.browser()
	token := b.signIn(t, w.company())
	edit := "/panel/settings/integration/keys/" + strconv.FormatInt(k.ID, 10)
	_, page := b.Get(edit)
	shown := regexp.MustCompile(`name="path" type="url" value="([^"]*)"`).FindStringSubmatch(page)
	require.NotNil(t, shown)
	form := permissionsForm(token)
	form.Set("path", html.UnescapeString(shown[1]))
	_, page = b.Post(edit, form)
	assert.Contains(t, page, "saved")
	saved, err := w.mock.Key(w.company(), k.ID)
	require.NoError(t, err)
	assert.Equal(t, k.Path, saved.Path, "the masked Path saved unchanged keeps the real one")

	cases := []struct {
		page     string
		showsKey bool
	}{
		{"/panel/", false},
		{"/panel/settings/integration", false},
		{edit, false},
		{"/panel/events", false},
		{"/panel/emails", false},
		{edit + "/copy", true},
	}
	for _, tc := range cases {
		t.Run(tc.page, func(t *testing.T) {
			code, body := b.Get(tc.page)
			require.Equal(t, http.StatusOK, code)
			assert.NotContains(t, body, pk, "the partner key")
			assert.NotContains(t, body, ownerToken, "the owner token")
			assert.NotContains(t, body, pathSecret, "the partner's secret in its Path, in the Path, the events and the e-mail that quotes it")
			if tc.showsKey {
				assert.Contains(t, body, k.Token)
			} else {
				assert.NotContains(t, body, k.Token)
			}
		})
	}
}

// TestTheCompanysDataIsShown: the records, the working hours and a bad
// week in the address.
func TestTheCompanysDataIsShown(t *testing.T) {
	w := newWorld(t, dikidimock.Options{})
	b := w.browser()
	b.signIn(t, w.company())
	monday, err := w.fixture.Day(1)
	require.NoError(t, err)
	records, err := w.mock.Records(w.company(), monday, monday.AddDate(0, 0, 7))
	require.NoError(t, err)
	require.NotEmpty(t, records)

	cases := []struct {
		page     string
		status   int
		contains []string
		rows     int
	}{
		{"/panel/records?week=" + w.fixture.WeekStart, http.StatusOK, []string{"Irina Volkova", "Anna Smirnova", "Women&#39;s haircut", "online booking"}, len(records)},
		{"/panel/records?week=" + monday.AddDate(0, 0, 3).Format(time.DateOnly), http.StatusOK, []string{"week of " + w.fixture.WeekStart}, len(records)},
		{"/panel/records?week=" + monday.AddDate(0, 0, -7).Format(time.DateOnly), http.StatusOK, []string{"no records this week"}, 0},
		{"/panel/schedule?week=" + w.fixture.WeekStart, http.StatusOK, []string{"Olga Kim", "day off", "break "}, 0},
		{"/panel/records?week=tuesday", http.StatusBadRequest, []string{"week &#34;tuesday&#34; is not a date"}, 0},
		{"/panel/schedule?week=2026-13-01", http.StatusBadRequest, []string{"is not a date"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.page, func(t *testing.T) {
			code, body := b.Get(tc.page)
			assert.Equal(t, tc.status, code)
			for _, s := range tc.contains {
				assert.Contains(t, body, s)
			}
			assert.Equal(t, tc.rows, strings.Count(body, `<tr class="record">`))
		})
	}
}

// TestTheAddFormSaysWhatTheMockRefuses: the form is judged by the mock's own
// rules (CreateKey) and, refused, comes back filled in with the reason.
func TestTheAddFormSaysWhatTheMockRefuses(t *testing.T) {
	cases := []struct {
		name   string
		form   url.Values
		status int
		says   string
		added  func(t *testing.T, k dikidimock.KeyView)
	}{
		{"no name", url.Values{"access_type": {"administrator"}, "path": {"https://p.example/e"}}, http.StatusUnprocessableEntity, "name is required", nil},
		{"an unknown access type", url.Values{"name": {"X"}, "access_type": {"owner"}}, http.StatusUnprocessableEntity, "access_type must be administrator, employee_editor or employee", nil},
		{"a Path that is no http(s) URL", url.Values{"name": {"X"}, "access_type": {"administrator"}, "path": {"ftp://p.example/e"}}, http.StatusUnprocessableEntity, "must be an absolute http(s) URL", nil},
		{"an employee access without the employee", url.Values{"name": {"X"}, "access_type": {"employee_editor"}}, http.StatusUnprocessableEntity, "employee_id", nil},
		{"an employee access with its employee", url.Values{"name": {"Olga's app"}, "access_type": {"employee_editor"}, "employee_id": {"202"}}, http.StatusOK, "added", func(t *testing.T, k dikidimock.KeyView) {
			assert.Equal(t, int64(202), k.EmployeeID)
			assert.Equal(t, dikidimock.Preset(dikidimock.AccessEmployeeEditor), k.Permissions)
			assert.Empty(t, k.Path, "no Path: no events")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, dikidimock.Options{})
			b := w.browser()
			tc.form.Set("token", b.signIn(t, w.company()))
			code, page := b.Post("/panel/settings/integration/keys", tc.form)
			assert.Equal(t, tc.status, code)
			assert.Contains(t, page, tc.says)
			keys, err := w.mock.Keys(w.company())
			require.NoError(t, err)
			if tc.added == nil {
				assert.Empty(t, keys)
				assert.Contains(t, page, `value="`+tc.form.Get("path")+`"`, "the form comes back as it was typed")
				return
			}
			require.Len(t, keys, 1)
			tc.added(t, keys[0])
		})
	}
}
