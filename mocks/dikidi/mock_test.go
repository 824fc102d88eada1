package dikidi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/monitor/smtptest"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

const (
	companyID  = 48213
	partnerKey = "pk-accord-reference-partner-01"
	api        = "/api/partner"
)

// pathServer is a partner's Path: it records events and answers status.
type pathServer struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	events []receivedEvent
}

type receivedEvent struct {
	Header http.Header
	Body   map[string]any
	Raw    string
}

func newPath(t *testing.T) *pathServer {
	t.Helper()
	p := &pathServer{status: http.StatusOK}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var raw strings.Builder
		var body map[string]any
		buf := make([]byte, 1<<16)
		n, _ := r.Body.Read(buf)
		raw.Write(buf[:n])
		_ = json.Unmarshal(buf[:n], &body)
		p.mu.Lock()
		p.events = append(p.events, receivedEvent{Header: r.Header.Clone(), Body: body, Raw: raw.String()})
		st := p.status
		p.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *pathServer) answer(status int) { p.mu.Lock(); p.status = status; p.mu.Unlock() }

func (p *pathServer) received() []receivedEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]receivedEvent(nil), p.events...)
}

func (p *pathServer) names() []string {
	var out []string
	for _, e := range p.received() {
		out = append(out, e.Body["event"].(string))
	}
	return out
}

type env struct {
	mock   *dikidimock.Mock
	clock  *clock.Run
	e      *httpexpect.Expect
	fx     *dikidifixture.Fixture
	smtp   *smtptest.Server
	path   *pathServer
	monday time.Time
	url    string // where the mock listens
}

func newEnv(t *testing.T) *env {
	t.Helper()
	relay, err := smtptest.Start(smtptest.Options{})
	require.NoError(t, err)
	t.Cleanup(relay.Stop)
	clk := clock.New()
	m, err := dikidimock.New(dikidimock.Options{Clock: clk, OwnerToken: "owner-secret", Mailer: &alert.SMTP{Addr: relay.Addr(), From: "DIKIDI <noreply@dikidi.test>", Timeout: 5 * time.Second}})
	require.NoError(t, err)
	base, err := dikidifixture.Salon()
	require.NoError(t, err)
	fx, err := base.WeekAfter(clk.Now())
	require.NoError(t, err)
	require.NoError(t, m.AddCompany(fx))
	monday, err := fx.Monday()
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return &env{mock: m, clock: clk, e: httpexpect.Default(t, srv.URL), fx: fx, smtp: relay, path: newPath(t), monday: monday, url: srv.URL}
}

// at is a local time on a weekday (1 Monday) of the fixture's week.
func (v *env) at(weekday int, hhmm string) time.Time {
	d := v.monday.AddDate(0, 0, weekday-1)
	t, _ := time.ParseInLocation("2006-01-02 15:04", d.Format("2006-01-02")+" "+hhmm, d.Location())
	return t
}

func (v *env) rfc(weekday int, hhmm string) string { return v.at(weekday, hhmm).Format(time.RFC3339) }

func (v *env) key(t *testing.T, spec dikidimock.KeySpec) dikidimock.KeyView {
	t.Helper()
	if spec.Name == "" {
		spec.Name = "ProDoctorov"
	}
	if spec.AccessType == "" {
		spec.AccessType = dikidimock.AccessAdministrator
	}
	if spec.Path == nil {
		u := v.path.URL + "/events"
		spec.Path = &u
	}
	k, err := v.mock.CreateKey(companyID, spec)
	require.NoError(t, err)
	return k
}

func (v *env) as(token string) *httpexpect.Expect {
	return v.e.Builder(func(r *httpexpect.Request) { r.WithQuery("token", token) })
}

func (v *env) activate(t *testing.T, k dikidimock.KeyView) {
	t.Helper()
	v.as(k.Token).POST(api+"/key/activate").WithHeader("Authorization", partnerKey).Expect().Status(http.StatusOK)
}

// activated is a new key, activated, once its activation's event reached the Path.
func (v *env) activated(t *testing.T, spec dikidimock.KeySpec) dikidimock.KeyView {
	t.Helper()
	k := v.key(t, spec)
	v.activate(t, k)
	v.waitEvents(t, 1)
	return k
}

func (v *env) owner() *httpexpect.Expect {
	return v.e.Builder(func(r *httpexpect.Request) { r.WithHeader("X-Accord-Owner-Token", "owner-secret") })
}

