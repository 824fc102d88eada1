package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/accord-harness/accord/internal/driver"
)

const timeLayout = "2006-01-02T15:04:05-07:00"

func (s *session) fmt(t time.Time) string { return t.In(s.loc).Format(timeLayout) }

func (s *session) refuse(action, by, reason string) error {
	s.refusals = append(s.refusals, refusal{Action: action, By: by, Reason: reason})
	return driver.Errorf(http.StatusConflict, "refused by %s: %s", by, reason)
}

// mayChangeRecords is the connector's own check before it sends a record
// change: the key is there, activated, not paused, and allows perm.
func (p *Partner) mayChangeRecords(s *session, action, perm string, granted bool) error {
	if action == "add-record" || !p.faults["staff-actions-ignore-deletion"] {
		if err := p.gone(s); err != nil {
			return err
		}
	}
	if s.keyState == stateAwaiting || s.keyState == stateUnknown {
		return s.refuse(action, "partner", "the DIKIDI access key is not activated yet")
	}
	if p.faults["writes-while-paused"] && s.keyState == statePaused {
		return nil
	}
	if s.keyState == statePaused && (action == "add-record" || !p.faults["pause-blocks-new-records-only"]) {
		return s.refuse(action, "partner", "the salon paused the integration on DIKIDI (no record permission): records cannot be changed until it restores them")
	}
	if !granted && !p.faults["ignores-permissions"] {
		return s.refuse(action, "partner", "the DIKIDI access key does not allow "+perm)
	}
	return nil
}

// refused turns a DIKIDI refusal of a change into the driver's answer, and
// re-reads the key so the connector does not ask again for what it may not do.
func (p *Partner) refused(ctx context.Context, s *session, action string, err error) error {
	switch code(err) {
	case "PERMISSION_DENIED", "KEY_PAUSED", "KEY_NOT_ACTIVATED":
		// The faulty build learns-pause-from-events-only waits for DIKIDI's
		// event to hear of a pause, however plainly a refusal says it.
		if !p.faults["ignores-permission-refusals"] && (code(err) != "KEY_PAUSED" || !p.faults["learns-pause-from-events-only"]) {
			_ = p.readKey(ctx, s)
		}
		return s.refuse(action, "dikidi", err.Error())
	case "KEY_DELETED":
		if e := p.gone(s); e != nil {
			return e
		}
	case "TIME_OCCUPIED", "OUTSIDE_WORKING_HOURS", "RECORD_CANCELLED", "NOT_FOUND":
		return driver.Errorf(http.StatusConflict, "DIKIDI refused: %v", err)
	case "VALIDATION_ERROR":
		return driver.Errorf(http.StatusBadRequest, "DIKIDI refused: %v", err)
	}
	s.lastError = action + ": " + err.Error()
	return driver.Errorf(http.StatusBadGateway, "%v", err)
}

// callRetrying repeats a call once when no answer came back; only for calls
// DIKIDI makes idempotent.
func (p *Partner) callRetrying(ctx context.Context, s *session, method, path string, in, out any) error {
	err := p.call(ctx, s, method, path, nil, in, out, nil)
	if transport(err) {
		err = p.call(ctx, s, method, path, nil, in, out, nil)
	}
	return err
}

func params[T any](raw json.RawMessage) (T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, driver.Errorf(http.StatusBadRequest, "params: %v", err)
	}
	return v, nil
}

// adopt fills a connector record from DIKIDI's answer.
func (p *Partner) adopt(s *session, raw json.RawMessage, r *rec) {
	var d dikidiRecord
	if p.faults["waits-for-own-events"] || json.Unmarshal(raw, &d) != nil {
		return
	}
	r.echoesDue++
	p.fill(s, r, d)
}

