package docplanner_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// The platform's media types, as httpexpect must be told.
var (
	okJSON    = httpexpect.ContentOpts{MediaType: "application/vnd.docplanner+json"}
	errorJSON = httpexpect.ContentOpts{MediaType: "application/vnd.error+docplanner+json"}
)

type env struct {
	mock  *docplannermock.Mock
	clock *clock.Run
	e     *httpexpect.Expect
	srv   *httptest.Server
}

func newEnv(t *testing.T, opts docplannermock.Options) *env {
	t.Helper()
	clk := clock.New()
	opts.Clock = clk
	m, err := docplannermock.New(opts)
	require.NoError(t, err)
	f, err := docplannerfixture.Clinic()
	require.NoError(t, err)
	m.AddTenant("alpha", "alpha-secret", f)
	m.AddTenant("beta", "beta-secret", f)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return &env{mock: m, clock: clk, srv: srv, e: httpexpect.Default(t, srv.URL)}
}

func (v *env) token(client, secret string) string {
	return v.e.POST("/oauth/v2/token").WithBasicAuth(client, secret).
		WithFormField("grant_type", "client_credentials").WithFormField("scope", "integration").
		Expect().Status(http.StatusOK).JSON().Object().Value("access_token").String().Raw()
}

func (v *env) as(tok string) *httpexpect.Expect {
	return v.e.Builder(func(r *httpexpect.Request) { r.WithHeader("Authorization", "Bearer "+tok) })
}

// noViolations asserts every answer the mock gave was valid against its own document.
func noViolations(t *testing.T, m *docplannermock.Mock) {
	t.Helper()
	for _, e := range m.Journal().Select(func(e journal.Entry) bool { return len(e.ResponseViolations) > 0 }) {
		t.Errorf("the mock's answer to %s %s broke its document: %+v", e.Method, e.URL, e.ResponseViolations)
	}
}

func TestTokenEndpoint(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	v.e.POST("/oauth/v2/token").WithBasicAuth("alpha", "wrong").WithFormField("grant_type", "client_credentials").
		Expect().Status(401).JSON().Object().HasValue("error", "invalid_client")
	v.e.POST("/oauth/v2/token").WithBasicAuth("alpha", "alpha-secret").WithFormField("grant_type", "password").
		Expect().Status(400).JSON().Object().HasValue("error", "unsupported_grant_type")
	v.e.POST("/oauth/v2/token").WithMultipart().WithFormField("grant_type", "client_credentials").
		WithFormField("client_id", "alpha").WithFormField("client_secret", "alpha-secret").WithFormField("scope", "integration").
		Expect().Status(200).JSON().Object().HasValue("expires_in", 3600).HasValue("token_type", "bearer")
	noViolations(t, v.mock)
}

func TestBadRequestsGetClearErrors(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	tok := v.token("alpha", "alpha-secret")
	api := v.as(tok)

	v.e.GET("/api/v3/integration/facilities").Expect().Status(401).
		HasContentType("application/vnd.error+docplanner+json").JSON(errorJSON).Object().Value("message").String().Contains("Missing bearer token")
	v.e.GET("/api/v3/integration/facilities").WithHeader("Authorization", "Bearer nope").Expect().Status(401)

	obj := api.PUT(addr+"/slots").WithHeader("Content-Type", "application/json").WithBytes([]byte(`{"slots": [`)).
		Expect().Status(400).JSON(errorJSON).Object()
	obj.Value("message").String().Contains("request does not match the API document")

	obj = api.PUT(addr + "/slots").WithJSON(map[string]any{"slots": []map[string]any{{"start": "2026-12-01T09:00:00", "end": "2026-12-01T10:00:00+01:00"}}}).
		Expect().Status(400).JSON(errorJSON).Object()
	obj.Value("errors").Object().ContainsKey("slots[0].start")
	obj.Value("message").String().Contains(`got "2026-12-01T09:00:00"`)

	api.GET(addr+"/slots").WithQuery("start", "2026-12-01T00:00:00+01:00").Expect().Status(400).
		JSON(errorJSON).Object().Value("errors").Object().ContainsKey("end")

	api.GET("/api/v3/integration/nowhere").Expect().Status(404).JSON(errorJSON).Object().ContainsKey("message")
	api.DELETE("/api/v3/integration/facilities").Expect().Status(405)
	api.GET("/api/v3/integration/facilities/999").Expect().Status(404)

	big := strings.Repeat("x", 2<<20)
	api.PUT(addr+"/slots").WithHeader("Content-Type", "application/json").WithBytes([]byte(`{"slots":"` + big + `"}`)).
		Expect().Status(413)

	api.POST(addr + "/calendar/enable").Expect().Status(200)
	api.POST(addr+"/calendar/enable").Expect().Status(409).JSON(errorJSON).Object().HasValue("message", "Calendar already enabled")
	api.GET(addr+"/slots").WithQuery("start", "2026-12-01T00:00:00+01:00").WithQuery("end", "2027-12-01T00:00:00+01:00").
		Expect().Status(400).JSON(errorJSON).Object().HasValue("message", "Date range must not exceed 180 days")
	noViolations(t, v.mock)
}