// waitEvents waits (briefly, in real time) until the Path has n events: first
// attempts go out from a worker.
func (v *env) waitEvents(t *testing.T, n int) []receivedEvent {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if got := v.path.received(); len(got) >= n {
			return got
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("the Path got %d events, want %d: %v", len(v.path.received()), n, v.path.names())
	return nil
}

// settle waits until no delivery of the key is mid-flight on its first attempt.
func (v *env) settle(t *testing.T, keyID int64) []dikidimock.DeliveryView {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ds, err := v.mock.Deliveries(companyID, keyID)
		require.NoError(t, err)
		busy := false
		for _, d := range ds {
			busy = busy || (d.Status == dikidimock.DeliveryPending && len(d.Attempts) == 0)
		}
		if !busy {
			return ds
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("deliveries did not settle")
	return nil
}

// noViolations asserts every answer and event of the mock obeyed its own document.
func noViolations(t *testing.T, m *dikidimock.Mock) {
	t.Helper()
	for _, e := range m.Journal().Select(nil) {
		vs := e.ResponseViolations
		if e.Direction == journal.Outbound {
			vs = e.RequestViolations
		}
		if len(vs) > 0 {
			t.Errorf("the mock's %s %s (%s) broke its document: %+v", e.Method, e.URL, e.Operation, vs)
		}
	}
}

func TestKeyChecksInOrder(t *testing.T) {
	v := newEnv(t)
	fresh := v.key(t, dikidimock.KeySpec{})
	other := "pk-someone-else"
	pinned := v.key(t, dikidimock.KeySpec{PartnerKey: &other})
	active := v.key(t, dikidimock.KeySpec{})
	v.activate(t, active)
	gone := v.key(t, dikidimock.KeySpec{})
	v.activate(t, gone)
	_, err := v.mock.DeleteKey(companyID, gone.ID)
	require.NoError(t, err)

	tests := []struct {
		name   string
		req    func() *httpexpect.Response
		status int
		code   string
	}{
		{"no token", func() *httpexpect.Response { return v.e.GET(api + "/company").Expect() }, 401, "KEY_MISSING"},
		{"unknown token", func() *httpexpect.Response {
			return v.as("00112233445566778899aabbccddeeff").GET(api + "/company").Expect()
		}, 401, "KEY_UNKNOWN"},
		{"deleted key", func() *httpexpect.Response { return v.as(gone.Token).GET(api + "/key").Expect() }, 401, "KEY_DELETED"},
		{"deleted key before bad input", func() *httpexpect.Response {
			return v.as(gone.Token).POST(api + "/records").WithJSON(map[string]any{}).Expect()
		}, 401, "KEY_DELETED"},
		{"awaiting activation", func() *httpexpect.Response { return v.as(fresh.Token).GET(api + "/company").Expect() }, 403, "KEY_NOT_ACTIVATED"},
		{"awaiting activation before bad input", func() *httpexpect.Response {
			return v.as(fresh.Token).POST(api + "/records").WithJSON(map[string]any{"master_id": "x"}).Expect()
		}, 403, "KEY_NOT_ACTIVATED"},
		{"activation without partner key", func() *httpexpect.Response { return v.as(fresh.Token).POST(api + "/key/activate").Expect() }, 401, "PARTNER_KEY_MISSING"},
		{"activation with Bearer prefix", func() *httpexpect.Response {
			return v.as(fresh.Token).POST(api+"/key/activate").WithHeader("Authorization", "Bearer "+partnerKey).Expect()
		}, 403, "PARTNER_KEY_INVALID"},
		{"activation with unknown partner key", func() *httpexpect.Response {
			return v.as(fresh.Token).POST(api+"/key/activate").WithHeader("Authorization", "pk-nobody").Expect()
		}, 403, "PARTNER_KEY_INVALID"},
		{"activation with another partner key than entered", func() *httpexpect.Response {
			return v.as(pinned.Token).POST(api+"/key/activate").WithHeader("Authorization", partnerKey).Expect()
		}, 403, "PARTNER_KEY_INVALID"},
		{"invalid input after key checks", func() *httpexpect.Response {
			return v.as(active.Token).POST(api + "/records").WithJSON(map[string]any{"master_id": 201}).Expect()
		}, 422, "VALIDATION_ERROR"},
		{"path id that is no id", func() *httpexpect.Response { return v.as(active.Token).GET(api + "/records/abc").Expect() }, 404, "NOT_FOUND"},
		{"unknown route", func() *httpexpect.Response { return v.as(active.Token).GET(api + "/nowhere").Expect() }, 404, "NOT_FOUND"},
		{"owner panel without token", func() *httpexpect.Response { return v.e.GET("/owner/companies/48213/access-keys").Expect() }, 401, "OWNER_TOKEN_INVALID"},
		{"owner panel, unknown company", func() *httpexpect.Response { return v.owner().GET("/owner/companies/1/access-keys").Expect() }, 404, "NOT_FOUND"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := tc.req().Status(tc.status).JSON().Object()
			obj.Value("data").IsNull()
			obj.Value("error").Object().HasValue("code", tc.code).Value("message").String().NotEmpty()
		})
	}
	// status works while awaiting activation
	v.as(fresh.Token).GET(api+"/key").Expect().Status(200).JSON().Object().Value("data").Object().HasValue("state", "awaiting_activation")
	noViolations(t, v.mock)
}

func TestActivation(t *testing.T) {
	v := newEnv(t)
	k := v.key(t, dikidimock.KeySpec{})
	v.as(k.Token).POST(api+"/key/activate").WithHeader("Authorization", partnerKey).Expect().Status(200).
		JSON().Object().Value("data").Object().HasValue("state", "active").HasValue("key_id", k.ID)
	got, err := v.mock.Key(companyID, k.ID)
	require.NoError(t, err)
	assert.Equal(t, dikidimock.StateActive, got.State)
	// again with the same partner key: idempotent, no second event
	v.as(k.Token).POST(api+"/key/activate").WithHeader("Authorization", partnerKey).Expect().Status(200)
	evs := v.waitEvents(t, 1)
	time.Sleep(20 * time.Millisecond)
	require.Len(t, v.path.received(), 1)
	ev := evs[0].Body
	assert.Equal(t, "key.state_changed", ev["event"])
	assert.Equal(t, map[string]any{"previous_state": "awaiting_activation", "state": "active", "reason": "activated", "permissions": ev["data"].(map[string]any)["permissions"]}, ev["data"])
	assert.Equal(t, "1", evs[0].Header.Get("X-Dikidi-Delivery-Attempt"))
	assert.Equal(t, ev["id"], evs[0].Header.Get("X-Dikidi-Event-Id"))
	// a key without record permissions is activated into paused
	paused := v.key(t, dikidimock.KeySpec{AccessType: dikidimock.AccessEmployee, EmployeeID: ptr(int64(201))})
	v.as(paused.Token).POST(api+"/key/activate").WithHeader("Authorization", partnerKey).Expect().Status(200).
		JSON().Object().Value("data").Object().HasValue("state", "paused")
	noViolations(t, v.mock)
}

func ptr[T any](x T) *T { return &x }

func TestPausedKeyReadsButDoesNotWrite(t *testing.T) {
	v := newEnv(t)
	k := v.activated(t, dikidimock.KeySpec{})
	none := dikidimock.Preset(dikidimock.AccessAdministrator)
	none.Records = dikidimock.RecordPermissions{}
	_, err := v.mock.SetPermissions(companyID, k.ID, none)
	require.NoError(t, err)
	evs := v.waitEvents(t, 2)
	assert.Equal(t, "record_permissions_removed", evs[1].Body["data"].(map[string]any)["reason"])

	api := v.as(k.Token)
	api.GET("/api/partner/records").WithQuery("date_from", v.monday.Format("2006-01-02")).WithQuery("date_to", v.monday.AddDate(0, 0, 6).Format("2006-01-02")).
		Expect().Status(200).JSON().Object().Value("data").Object().Value("list").Array().Length().IsEqual(6)
	api.POST("/api/partner/records").WithJSON(map[string]any{"master_id": 201, "service_ids": []int{301}, "start": v.rfc(2, "16:00"), "client": map[string]any{"id": 401}}).
		Expect().Status(403).JSON().Object().Value("error").Object().HasValue("code", "KEY_PAUSED")
	api.POST("/api/partner/records/501/cancel").Expect().Status(403).JSON().Object().Value("error").Object().HasValue("code", "KEY_PAUSED")
	api.PUT("/api/partner/schedule/201/" + v.at(3, "00:00").Format("2006-01-02")).
		WithJSON(map[string]any{"working": true, "work_from": v.rfc(3, "12:00"), "work_to": v.rfc(3, "20:00")}).Expect().Status(200)

	// a record made meanwhile is not sent to a paused key
	_, err = v.mock.Book(companyID, dikidimock.Booking{MasterID: 202, ServiceIDs: []int64{303}, Start: v.at(4, "16:00"), Client: dikidimock.Client{ID: 402}, Online: true})
	require.NoError(t, err)
	restore := dikidimock.Preset(dikidimock.AccessAdministrator)
	_, err = v.mock.SetPermissions(companyID, k.ID, restore)
	require.NoError(t, err)
	evs = v.waitEvents(t, 3)
	assert.Equal(t, []string{"key.state_changed", "key.state_changed", "key.state_changed"}, v.path.names())
	assert.Equal(t, "record_permissions_restored", evs[2].Body["data"].(map[string]any)["reason"])
	// sequences count every event of the key
	for i, e := range evs {
		assert.EqualValues(t, i+1, e.Body["sequence"])
	}
	noViolations(t, v.mock)
}

func TestPermissions(t *testing.T) {
	v := newEnv(t)
	own := dikidimock.Permissions{
		Clients:  dikidimock.ClientPermissions{View: dikidimock.ScopeNone, ShowPhones: dikidimock.PhonesNone},
		Records:  dikidimock.RecordPermissions{AddEdit: true},
		Schedule: dikidimock.SchedulePermissions{Edit: dikidimock.ScopeOwn},
	}
	k := v.key(t, dikidimock.KeySpec{Permissions: &own, EmployeeID: ptr(int64(203))})
	v.activate(t, k)
	api := v.as(k.Token)
	date := v.at(3, "00:00").Format("2006-01-02")
	day := map[string]any{"working": true, "work_from": v.rfc(3, "10:00"), "work_to": v.rfc(3, "18:00")}
	tests := []struct {
		name string
		req  func() *httpexpect.Response
		perm string
	}{
		{"clients list", func() *httpexpect.Response { return api.GET(api0 + "/clients").Expect() }, "clients.view"},
		{"client card", func() *httpexpect.Response { return api.GET(api0 + "/clients/401").Expect() }, "clients.view"},
		{"cancel a client record", func() *httpexpect.Response { return api.POST(api0 + "/records/501/cancel").Expect() }, "records.cancel"},
		{"move occupied time", func() *httpexpect.Response {
			return api.PATCH(api0 + "/records/505").WithJSON(map[string]any{"comment": "x"}).Expect()
		}, "records.occupy_time"},
		{"occupy time", func() *httpexpect.Response {
			return api.POST(api0 + "/occupied-times").WithJSON(map[string]any{"master_id": 203, "start": v.rfc(1, "15:00"), "end": v.rfc(1, "16:00")}).Expect()
		}, "records.occupy_time"},
		{"another master's schedule", func() *httpexpect.Response { return api.PUT(api0 + "/schedule/201/" + date).WithJSON(day).Expect() }, "schedule.edit"},
		{"permission before bad input", func() *httpexpect.Response {
			return api.PUT(api0 + "/schedule/201/" + date).WithJSON(map[string]any{"working": "yes"}).Expect()
		}, "schedule.edit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req().Status(403).JSON().Object().Value("error").Object().HasValue("code", "PERMISSION_DENIED").HasValue("permission", tc.perm)
		})
	}
	api.PUT(api0+"/schedule/203/"+date).WithJSON(day).Expect().Status(200).JSON().Object().Value("data").Object().HasValue("work_from", v.rfc(3, "10:00")[:19]+"+03:00")
	api.PATCH(api0 + "/records/501").WithJSON(map[string]any{"status": "confirmed"}).Expect().Status(200)
	noViolations(t, v.mock)
}

