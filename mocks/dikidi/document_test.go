package dikidi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// The mock against its own document: every status an operation declares is
// answered by some case below, and each case checks the rule the document
// states in prose for it, which a schema cannot (order, what is left out,
// which events go out, what changes and what does not). The schema side is
// checked on every answer by the mock itself (noViolations).

// call makes one request and decodes DIKIDI's envelope.
func (v *env) call(t *testing.T, method, path, token string, body any, header ...string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	u := v.url + path
	if token != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		u += sep + "token=" + token
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out), "%s %s", method, path)
	return res.StatusCode, out
}

func data(b map[string]any) map[string]any {
	d, _ := b["data"].(map[string]any)
	return d
}

func items(b map[string]any) []any {
	l, _ := data(b)["list"].([]any)
	return l
}

func code(b map[string]any) any {
	e, _ := b["error"].(map[string]any)
	return e["code"]
}

// refused asserts a refusal's status and code.
func refused(t *testing.T, st int, b map[string]any, status int, want string) {
	t.Helper()
	require.Equal(t, status, st, "%v", b)
	assert.Equal(t, want, code(b))
	assert.Nil(t, b["data"])
}

// admin is an activated administrator key; its first event (activation) has gone out.
func (v *env) admin(t *testing.T) dikidimock.KeyView {
	t.Helper()
	k := v.key(t, dikidimock.KeySpec{})
	v.activate(t, k)
	v.settle(t, k.ID)
	return k
}

// withPerms is an activated key with the preset changed by change.
func (v *env) withPerms(t *testing.T, employee *int64, change func(p *dikidimock.Permissions)) dikidimock.KeyView {
	t.Helper()
	p := dikidimock.Preset(dikidimock.AccessAdministrator)
	change(&p)
	k := v.key(t, dikidimock.KeySpec{Permissions: &p, EmployeeID: employee})
	v.activate(t, k)
	v.settle(t, k.ID)
	return k
}

func (v *env) paused(t *testing.T) dikidimock.KeyView {
	t.Helper()
	k := v.admin(t)
	p := k.Permissions
	p.Records = dikidimock.RecordPermissions{}
	_, err := v.mock.SetPermissions(companyID, k.ID, p)
	require.NoError(t, err)
	v.settle(t, k.ID)
	return k
}

// events are the names of a key's deliveries after the first n.
func (v *env) eventsAfter(t *testing.T, k dikidimock.KeyView, n int) []string {
	t.Helper()
	var out []string
	for _, d := range v.settle(t, k.ID)[n:] {
		out = append(out, d.Event)
	}
	return out
}

func (v *env) deliveries(t *testing.T, k dikidimock.KeyView) int {
	t.Helper()
	return len(v.settle(t, k.ID))
}

func (v *env) date(weekday int) string { return v.at(weekday, "00:00").Format(time.DateOnly) }

func (v *env) week() string {
	return "date_from=" + v.monday.Format(time.DateOnly) + "&date_to=" + v.monday.AddDate(0, 0, v.fx.Days-1).Format(time.DateOnly)
}

const owner = "/owner/companies/48213"

func ownerToken() []string { return []string{"X-Accord-Owner-Token", "owner-secret"} }

// request is an operation called with valid input: what generic refusals
// (no key, a key awaiting activation, no owner token, no such company) need.
type request struct {
	method, path string
	body         func(v *env) any
}

func requests() map[string]request {
	rec := func(v *env) any {
		return map[string]any{"master_id": 201, "service_ids": []int{301}, "start": v.rfc(3, "16:00"), "client": map[string]any{"id": 401}}
	}
	occ := func(v *env) any {
		return map[string]any{"master_id": 203, "start": v.rfc(5, "16:00"), "end": v.rfc(5, "17:00")}
	}
	day := func(v *env) any { return map[string]any{"working": false} }
	none := func(*env) any { return nil }
	return map[string]request{
		"activateKey": {"POST", api + "/key/activate", none}, "getKeyStatus": {"GET", api + "/key", none},
		"getCompany": {"GET", api + "/company", none}, "listMasters": {"GET", api + "/masters", none},
		"listServices": {"GET", api + "/services", none}, "listClients": {"GET", api + "/clients", none},
		"getClient": {"GET", api + "/clients/401", none}, "getSchedule": {"GET", api + "/schedule?date_from=2030-01-07&date_to=2030-01-07", none},
		"updateSchedule": {"PUT", api + "/schedule/203/2030-01-08", day}, "listFreeTimes": {"GET", api + "/free-times?service_id=301&date_from=2030-01-07&date_to=2030-01-07", none},
		"listRecords": {"GET", api + "/records?date_from=2030-01-07&date_to=2030-01-07", none}, "createRecord": {"POST", api + "/records", rec},
		"getRecord": {"GET", api + "/records/501", none}, "updateRecord": {"PATCH", api + "/records/501", func(*env) any { return map[string]any{"comment": "x"} }},
		"cancelRecord": {"POST", api + "/records/501/cancel", none}, "occupyTime": {"POST", api + "/occupied-times", occ},
		"createAccessKey":   {"POST", owner + "/access-keys", func(*env) any { return map[string]any{"name": "x", "access_type": "administrator"} }},
		"listAccessKeys":    {"GET", owner + "/access-keys", none},
		"getAccessKey":      {"GET", owner + "/access-keys/7001", none},
		"updateAccessKey":   {"PATCH", owner + "/access-keys/7001", func(*env) any { return map[string]any{"name": "y"} }},
		"deleteAccessKey":   {"DELETE", owner + "/access-keys/7001", none},
		"listKeyDeliveries": {"GET", owner + "/access-keys/7001/deliveries", none},
		"listOutboxEmails":  {"GET", owner + "/emails", none},
		"ownerCreateRecord": {"POST", owner + "/records", rec}, "ownerOccupyTime": {"POST", owner + "/occupied-times", occ},
		"ownerUpdateRecord":   {"PATCH", owner + "/records/501", func(*env) any { return map[string]any{"comment": "x"} }},
		"ownerCancelRecord":   {"POST", owner + "/records/501/cancel", none},
		"ownerCreateClient":   {"POST", owner + "/clients", func(*env) any { return map[string]any{"name": "Pavel", "phone": "+79031112233"} }},
		"ownerUpdateClient":   {"PATCH", owner + "/clients/401", func(*env) any { return map[string]any{"name": "Ira"} }},
		"ownerUpdateSchedule": {"PUT", owner + "/schedule/203/2030-01-08", day},
	}
}