func TestExpiredTokenIsRefused(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	tok := v.token("alpha", "alpha-secret")
	v.as(tok).GET("/api/v3/integration/facilities").Expect().Status(200)
	v.clock.Advance(time.Hour)
	v.as(tok).GET("/api/v3/integration/facilities").Expect().Status(401).
		JSON(errorJSON).Object().Value("message").String().Contains("expired")
}

func TestRateLimitOnWrites(t *testing.T) {
	v := newEnv(t, docplannermock.Options{WritesPerMinute: 3})
	api := v.as(v.token("alpha", "alpha-secret"))
	for i := range 3 {
		api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "pull"}).
			Expect().Status(204).Header("X-RateLimit-Remaining").IsEqual([]string{"2", "1", "0"}[i])
	}
	r := api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "pull"}).Expect().Status(429)
	r.Header("Retry-After").NotEmpty()
	r.Header("X-RateLimit-Reset").NotEmpty()
	v.clock.Advance(time.Minute)
	api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "pull"}).Expect().Status(204)
	noViolations(t, v.mock)
}

func TestTenantsAreIsolated(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	alpha := v.as(v.token("alpha", "alpha-secret"))
	beta := v.as(v.token("beta", "beta-secret"))
	alpha.POST(addr + "/services").WithJSON(map[string]any{"service_id": "11"}).Expect().Status(201)
	alpha.GET(addr + "/services").Expect().Status(200).JSON(okJSON).Object().Value("_items").Array().Length().IsEqual(1)
	beta.GET(addr + "/services").Expect().Status(200).JSON(okJSON).Object().Value("_items").Array().IsEmpty()
}

func TestPullQueueIsFIFOAndExpires(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	api, _ := v.feed(t)
	start := v.slotStart(t)
	_, err := v.mock.DoctorAddsBreak("alpha", "3001", start, start.Add(30*time.Minute))
	require.NoError(t, err)
	_, err = v.mock.PatientBooks("alpha", "3001", start.Add(time.Hour), docplannermock.Patient{Name: "A", Phone: "+48111"})
	require.NoError(t, err)

	api.GET("/api/v3/integration/notifications").Expect().Status(200).JSON(okJSON).Object().HasValue("name", "break-created")
	batch := api.GET("/api/v3/integration/notifications/multiple").WithQuery("limit", 100).Expect().Status(200).JSON(okJSON).Object()
	batch.HasValue("remaining", 0)
	batch.Value("notifications").Array().Value(0).Object().HasValue("name", "slot-booked")
	api.GET("/api/v3/integration/notifications").Expect().Status(404)

	_, err = v.mock.DoctorAddsBreak("alpha", "3001", start.Add(2*time.Hour), start.Add(3*time.Hour))
	require.NoError(t, err)
	v.clock.Advance(73 * time.Hour)
	api = v.as(v.token("alpha", "alpha-secret")) // the old token died long ago
	api.GET("/api/v3/integration/notifications").Expect().Status(404)
	noViolations(t, v.mock)
}