const api0 = api

func TestMasking(t *testing.T) {
	v := newEnv(t)
	perms := func(view, phones string, surnames bool) *dikidimock.Permissions {
		p := dikidimock.Preset(dikidimock.AccessAdministrator)
		p.Clients = dikidimock.ClientPermissions{View: view, ShowSurnames: surnames, ShowPhones: phones}
		return &p
	}
	tests := []struct {
		name                     string
		perms                    *dikidimock.Permissions
		employee                 *int64
		listIDs                  []int
		listPhone, cardPhone     string
		recordPhone, listSurname any
	}{
		{"everything shown", perms("all", "everywhere", true), nil, []int{401, 402, 403, 404, 405, 406}, "+79161234501", "+79161234501", "+79161234501", "Volkova"},
		{"phones hidden in the list only", perms("all", "except_client_list", true), nil, []int{401, 402, 403, 404, 405, 406}, "+7********01", "+79161234501", "+79161234501", "Volkova"},
		{"nothing shown", perms("all", "none", false), nil, []int{401, 402, 403, 404, 405, 406}, "+7********01", "+7********01", "+7********01", nil},
		{"own clients", perms("own", "everywhere", true), ptr(int64(201)), []int{401, 404, 405, 406}, "+79161234501", "+79161234501", "+79161234501", "Volkova"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := v.key(t, dikidimock.KeySpec{Permissions: tc.perms, EmployeeID: tc.employee})
			v.activate(t, k)
			api := v.as(k.Token)
			list := api.GET(api0 + "/clients").Expect().Status(200).JSON().Object().Value("data").Object()
			list.HasValue("total", len(tc.listIDs))
			var ids []int
			for _, c := range list.Value("list").Array().Iter() {
				ids = append(ids, int(c.Object().Value("id").Number().Raw()))
			}
			assert.Equal(t, tc.listIDs, ids)
			first := list.Value("list").Array().Value(0).Object()
			first.HasValue("phone", tc.listPhone).HasValue("surname", tc.listSurname)
			api.GET(api0+"/clients/401").Expect().Status(200).JSON().Object().Value("data").Object().HasValue("phone", tc.cardPhone)
			api.GET(api0+"/records/501").Expect().Status(200).JSON().Object().Value("data").Object().Value("client").Object().HasValue("phone", tc.recordPhone)
			if tc.employee != nil {
				api.GET(api0 + "/clients/402").Expect().Status(404)
			}
		})
	}
	assert.Equal(t, "+7********01", dikidimock.MaskPhone("+79161234501"))
	noViolations(t, v.mock)
}