type docCase struct {
	op     string
	status int
	rule   string
	check  func(t *testing.T, v *env)
}

// genericCases are the refusals every operation of a kind declares, made from
// the document itself: no key (401), a key awaiting activation (403 on
// everything but activation and status), no owner token (401), no such
// company (404).
func genericCases(t *testing.T, declared map[string][]int) []docCase {
	var out []docCase
	reqs := requests()
	for op, statuses := range declared {
		r, ok := reqs[op]
		require.True(t, ok, "no request for %s", op)
		ownerOp := strings.HasPrefix(r.path, "/owner/")
		for _, st := range statuses {
			switch {
			case !ownerOp && st == 401:
				out = append(out, docCase{op, 401, "without ?token= the key is missing, and the message says where it goes", func(t *testing.T, v *env) {
					got, b := v.call(t, r.method, r.path, "", r.body(v))
					refused(t, got, b, 401, "KEY_MISSING")
					assert.Contains(t, b["error"].(map[string]any)["message"], "?token=")
				}})
			case !ownerOp && st == 403 && op != "activateKey":
				out = append(out, docCase{op, 403, "a key awaiting activation opens nothing but activation and its status, before any permission or input is looked at", func(t *testing.T, v *env) {
					k := v.key(t, dikidimock.KeySpec{})
					got, b := v.call(t, r.method, r.path, k.Token, r.body(v))
					refused(t, got, b, 403, "KEY_NOT_ACTIVATED")
					assert.Zero(t, v.deliveries(t, k), "a key awaiting activation gets no event")
				}})
			case ownerOp && st == 401:
				out = append(out, docCase{op, 401, "the owner panel needs the harness's owner token", func(t *testing.T, v *env) {
					got, b := v.call(t, r.method, r.path, "", r.body(v))
					refused(t, got, b, 401, "OWNER_TOKEN_INVALID")
				}})
			case ownerOp && st == 404:
				out = append(out, docCase{op, 404, "an unknown company is 404", func(t *testing.T, v *env) {
					got, b := v.call(t, r.method, strings.Replace(r.path, "48213", "99999", 1), "", r.body(v), ownerToken()...)
					refused(t, got, b, 404, "NOT_FOUND")
				}})
			}
		}
	}
	return out
}

