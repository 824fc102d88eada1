package dikidi

import (
	"slices"
	"sort"
	"strings"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
)

// ClientInput names a record's client: an existing id, or a name and phone.
type ClientInput struct {
	ID      *int64  `json:"id,omitempty"`
	Name    *string `json:"name,omitempty"`
	Surname *string `json:"surname,omitempty"`
	Phone   *string `json:"phone,omitempty"`
}

// RecordInput is a new record, from a key (createRecord) or the panel (ownerCreateRecord).
type RecordInput struct {
	MasterID   int64       `json:"master_id"`
	ServiceIDs []int64     `json:"service_ids"`
	Start      string      `json:"start"`
	Client     ClientInput `json:"client"`
	Comment    string      `json:"comment,omitempty"`
	ExternalID *string     `json:"external_id,omitempty"`
	Source     string      `json:"source,omitempty"`
}

// RecordChange is an edit; nil fields stay.
type RecordChange struct {
	MasterID   *int64  `json:"master_id,omitempty"`
	Start      *string `json:"start,omitempty"`
	End        *string `json:"end,omitempty"`
	ServiceIDs []int64 `json:"service_ids,omitempty"`
	Comment    *string `json:"comment,omitempty"`
	Status     *string `json:"status,omitempty"`
}

// OccupyInput is time blocked without a client.
type OccupyInput struct {
	MasterID int64  `json:"master_id"`
	Start    string `json:"start"`
	End      string `json:"end"`
	Comment  string `json:"comment,omitempty"`
}

// actor is who asks: a key, or the owner panel (nil key).
type actor struct {
	key    *key
	source string // the owner panel's source: panel or online_booking
}

func (a actor) origin() origin {
	if a.key != nil {
		return origin{kind: "key", key: a.key.id}
	}
	if a.source == "" {
		return origin{kind: SourcePanel}
	}
	return origin{kind: a.source}
}

// recordServices resolves services booked one after another by master.
func (c *company) recordServices(v *invalid, master int64, ids []int64) ([]dikidifixture.RecordService, int, float64) {
	var out []dikidifixture.RecordService
	total, cost := 0, 0.0
	for _, id := range ids {
		s, ok := c.service(id)
		switch {
		case !ok:
			v.add("service_ids", "no service %d", id)
			continue
		case !contains(s.MasterIDs, master):
			if _, known := c.master(master); known {
				v.add("service_ids", "master %d does not provide service %d", master, id)
			}
			continue
		}
		out = append(out, dikidifixture.RecordService{ID: s.ID, Name: s.Name, Price: s.Price, Duration: s.Duration})
		total += s.Duration
		cost += s.Price
	}
	return out, total, cost
}

// findByExternal is the record a key created with that external id.
func (c *company) findByExternal(k *key, ext string) *record {
	for _, id := range c.recordIDs {
		r := c.records[id]
		if r.origin.kind == "key" && r.origin.key == k.id && r.externalID != nil && *r.externalID == ext {
			return r
		}
	}
	return nil
}

// createRecord adds a client record. replayed is true when a key sent an
// external id it had already used: the record is returned unchanged.
func (c *company) createRecord(a actor, in RecordInput) (r *record, replayed bool, err *Error) {
	if a.key != nil && in.ExternalID != nil {
		if r := c.findByExternal(a.key, *in.ExternalID); r != nil {
			return r, true, nil
		}
	}
	var v invalid
	services, total, cost := c.recordServices(&v, in.MasterID, in.ServiceIDs)
	if len(in.ServiceIDs) == 0 {
		v.add("service_ids", "at least one service is required")
	}
	start, why := c.parseInput(in.Start)
	if why != "" {
		v.add("start", "%s", why)
	} else if a.key != nil && start.Before(c.now()) {
		v.add("start", "must not be in the past")
	}
	ci := in.Client
	if ci.ID == nil && (ci.Name == nil || ci.Phone == nil || strings.TrimSpace(*ci.Name) == "") {
		v.add("client", "give the id of an existing client, or a name and a phone")
	}
	if ci.Phone != nil && !phoneRE.MatchString(*ci.Phone) {
		v.add("client.phone", "must be E.164, for example +79161234501")
	}
	if err := v.err(); err != nil {
		return nil, false, err
	}
	if _, ok := c.master(in.MasterID); !ok {
		return nil, false, notFound("Master %d not found.", in.MasterID)
	}
	var cl *client
	if ci.ID != nil {
		x, ok := c.clients[*ci.ID]
		if !ok {
			return nil, false, notFound("Client %d not found.", *ci.ID)
		}
		cl = x
	}
	end := start.Add(time.Duration(total) * time.Minute)
	if err := c.place(in.MasterID, start, end, 0); err != nil {
		return nil, false, err
	}
	o := a.origin()
	newClient := false
	if cl == nil {
		cl = c.clientByPhone(*ci.Phone)
		if cl == nil {
			c.nextClient++
			cl = &client{id: c.nextClient, name: *ci.Name, surname: ci.Surname, phone: *ci.Phone}
			c.clients[cl.id] = cl
			c.clientIDs = append(c.clientIDs, cl.id)
			newClient = true
		}
	}
	now := c.now()
	c.nextRecord++
	r = &record{
		id: c.nextRecord, typ: TypeRecord, status: StatusNew, master: in.MasterID, start: start, end: end,
		services: services, client: cl.id, cost: cost, comment: in.Comment, origin: o,
		externalID: in.ExternalID, created: now, updated: now,
	}
	if a.key == nil {
		r.externalID = nil
	}
	c.records[r.id] = r
	c.recordIDs = append(c.recordIDs, r.id)
	if newClient {
		c.clientEvent(EventClientCreated, o, cl, nil)
	}
	c.recordEvent(EventRecordCreated, o, r, nil)
	return r, false, nil
}