func TestRecordsThroughAKey(t *testing.T) {
	v := newEnv(t)
	k := v.activated(t, dikidimock.KeySpec{})
	api := v.as(k.Token)
	body := map[string]any{
		"master_id": 201, "service_ids": []int{301}, "start": v.rfc(2, "16:00"),
		"client": map[string]any{"name": "Pavel", "surname": "Sokolov", "phone": "+79031112233"}, "external_id": "pd-1",
	}
	rec := api.POST(api0 + "/records").WithJSON(body).Expect().Status(201).JSON().Object().Value("data").Object()
	rec.HasValue("source", "this_key").HasValue("external_id", "pd-1").HasValue("status", "new").HasValue("end", v.rfc(2, "17:00")[:19]+"+03:00")
	id := int(rec.Value("id").Number().Raw())
	evs := v.waitEvents(t, 3)
	assert.Equal(t, []string{"key.state_changed", "client.created", "record.created"}, v.path.names())
	assert.Equal(t, "this_key", evs[2].Body["source"])

	// the same external id again: the same record, 200, no event
	api.POST(api0+"/records").WithJSON(body).Expect().Status(200).JSON().Object().Value("data").Object().HasValue("id", id)
	// the time is taken now
	body["external_id"] = "pd-2"
	api.POST(api0+"/records").WithJSON(body).Expect().Status(409).JSON().Object().Value("error").Object().HasValue("code", "TIME_OCCUPIED")
	body["start"] = v.rfc(2, "14:30")
	api.POST(api0+"/records").WithJSON(body).Expect().Status(409).JSON().Object().Value("error").Object().HasValue("code", "OUTSIDE_WORKING_HOURS")
	body["start"] = v.clock.Now().Add(-48 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)
	api.POST(api0+"/records").WithJSON(body).Expect().Status(422).JSON().Object().Value("error").Object().Value("fields").Array().Value(0).Object().HasValue("field", "start")
	body["start"], body["service_ids"] = v.rfc(2, "16:00"), []int{303}
	api.POST(api0 + "/records").WithJSON(body).Expect().Status(422)
	body["master_id"], body["service_ids"] = 999, []int{301}
	api.POST(api0 + "/records").WithJSON(body).Expect().Status(404)

	// move, cancel twice
	api.PATCH(api0+"/records/"+itoa(id)).WithJSON(map[string]any{"start": v.rfc(2, "17:00")}).Expect().Status(200).
		JSON().Object().Value("data").Object().HasValue("start", v.rfc(2, "17:00")[:19]+"+03:00")
	api.PATCH(api0 + "/records/" + itoa(id)).WithJSON(map[string]any{"start": v.rfc(2, "17:00")}).Expect().Status(200)
	api.POST(api0+"/records/"+itoa(id)+"/cancel").WithJSON(map[string]any{"reason": "asked"}).Expect().Status(200).JSON().Object().Value("data").Object().HasValue("status", "cancelled")
	api.POST(api0 + "/records/" + itoa(id) + "/cancel").Expect().Status(200)
	api.PATCH(api0+"/records/"+itoa(id)).WithJSON(map[string]any{"start": v.rfc(2, "18:00")}).Expect().Status(409).JSON().Object().Value("error").Object().HasValue("code", "RECORD_CANCELLED")
	evs = v.waitEvents(t, 5)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, []string{"key.state_changed", "client.created", "record.created", "record.updated", "record.cancelled"}, v.path.names())
	upd := evs[3].Body["data"].(map[string]any)
	assert.Equal(t, []any{"start", "end"}, upd["changed_fields"])
	assert.Equal(t, v.rfc(2, "16:00")[:19]+"+03:00", upd["previous"].(map[string]any)["start"])

	// occupy and release
	occ := api.POST(api0+"/occupied-times").WithJSON(map[string]any{"master_id": 203, "start": v.rfc(5, "16:00"), "end": v.rfc(5, "17:00")}).
		Expect().Status(201).JSON().Object().Value("data").Object().HasValue("type", "occupied").HasValue("client", nil)
	free, err := v.mock.FreeTimes(companyID, []int64{306}, 203, v.at(5, "00:00"))
	require.NoError(t, err)
	assert.NotContains(t, free, v.at(5, "16:00"))
	api.POST(api0 + "/records/" + itoa(int(occ.Value("id").Number().Raw())) + "/cancel").Expect().Status(200)
	free, err = v.mock.FreeTimes(companyID, []int64{306}, 203, v.at(5, "00:00"))
	require.NoError(t, err)
	assert.Contains(t, free, v.at(5, "16:00"))
	noViolations(t, v.mock)
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestScheduleAndFreeTimes(t *testing.T) {
	v := newEnv(t)
	k := v.key(t, dikidimock.KeySpec{})
	v.activate(t, k)
	api := v.as(k.Token)
	tue := v.at(2, "00:00").Format("2006-01-02")
	week := api.GET(api0+"/schedule").WithQuery("date_from", v.monday.Format("2006-01-02")).WithQuery("date_to", v.monday.AddDate(0, 0, 6).Format("2006-01-02")).
		Expect().Status(200).JSON().Object().Value("data").Object().Value("list").Array()
	week.Length().IsEqual(21)
	week.Value(0).Object().HasValue("master_id", 201).HasValue("working", true).Value("breaks").Array().Length().IsEqual(1)
	week.Value(6).Object().HasValue("working", false).HasValue("work_from", nil)

	ft := api.GET(api0+"/free-times").WithQuery("service_id", 303).WithQuery("master_id", 202).WithQuery("date_from", tue).WithQuery("date_to", tue).
		Expect().Status(200).JSON().Object().Value("data").Object()
	ft.HasValue("duration", 90).HasValue("step", 15)
	times := ft.Value("list").Array().Value(0).Object().Value("times").Array()
	// Olga: 11:00-20:00, break 15:00-15:30, record 12:00-13:30: 90 minutes fit from 13:30 to 13:30 (ends at the break), 15:30..18:30
	var got []string
	for _, x := range times.Iter() {
		got = append(got, x.String().Raw()[11:16])
	}
	assert.Equal(t, []string{"13:30", "15:30", "15:45", "16:00", "16:15", "16:30", "16:45", "17:00", "17:15", "17:30", "17:45", "18:00", "18:15", "18:30"}, got)
	api.GET(api0+"/free-times").WithQuery("service_id", 303).WithQuery("master_id", 201).WithQuery("date_from", tue).WithQuery("date_to", tue).Expect().Status(422)
	api.GET(api0+"/free-times").WithQuery("service_id", 999).WithQuery("date_from", tue).WithQuery("date_to", tue).Expect().Status(404)
	api.GET(api0+"/schedule").WithQuery("date_from", tue).WithQuery("date_to", v.monday.AddDate(0, 2, 0).Format("2006-01-02")).Expect().Status(422)

	// a day that would strand a record is refused; a day off elsewhere is fine and announced
	api.PUT(api0+"/schedule/202/"+tue).WithJSON(map[string]any{"working": false}).Expect().Status(409).JSON().Object().Value("error").Object().HasValue("code", "TIME_OCCUPIED")
	thu := v.at(4, "00:00").Format("2006-01-02")
	api.PUT(api0+"/schedule/202/"+thu).WithJSON(map[string]any{"working": false}).Expect().Status(200).JSON().Object().Value("data").Object().HasValue("working", false)
	api.PUT(api0 + "/schedule/202/" + thu).WithJSON(map[string]any{"working": false, "work_from": v.rfc(4, "10:00")}).Expect().Status(422)
	evs := v.waitEvents(t, 2)
	assert.Equal(t, "schedule.updated", evs[1].Body["event"])
	assert.Equal(t, thu, evs[1].Body["data"].(map[string]any)["day"].(map[string]any)["date"])
	noViolations(t, v.mock)
}