func (s *session) record(id string) (*rec, error) {
	for _, r := range s.records {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, driver.Errorf(http.StatusNotFound, "no record %q in the connector", id)
}

func (s *session) duration(serviceIDs []int64) time.Duration {
	total := 0
	for _, id := range serviceIDs {
		for _, sv := range s.services {
			if sv.ID == id {
				total += sv.Duration
			}
		}
	}
	return time.Duration(total) * time.Minute
}

func (s *session) drop(r *rec) {
	for i, x := range s.records {
		if x == r {
			s.records = append(s.records[:i], s.records[i+1:]...)
			return
		}
	}
}

type clientParams struct {
	DikidiID int64  `json:"dikidi_id"`
	Name     string `json:"name"`
	Surname  string `json:"surname"`
	Phone    string `json:"phone"`
}

// addRecord: the connector's staff (or its users) book a client; the record
// goes to DIKIDI with the connector's own id as external_id, so a retry after
// a lost answer cannot make it twice.
func (p *Partner) addRecord(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, perr := params[struct {
		MasterID   int64        `json:"master_id"`
		ServiceIDs []int64      `json:"service_ids"`
		Start      time.Time    `json:"start"`
		Client     clientParams `json:"client"`
		Comment    string       `json:"comment"`
	}](raw)
	if perr != nil {
		return nil, perr
	}
	if err := p.mayChangeRecords(s, "add-record", "records.add_edit", s.perms.Records.AddEdit); err != nil {
		return nil, err
	}
	r := &rec{ID: p.newRecordID(s), Type: "record", Status: "new", MasterID: in.MasterID, Start: in.Start.In(s.loc),
		End: in.Start.In(s.loc).Add(s.duration(in.ServiceIDs)), ServiceIDs: in.ServiceIDs, Comment: in.Comment, Origin: "partner"}
	if p.faults["refuses-last-slot"] && s.endsTheDay(r) {
		return nil, s.refuse("add-record", "partner", "no free time: the record would run past the master's working day")
	}
	if in.Client.DikidiID == 0 {
		surname := in.Client.Surname
		r.Client = &clientRow{Name: in.Client.Name, Surname: &surname, Phone: in.Client.Phone, Masked: []string{}}
	}
	p.keep(s, r)
	if p.faults["local-only-records"] {
		return map[string]any{"record_id": r.ID, "dikidi_id": 0}, nil
	}
	client := map[string]any{"id": in.Client.DikidiID}
	if in.Client.DikidiID == 0 {
		client = map[string]any{"name": in.Client.Name, "phone": in.Client.Phone}
		if p.faults["full-name-as-name"] && in.Client.Surname != "" {
			client["name"] = in.Client.Name + " " + in.Client.Surname
		} else if in.Client.Surname != "" {
			client["surname"] = in.Client.Surname
		} else if p.alt {
			client["surname"] = nil // said outright: no surname
		}
	}
	start := s.fmt(in.Start)
	if p.faults["utc-start-with-salon-offset"] {
		start = in.Start.UTC().Format("2006-01-02T15:04:05") + in.Start.In(s.loc).Format("-07:00")
	}
	services := in.ServiceIDs
	if len(services) > 1 && p.faults["sends-first-service-only"] {
		services = services[:1]
	}
	body := map[string]any{"master_id": in.MasterID, "service_ids": services, "start": start, "client": client}
	if c := p.note(in.Comment, "Booked by the partner's staff"); c != "" && !p.faults["drops-staff-comments"] {
		body["comment"] = c
	}
	if !p.faults["no-external-id"] {
		body["external_id"] = r.ID
	}
	var out json.RawMessage
	if err := p.callRetrying(ctx, s, http.MethodPost, "/records", body, &out); err != nil {
		s.drop(r)
		return nil, p.refused(ctx, s, "add-record", err)
	}
	p.adopt(s, out, r)
	p.refreshFree(ctx, s, r.MasterID, r.Start.Format(time.DateOnly))
	return map[string]any{"record_id": r.ID, "dikidi_id": r.DikidiID}, nil
}

// changeable is the record id names once the key lets the connector do
// action to it: perm (granted) for a record, records.occupy_time for
// occupied time.
func (p *Partner) changeable(s *session, id, action, perm string, granted bool) (*rec, error) {
	r, err := s.record(id)
	if err != nil {
		return nil, err
	}
	if r.Type == "occupied" && !p.faults["record-permissions-for-occupied-time"] {
		perm, granted = "records.occupy_time", s.perms.Records.OccupyTime
	}
	if err := p.mayChangeRecords(s, action, perm, granted); err != nil {
		return nil, err
	}
	return r, nil
}

// editRecord moves a record (or occupied time) or changes its services or status.
func (p *Partner) editRecord(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, perr := params[struct {
		RecordID   string     `json:"record_id"`
		Start      *time.Time `json:"start"`
		MasterID   *int64     `json:"master_id"`
		ServiceIDs []int64    `json:"service_ids"`
		Status     *string    `json:"status"`
	}](raw)
	if perr != nil {
		return nil, perr
	}
	r, err := p.changeable(s, in.RecordID, "edit-record", "records.add_edit", s.perms.Records.AddEdit)
	if err != nil {
		return nil, err
	}
	oldMaster, oldDate := r.MasterID, r.Start.Format(time.DateOnly)
	if p.faults["edit-not-exported"] || r.DikidiID == 0 || p.localOnly(r) {
		length := r.End.Sub(r.Start)
		if in.Start != nil {
			r.Start = in.Start.In(s.loc)
		}
		if in.MasterID != nil {
			r.MasterID = *in.MasterID
		}
		if in.ServiceIDs != nil {
			r.ServiceIDs, length = in.ServiceIDs, s.duration(in.ServiceIDs)
		}
		r.End = r.Start.Add(length)
		return map[string]any{"record_id": r.ID, "dikidi_id": r.DikidiID}, nil
	}
	body := map[string]any{}
	if in.Start != nil {
		body["start"] = s.fmt(*in.Start)
	}
	if in.MasterID != nil {
		body["master_id"] = *in.MasterID
	}
	if in.ServiceIDs != nil {
		body["service_ids"] = in.ServiceIDs
	}
	if in.Status != nil {
		body["status"] = *in.Status
	}
	if p.alt && r.Type == "occupied" && in.Start != nil {
		// occupied time keeps its length when moved; said outright
		body["end"] = s.fmt(in.Start.Add(r.End.Sub(r.Start)))
	}
	if len(body) == 0 {
		return nil, driver.Errorf(http.StatusBadRequest, "nothing to change")
	}
	var out json.RawMessage
	if err := p.callRetrying(ctx, s, http.MethodPatch, fmt.Sprintf("/records/%d", r.DikidiID), body, &out); err != nil {
		if code(err) == "TIME_OCCUPIED" && p.faults["keeps-refused-changes"] && in.Start != nil {
			length := r.End.Sub(r.Start)
			r.Start = in.Start.In(s.loc)
			r.End = r.Start.Add(length)
			return map[string]any{"record_id": r.ID, "dikidi_id": r.DikidiID}, nil
		}
		return nil, p.refused(ctx, s, "edit-record", err)
	}
	p.adopt(s, out, r)
	if r.MasterID == oldMaster || !p.faults["refreshes-new-master-only"] {
		p.refreshFree(ctx, s, oldMaster, oldDate)
	}
	if r.MasterID != oldMaster || r.Start.Format(time.DateOnly) != oldDate {
		p.refreshFree(ctx, s, r.MasterID, r.Start.Format(time.DateOnly))
	}
	return map[string]any{"record_id": r.ID, "dikidi_id": r.DikidiID}, nil
}

// localOnly is a fault: records learned from DIKIDI are changed in the
// connector's own system only.
func (p *Partner) localOnly(r *rec) bool {
	return r.Origin != "partner" && p.faults["edits-own-records-only"]
}

// cancelRecord cancels a record or releases occupied time.
func (p *Partner) cancelRecord(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, perr := params[struct {
		RecordID string `json:"record_id"`
		Reason   string `json:"reason"`
	}](raw)
	if perr != nil {
		return nil, perr
	}
	r, err := p.changeable(s, in.RecordID, "cancel-record", "records.cancel", s.perms.Records.Cancel)
	if err != nil {
		return nil, err
	}
	if p.faults["cancel-not-exported"] || r.DikidiID == 0 || p.localOnly(r) {
		r.Status = "cancelled"
		return map[string]any{"record_id": r.ID}, nil
	}
	body := map[string]any{}
	if reason := p.note(in.Reason, "Cancelled by the partner's staff"); reason != "" && !p.faults["drops-cancel-reason"] {
		body["reason"] = reason
	}
	var out json.RawMessage
	if err := p.callRetrying(ctx, s, http.MethodPost, fmt.Sprintf("/records/%d/cancel", r.DikidiID), body, &out); err != nil {
		if p.faults["ignores-permission-refusals"] && code(err) == "PERMISSION_DENIED" {
			r.Status = "cancelled"
			return map[string]any{"record_id": r.ID}, nil
		}
		return nil, p.refused(ctx, s, "cancel-record", err)
	}
	// DIKIDI may have moved the record while its event is still on the
	// way: the time it held where the connector showed it is free too.
	oldMaster, oldDate := r.MasterID, r.Start.Format(time.DateOnly)
	p.adopt(s, out, r)
	elsewhere := r.MasterID != oldMaster || r.Start.Format(time.DateOnly) != oldDate
	if p.faults["refreshes-old-day-only"] {
		elsewhere = r.Start.Format(time.DateOnly) != oldDate
	}
	if elsewhere && !p.faults["cancel-refreshes-answer-only"] {
		p.refreshFree(ctx, s, oldMaster, oldDate)
	}
	p.refreshFree(ctx, s, r.MasterID, r.Start.Format(time.DateOnly))
	return map[string]any{"record_id": r.ID, "dikidi_id": r.DikidiID}, nil
}

// occupyTime blocks a master's time without a client.
func (p *Partner) occupyTime(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, perr := params[struct {
		MasterID int64     `json:"master_id"`
		Start    time.Time `json:"start"`
		End      time.Time `json:"end"`
		Comment  string    `json:"comment"`
	}](raw)
	if perr != nil {
		return nil, perr
	}
	if err := p.mayChangeRecords(s, "occupy-time", "records.occupy_time", s.perms.Records.OccupyTime); err != nil {
		return nil, err
	}
	r := &rec{ID: p.newRecordID(s), Type: "occupied", Status: "confirmed", MasterID: in.MasterID, Start: in.Start.In(s.loc), End: in.End.In(s.loc), ServiceIDs: []int64{}, Comment: in.Comment, Origin: "partner"}
	p.keep(s, r)
	if p.faults["occupy-not-exported"] {
		return map[string]any{"record_id": r.ID, "dikidi_id": 0}, nil
	}
	body := map[string]any{"master_id": in.MasterID, "start": s.fmt(in.Start), "end": s.fmt(in.End)}
	if c := p.note(in.Comment, "Held by the partner's staff"); c != "" && !p.faults["drops-staff-comments"] {
		body["comment"] = c
	}
	var out json.RawMessage
	// Not retried: occupying time has no idempotency key.
	if err := p.call(ctx, s, http.MethodPost, "/occupied-times", nil, body, &out, nil); err != nil {
		if code(err) == "TIME_OCCUPIED" && p.faults["keeps-refused-changes"] {
			return map[string]any{"record_id": r.ID, "dikidi_id": 0}, nil
		}
		s.drop(r)
		return nil, p.refused(ctx, s, "occupy-time", err)
	}
	p.adopt(s, out, r)
	p.refreshFree(ctx, s, r.MasterID, r.Start.Format(time.DateOnly))
	return map[string]any{"record_id": r.ID, "dikidi_id": r.DikidiID}, nil
}

// changeSchedule sets a master's working day, where the key allows it.
func (p *Partner) changeSchedule(ctx context.Context, s *session, raw json.RawMessage) (any, error) {
	in, perr := params[struct {
		MasterID int64      `json:"master_id"`
		Date     string     `json:"date"`
		Working  bool       `json:"working"`
		WorkFrom *time.Time `json:"work_from"`
		WorkTo   *time.Time `json:"work_to"`
		Breaks   []struct {
			From time.Time `json:"from"`
			To   time.Time `json:"to"`
		} `json:"breaks"`
	}](raw)
	if perr != nil {
		return nil, perr
	}
	if !p.faults["staff-actions-ignore-deletion"] {
		if err := p.gone(s); err != nil {
			return nil, err
		}
	}
	if s.keyState == stateAwaiting || s.keyState == stateUnknown {
		return nil, s.refuse("change-schedule", "partner", "the DIKIDI access key is not activated yet")
	}
	edit := s.perms.Schedule.Edit
	allowed := edit == "all" || (edit == "own" && s.employee != nil && *s.employee == in.MasterID)
	if !allowed && !p.faults["edits-any-schedule"] && !p.faults["ignores-permissions"] {
		return nil, s.refuse("change-schedule", "partner", fmt.Sprintf("the DIKIDI access key does not allow schedule.edit for master %d", in.MasterID))
	}
	body := map[string]any{"working": in.Working}
	d := &day{MasterID: in.MasterID, Date: in.Date, Working: in.Working, Breaks: []interval{}}
	if in.Working && in.WorkFrom != nil && in.WorkTo != nil {
		f, t := s.fmt(*in.WorkFrom), s.fmt(*in.WorkTo)
		body["work_from"], body["work_to"] = f, t
		d.WorkFrom, d.WorkTo = &f, &t
		var breaks []map[string]string
		for _, b := range in.Breaks {
			breaks = append(breaks, map[string]string{"from": s.fmt(b.From), "to": s.fmt(b.To)})
			d.Breaks = append(d.Breaks, interval{From: s.fmt(b.From), To: s.fmt(b.To)})
		}
		if p.faults["drops-staff-breaks"] {
			breaks = nil
		}
		if breaks != nil {
			body["breaks"] = breaks
		} else if p.alt {
			body["breaks"] = []map[string]string{} // said outright: no break
		}
	}
	if p.faults["schedule-change-not-exported"] {
		s.days[fmt.Sprintf("%d|%s", in.MasterID, in.Date)] = d
		return map[string]any{}, nil
	}
	var out json.RawMessage
	if err := p.callRetrying(ctx, s, http.MethodPut, fmt.Sprintf("/schedule/%d/%s", in.MasterID, in.Date), body, &out); err != nil {
		return nil, p.refused(ctx, s, "change-schedule", err)
	}
	// The faulty build own-hours-wait-for-event keeps its old hours until
	// DIKIDI's event of the change comes, which may be lost.
	if !p.faults["own-hours-wait-for-event"] {
		p.storeDay(s, out)
	}
	p.refreshFree(ctx, s, in.MasterID, in.Date)
	return map[string]any{}, nil
}

// endsTheDay is the fault refuses-last-slot's own check of a new record
// against the master's working day: end < work_to, where a record may end
// exactly when the day does.
func (s *session) endsTheDay(r *rec) bool {
	d := s.days[fmt.Sprintf("%d|%s", r.MasterID, r.Start.Format(time.DateOnly))]
	if d == nil || d.WorkTo == nil {
		return false
	}
	to, err := time.Parse(timeLayout, *d.WorkTo)
	return err == nil && !r.End.Before(to)
}