func TestEveryDocumentedAnswer(t *testing.T) {
	sp, err := dikidimock.Spec()
	require.NoError(t, err)
	declared := map[string][]int{}
	for _, o := range sp.Operations() {
		op, ok := sp.Doc.Paths.Find(o.Path).Operations()[o.Method]
		require.True(t, ok)
		for code := range op.Responses.Map() {
			n, err := strconv.Atoi(code)
			require.NoError(t, err, "%s declares %s", o.ID, code)
			declared[o.ID] = append(declared[o.ID], n)
		}
	}
	cases := append(genericCases(t, declared), specificCases()...)
	covered := map[string]bool{}
	for _, c := range cases {
		covered[fmt.Sprintf("%s %d", c.op, c.status)] = true
		assert.Contains(t, declared[c.op], c.status, "a case makes %s answer %d, which the document does not declare", c.op, c.status)
		t.Run(fmt.Sprintf("%s %d %s", c.op, c.status, c.rule), func(t *testing.T) {
			v := newEnv(t)
			c.check(t, v)
			noViolations(t, v.mock)
		})
	}
	var missing []string
	for op, sts := range declared {
		for _, st := range sts {
			if !covered[fmt.Sprintf("%s %d", op, st)] {
				missing = append(missing, fmt.Sprintf("%s %d", op, st))
			}
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "the document declares these answers, and no case makes the mock give them")
}

func specificCases() []docCase {
	return append(append(keyCases(), readCases()...), append(recordCases(), ownerCases()...)...)
}

func keyCases() []docCase {
	return []docCase{
		{"activateKey", 200, "activation makes the key active and sends key.state_changed; activating again with the same partner key changes nothing and sends nothing", func(t *testing.T, v *env) {
			k := v.key(t, dikidimock.KeySpec{})
			st, b := v.call(t, "POST", api+"/key/activate", k.Token, nil, "Authorization", partnerKey)
			require.Equal(t, 200, st)
			assert.Equal(t, "active", data(b)["state"])
			assert.Equal(t, []string{"key.state_changed"}, v.eventsAfter(t, k, 0))
			st, b = v.call(t, "POST", api+"/key/activate", k.Token, nil, "Authorization", partnerKey)
			require.Equal(t, 200, st)
			assert.Equal(t, "active", data(b)["state"])
			assert.Empty(t, v.eventsAfter(t, k, 1))
		}},
		{"activateKey", 200, "a key without record permissions activates paused", func(t *testing.T, v *env) {
			p := dikidimock.Preset(dikidimock.AccessAdministrator)
			p.Records = dikidimock.RecordPermissions{}
			k := v.key(t, dikidimock.KeySpec{Permissions: &p})
			st, b := v.call(t, "POST", api+"/key/activate", k.Token, nil, "Authorization", partnerKey)
			require.Equal(t, 200, st)
			assert.Equal(t, "paused", data(b)["state"])
		}},
		{"activateKey", 401, "activation without an Authorization header is PARTNER_KEY_MISSING", func(t *testing.T, v *env) {
			k := v.key(t, dikidimock.KeySpec{})
			st, b := v.call(t, "POST", api+"/key/activate", k.Token, nil)
			refused(t, st, b, 401, "PARTNER_KEY_MISSING")
		}},
		{"activateKey", 403, "a Bearer prefix is not stripped, an unknown partner key, or another than the one entered on the key, are PARTNER_KEY_INVALID; the key stays awaiting", func(t *testing.T, v *env) {
			other := "pk-another-partner"
			k := v.key(t, dikidimock.KeySpec{PartnerKey: &other})
			for _, pk := range []string{"Bearer " + partnerKey, "pk-nobody", partnerKey} {
				st, b := v.call(t, "POST", api+"/key/activate", k.Token, nil, "Authorization", pk)
				refused(t, st, b, 403, "PARTNER_KEY_INVALID")
			}
			kv, err := v.mock.Key(companyID, k.ID)
			require.NoError(t, err)
			assert.Equal(t, dikidimock.StateAwaiting, kv.State)
			plain := v.key(t, dikidimock.KeySpec{})
			_, b := v.call(t, "POST", api+"/key/activate", plain.Token, nil, "Authorization", "Bearer "+partnerKey)
			assert.Contains(t, b["error"].(map[string]any)["message"], "raw partner key")
		}},
		{"getKeyStatus", 200, "the status works while the key awaits activation", func(t *testing.T, v *env) {
			k := v.key(t, dikidimock.KeySpec{})
			st, b := v.call(t, "GET", api+"/key", k.Token, nil)
			require.Equal(t, 200, st)
			assert.Equal(t, "awaiting_activation", data(b)["state"])
		}},
		{"getKeyStatus", 401, "a deleted key is KEY_DELETED on every call, its status included", func(t *testing.T, v *env) {
			k := v.admin(t)
			_, err := v.mock.DeleteKey(companyID, k.ID)
			require.NoError(t, err)
			for _, r := range requests() {
				if !strings.HasPrefix(r.path, "/owner/") {
					st, b := v.call(t, r.method, r.path, k.Token, r.body(v))
					refused(t, st, b, 401, "KEY_DELETED")
				}
			}
		}},
	}
}

func readCases() []docCase {
	return []docCase{
		{"getCompany", 200, "the company of the key, with its zone and the zone's offset", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "GET", api+"/company", k.Token, nil)
			require.Equal(t, 200, st)
			assert.EqualValues(t, companyID, data(b)["id"])
			assert.Equal(t, "Europe/Moscow", data(b)["timezone"])
			assert.Equal(t, "+03:00", data(b)["utc_offset"])
		}},
		{"listMasters", 200, "every master, whatever the key's scopes", func(t *testing.T, v *env) {
			k := v.withPerms(t, ptr(int64(202)), func(p *dikidimock.Permissions) {
				p.Clients.View, p.Schedule.Edit = dikidimock.ScopeOwn, dikidimock.ScopeOwn
			})
			st, b := v.call(t, "GET", api+"/masters", k.Token, nil)
			require.Equal(t, 200, st)
			assert.Len(t, items(b), len(v.fx.Masters))
		}},
		{"listServices", 200, "master_id lists only the services that master provides", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "GET", api+"/services?master_id=203", k.Token, nil)
			require.Equal(t, 200, st)
			assert.Equal(t, []int{305, 306}, ids(items(b)))
		}},
		{"listServices", 404, "an unknown master_id is 404", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/services?master_id=999", v.admin(t).Token, nil)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"listServices", 422, "master_id is a positive integer", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/services?master_id=0", v.admin(t).Token, nil)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"listClients", 200, "ordered by id; an own scope lists only clients with a record of the key's employee; pages by limit and offset", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "GET", api+"/clients?limit=4&offset=2", k.Token, nil)
			require.Equal(t, 200, st)
			assert.Equal(t, []int{403, 404, 405, 406}, ids(items(b)))
			assert.EqualValues(t, len(v.fx.Clients), data(b)["total"])
			own := v.withPerms(t, ptr(int64(203)), func(p *dikidimock.Permissions) { p.Clients.View = dikidimock.ScopeOwn })
			_, b = v.call(t, "GET", api+"/clients", own.Token, nil)
			assert.Equal(t, []int{403}, ids(items(b)), "Dmitry Orlov's only client")
		}},
		{"listClients", 403, "clients.view none is PERMISSION_DENIED naming clients.view", func(t *testing.T, v *env) {
			k := v.withPerms(t, nil, func(p *dikidimock.Permissions) { p.Clients.View = dikidimock.ScopeNone })
			st, b := v.call(t, "GET", api+"/clients", k.Token, nil)
			refused(t, st, b, 403, "PERMISSION_DENIED")
			assert.Equal(t, "clients.view", b["error"].(map[string]any)["permission"])
		}},
		{"listClients", 422, "limit is at least 1", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/clients?limit=0", v.admin(t).Token, nil)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"getClient", 200, "a card shows the phone the list hides under except_client_list", func(t *testing.T, v *env) {
			k := v.withPerms(t, nil, func(p *dikidimock.Permissions) { p.Clients.ShowPhones = dikidimock.PhonesExceptList })
			st, b := v.call(t, "GET", api+"/clients/401", k.Token, nil)
			require.Equal(t, 200, st)
			assert.Equal(t, "+79161234501", data(b)["phone"])
		}},
		{"getClient", 403, "clients.view none is PERMISSION_DENIED on a card too", func(t *testing.T, v *env) {
			k := v.withPerms(t, nil, func(p *dikidimock.Permissions) { p.Clients.View = dikidimock.ScopeNone })
			st, b := v.call(t, "GET", api+"/clients/401", k.Token, nil)
			refused(t, st, b, 403, "PERMISSION_DENIED")
		}},
		{"getClient", 404, "a client outside an own scope is 404", func(t *testing.T, v *env) {
			k := v.withPerms(t, ptr(int64(203)), func(p *dikidimock.Permissions) { p.Clients.View = dikidimock.ScopeOwn })
			st, b := v.call(t, "GET", api+"/clients/401", k.Token, nil)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"getSchedule", 200, "one entry per master and date of the range, days off included", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/schedule?"+v.week(), v.admin(t).Token, nil)
			require.Equal(t, 200, st)
			assert.Len(t, items(b), len(v.fx.Masters)*v.fx.Days)
			off := 0
			for _, d := range items(b) {
				if !d.(map[string]any)["working"].(bool) {
					off++
				}
			}
			assert.Positive(t, off)
		}},
		{"getSchedule", 404, "an unknown master_id is 404", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/schedule?master_id=999&"+v.week(), v.admin(t).Token, nil)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"getSchedule", 422, "a range is at most 31 days, in order", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "GET", api+"/schedule?date_from=2030-01-01&date_to=2030-02-01", k.Token, nil)
			refused(t, st, b, 422, "VALIDATION_ERROR")
			st, b = v.call(t, "GET", api+"/schedule?date_from=2030-01-02&date_to=2030-01-01", k.Token, nil)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"updateSchedule", 200, "the day is replaced and schedule.updated sent; it works while the key is paused", func(t *testing.T, v *env) {
			k := v.paused(t)
			n := v.deliveries(t, k)
			st, b := v.call(t, "PUT", api+"/schedule/202/"+v.date(4), k.Token, map[string]any{"working": true, "work_from": v.rfc(4, "12:00"), "work_to": v.rfc(4, "20:00")})
			require.Equal(t, 200, st)
			assert.Equal(t, v.rfc(4, "12:00"), data(b)["work_from"])
			assert.Empty(t, data(b)["breaks"], "the break of the usual day is gone with it")
			assert.Empty(t, v.eventsAfter(t, k, n), "a paused key gets only key.state_changed")
			active := v.admin(t)
			n = v.deliveries(t, active)
			v.call(t, "PUT", api+"/schedule/202/"+v.date(4), active.Token, map[string]any{"working": false})
			assert.Equal(t, []string{"schedule.updated"}, v.eventsAfter(t, active, n))
		}},
		{"updateSchedule", 403, "an own schedule scope edits only the key's employee", func(t *testing.T, v *env) {
			k := v.withPerms(t, ptr(int64(201)), func(p *dikidimock.Permissions) { p.Schedule.Edit = dikidimock.ScopeOwn })
			st, b := v.call(t, "PUT", api+"/schedule/203/"+v.date(3), k.Token, map[string]any{"working": false})
			refused(t, st, b, 403, "PERMISSION_DENIED")
			assert.Equal(t, "schedule.edit", b["error"].(map[string]any)["permission"])
		}},
		{"updateSchedule", 404, "an unknown master is 404", func(t *testing.T, v *env) {
			st, b := v.call(t, "PUT", api+"/schedule/999/"+v.date(3), v.admin(t).Token, map[string]any{"working": false})
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"updateSchedule", 409, "a day that would leave a record outside its hours is TIME_OCCUPIED, and the day stays", func(t *testing.T, v *env) {
			st, b := v.call(t, "PUT", api+"/schedule/201/"+v.date(1), v.admin(t).Token, map[string]any{"working": false})
			refused(t, st, b, 409, "TIME_OCCUPIED")
			h, err := v.mock.Day(companyID, 201, v.at(1, "00:00"))
			require.NoError(t, err)
			assert.True(t, h.Working)
		}},
		{"updateSchedule", 422, "a day off has no hours", func(t *testing.T, v *env) {
			st, b := v.call(t, "PUT", api+"/schedule/203/"+v.date(3), v.admin(t).Token, map[string]any{"working": false, "work_from": v.rfc(3, "10:00")})
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"listFreeTimes", 200, "starts on the 15-minute grid from work_from, none before the clock; without master_id every master who provides the services; dates without a free time left out", func(t *testing.T, v *env) {
			k := v.admin(t)
			v.clock.Advance(v.at(1, "14:20").Sub(v.clock.Now()))
			st, b := v.call(t, "GET", api+"/free-times?service_id=305&date_from="+v.date(1)+"&date_to="+v.date(7), k.Token, nil)
			require.Equal(t, 200, st)
			masters := map[float64]bool{}
			for _, it := range items(b) {
				d := it.(map[string]any)
				masters[d["master_id"].(float64)] = true
				assert.NotEqual(t, v.date(7), d["date"], "nobody works on Sunday: left out")
				for _, x := range d["times"].([]any) {
					ts, err := time.Parse(time.RFC3339, x.(string))
					require.NoError(t, err)
					assert.False(t, ts.Before(v.clock.Now()), "%s lies before the clock", ts)
					assert.Zero(t, ts.Minute()%dikidimock.Step)
				}
			}
			assert.Equal(t, map[float64]bool{201: true, 203: true}, masters, "both masters who give a men's haircut")
		}},
		{"listFreeTimes", 404, "an unknown service is 404", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/free-times?service_id=999&date_from="+v.date(2)+"&date_to="+v.date(2), v.admin(t).Token, nil)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"listFreeTimes", 422, "a master who does not provide the service", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/free-times?service_id=303&master_id=201&date_from="+v.date(2)+"&date_to="+v.date(2), v.admin(t).Token, nil)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"listRecords", 200, "ordered by start, then id; cancelled ones only with include_cancelled", func(t *testing.T, v *env) {
			k := v.admin(t)
			_, without := v.call(t, "GET", api+"/records?"+v.week(), k.Token, nil)
			_, with := v.call(t, "GET", api+"/records?include_cancelled=true&"+v.week(), k.Token, nil)
			assert.Len(t, items(with), len(v.fx.Records))
			cancelled := 0
			for _, r := range v.fx.Records {
				if r.Status == dikidimock.StatusCancelled {
					cancelled++
				}
			}
			assert.Len(t, items(without), len(v.fx.Records)-cancelled)
			var starts []string
			for _, r := range items(with) {
				starts = append(starts, r.(map[string]any)["start"].(string))
			}
			assert.True(t, slices.IsSorted(starts), "by start: %v", starts)
		}},
		{"listRecords", 404, "an unknown master_id is 404", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/records?master_id=999&"+v.week(), v.admin(t).Token, nil)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"listRecords", 422, "a range is at most 31 days", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/records?date_from=2030-01-01&date_to=2030-03-01", v.admin(t).Token, nil)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
	}
}