// TestDeliveryRetriesAndOneEmail: a Path that fails gets every event retried
// 1, 2, 4 ... minutes apart on the run clock, exactly one e-mail after the
// third failed attempt of the incident over SMTP, and every event once the
// Path answers again.
func TestDeliveryRetriesAndOneEmail(t *testing.T) {
	v := newEnv(t)
	mail := "ops@partner.test"
	k := v.activated(t, dikidimock.KeySpec{Email: &mail})
	v.path.answer(http.StatusServiceUnavailable)
	for i, hhmm := range []string{"12:00", "13:00"} {
		_, err := v.mock.Book(companyID, dikidimock.Booking{MasterID: 201, ServiceIDs: []int64{305}, Start: v.at(3, hhmm), Client: dikidimock.Client{ID: int64(401 + i)}, Online: true})
		require.NoError(t, err)
	}
	v.settle(t, k.ID)
	v.clock.Advance(7*time.Minute + 30*time.Second) // attempts at 0, 1, 3, 7 minutes
	ds, err := v.mock.Deliveries(companyID, k.ID)
	require.NoError(t, err)
	require.Len(t, ds, 3)
	for _, d := range ds[1:] {
		require.Len(t, d.Attempts, 4, "attempts 1..4 of %s", d.Event)
		assert.Equal(t, []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute}, gaps(d.Attempts))
		assert.Equal(t, dikidimock.DeliveryPending, d.Status)
		assert.Equal(t, 503, d.Attempts[0].HTTPStatus)
	}
	mails := v.smtp.Mails()
	require.Len(t, mails, 1, "one e-mail per incident")
	assert.Equal(t, []string{mail}, mails[0].To)
	assert.Contains(t, mails[0].Subject, `events for key "ProDoctorov" cannot be delivered`)
	assert.Contains(t, mails[0].Body, v.path.URL+"/events")
	assert.Contains(t, mails[0].Body, "HTTP 503")
	out, err := v.mock.Outbox(companyID)
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.Empty(t, out[0].SMTPError)

	v.path.answer(http.StatusOK)
	v.clock.Advance(8 * time.Minute)
	ds, err = v.mock.Deliveries(companyID, k.ID)
	require.NoError(t, err)
	for _, d := range ds {
		assert.Equal(t, dikidimock.DeliveryDelivered, d.Status, d.Event)
	}
	// the body and the event id never changed between attempts
	byID := map[string][]string{}
	for _, e := range v.path.received() {
		id := e.Header.Get("X-Dikidi-Event-Id")
		byID[id] = append(byID[id], e.Raw)
	}
	for id, bodies := range byID {
		for _, b := range bodies {
			assert.Equal(t, bodies[0], b, "event %s changed between attempts", id)
		}
	}
	assert.Len(t, v.smtp.Mails(), 1)

	// a new incident after that success may e-mail again; eight failures give an event up
	v.path.answer(http.StatusInternalServerError)
	_, err = v.mock.Book(companyID, dikidimock.Booking{MasterID: 201, ServiceIDs: []int64{305}, Start: v.at(3, "16:00"), Client: dikidimock.Client{ID: 403}})
	require.NoError(t, err)
	v.settle(t, k.ID)
	v.clock.Advance(3 * time.Hour)
	ds, err = v.mock.Deliveries(companyID, k.ID)
	require.NoError(t, err)
	last := ds[len(ds)-1]
	assert.Equal(t, dikidimock.DeliveryFailed, last.Status)
	assert.Len(t, last.Attempts, 8)
	assert.Len(t, v.smtp.Mails(), 2)
	noViolations(t, v.mock)
}

