package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Variants of the correct partner. "alt" is correct too, but differs in
// every incidental way a scenario might lean on: it answers events 204 at
// once and applies them afterwards from a queue, in order; it reads services
// before masters, clients two a page, hours master by master (last first),
// records day by day from the horizon's end, free times per service and master;
// it refreshes a master's free times for the whole horizon after a change; it
// always fills the optional fields (comment, reason, surname, breaks, the
// end of moved occupied time); its ids look different; and its views list
// records newest first, clients by name, days by date and free times latest
// first. A scenario that fails it depends on the first partner's habits, not
// on DIKIDI's rules.
const (
	VariantDefault = ""
	VariantAlt     = "alt"
)

// startInbox runs the alt variant's queue of received events: one worker, so
// they are applied in the order they arrived.
func startInbox() chan func() {
	box := make(chan func(), 1024)
	go func() {
		for job := range box {
			job()
		}
	}()
	return box
}

// later queues an event the alt variant has already acknowledged: DIKIDI
// needs only a 2xx within 10 s, and applying may call DIKIDI back (free
// times, a re-sync after resume). Whether it is for the current key, a
// duplicate or stale is decided when it is applied.
func (p *Partner) later(ev event, attempt string) {
	p.inbox <- func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		p.receive(ctx, ev, attempt)
	}
}

// newRecordID is the connector's own id of a record its staff make.
func (p *Partner) newRecordID(s *session) string {
	s.nextID++
	if p.alt {
		return fmt.Sprintf("alt-%06d", s.nextID)
	}
	return "pr-" + strconv.Itoa(s.nextID)
}

// learnedID is the connector's own id of a record it learned from DIKIDI.
func (p *Partner) learnedID(dikidiID int64) string {
	if p.alt {
		return fmt.Sprintf("dikidi-%d", dikidiID)
	}
	return fmt.Sprintf("dk-%d", dikidiID)
}

// keep adds a record to the connector's system: the alt variant keeps the
// newest first, so its records view lists them in another order.
func (p *Partner) keep(s *session, r *rec) {
	if p.alt {
		s.records = append([]*rec{r}, s.records...)
		return
	}
	s.records = append(s.records, r)
}

// note is an optional text the alt variant always fills.
func (p *Partner) note(given, fallback string) string {
	if given == "" && p.alt {
		return fallback
	}
	return given
}

// readAllAlt is the alt variant's read of what sync keeps, in other orders
// and other slices than readAll.
func (p *Partner) readAllAlt(ctx context.Context, s *session) error {
	if err := p.readStaff(ctx, s, 2); err != nil {
		return err
	}
	s.days = map[string]*day{}
	for _, m := range slices.Backward(s.masters) {
		q := s.week()
		q.Set("master_id", strconv.FormatInt(m.ID, 10))
		days, err := list[json.RawMessage](ctx, p, s, "/schedule", q)
		if err != nil {
			return err
		}
		for _, raw := range days {
			p.storeDay(s, raw)
		}
	}
	for d := s.fx.Days - 1; d >= 0; d-- {
		date := s.monday.AddDate(0, 0, d).Format(time.DateOnly)
		q := url.Values{"date_from": {date}, "date_to": {date}, "include_cancelled": {"true"}}
		records, err := list[json.RawMessage](ctx, p, s, "/records", q)
		if err != nil {
			return err
		}
		for _, raw := range records {
			p.storeRecord(s, raw, false)
		}
	}
	s.free = map[string][]string{}
	for _, svc := range slices.Backward(s.services) {
		for _, m := range slices.Backward(svc.MasterIDs) {
			if err := p.readFree(ctx, s, s.masterWeek(svc.ID, m), svc.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// masterWeek asks for one service's free times with one master over the horizon.
func (s *session) masterWeek(serviceID, masterID int64) url.Values {
	q := s.week()
	q.Set("service_id", strconv.FormatInt(serviceID, 10))
	q.Set("master_id", strconv.FormatInt(masterID, 10))
	return q
}

// refreshWeekAlt is the alt variant's refresh after a change: the master's
// whole horizon, for every service, rather than the days the change touched.
func (p *Partner) refreshWeekAlt(ctx context.Context, s *session, masterID int64, dates []string) {
	if !slices.ContainsFunc(dates, s.inWeek) {
		return
	}
	for _, svc := range slices.Backward(s.services) {
		if !containsID(svc.MasterIDs, masterID) {
			continue
		}
		if err := p.readFree(ctx, s, s.masterWeek(svc.ID, masterID), svc.ID); err != nil {
			p.owe(s, masterID, dates, err)
			return
		}
	}
}

// sortClientsAlt lists clients by name, where the first partner lists them by id.
func sortClientsAlt(out []*clientRow) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].DikidiID > out[j].DikidiID
	})
}

// sortDaysAlt lists working days by date, where the first partner lists them by master.
func sortDaysAlt(out []*day) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return out[i].MasterID > out[j].MasterID
	})
}
