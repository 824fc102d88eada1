package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/driver"
)

// event is DIKIDI's event envelope.
type event struct {
	ID        string          `json:"id"`
	Event     string          `json:"event"`
	Sequence  int64           `json:"sequence"`
	CompanyID int64           `json:"company_id"`
	KeyID     int64           `json:"key_id"`
	Source    string          `json:"source"`
	Data      json.RawMessage `json:"data"`
}

// event is the Path: DIKIDI POSTs the company's events here. Every event is
// applied at most once (by id) and never over a newer one (by sequence, per
// object); anything not for the current key is acknowledged and ignored, so
// DIKIDI does not retry it forever.
func (p *Partner) event(w http.ResponseWriter, r *http.Request) {
	body, err := boundedhttp.ReadLimited(r.Body, 1<<20)
	var ev event
	if err == nil {
		err = json.Unmarshal(body, &ev)
	}
	if err != nil || ev.ID == "" {
		driver.WriteError(w, http.StatusBadRequest, "not a DIKIDI event: %v", err)
		return
	}
	if p.faults["acks-without-applying"] {
		w.WriteHeader(http.StatusOK)
		return
	}
	attempt := r.Header.Get("X-Dikidi-Delivery-Attempt")
	if p.alt {
		p.later(ev, attempt)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	verdict, what := p.receive(ctx, ev, attempt)
	driver.WriteJSON(w, http.StatusOK, map[string]string{verdict: what})
}

// receive applies an event to the live session, unless it is not for the
// key this connector holds, or already applied; it says which ("applied" or
// "ignored", and what or why). The caller holds p.mu.
func (p *Partner) receive(ctx context.Context, ev event, attempt string) (string, string) {
	s := p.s
	// One Path may take the events of several keys (a connector serving many
	// salons, or a salon that linked the partner twice): the key names whose
	// event it is. The faulty build routes-events-by-company looks only at the
	// salon, as if every key's event were its own key's.
	if s != nil && p.faults["routes-events-by-company"] {
		ev.KeyID = s.keyID
	}
	if s == nil || s.fx == nil || ev.KeyID != s.keyID || ev.CompanyID != s.fx.CompanyID {
		return "ignored", "not for the key this connector holds"
	}
	if p.faults["drops-retried-events"] && attempt != "1" {
		return "ignored", "stale retry"
	}
	if !p.faults["applies-duplicates"] {
		if s.seen[ev.ID] {
			return "ignored", "already applied"
		}
		s.seen[ev.ID] = true
	}
	if ev.Source == "this_key" && p.faults["skips-own-echoes"] {
		return "ignored", "an echo of its own change"
	}
	p.apply(ctx, s, ev)
	return "applied", ev.Event
}

// newer reports whether an event is newer than the last one applied to its
// object, and records it.
func (p *Partner) newer(s *session, object string, seq int64) bool {
	if p.faults["ignores-sequence"] || p.faults["applies-duplicates"] {
		return true
	}
	if p.faults["global-sequence"] {
		object = "any"
	}
	if seq <= s.lastSeq[object] {
		return false
	}
	s.lastSeq[object] = seq
	return true
}

func (p *Partner) apply(ctx context.Context, s *session, ev event) {
	var data struct {
		Record   json.RawMessage `json:"record"`
		Client   json.RawMessage `json:"client"`
		Day      json.RawMessage `json:"day"`
		Previous *struct {
			MasterID int64     `json:"master_id"`
			Start    time.Time `json:"start"`
		} `json:"previous"`
		State       string      `json:"state"`
		Reason      string      `json:"reason"`
		Permissions permissions `json:"permissions"`
	}
	if json.Unmarshal(ev.Data, &data) != nil {
		return
	}
	switch ev.Event {
	case "record.created", "record.updated", "record.cancelled":
		if (ev.Event == "record.cancelled" && p.faults["ignores-dikidi-cancellations"]) || (ev.Event == "record.updated" && p.faults["ignores-dikidi-moves"]) {
			return
		}
		var head struct {
			ID       int64     `json:"id"`
			MasterID int64     `json:"master_id"`
			Start    time.Time `json:"start"`
		}
		if json.Unmarshal(data.Record, &head) != nil || !p.newer(s, fmt.Sprintf("record:%d", head.ID), ev.Sequence) {
			return
		}
		if ev.Source == "this_key" && p.faults["own-changes-from-answers-only"] {
			return
		}
		var before *rec
		for _, x := range s.records {
			if x.DikidiID == head.ID {
				before = x
			}
		}
		if before == nil && ev.Source == "this_key" && p.faults["drops-echoes-of-unknown-records"] {
			return
		}
		if before != nil && ev.Source == "this_key" && before.echoesDue > 0 {
			before.echoesDue--
			if before.echoesDue > 0 {
				// DIKIDI has since answered a later change of the connector's
				// own: this event of an earlier one, come late (a retry, the
				// queue), would put the record back.
				return
			}
		}
		switch {
		case before == nil && ev.Event == "record.created" && ev.Source == "panel" && p.faults["imports-online-bookings-only"]:
			return
		case before != nil && ev.Event == "record.updated" && before.Origin == "partner" && p.faults["trusts-own-records"]:
			return
		}
		var status string
		if before != nil {
			status = before.Status
		}
		type spot struct {
			master int64
			date   string
		}
		var spots []spot
		if before != nil && !p.faults["refreshes-event-spots-only"] {
			spots = append(spots, spot{before.MasterID, before.Start.In(s.loc).Format(time.DateOnly)})
		}
		if data.Previous != nil && !p.faults["refreshes-new-master-only"] {
			spots = append(spots, spot{data.Previous.MasterID, data.Previous.Start.In(s.loc).Format(time.DateOnly)})
		}
		// with the fault, a record from elsewhere is inserted unlooked-at; its own it finds by external_id
		r := p.storeRecord(s, data.Record, ev.Event == "record.created" && ev.Source != "this_key" && p.faults["applies-duplicates"])
		switch {
		case r == nil:
		case before == nil && ev.Event == "record.created" && p.faults["new-records-without-services"]:
			r.ServiceIDs = []int64{}
		case len(r.ServiceIDs) > 1 && p.faults["first-service-from-events"]:
			r.ServiceIDs = r.ServiceIDs[:1]
		case before != nil && ev.Event == "record.updated" && p.faults["ignores-status-changes"]:
			r.Status = status
		}
		spots = append(spots, spot{head.MasterID, head.Start.In(s.loc).Format(time.DateOnly)})
		done := map[spot]bool{}
		for _, sp := range spots {
			if !done[sp] {
				done[sp] = true
				p.refreshFree(ctx, s, sp.master, sp.date)
			}
		}
	case "client.created", "client.updated":
		if p.faults["ignores-client-events"] {
			return
		}
		var c dikidiClient
		if json.Unmarshal(data.Client, &c) == nil && p.newer(s, fmt.Sprintf("client:%d", c.ID), ev.Sequence) {
			p.storeClient(s, data.Client)
			// the client of every record of theirs is this client, as the card shows it
			for _, r := range s.records {
				if r.Client != nil && r.Client.DikidiID == c.ID {
					r.Client = p.row(c)
				}
			}
		}
	case "schedule.updated":
		if p.faults["ignores-schedule-events"] {
			return
		}
		var head struct {
			MasterID int64  `json:"master_id"`
			Date     string `json:"date"`
		}
		if json.Unmarshal(data.Day, &head) != nil || !p.newer(s, fmt.Sprintf("day:%d:%s", head.MasterID, head.Date), ev.Sequence) {
			return
		}
		p.storeDay(s, data.Day)
		p.refreshFree(ctx, s, head.MasterID, head.Date)
	case "key.state_changed":
		if p.faults["ignores-state-events"] || !p.newer(s, "key", ev.Sequence) {
			return
		}
		if data.State == stateDeleted && p.faults["keeps-working-after-deletion"] {
			return
		}
		if s.keyState == stateDeleted {
			// DIKIDI never brings a deleted key back; a late event of an
			// older state must not either.
			return
		}
		s.keyState, s.perms = data.State, data.Permissions
		switch data.Reason {
		case "deleted":
			s.lastError = "the company deleted the access key; the integration has ended"
		case "record_permissions_removed":
			s.lastError = ""
		case "record_permissions_restored":
			// Changes made while paused are not replayed: read them now.
			if !p.faults["no-resync-after-resume"] {
				_ = p.sync(ctx, s)
			}
		}
	}
}