func gaps(as []dikidimock.AttemptView) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(as); i++ {
		out = append(out, as[i].At.Sub(as[i-1].At).Round(time.Minute))
	}
	return out
}

func TestDeletionDropsQueuedDeliveries(t *testing.T) {
	v := newEnv(t)
	k := v.activated(t, dikidimock.KeySpec{})
	v.path.answer(http.StatusServiceUnavailable)
	_, err := v.mock.Book(companyID, dikidimock.Booking{MasterID: 201, ServiceIDs: []int64{305}, Start: v.at(3, "12:00"), Client: dikidimock.Client{ID: 401}})
	require.NoError(t, err)
	v.settle(t, k.ID)
	_, err = v.mock.DeleteKey(companyID, k.ID)
	require.NoError(t, err)
	v.settle(t, k.ID)
	v.clock.Advance(3 * time.Hour)
	ds, err := v.mock.Deliveries(companyID, k.ID)
	require.NoError(t, err)
	require.Len(t, ds, 3)
	assert.Equal(t, dikidimock.DeliveryDropped, ds[1].Status)
	assert.Len(t, ds[1].Attempts, 1)
	assert.Equal(t, "key.state_changed", ds[2].Event)
	assert.Equal(t, dikidimock.DeliveryFailed, ds[2].Status)
	assert.Len(t, ds[2].Attempts, 1, "the last event of a deleted key is tried once")
	_, err = v.mock.DeleteKey(companyID, k.ID)
	var de *dikidimock.Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "NOT_FOUND", de.Code)
	noViolations(t, v.mock)
}