// TestAnExpiredPullNotificationNeverReachesTheQueue: the notification a
// scenario lets expire is missing from the queue, and only that one.
func TestAnExpiredPullNotificationNeverReachesTheQueue(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	api, _ := v.feed(t)
	start := v.slotStart(t)
	require.NoError(t, v.mock.ExpireNextPulls("alpha", 1))
	_, err := v.mock.DoctorAddsBreak("alpha", "3001", start, start.Add(30*time.Minute))
	require.NoError(t, err)
	_, err = v.mock.PatientBooks("alpha", "3001", start.Add(time.Hour), docplannermock.Patient{Name: "A", Phone: "+48111"})
	require.NoError(t, err)

	batch := api.GET("/api/v3/integration/notifications/multiple").WithQuery("limit", 100).Expect().Status(200).JSON(okJSON).Object()
	batch.HasValue("remaining", 0)
	batch.Value("notifications").Array().Length().IsEqual(1)
	batch.Value("notifications").Array().Value(0).Object().HasValue("name", "slot-booked")
	noViolations(t, v.mock)
}

// TestPushToHangingPartnerIsBounded: a receiver that never answers costs one
// timeout per attempt, then the retries, then burial; nothing hangs.
func TestPushToHangingPartnerIsBounded(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	v := newEnv(t, docplannermock.Options{PushTimeout: 200 * time.Millisecond})
	api, _ := v.feed(t)
	api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "push", "url": hang.URL}).Expect().Status(204)

	start := v.slotStart(t)
	began := time.Now()
	_, err := v.mock.PatientBooks("alpha", "3001", start, docplannermock.Patient{Name: "A", Phone: "+48111"})
	require.NoError(t, err, "an asynchronous notification never blocks the patient")
	v.clock.Advance(5 * time.Minute)
	v.clock.Advance(10 * time.Minute)
	assert.Less(t, time.Since(began), 5*time.Second)
	n, err := v.mock.Buried("alpha")
	require.NoError(t, err)
	assert.Equal(t, 1, n, "after three failed attempts the notification is buried")
	pushes := v.mock.Journal().Select(func(e journal.Entry) bool { return e.Direction == journal.Outbound })
	require.Len(t, pushes, 3)
	for _, p := range pushes {
		assert.NotEmpty(t, p.Error)
		assert.Empty(t, p.RequestViolations, "the mock's own notification must match its document")
	}
}

// feed enables the calendar at 3001 and feeds tomorrow 08:00-12:00.
func (v *env) feed(t *testing.T) (*httpexpect.Expect, string) {
	t.Helper()
	tok := v.token("alpha", "alpha-secret")
	api := v.as(tok)
	api.POST(addr + "/calendar/enable").Expect().Status(200)
	id := api.POST(addr + "/services").WithJSON(map[string]any{"service_id": "11", "default_duration": 30}).
		Expect().Status(201).JSON(okJSON).Object().Value("id").String().Raw()
	start := v.slotStart(t)
	api.PUT(addr + "/slots").WithJSON(map[string]any{"slots": []map[string]any{{
		"start": start.Format(time.RFC3339), "end": start.Add(4 * time.Hour).Format(time.RFC3339),
		"address_services": []map[string]any{{"address_service_id": id, "duration": 30}},
	}}}).Expect().Status(201)
	return api, tok
}

func (v *env) slotStart(t *testing.T) time.Time {
	t.Helper()
	f, err := docplannerfixture.Clinic()
	require.NoError(t, err)
	now := v.clock.Now().In(f.Location())
	return time.Date(now.Year(), now.Month(), now.Day()+1, 8, 0, 0, 0, f.Location())
}

// TestARetiredTenantDeliversNothing: a retry its scenario left pending must
// not reach the partner once the scenario is over.
func TestARetiredTenantDeliversNothing(t *testing.T) {
	var got atomic.Int32
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusInternalServerError) // so the mock retries
	}))
	defer partner.Close()
	v := newEnv(t, docplannermock.Options{})
	api, _ := v.feed(t)
	api.PUT("/api/v3/integration/notifications/settings").WithJSON(map[string]any{"model": "push", "url": partner.URL}).Expect().Status(204)
	_, err := v.mock.PatientBooks("alpha", "3001", v.slotStart(t), docplannermock.Patient{Name: "A", Phone: "+48111"})
	require.NoError(t, err)
	require.EqualValues(t, 1, got.Load(), "the first delivery")
	require.NoError(t, v.mock.Retire("alpha"))
	v.clock.Advance(time.Hour)
	assert.EqualValues(t, 1, got.Load(), "no retry after the scenario ended")
}
