package dikidi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/accord-harness/accord/internal/mockserver"
)

type keyHandler func(c *company, k *key, req *mockserver.Request) mockserver.Response

type ownerHandler func(c *company, req *mockserver.Request) mockserver.Response

// handlers maps every operationId of the document to its handler; the
// server refuses to start if one is missing.
func (m *Mock) handlers() map[string]mockserver.Handler {
	keyed := map[string]keyHandler{
		"activateKey":    m.activateKey,
		"getKeyStatus":   m.getKeyStatus,
		"getCompany":     m.getCompany,
		"listMasters":    m.listMasters,
		"listServices":   m.listServices,
		"listClients":    m.listClients,
		"getClient":      m.getClient,
		"getSchedule":    m.getSchedule,
		"updateSchedule": m.updateSchedule,
		"listFreeTimes":  m.listFreeTimes,
		"listRecords":    m.listRecords,
		"createRecord":   m.createRecordCall,
		"getRecord":      m.getRecord,
		"updateRecord":   m.updateRecordCall,
		"cancelRecord":   m.cancelRecordCall,
		"occupyTime":     m.occupyTime,
	}
	owned := map[string]ownerHandler{
		"createAccessKey":     m.createAccessKey,
		"listAccessKeys":      m.listAccessKeys,
		"getAccessKey":        m.getAccessKey,
		"updateAccessKey":     m.updateAccessKey,
		"deleteAccessKey":     m.deleteAccessKey,
		"listKeyDeliveries":   m.listKeyDeliveries,
		"listOutboxEmails":    m.listOutboxEmails,
		"ownerCreateRecord":   m.ownerCreateRecord,
		"ownerOccupyTime":     asOwner(m.occupyTime),
		"ownerUpdateRecord":   asOwner(m.updateRecordCall),
		"ownerCancelRecord":   asOwner(m.cancelRecordCall),
		"ownerCreateClient":   m.ownerCreateClient,
		"ownerUpdateClient":   m.ownerUpdateClient,
		"ownerUpdateSchedule": m.ownerUpdateSchedule,
	}
	out := make(map[string]mockserver.Handler, len(keyed)+len(owned))
	for id, fn := range keyed {
		out[id] = m.keyed(fn)
	}
	for id, fn := range owned {
		out[id] = m.owned(fn)
	}
	return out
}

// asOwner serves the owner panel's form of a partner call: the same rules
// with no key, so no key's permissions or scope narrow what the owner sees.
func asOwner(fn keyHandler) ownerHandler {
	return func(c *company, req *mockserver.Request) mockserver.Response { return fn(c, nil, req) }
}

// keyed runs a partner call with its key's company locked. Events go out
// from a worker, never from here, so nothing waits on the partner.
func (m *Mock) keyed(fn keyHandler) mockserver.Handler {
	return func(_ context.Context, req *mockserver.Request) mockserver.Response {
		k := m.keyByToken(req.HTTP.URL.Query().Get("token"))
		if k == nil {
			return failure(http.StatusUnauthorized, codeKeyUnknown, "No access key with this token exists.")
		}
		k.c.mu.Lock()
		defer k.c.mu.Unlock()
		if k.deleted != nil {
			return failure(http.StatusUnauthorized, codeKeyDeleted, "The company deleted this access key; the integration has ended.")
		}
		return fn(k.c, k, req)
	}
}