func TestLostAnswersAndLostEvents(t *testing.T) {
	v := newEnv(t)
	k := v.activated(t, dikidimock.KeySpec{})
	// the Path's answer is lost: DIKIDI delivers the same event again a minute later
	require.NoError(t, v.mock.LoseNextEventAnswers(companyID, k.ID, 1, ""))
	_, err := v.mock.Book(companyID, dikidimock.Booking{MasterID: 201, ServiceIDs: []int64{305}, Start: v.at(3, "12:00"), Client: dikidimock.Client{ID: 401}})
	require.NoError(t, err)
	v.waitEvents(t, 2)
	v.settle(t, k.ID)
	v.clock.Advance(time.Minute)
	evs := v.waitEvents(t, 3)
	assert.Equal(t, evs[1].Body["id"], evs[2].Body["id"])
	assert.Equal(t, "2", evs[2].Header.Get("X-Dikidi-Delivery-Attempt"))

	// DIKIDI's answer to a write is lost: the record exists, the caller saw the connection drop
	v.mock.LoseNextAnswers(k.Token, 1)
	stored, err := v.postRecordRaw(t, k.Token, "x-1")
	require.Error(t, err, "the answer should have been lost")
	assert.Equal(t, 1, stored)

	// DIKIDI's answer to a read is cut off halfway, on a connection used before
	// too (where an answer missing whole would be asked again by the client
	// itself); the next read is answered whole
	c := &http.Client{Timeout: 5 * time.Second}
	u := v.e.GET("/").Expect().Raw().Request.URL
	for i, cut := range []bool{false, true, false} {
		if cut {
			v.mock.CutNextReads(k.Token, 1)
		}
		resp, err := c.Get("http://" + u.Host + api + "/key?token=" + k.Token)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		assert.Equal(t, cut, err != nil, "read %d: %v", i+1, err)
	}
}