// occupy blocks a master's time without a client.
func (c *company) occupy(a actor, in OccupyInput) (*record, *Error) {
	var v invalid
	start, why := c.parseInput(in.Start)
	if why != "" {
		v.add("start", "%s", why)
	}
	end, why2 := c.parseInput(in.End)
	if why2 != "" {
		v.add("end", "%s", why2)
	}
	if why == "" && why2 == "" {
		switch {
		case !end.After(start):
			v.add("end", "must be after start")
		case c.date(start) != c.date(end.Add(-time.Minute)):
			v.add("end", "must be on the same day as start")
		}
		if a.key != nil && start.Before(c.now()) {
			v.add("start", "must not be in the past")
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, ok := c.master(in.MasterID); !ok {
		return nil, notFound("Master %d not found.", in.MasterID)
	}
	if err := c.place(in.MasterID, start, end, 0); err != nil {
		return nil, err
	}
	now := c.now()
	c.nextRecord++
	r := &record{
		id: c.nextRecord, typ: TypeOccupied, status: StatusConfirmed, master: in.MasterID, start: start, end: end,
		services: []dikidifixture.RecordService{}, comment: in.Comment, origin: a.origin(), created: now, updated: now,
	}
	c.records[r.id] = r
	c.recordIDs = append(c.recordIDs, r.id)
	c.recordEvent(EventRecordCreated, r.origin, r, nil)
	return r, nil
}

// updateRecord edits a record; a change that changes nothing sends nothing.
func (c *company) updateRecord(a actor, id int64, in RecordChange) (*record, *Error) {
	r, ok := c.records[id]
	var v invalid
	occupied := ok && r.typ == TypeOccupied
	if in.End != nil && ok && !occupied {
		v.add("end", "only occupied time takes an end; a record's end follows from its services")
	}
	if occupied && in.ServiceIDs != nil {
		v.add("service_ids", "occupied time has no services")
	}
	if occupied && in.Status != nil {
		v.add("status", "occupied time has no status to set")
	}
	if in.Status != nil && !slices.Contains([]string{StatusNew, StatusConfirmed, "came", "no_show"}, *in.Status) {
		v.add("status", "must be new, confirmed, came or no_show; cancel with the cancel operation")
	}
	var start, end time.Time
	if in.Start != nil {
		t, why := c.parseInput(*in.Start)
		if why != "" {
			v.add("start", "%s", why)
		}
		start = t
	}
	if in.End != nil {
		t, why := c.parseInput(*in.End)
		if why != "" {
			v.add("end", "%s", why)
		}
		end = t
	}
	if !ok {
		if err := v.err(); err != nil {
			return nil, err
		}
		return nil, notFound("Record %d not found.", id)
	}
	master := r.master
	if in.MasterID != nil {
		master = *in.MasterID
	}
	if in.Start == nil {
		start = r.start
	}
	services, cost := r.services, r.cost
	if !occupied {
		ids := in.ServiceIDs
		if ids == nil {
			for _, s := range r.services {
				ids = append(ids, s.ID)
			}
		}
		var total int
		if in.ServiceIDs != nil || in.MasterID != nil {
			services, total, cost = c.recordServices(&v, master, ids)
		} else {
			total = r.duration()
		}
		end = start.Add(time.Duration(total) * time.Minute)
	} else if in.End == nil {
		end = start.Add(r.end.Sub(r.start))
	}
	moved := master != r.master || !start.Equal(r.start) || !end.Equal(r.end)
	if moved {
		if !end.After(start) {
			v.add("end", "must be after start")
		}
		if a.key != nil && start.Before(c.now()) {
			v.add("start", "must not be in the past")
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, known := c.master(master); !known {
		return nil, notFound("Master %d not found.", master)
	}
	if !r.active() {
		return nil, conflict(codeRecordCancelled, "Record %d is cancelled and cannot be edited.", r.id)
	}
	if moved {
		if err := c.place(master, start, end, r.id); err != nil {
			return nil, err
		}
	}
	var changed []string
	if master != r.master {
		changed = append(changed, "master_id")
	}
	if !start.Equal(r.start) {
		changed = append(changed, "start")
	}
	if !end.Equal(r.end) {
		changed = append(changed, "end")
	}
	if !sameServices(services, r.services) {
		changed = append(changed, "services")
	}
	if in.Status != nil && *in.Status != r.status {
		changed = append(changed, "status")
	}
	if in.Comment != nil && *in.Comment != r.comment {
		changed = append(changed, "comment")
	}
	if len(changed) == 0 {
		return r, nil
	}
	previous := map[string]any{"master_id": r.master, "start": c.ts(r.start), "end": c.ts(r.end), "status": r.status}
	r.master, r.start, r.end, r.services, r.cost = master, start, end, services, cost
	if in.Status != nil {
		r.status = *in.Status
	}
	if in.Comment != nil {
		r.comment = *in.Comment
	}
	r.updated = c.now()
	o := a.origin()
	c.recordEvent(EventRecordUpdated, o, r, map[string]any{"changed_fields": changed, "previous": previous})
	return r, nil
}

func sameServices(a, b []dikidifixture.RecordService) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			return false
		}
	}
	return true
}

// cancelRecord cancels a record or releases occupied time; again is a no-op.
func (c *company) cancelRecord(a actor, id int64, reason *string) (*record, *Error) {
	r, ok := c.records[id]
	if !ok {
		return nil, notFound("Record %d not found.", id)
	}
	if !r.active() {
		return r, nil
	}
	now := c.now()
	r.status, r.cancelledAt, r.cancelReason, r.updated = StatusCancelled, &now, reason, now
	c.recordEvent(EventRecordCancelled, a.origin(), r, nil)
	return r, nil
}

// recordEvent tells every key about a record; extra joins the data.
func (c *company) recordEvent(name string, o origin, r *record, extra map[string]any) {
	c.emit(name, o, func(k *key) map[string]any {
		data := map[string]any{"record": c.recordJSON(r, k)}
		for f, v := range extra {
			data[f] = v
		}
		return data
	}, nil)
}

// listRecords are the records starting in [from, to) in start order.
func (c *company) listRecords(from, to time.Time, master int64, cancelled bool) []*record {
	var out []*record
	for _, id := range c.recordIDs {
		r := c.records[id]
		if r.start.Before(from) || !r.start.Before(to) || (master != 0 && r.master != master) || (!cancelled && !r.active()) {
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].start.Equal(out[j].start) {
			return out[i].start.Before(out[j].start)
		}
		return out[i].id < out[j].id
	})
	return out
}

// dateRange reads date_from/date_to: at most 31 days, in order.
func (c *company) dateRange(q map[string][]string) (time.Time, time.Time, *Error) {
	var v invalid
	from, err1 := c.parseDate(first(q["date_from"]))
	to, err2 := c.parseDate(first(q["date_to"]))
	if err1 != nil {
		v.add("date_from", "must be a date (YYYY-MM-DD)")
	}
	if err2 != nil {
		v.add("date_to", "must be a date (YYYY-MM-DD)")
	}
	if err1 == nil && err2 == nil {
		if to.Before(from) {
			v.add("date_to", "must not be before date_from")
		} else if to.After(from.AddDate(0, 0, 30)) {
			v.add("date_to", "the range is at most 31 days")
		}
	}
	if err := v.err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return from, to.AddDate(0, 0, 1), nil
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}