// owned runs an owner-panel call with the company locked.
func (m *Mock) owned(fn ownerHandler) mockserver.Handler {
	return func(_ context.Context, req *mockserver.Request) mockserver.Response {
		id, _ := strconv.ParseInt(req.Params["company_id"], 10, 64)
		c, found := m.company(id)
		if !found {
			return (notFound("Company %d not found.", id)).response()
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return fn(c, req)
	}
}

func param(req *mockserver.Request, name string) int64 {
	id, _ := strconv.ParseInt(req.Params[name], 10, 64)
	return id
}

func queryInt(req *mockserver.Request, name string) int64 {
	id, _ := strconv.ParseInt(req.HTTP.URL.Query().Get(name), 10, 64)
	return id
}

// decode reads a body the document has already validated.
func decode(req *mockserver.Request, v any) *Error {
	if len(req.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(req.Body, v); err != nil {
		return (invalid{{Field: "body", Message: err.Error()}}).err()
	}
	return nil
}

// activation ---------------------------------------------------------------------

func (m *Mock) activateKey(c *company, k *key, req *mockserver.Request) mockserver.Response {
	if _, err := c.activate(k, req.HTTP.Header.Get("Authorization")); err != nil {
		return err.response()
	}
	return ok(c.statusJSON(k))
}

func (m *Mock) getKeyStatus(c *company, k *key, _ *mockserver.Request) mockserver.Response {
	return ok(c.statusJSON(k))
}

// company ------------------------------------------------------------------------

func (m *Mock) getCompany(c *company, _ *key, _ *mockserver.Request) mockserver.Response {
	return ok(c.companyJSON())
}

func (m *Mock) listMasters(c *company, _ *key, _ *mockserver.Request) mockserver.Response {
	out := make([]map[string]any, 0, len(c.masters))
	for _, ms := range c.masters {
		out = append(out, masterJSON(ms))
	}
	return ok(list(out))
}

func (m *Mock) listServices(c *company, _ *key, req *mockserver.Request) mockserver.Response {
	master := queryInt(req, "master_id")
	if master != 0 {
		if _, found := c.master(master); !found {
			return notFound("Master %d not found.", master).response()
		}
	}
	out := []map[string]any{}
	for _, s := range c.services {
		if master == 0 || contains(s.MasterIDs, master) {
			out = append(out, serviceJSON(s))
		}
	}
	return ok(list(out))
}

// clients ------------------------------------------------------------------------

func (m *Mock) listClients(c *company, k *key, req *mockserver.Request) mockserver.Response {
	q := req.HTTP.URL.Query()
	limit, offset := 100, 0
	if v, err := strconv.Atoi(q.Get("limit")); err == nil {
		limit = v
	}
	if v, err := strconv.Atoi(q.Get("offset")); err == nil {
		offset = v
	}
	all := c.visibleClients(k, q.Get("query"))
	page := []map[string]any{}
	for i := offset; i < len(all) && i < offset+limit; i++ {
		page = append(page, c.clientJSON(all[i], k, inList))
	}
	return ok(map[string]any{"list": page, "total": len(all), "limit": limit, "offset": offset})
}

func (m *Mock) getClient(c *company, k *key, req *mockserver.Request) mockserver.Response {
	id := param(req, "client_id")
	cl, found := c.clients[id]
	if !found || !c.visibleClient(k, cl) {
		return notFound("Client %d not found.", id).response()
	}
	return ok(c.clientJSON(cl, k, onCard))
}

// schedule -----------------------------------------------------------------------

func (m *Mock) getSchedule(c *company, _ *key, req *mockserver.Request) mockserver.Response {
	from, to, err := c.dateRange(req.HTTP.URL.Query())
	if err != nil {
		return err.response()
	}
	master := queryInt(req, "master_id")
	var masters []int64
	for _, ms := range c.masters {
		if master == 0 || ms.ID == master {
			masters = append(masters, ms.ID)
		}
	}
	if len(masters) == 0 {
		return notFound("Master %d not found.", master).response()
	}
	out := []map[string]any{}
	for _, id := range masters {
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			out = append(out, c.dayJSON(id, d))
		}
	}
	return ok(list(out))
}

func (m *Mock) updateSchedule(c *company, k *key, req *mockserver.Request) mockserver.Response {
	return m.putDay(c, actor{key: k}, req)
}

func (m *Mock) ownerUpdateSchedule(c *company, req *mockserver.Request) mockserver.Response {
	return m.putDay(c, actor{}, req)
}

func (m *Mock) putDay(c *company, a actor, req *mockserver.Request) mockserver.Response {
	var in DayInput
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	master := param(req, "master_id")
	day, err := c.setDay(a, master, req.Params["date"], in)
	if err != nil {
		return err.response()
	}
	return ok(c.dayJSON(master, day))
}

func (m *Mock) listFreeTimes(c *company, _ *key, req *mockserver.Request) mockserver.Response {
	q := req.HTTP.URL.Query()
	from, to, err := c.dateRange(q)
	if err != nil {
		return err.response()
	}
	var ids []int64
	for _, s := range q["service_id"] {
		id, _ := strconv.ParseInt(s, 10, 64)
		ids = append(ids, id)
	}
	total, days, err := c.freeTimes(ids, queryInt(req, "master_id"), from, to)
	if err != nil {
		return err.response()
	}
	out := []map[string]any{}
	for _, d := range days {
		times := make([]string, 0, len(d.Times))
		for _, t := range d.Times {
			times = append(times, c.ts(t))
		}
		out = append(out, map[string]any{"master_id": d.MasterID, "date": d.Date, "times": times})
	}
	return ok(map[string]any{"duration": total, "step": Step, "list": out})
}

// records ------------------------------------------------------------------------

func (m *Mock) listRecords(c *company, k *key, req *mockserver.Request) mockserver.Response {
	q := req.HTTP.URL.Query()
	from, to, err := c.dateRange(q)
	if err != nil {
		return err.response()
	}
	master := queryInt(req, "master_id")
	if master != 0 {
		if _, found := c.master(master); !found {
			return notFound("Master %d not found.", master).response()
		}
	}
	out := []map[string]any{}
	for _, r := range c.listRecords(from, to, master, q.Get("include_cancelled") == "true") {
		out = append(out, c.recordJSON(r, k))
	}
	return ok(list(out))
}

func (m *Mock) getRecord(c *company, k *key, req *mockserver.Request) mockserver.Response {
	id := param(req, "record_id")
	r, found := c.records[id]
	if !found {
		return notFound("Record %d not found.", id).response()
	}
	return ok(c.recordJSON(r, k))
}

func (m *Mock) createRecordCall(c *company, k *key, req *mockserver.Request) mockserver.Response {
	var in RecordInput
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	in.Source = ""
	r, replayed, err := c.createRecord(actor{key: k}, in)
	if err != nil {
		return err.response()
	}
	if replayed {
		return ok(c.recordJSON(r, k))
	}
	return created(c.recordJSON(r, k))
}

func (m *Mock) ownerCreateRecord(c *company, req *mockserver.Request) mockserver.Response {
	var in RecordInput
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	src := in.Source
	in.ExternalID = nil
	r, _, err := c.createRecord(actor{source: src}, in)
	if err != nil {
		return err.response()
	}
	return created(c.recordJSON(r, nil))
}

func (m *Mock) updateRecordCall(c *company, k *key, req *mockserver.Request) mockserver.Response {
	var in RecordChange
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	r, err := c.updateRecord(actor{key: k}, param(req, "record_id"), in)
	if err != nil {
		return err.response()
	}
	return ok(c.recordJSON(r, k))
}

type cancelBody struct {
	Reason *string `json:"reason"`
}

func (m *Mock) cancelRecordCall(c *company, k *key, req *mockserver.Request) mockserver.Response {
	var in cancelBody
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	r, err := c.cancelRecord(actor{key: k}, param(req, "record_id"), in.Reason)
	if err != nil {
		return err.response()
	}
	return ok(c.recordJSON(r, k))
}

func (m *Mock) occupyTime(c *company, k *key, req *mockserver.Request) mockserver.Response {
	var in OccupyInput
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	r, err := c.occupy(actor{key: k}, in)
	if err != nil {
		return err.response()
	}
	return created(c.recordJSON(r, k))
}

// owner: clients -------------------------------------------------------------------

func (m *Mock) ownerCreateClient(c *company, req *mockserver.Request) mockserver.Response {
	var in struct {
		Name    string  `json:"name"`
		Surname *string `json:"surname"`
		Phone   string  `json:"phone"`
	}
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	cl, err := c.createClient(in.Name, in.Surname, in.Phone)
	if err != nil {
		return err.response()
	}
	return created(c.clientJSON(cl, nil, onCard))
}

func (m *Mock) ownerUpdateClient(c *company, req *mockserver.Request) mockserver.Response {
	var raw map[string]json.RawMessage
	if err := decode(req, &raw); err != nil {
		return err.response()
	}
	var in ClientChange
	if v, set := raw["name"]; set {
		_ = json.Unmarshal(v, &in.Name)
	}
	if v, set := raw["phone"]; set {
		_ = json.Unmarshal(v, &in.Phone)
	}
	if v, set := raw["surname"]; set {
		in.SetSurname = true
		_ = json.Unmarshal(v, &in.Surname)
	}
	cl, err := c.updateClient(param(req, "client_id"), in)
	if err != nil {
		return err.response()
	}
	return ok(c.clientJSON(cl, nil, onCard))
}

// owner: keys, deliveries, e-mails ---------------------------------------------------

func (m *Mock) createAccessKey(c *company, req *mockserver.Request) mockserver.Response {
	var in KeySpec
	if err := decode(req, &in); err != nil {
		return err.response()
	}
	k, err := c.createKey(in)
	if err != nil {
		return err.response()
	}
	return created(c.keyJSON(k))
}

func (m *Mock) listAccessKeys(c *company, _ *mockserver.Request) mockserver.Response {
	out := []map[string]any{}
	for _, k := range c.keys {
		if k.deleted == nil {
			out = append(out, c.keyJSON(k))
		}
	}
	return ok(list(out))
}

func (m *Mock) getAccessKey(c *company, req *mockserver.Request) mockserver.Response {
	k, err := c.keyByID(param(req, "key_id"))
	if err != nil {
		return err.response()
	}
	return ok(c.keyJSON(k))
}

func (m *Mock) updateAccessKey(c *company, req *mockserver.Request) mockserver.Response {
	var raw map[string]json.RawMessage
	if err := decode(req, &raw); err != nil {
		return err.response()
	}
	var in KeyChange
	str := func(name string, dst **string, clear *bool) {
		v, set := raw[name]
		if !set {
			return
		}
		if string(v) == "null" {
			if clear != nil {
				*clear = true
			}
			return
		}
		_ = json.Unmarshal(v, dst)
	}
	str("name", &in.Name, nil)
	str("access_type", &in.AccessType, nil)
	str("path", &in.Path, &in.ClearPath)
	str("email", &in.Email, &in.ClearEmail)
	if v, set := raw["employee_id"]; set {
		if string(v) == "null" {
			in.ClearEmployee = true
		} else {
			_ = json.Unmarshal(v, &in.EmployeeID)
		}
	}
	if v, set := raw["permissions"]; set {
		in.Permissions = &Permissions{}
		_ = json.Unmarshal(v, in.Permissions)
	}
	k, err := c.keyByID(param(req, "key_id"))
	if err == nil {
		err = c.updateKey(k, in)
	}
	if err != nil {
		return err.response()
	}
	return ok(c.keyJSON(k))
}

func (m *Mock) deleteAccessKey(c *company, req *mockserver.Request) mockserver.Response {
	k, err := c.keyByID(param(req, "key_id"))
	if err == nil {
		err = c.deleteKey(k)
	}
	if err != nil {
		return err.response()
	}
	return ok(c.keyJSON(k))
}

func (m *Mock) listKeyDeliveries(c *company, req *mockserver.Request) mockserver.Response {
	k, err := c.keyByID(param(req, "key_id"))
	if err != nil {
		return err.response()
	}
	out := make([]map[string]any, 0, len(k.deliveries))
	for _, d := range k.deliveries {
		out = append(out, c.deliveryJSON(d))
	}
	return ok(list(out))
}

func (m *Mock) listOutboxEmails(c *company, _ *mockserver.Request) mockserver.Response {
	out := make([]map[string]any, 0, len(c.outbox))
	for _, e := range c.outbox {
		out = append(out, c.emailJSON(e))
	}
	return ok(list(out))
}