// postRecordRaw adds a record over a plain HTTP client, so that a dropped
// connection comes back as the error, and counts the records DIKIDI then
// holds with that external id.
func (v *env) postRecordRaw(t *testing.T, token, externalID string) (stored int, err error) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	u := v.e.GET("/").Expect().Raw().Request.URL
	body := `{"master_id":203,"service_ids":[306],"start":"` + v.rfc(3, "15:00") + `","client":{"id":403},"external_id":"` + externalID + `"}`
	resp, err := c.Post("http://"+u.Host+api+"/records?token="+token, "application/json", strings.NewReader(body))
	if err == nil {
		resp.Body.Close()
	}
	recs, rerr := v.mock.Records(companyID, v.at(3, "00:00"), v.at(4, "00:00"))
	require.NoError(t, rerr)
	for _, r := range recs {
		if r.ExternalID == externalID {
			stored++
		}
	}
	return stored, err
}

// TestAKeyCutOffReachesNothing: while a key is cut off, its calls get no
// answer and change nothing, each is journaled, other keys' calls pass, and
// once it is let through again its calls are served.
func TestAKeyCutOffReachesNothing(t *testing.T) {
	v := newEnv(t)
	k := v.activated(t, dikidimock.KeySpec{})
	require.NoError(t, v.mock.SetUnreachable(companyID, k.ID, true))
	stored, err := v.postRecordRaw(t, k.Token, "x-cut")
	require.Error(t, err, "a cut-off call gets no answer")
	assert.Zero(t, stored, "a cut-off call changes nothing")
	cut := v.mock.Journal().Select(func(e journal.Entry) bool {
		return e.Tenant == dikidimock.KeyTenant(companyID, k.ID) && strings.Contains(e.Error, "never reached DIKIDI")
	})
	assert.Len(t, cut, 1)

	require.NoError(t, v.mock.SetUnreachable(companyID, k.ID, false))
	v.e.GET(api+"/company").WithQuery("token", k.Token).Expect().Status(200)
	noViolations(t, v.mock)
}

func TestOwnerPanelOverHTTP(t *testing.T) {
	v := newEnv(t)
	owner := v.owner()
	key := owner.POST("/owner/companies/48213/access-keys").WithJSON(map[string]any{"name": "ProDoctorov", "access_type": "administrator", "path": v.path.URL, "email": "ops@partner.test"}).
		Expect().Status(201).JSON().Object().Value("data").Object()
	key.HasValue("state", "awaiting_activation").Value("token").String().Match("^[0-9a-f]{32}$")
	id := int(key.Value("id").Number().Raw())
	owner.POST("/owner/companies/48213/access-keys").WithJSON(map[string]any{"name": "x", "access_type": "employee"}).Expect().Status(422)
	owner.GET("/owner/companies/48213/access-keys").Expect().Status(200).JSON().Object().Value("data").Object().Value("list").Array().Length().IsEqual(1)
	owner.PATCH("/owner/companies/48213/access-keys/"+itoa(id)).WithJSON(map[string]any{"path": nil}).Expect().Status(200).JSON().Object().Value("data").Object().HasValue("path", nil)
	rec := owner.POST("/owner/companies/48213/records").WithJSON(map[string]any{"master_id": 202, "service_ids": []int{303}, "start": v.rfc(4, "16:00"), "client": map[string]any{"id": 402}, "source": "online_booking"}).
		Expect().Status(201).JSON().Object().Value("data").Object()
	rec.HasValue("source", "online_booking")
	rid := itoa(int(rec.Value("id").Number().Raw()))
	owner.PATCH("/owner/companies/48213/records/" + rid).WithJSON(map[string]any{"start": v.rfc(4, "17:00")}).Expect().Status(200)
	owner.POST("/owner/companies/48213/records/" + rid + "/cancel").WithJSON(map[string]any{"reason": "asked"}).Expect().Status(200)
	owner.POST("/owner/companies/48213/occupied-times").WithJSON(map[string]any{"master_id": 203, "start": v.rfc(5, "16:00"), "end": v.rfc(5, "17:00")}).Expect().Status(201)
	owner.POST("/owner/companies/48213/clients").WithJSON(map[string]any{"name": "Pavel", "phone": "+79031112233"}).Expect().Status(201)
	owner.POST("/owner/companies/48213/clients").WithJSON(map[string]any{"name": "Pavel", "phone": "+79031112233"}).Expect().Status(422)
	owner.PATCH("/owner/companies/48213/clients/401").WithJSON(map[string]any{"surname": nil}).Expect().Status(200).JSON().Object().Value("data").Object().HasValue("surname", nil)
	owner.PUT("/owner/companies/48213/schedule/202/" + v.at(4, "00:00").Format("2006-01-02")).WithJSON(map[string]any{"working": true, "work_from": v.rfc(4, "12:00"), "work_to": v.rfc(4, "20:00")}).Expect().Status(200)
	owner.GET("/owner/companies/48213/access-keys/" + itoa(id) + "/deliveries").Expect().Status(200)
	owner.GET("/owner/companies/48213/emails").Expect().Status(200)
	owner.DELETE("/owner/companies/48213/access-keys/"+itoa(id)).Expect().Status(200).JSON().Object().Value("data").Object().HasValue("state", "deleted")
	owner.DELETE("/owner/companies/48213/access-keys/" + itoa(id)).Expect().Status(404)
	noViolations(t, v.mock)
}