func ids(list []any) []int {
	var out []int
	for _, x := range list {
		out = append(out, int(x.(map[string]any)["id"].(float64)))
	}
	return out
}

func recordCases() []docCase {
	newRecord := func(v *env, body map[string]any) map[string]any {
		out := map[string]any{"master_id": 203, "service_ids": []int{305, 306}, "start": v.rfc(3, "15:00"), "client": map[string]any{"name": "Pavel", "surname": "Sokolov", "phone": "+79031112233"}}
		for k, x := range body {
			out[k] = x
		}
		return out
	}
	return []docCase{
		{"createRecord", 201, "status new, source this_key, end after the services one after another; a new client's client.created goes before record.created", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", api+"/records", k.Token, newRecord(v, nil))
			require.Equal(t, 201, st)
			r := data(b)
			assert.Equal(t, "new", r["status"])
			assert.Equal(t, "this_key", r["source"])
			assert.Equal(t, v.rfc(3, "16:15"), r["end"], "45 + 30 minutes")
			assert.Equal(t, []string{"client.created", "record.created"}, v.eventsAfter(t, k, 1))
		}},
		{"createRecord", 201, "a phone of a known client reuses that client as it is", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", api+"/records", k.Token, newRecord(v, map[string]any{"client": map[string]any{"name": "Someone", "phone": "+79161234501"}}))
			require.Equal(t, 201, st)
			c := data(b)["client"].(map[string]any)
			assert.EqualValues(t, 401, c["id"])
			assert.Equal(t, "Irina", c["name"])
			assert.Equal(t, []string{"record.created"}, v.eventsAfter(t, k, 1))
		}},
		{"createRecord", 200, "the same external_id again returns that record, changes nothing and sends nothing", func(t *testing.T, v *env) {
			k := v.admin(t)
			body := newRecord(v, map[string]any{"external_id": "pr-1"})
			_, first := v.call(t, "POST", api+"/records", k.Token, body)
			n := v.deliveries(t, k)
			st, again := v.call(t, "POST", api+"/records", k.Token, body)
			require.Equal(t, 200, st)
			assert.Equal(t, data(first)["id"], data(again)["id"])
			assert.Empty(t, v.eventsAfter(t, k, n))
		}},
		{"createRecord", 403, "a paused key is KEY_PAUSED before its permissions are looked at; without add_edit PERMISSION_DENIED", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", api+"/records", v.paused(t).Token, newRecord(v, nil))
			refused(t, st, b, 403, "KEY_PAUSED")
			k := v.withPerms(t, nil, func(p *dikidimock.Permissions) { p.Records.AddEdit = false })
			st, b = v.call(t, "POST", api+"/records", k.Token, newRecord(v, nil))
			refused(t, st, b, 403, "PERMISSION_DENIED")
			assert.Equal(t, "records.add_edit", b["error"].(map[string]any)["permission"])
		}},
		{"createRecord", 404, "an unknown master or client id", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", api+"/records", k.Token, newRecord(v, map[string]any{"master_id": 999}))
			refused(t, st, b, 404, "NOT_FOUND")
			st, b = v.call(t, "POST", api+"/records", k.Token, newRecord(v, map[string]any{"client": map[string]any{"id": 999}}))
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"createRecord", 409, "in a break OUTSIDE_WORKING_HOURS, over another record TIME_OCCUPIED", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", api+"/records", k.Token, newRecord(v, map[string]any{"start": v.rfc(3, "12:45")}))
			refused(t, st, b, 409, "OUTSIDE_WORKING_HOURS")
			st, b = v.call(t, "POST", api+"/records", k.Token, newRecord(v, map[string]any{"start": v.rfc(3, "10:30")}))
			refused(t, st, b, 409, "TIME_OCCUPIED")
		}},
		{"createRecord", 422, "services the master does not provide, a start before the clock", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", api+"/records", k.Token, newRecord(v, map[string]any{"service_ids": []int{303}}))
			refused(t, st, b, 422, "VALIDATION_ERROR")
			st, b = v.call(t, "POST", api+"/records", k.Token, newRecord(v, map[string]any{"start": v.clock.Now().Add(-24 * time.Hour).Truncate(time.Hour).Format(time.RFC3339)}))
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"getRecord", 200, "a cancelled record is readable", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/records/507", v.admin(t).Token, nil)
			require.Equal(t, 200, st)
			assert.Equal(t, "cancelled", data(b)["status"])
		}},
		{"getRecord", 404, "an unknown record", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", api+"/records/999999", v.admin(t).Token, nil)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"updateRecord", 200, "a change that changes nothing sends nothing; a move sends record.updated naming what changed", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, _ := v.call(t, "PATCH", api+"/records/501", k.Token, map[string]any{"start": v.rfc(1, "10:00")})
			require.Equal(t, 200, st)
			assert.Empty(t, v.eventsAfter(t, k, 1))
			st, b := v.call(t, "PATCH", api+"/records/501", k.Token, map[string]any{"start": v.rfc(1, "11:00")})
			require.Equal(t, 200, st)
			assert.Equal(t, v.rfc(1, "12:00"), data(b)["end"], "the end follows the services")
			ds := v.settle(t, k.ID)
			require.Equal(t, []string{"record.updated"}, v.eventsAfter(t, k, 1))
			var ev struct {
				Data struct {
					Changed []string `json:"changed_fields"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal(ds[1].Body, &ev))
			assert.Equal(t, []string{"start", "end"}, ev.Data.Changed)
		}},
		{"updateRecord", 403, "occupied time needs occupy_time, a client record add_edit; a paused key KEY_PAUSED", func(t *testing.T, v *env) {
			k := v.withPerms(t, nil, func(p *dikidimock.Permissions) { p.Records.OccupyTime = false })
			st, b := v.call(t, "PATCH", api+"/records/505", k.Token, map[string]any{"comment": "x"})
			refused(t, st, b, 403, "PERMISSION_DENIED")
			assert.Equal(t, "records.occupy_time", b["error"].(map[string]any)["permission"])
			st, _ = v.call(t, "PATCH", api+"/records/501", k.Token, map[string]any{"comment": "x"})
			assert.Equal(t, 200, st)
			st, b = v.call(t, "PATCH", api+"/records/501", v.paused(t).Token, map[string]any{"comment": "y"})
			refused(t, st, b, 403, "KEY_PAUSED")
		}},
		{"updateRecord", 404, "an unknown record", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", api+"/records/999999", v.admin(t).Token, map[string]any{"comment": "x"})
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"updateRecord", 409, "a cancelled record is RECORD_CANCELLED; a move onto another record TIME_OCCUPIED", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "PATCH", api+"/records/507", k.Token, map[string]any{"comment": "x"})
			refused(t, st, b, 409, "RECORD_CANCELLED")
			st, b = v.call(t, "PATCH", api+"/records/506", k.Token, map[string]any{"start": v.rfc(1, "10:30"), "master_id": 201})
			refused(t, st, b, 409, "TIME_OCCUPIED")
		}},
		{"updateRecord", 422, "only occupied time takes an end", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", api+"/records/501", v.admin(t).Token, map[string]any{"end": v.rfc(1, "12:00")})
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"cancelRecord", 200, "the record keeps its id, is cancelled, frees its time and sends record.cancelled; cancelling again sends nothing", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", api+"/records/506/cancel", k.Token, map[string]any{"reason": "asked"})
			require.Equal(t, 200, st)
			assert.Equal(t, "cancelled", data(b)["status"])
			assert.Equal(t, []string{"record.cancelled"}, v.eventsAfter(t, k, 1))
			free, err := v.mock.FreeTimes(companyID, []int64{305}, 201, v.at(5, "00:00"))
			require.NoError(t, err)
			assert.Contains(t, free, v.at(5, "11:00"), "the time is free again")
			st, _ = v.call(t, "POST", api+"/records/506/cancel", k.Token, nil)
			require.Equal(t, 200, st)
			assert.Len(t, v.eventsAfter(t, k, 1), 1)
		}},
		{"cancelRecord", 403, "without cancel PERMISSION_DENIED records.cancel; a paused key KEY_PAUSED", func(t *testing.T, v *env) {
			k := v.withPerms(t, nil, func(p *dikidimock.Permissions) { p.Records.Cancel = false })
			st, b := v.call(t, "POST", api+"/records/501/cancel", k.Token, nil)
			refused(t, st, b, 403, "PERMISSION_DENIED")
			assert.Equal(t, "records.cancel", b["error"].(map[string]any)["permission"])
			st, b = v.call(t, "POST", api+"/records/501/cancel", v.paused(t).Token, nil)
			refused(t, st, b, 403, "KEY_PAUSED")
		}},
		{"cancelRecord", 404, "an unknown record", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", api+"/records/999999/cancel", v.admin(t).Token, nil)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"cancelRecord", 422, "a reason of at most 500 characters", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", api+"/records/501/cancel", v.admin(t).Token, map[string]any{"reason": strings.Repeat("x", 501)})
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"occupyTime", 201, "occupied time: no client, no services, cost 0, confirmed, announced as record.created", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", api+"/occupied-times", k.Token, map[string]any{"master_id": 203, "start": v.rfc(5, "16:00"), "end": v.rfc(5, "17:00")})
			require.Equal(t, 201, st)
			r := data(b)
			assert.Equal(t, "occupied", r["type"])
			assert.Equal(t, "confirmed", r["status"])
			assert.Nil(t, r["client"])
			assert.Empty(t, r["services"])
			assert.EqualValues(t, 0, r["cost"])
			assert.Equal(t, []string{"record.created"}, v.eventsAfter(t, k, 1))
		}},
		{"occupyTime", 403, "without occupy_time PERMISSION_DENIED records.occupy_time; a paused key KEY_PAUSED", func(t *testing.T, v *env) {
			body := map[string]any{"master_id": 203, "start": v.rfc(5, "16:00"), "end": v.rfc(5, "17:00")}
			k := v.withPerms(t, nil, func(p *dikidimock.Permissions) { p.Records.OccupyTime = false })
			st, b := v.call(t, "POST", api+"/occupied-times", k.Token, body)
			refused(t, st, b, 403, "PERMISSION_DENIED")
			st, b = v.call(t, "POST", api+"/occupied-times", v.paused(t).Token, body)
			refused(t, st, b, 403, "KEY_PAUSED")
		}},
		{"occupyTime", 404, "an unknown master", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", api+"/occupied-times", v.admin(t).Token, map[string]any{"master_id": 999, "start": v.rfc(5, "16:00"), "end": v.rfc(5, "17:00")})
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"occupyTime", 409, "over occupied time TIME_OCCUPIED, on a day off OUTSIDE_WORKING_HOURS", func(t *testing.T, v *env) {
			v.occupyRefused(t, 409, occupation{5, "09:30", 5, "10:30", "TIME_OCCUPIED"}, occupation{2, "10:00", 2, "11:00", "OUTSIDE_WORKING_HOURS"})
		}},
		{"occupyTime", 422, "the end after the start, on the same day", func(t *testing.T, v *env) {
			v.occupyRefused(t, 422, occupation{5, "16:00", 5, "15:00", "VALIDATION_ERROR"}, occupation{5, "16:00", 6, "11:00", "VALIDATION_ERROR"})
		}},
	}
}

// occupation is a span of master 203's time to occupy, from a weekday's
// hour to a weekday's hour, and the code that refuses it.
type occupation struct {
	fromDay  int
	from     string
	toDay    int
	to, code string
}

// occupyRefused occupies each span with an administrator's key and expects
// each refused with status and its code.
func (v *env) occupyRefused(t *testing.T, status int, spans ...occupation) {
	t.Helper()
	k := v.admin(t)
	for _, o := range spans {
		st, b := v.call(t, "POST", api+"/occupied-times", k.Token, map[string]any{"master_id": 203, "start": v.rfc(o.fromDay, o.from), "end": v.rfc(o.toDay, o.to)})
		refused(t, st, b, status, o.code)
	}
}

func ownerCases() []docCase {
	o := ownerToken()
	return []docCase{
		{"createAccessKey", 201, "a new key awaits activation with a 32-hex token, and nothing is sent", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/access-keys", "", map[string]any{"name": "P", "access_type": "employee_editor", "employee_id": 201, "path": v.path.URL}, o...)
			require.Equal(t, 201, st)
			assert.Equal(t, "awaiting_activation", data(b)["state"])
			assert.Regexp(t, "^[0-9a-f]{32}$", data(b)["token"])
			assert.Equal(t, true, data(b)["permissions"].(map[string]any)["records"].(map[string]any)["cancel"], "the employee_editor preset")
			assert.Empty(t, v.path.received())
		}},
		{"createAccessKey", 422, "an own scope needs an employee", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/access-keys", "", map[string]any{"name": "P", "access_type": "employee"}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"listAccessKeys", 200, "the keys not deleted, oldest first", func(t *testing.T, v *env) {
			a, b2, c := v.key(t, dikidimock.KeySpec{}), v.key(t, dikidimock.KeySpec{}), v.key(t, dikidimock.KeySpec{})
			_, err := v.mock.DeleteKey(companyID, b2.ID)
			require.NoError(t, err)
			st, b := v.call(t, "GET", owner+"/access-keys", "", nil, o...)
			require.Equal(t, 200, st)
			assert.Equal(t, []int{int(a.ID), int(c.ID)}, ids(items(b)))
		}},
		{"getAccessKey", 200, "a deleted key stays readable as deleted", func(t *testing.T, v *env) {
			k := v.key(t, dikidimock.KeySpec{})
			_, err := v.mock.DeleteKey(companyID, k.ID)
			require.NoError(t, err)
			st, b := v.call(t, "GET", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", nil, o...)
			require.Equal(t, 200, st)
			assert.Equal(t, "deleted", data(b)["state"])
		}},
		{"getAccessKey", 404, "an unknown key", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", owner+"/access-keys/99999", "", nil, o...)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"updateAccessKey", 200, "clearing the record permissions pauses the key and sends key.state_changed; restoring one resumes it", func(t *testing.T, v *env) {
			k := v.admin(t)
			perms := map[string]any{"clients": map[string]any{"view": "all", "show_surnames": true, "show_phones": "everywhere"},
				"records": map[string]any{"add_edit": false, "cancel": false, "occupy_time": false}, "schedule": map[string]any{"edit": "none"}}
			st, b := v.call(t, "PATCH", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", map[string]any{"permissions": perms}, o...)
			require.Equal(t, 200, st)
			assert.Equal(t, "paused", data(b)["state"])
			perms["records"] = map[string]any{"add_edit": false, "cancel": true, "occupy_time": false}
			_, b = v.call(t, "PATCH", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", map[string]any{"permissions": perms}, o...)
			assert.Equal(t, "active", data(b)["state"])
			assert.Equal(t, []string{"key.state_changed", "key.state_changed"}, v.eventsAfter(t, k, 1))
		}},
		{"updateAccessKey", 404, "a deleted key cannot be edited", func(t *testing.T, v *env) {
			k := v.key(t, dikidimock.KeySpec{})
			_, err := v.mock.DeleteKey(companyID, k.ID)
			require.NoError(t, err)
			st, b := v.call(t, "PATCH", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", map[string]any{"name": "y"}, o...)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"updateAccessKey", 422, "a name is not empty", func(t *testing.T, v *env) {
			k := v.key(t, dikidimock.KeySpec{})
			st, b := v.call(t, "PATCH", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", map[string]any{"name": " "}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"deleteAccessKey", 200, "the key is deleted and one last key.state_changed is tried once", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "DELETE", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", nil, o...)
			require.Equal(t, 200, st)
			assert.Equal(t, "deleted", data(b)["state"])
			assert.Equal(t, []string{"key.state_changed"}, v.eventsAfter(t, k, 1))
		}},
		{"deleteAccessKey", 404, "deleting twice", func(t *testing.T, v *env) {
			k := v.key(t, dikidimock.KeySpec{})
			v.call(t, "DELETE", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", nil, o...)
			st, b := v.call(t, "DELETE", fmt.Sprintf("%s/access-keys/%d", owner, k.ID), "", nil, o...)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"listKeyDeliveries", 200, "the key's events, oldest first, with their attempts", func(t *testing.T, v *env) {
			k := v.admin(t)
			_, err := v.mock.Cancel(companyID, 506, "asked")
			require.NoError(t, err)
			v.settle(t, k.ID)
			st, b := v.call(t, "GET", fmt.Sprintf("%s/access-keys/%d/deliveries", owner, k.ID), "", nil, o...)
			require.Equal(t, 200, st)
			var names []string
			for _, d := range items(b) {
				names = append(names, d.(map[string]any)["event"].(string))
				assert.NotEmpty(t, d.(map[string]any)["attempts"])
			}
			assert.Equal(t, []string{"key.state_changed", "record.cancelled"}, names)
		}},
		{"listKeyDeliveries", 404, "an unknown key", func(t *testing.T, v *env) {
			st, b := v.call(t, "GET", owner+"/access-keys/99999/deliveries", "", nil, o...)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"listOutboxEmails", 200, "no delivery trouble, no e-mail", func(t *testing.T, v *env) {
			v.admin(t)
			st, b := v.call(t, "GET", owner+"/emails", "", nil, o...)
			require.Equal(t, 200, st)
			assert.Empty(t, items(b))
		}},
		{"ownerCreateRecord", 201, "a record of the panel or of online booking, as the source says, announced to active keys", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, b := v.call(t, "POST", owner+"/records", "", map[string]any{"master_id": 202, "service_ids": []int{303}, "start": v.rfc(4, "16:00"), "client": map[string]any{"id": 402}, "source": "online_booking"}, o...)
			require.Equal(t, 201, st)
			assert.Equal(t, "online_booking", data(b)["source"])
			assert.Equal(t, []string{"record.created"}, v.eventsAfter(t, k, 1))
		}},
		{"ownerCreateRecord", 409, "the panel's records obey the hours too", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/records", "", map[string]any{"master_id": 202, "service_ids": []int{303}, "start": v.rfc(1, "12:00"), "client": map[string]any{"id": 402}}, o...)
			refused(t, st, b, 409, "OUTSIDE_WORKING_HOURS")
		}},
		{"ownerCreateRecord", 422, "a client needs an id or a name and a phone", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/records", "", map[string]any{"master_id": 202, "service_ids": []int{303}, "start": v.rfc(4, "16:00"), "client": map[string]any{"name": "X"}}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"ownerOccupyTime", 201, "occupied time from the panel", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/occupied-times", "", map[string]any{"master_id": 203, "start": v.rfc(5, "16:00"), "end": v.rfc(5, "17:00")}, o...)
			require.Equal(t, 201, st)
			assert.Equal(t, "panel", data(b)["source"])
		}},
		{"ownerOccupyTime", 409, "over a record", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/occupied-times", "", map[string]any{"master_id": 201, "start": v.rfc(1, "10:00"), "end": v.rfc(1, "10:30")}, o...)
			refused(t, st, b, 409, "TIME_OCCUPIED")
		}},
		{"ownerOccupyTime", 422, "the end after the start", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/occupied-times", "", map[string]any{"master_id": 203, "start": v.rfc(5, "17:00"), "end": v.rfc(5, "16:00")}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"ownerUpdateRecord", 200, "the panel moves a record", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", owner+"/records/501", "", map[string]any{"start": v.rfc(1, "11:00")}, o...)
			require.Equal(t, 200, st)
			assert.Equal(t, v.rfc(1, "11:00"), data(b)["start"])
		}},
		{"ownerUpdateRecord", 404, "an unknown record", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", owner+"/records/999999", "", map[string]any{"comment": "x"}, o...)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"ownerUpdateRecord", 409, "a cancelled record", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", owner+"/records/507", "", map[string]any{"comment": "x"}, o...)
			refused(t, st, b, 409, "RECORD_CANCELLED")
		}},
		{"ownerUpdateRecord", 422, "a status that is not a record's", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", owner+"/records/501", "", map[string]any{"status": "cancelled"}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"ownerCancelRecord", 200, "the panel cancels a record", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/records/501/cancel", "", map[string]any{"reason": "asked"}, o...)
			require.Equal(t, 200, st)
			assert.Equal(t, "asked", data(b)["cancel_reason"])
		}},
		{"ownerCancelRecord", 404, "an unknown record", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/records/999999/cancel", "", nil, o...)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"ownerCancelRecord", 422, "a reason of at most 500 characters", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/records/501/cancel", "", map[string]any{"reason": strings.Repeat("x", 501)}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"ownerCreateClient", 201, "a client, announced only to keys that may see it", func(t *testing.T, v *env) {
			all := v.admin(t)
			own := v.withPerms(t, ptr(int64(203)), func(p *dikidimock.Permissions) { p.Clients.View = dikidimock.ScopeOwn })
			st, _ := v.call(t, "POST", owner+"/clients", "", map[string]any{"name": "Pavel", "phone": "+79031112233"}, o...)
			require.Equal(t, 201, st)
			assert.Equal(t, []string{"client.created"}, v.eventsAfter(t, all, 1))
			assert.Empty(t, v.eventsAfter(t, own, 1), "no record with the key's employee: not its client")
		}},
		{"ownerCreateClient", 422, "a phone another client has", func(t *testing.T, v *env) {
			st, b := v.call(t, "POST", owner+"/clients", "", map[string]any{"name": "X", "phone": "+79161234501"}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"ownerUpdateClient", 200, "a changed client is announced with what changed; a change that changes nothing is not", func(t *testing.T, v *env) {
			k := v.admin(t)
			st, _ := v.call(t, "PATCH", owner+"/clients/401", "", map[string]any{"name": "Irina"}, o...)
			require.Equal(t, 200, st)
			assert.Empty(t, v.eventsAfter(t, k, 1))
			st, b := v.call(t, "PATCH", owner+"/clients/401", "", map[string]any{"surname": nil}, o...)
			require.Equal(t, 200, st)
			assert.Nil(t, data(b)["surname"])
			assert.Equal(t, []string{"client.updated"}, v.eventsAfter(t, k, 1))
		}},
		{"ownerUpdateClient", 404, "an unknown client", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", owner+"/clients/999999", "", map[string]any{"name": "X"}, o...)
			refused(t, st, b, 404, "NOT_FOUND")
		}},
		{"ownerUpdateClient", 422, "an empty change", func(t *testing.T, v *env) {
			st, b := v.call(t, "PATCH", owner+"/clients/401", "", map[string]any{}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
		{"ownerUpdateSchedule", 200, "the panel sets a day", func(t *testing.T, v *env) {
			st, b := v.call(t, "PUT", owner+"/schedule/202/"+v.date(4), "", map[string]any{"working": false}, o...)
			require.Equal(t, 200, st)
			assert.Equal(t, false, data(b)["working"])
		}},
		{"ownerUpdateSchedule", 409, "not over a record", func(t *testing.T, v *env) {
			st, b := v.call(t, "PUT", owner+"/schedule/201/"+v.date(1), "", map[string]any{"working": false}, o...)
			refused(t, st, b, 409, "TIME_OCCUPIED")
		}},
		{"ownerUpdateSchedule", 422, "a working day needs its hours", func(t *testing.T, v *env) {
			st, b := v.call(t, "PUT", owner+"/schedule/202/"+v.date(4), "", map[string]any{"working": true}, o...)
			refused(t, st, b, 422, "VALIDATION_ERROR")
		}},
	}
}
