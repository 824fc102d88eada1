package dikidi

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/statediff"
	"github.com/accord-harness/accord/internal/stepkit"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// sides are one salon on both sides of the integration: DIKIDI's state, read
// through the mock's Go API and journal, and the partner's, read through its
// driver's views. compare is a plain function of it, so a check after any step (or
// after each random step of an exploration) can call it.
type sides struct {
	mock    *dikidimock.Mock
	journal *journal.Journal
	partner *views
	company int64
	keyID   int64
	fx      *dikidifixture.Fixture // the masters, services and horizon
	loc     *time.Location
	// aside, when not nil, is what DIKIDI has not yet managed to tell the
	// partner (undelivered): left out of the comparison until it arrives.
	aside *undelivered
}

func (w *world) sides() sides {
	return sides{mock: w.s.mock, journal: w.s.Journal, partner: w.s.views, company: w.company, keyID: w.key.ID, fx: w.fx, loc: w.loc}
}

// compare lists every difference between DIKIDI and the partner:
//   - the key's state, and what the partner did after it learned the key was
//     paused (no record write) or deleted (no call at all);
//   - while the key is active: every record of the horizon both ways (type,
//     status, master, start, end, services, client as DIKIDI shows it to the
//     key), every master's working day, the free times of every service with
//     every master on every day, and every client the partner holds;
//   - while it is paused: the records DIKIDI has not changed since, for
//     changes made while paused are not sent (the partner re-reads them on
//     resuming).
//
// Awaiting activation or deleted, the partner has nothing left to agree on.
func (s sides) compare(ctx context.Context) (*statediff.Table, error) {
	t := statediff.New("DIKIDI")
	k, err := s.mock.Key(s.company, s.keyID)
	if err != nil {
		return nil, err
	}
	var st partnerStatus
	if err := s.partner.read(ctx, "status", &st); err != nil {
		return nil, err
	}
	if !s.aside.keyState() {
		t.Differ("the key", "state", k.State, st.KeyState)
	}
	s.statusDiff(t, k, st)
	s.conduct(t, k)
	switch k.State {
	case dikidimock.StateActive:
		for _, diff := range []func(context.Context, *statediff.Table) error{
			func(ctx context.Context, t *statediff.Table) error { return s.recordsDiff(ctx, t, time.Time{}) },
			s.daysDiff, s.freeDiff, s.clientsDiff,
		} {
			if err := diff(ctx, t); err != nil {
				return nil, err
			}
		}
	case dikidimock.StatePaused:
		if err := s.recordsDiff(ctx, t, k.StateSince); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// statusDiff holds the rest of the status view to the key: the booleans
// the contract derives from key_state (a salon reads "connected" on the
// partner's screen, not the state's name), and the ids the partner reports,
// when it reports them, to DIKIDI's.
func (s sides) statusDiff(t *statediff.Table, k dikidimock.KeyView, st partnerStatus) {
	state := st.KeyState
	t.Differ("the key", "connected (active or paused)", state == dikidimock.StateActive || state == dikidimock.StatePaused, st.Connected)
	t.Differ("the key", "paused", state == dikidimock.StatePaused, st.Paused)
	t.Differ("the key", "deleted", state == dikidimock.StateDeleted, st.Deleted)
	known := func(id *int64) bool { return id != nil && *id != 0 }
	if known(st.KeyID) {
		t.Differ("the key", "id", k.ID, *st.KeyID)
	}
	if known(st.CompanyID) {
		t.Differ("the key", "company", s.company, *st.CompanyID)
	}
	if st.EmployeeID != nil && (k.EmployeeID != 0 || *st.EmployeeID != 0) {
		t.Differ("the key", "employee", k.EmployeeID, *st.EmployeeID)
	}
}

func (s sides) masterName(id int64) string {
	for _, m := range s.fx.Masters {
		if m.ID == id {
			return m.Name
		}
	}
	return fmt.Sprintf("master %d", id)
}

func (s sides) when(t time.Time) string { return t.In(s.loc).Format("Mon 01-02 15:04") }

// records --------------------------------------------------------------------------

// recordsDiff pairs DIKIDI's records of the horizon with the partner's by
// DIKIDI's id. A record cancelled on one side may be missing on the other;
// changedSince, when set, leaves out records DIKIDI changed after it.
func (s sides) recordsDiff(ctx context.Context, t *statediff.Table, changedSince time.Time) error {
	dates, err := s.fx.Dates()
	if err != nil {
		return err
	}
	theirs, err := s.mock.Records(s.company, dates[0], dates[len(dates)-1].AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	seen, err := s.seenClients()
	if err != nil {
		return err
	}
	var ours []partnerRecord
	if err := s.partner.read(ctx, "records", &ours); err != nil {
		return err
	}
	changed := func(r dikidimock.RecordView) bool { return !changedSince.IsZero() && r.Updated.After(changedSince) }
	pairs, onlyTheirs, onlyOurs := statediff.Match(theirs, ours,
		func(r dikidimock.RecordView) int64 { return r.ID }, func(r partnerRecord) int64 { return r.DikidiID })
	held := map[int64]bool{} // DIKIDI's records a record of the partner stands for
	for _, p := range pairs {
		r := theirs[p[0]]
		held[r.ID] = true
		if !changed(r) && !s.aside.record(r.ID) {
			s.recordDiff(t, r, ours[p[1]], seen)
		}
	}
	for _, i := range onlyTheirs {
		if r := theirs[i]; r.Status != dikidimock.StatusCancelled && !changed(r) && !s.aside.record(r.ID) {
			t.OnlyOnPlatform(s.recordItem(r), fmt.Sprintf("%s %s", r.Type, r.Status))
		}
	}
	for _, j := range onlyOurs {
		q := ours[j]
		switch {
		case q.DikidiID == 0:
		case held[q.DikidiID]:
			// a second booking of one DIKIDI record: the partner's staff
			// would see the time taken twice
			if q.active() && !s.aside.record(q.DikidiID) {
				t.OnlyAtPartner(fmt.Sprintf("the partner's record %s, a second one of DIKIDI's record %d (%s, %s)", q.ID, q.DikidiID, s.masterName(q.MasterID), s.when(q.Start)),
					fmt.Sprintf("%s %s", q.Type, q.Status))
			}
			continue
		default:
			// a record of the partner's horizon that DIKIDI keeps elsewhere
			if r, err := s.mock.Record(s.company, q.DikidiID); err == nil {
				held[r.ID] = true
				if !changed(r) && !s.aside.record(r.ID) {
					s.recordDiff(t, r, q, seen)
				}
				continue
			}
		}
		if q.active() {
			t.OnlyAtPartner(fmt.Sprintf("the partner's record %s (DIKIDI id %d, %s, %s)", q.ID, q.DikidiID, s.masterName(q.MasterID), s.when(q.Start)),
				fmt.Sprintf("%s %s", q.Type, q.Status))
		}
	}
	return nil
}

func (s sides) recordItem(r dikidimock.RecordView) string {
	kind := "record"
	if r.Type == dikidimock.TypeOccupied {
		kind = "occupied time"
	}
	return fmt.Sprintf("%s %d (%s, %s)", kind, r.ID, s.masterName(r.MasterID), s.when(r.Start))
}

func (s sides) recordDiff(t *statediff.Table, r dikidimock.RecordView, q partnerRecord, seen map[int64]dikidimock.SeenClient) {
	item := s.recordItem(r)
	if r.Status == dikidimock.StatusCancelled && !q.active() {
		return // cancelled on both sides: nothing of it blocks time
	}
	t.Differ(item, "type", r.Type, q.Type)
	t.Differ(item, "status", r.Status, q.Status)
	t.Differ(item, "master", s.masterName(r.MasterID), s.masterName(q.MasterID))
	t.Differ(item, "start", s.when(r.Start), s.when(q.Start))
	t.Differ(item, "end", s.when(r.End), s.when(q.End))
	t.Differ(item, "services", s.serviceList(r.ServiceIDs), s.serviceList(q.ServiceIDs))
	client, hasClient := seen[r.ClientID]
	card := client.Card
	switch {
	case !hasClient && q.Client == nil:
	case !hasClient:
		t.Differ(item, "client", nil, clientText(q.Client.DikidiID, q.Client.Name))
	case q.Client == nil:
		t.Differ(item, "client", clientText(card.ID, card.Name), nil)
	default:
		t.Differ(item, "client", clientText(card.ID, card.Name), clientText(q.Client.DikidiID, q.Client.Name))
		t.Differ(item, "client's surname", deref(card.Surname), q.Client.surname())
		t.Differ(item, "client's phone", card.Phone, q.Client.Phone)
	}
}

func clientText(id int64, name string) string { return fmt.Sprintf("%d %s", id, name) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// serviceList names services by id order: the order a view lists them in is
// the partner's own.
func (s sides) serviceList(ids []int64) string {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	names := make([]string, 0, len(sorted))
	for _, id := range sorted {
		name := fmt.Sprint(id)
		for _, svc := range s.fx.Services {
			if svc.ID == id {
				name = fmt.Sprintf("%s (%d)", svc.Name, id)
			}
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, " + ")
}

// working days and free times ------------------------------------------------------

// scheduleDiff is the working days alone, for the schedule feature's own step.
func (s sides) scheduleDiff(ctx context.Context) (*statediff.Table, error) {
	t := statediff.New("DIKIDI")
	return t, s.daysDiff(ctx, t)
}

// daysDiff compares every master's working day over the horizon, by instants.
func (s sides) daysDiff(ctx context.Context, t *statediff.Table) error {
	var days []partnerDay
	if err := s.partner.read(ctx, "schedule", &days); err != nil {
		return err
	}
	ours := partnerDays(days)
	dates, err := s.fx.Dates()
	if err != nil {
		return err
	}
	for _, m := range s.fx.Masters {
		for _, date := range dates {
			if s.aside.day(m.ID, date) {
				continue
			}
			h, err := s.mock.Day(s.company, m.ID, date)
			if err != nil {
				return err
			}
			var got any // absent from the partner's view
			if d, ok := ours[dayKey(m.ID, date.Format(time.DateOnly))]; ok {
				got = partnerDayText(s.loc, d)
			}
			t.Differ(fmt.Sprintf("%s, %s", m.Name, date.Format("Mon 01-02")), "working hours", platformDayText(s.loc, h), got)
		}
	}
	return nil
}

// freeDiff compares the free times of every service with every master who
// provides it, on every day of the horizon; a day the partner does not list
// offers nothing.
func (s sides) freeDiff(ctx context.Context, t *statediff.Table) error {
	var rows []partnerFree
	if err := s.partner.read(ctx, "free-times", &rows); err != nil {
		return err
	}
	ours := map[string][]time.Time{}
	for _, r := range rows {
		k := freeKey(r.ServiceID, r.MasterID, r.Date)
		ours[k] = append(ours[k], r.Times...)
	}
	dates, err := s.fx.Dates()
	if err != nil {
		return err
	}
	end := dates[len(dates)-1].AddDate(0, 0, 1)
	for _, svc := range s.fx.Services {
		for _, mid := range svc.MasterIDs {
			theirs, err := s.mock.FreeDays(s.company, []int64{svc.ID}, mid, dates[0], end)
			if err != nil {
				return err
			}
			for _, date := range dates {
				day := date.Format(time.DateOnly)
				if s.aside.free(mid, date) {
					continue
				}
				onlyDIKIDI, onlyPartner := instantsApart(s.loc, theirs[day], ours[freeKey(svc.ID, mid, day)])
				if onlyDIKIDI != "" || onlyPartner != "" {
					t.Differ(fmt.Sprintf("%s, %s, %s", s.masterName(mid), date.Format("Mon 01-02"), svc.Name),
						"free times only one side offers", orNone(onlyDIKIDI), orNone(onlyPartner))
				}
			}
		}
	}
	return nil
}

func freeKey(service, master int64, date string) string {
	return fmt.Sprintf("%d|%d|%s", service, master, date)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// instantsApart lists, in the salon's zone, the instants only a has and only
// b has: the same instant written with any offset is the same time.
func instantsApart(loc *time.Location, a, b []time.Time) (onlyA, onlyB string) {
	in := func(xs []time.Time) map[int64]bool {
		out := map[int64]bool{}
		for _, x := range xs {
			out[x.Unix()] = true
		}
		return out
	}
	inA, inB := in(a), in(b)
	apart := func(xs []time.Time, other map[int64]bool) string {
		var out []string
		done := map[int64]bool{}
		sorted := slices.Clone(xs)
		slices.SortFunc(sorted, func(x, y time.Time) int { return x.Compare(y) })
		for _, x := range sorted {
			if !other[x.Unix()] && !done[x.Unix()] {
				done[x.Unix()] = true
				out = append(out, x.In(loc).Format("15:04"))
			}
		}
		return strings.Join(out, " ")
	}
	return apart(a, inB), apart(b, inA)
}

// clients --------------------------------------------------------------------------

// clientsDiff: every client the partner holds is a client of the salon, with
// the name, surname and phone DIKIDI showed the key (in the client list or
// on a card, whose phone masking may differ). A partner need not hold the
// client list at all.
func (s sides) clientsDiff(ctx context.Context, t *statediff.Table) error {
	var ours []partnerClient
	if err := s.partner.read(ctx, "clients", &ours); err != nil {
		return err
	}
	byID, err := s.seenClients()
	if err != nil {
		return err
	}
	for _, c := range ours {
		theirs, ok := byID[c.DikidiID]
		if !ok {
			t.OnlyAtPartner(fmt.Sprintf("client %d", c.DikidiID), clientText(c.DikidiID, c.Name))
			continue
		}
		item := fmt.Sprintf("client %d", c.DikidiID)
		t.Differ(item, "name", theirs.Card.Name, c.Name)
		t.Differ(item, "surname", oneOf(deref(theirs.Card.Surname), deref(theirs.List.Surname), c.surname()), c.surname())
		t.Differ(item, "phone", oneOf(theirs.Card.Phone, theirs.List.Phone, c.Phone), c.Phone)
	}
	return nil
}

// seenClients are the salon's clients by id, as the key sees them.
func (s sides) seenClients() (map[int64]dikidimock.SeenClient, error) {
	seen, err := s.mock.ClientsSeenBy(s.company, s.keyID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]dikidimock.SeenClient, len(seen))
	for _, c := range seen {
		out[c.Card.ID] = c
	}
	return out, nil
}

// oneOf is got when it is one of DIKIDI's two forms, else the card's form.
func oneOf(card, list, got string) string {
	if got == list {
		return list
	}
	return card
}

// conduct -----------------------------------------------------------------------------

// conduct adds what the partner did after it learned that the key is paused
// (a record write) or deleted (any call).
func (s sides) conduct(t *statediff.Table, k dikidimock.KeyView) {
	what := "record changes"
	switch k.State {
	case dikidimock.StatePaused:
	case dikidimock.StateDeleted:
		what = "calls"
	default:
		return
	}
	if after := s.afterKnowing(k); len(after) > 0 {
		ops := make([]string, 0, len(after))
		for _, e := range after {
			ops = append(ops, e.Operation)
		}
		t.Differ("the key", fmt.Sprintf("%s after the partner knew it was %s", what, k.State), "none", fmt.Sprintf("%d (%s)", len(after), strings.Join(stepkit.Tail(ops, 6), ", ")))
	}
}

// afterKnowing are the partner's calls that a paused key (record writes) or
// a deleted one (any call) no longer allows, made after DIKIDI first refused
// one for the state. That refusal tells the partner at the latest; the
// key.state_changed event may tell it earlier, but a partner may accept an
// event at once and apply the events queued before it first, calling DIKIDI
// for them, so the event alone does not mark the moment.
func (s sides) afterKnowing(k dikidimock.KeyView) []journal.Entry {
	code := map[string]string{dikidimock.StatePaused: "KEY_PAUSED", dikidimock.StateDeleted: "KEY_DELETED"}[k.State]
	if code == "" {
		return nil
	}
	tenant := dikidimock.KeyTenant(s.company, s.keyID)
	es := s.journal.Select(func(e journal.Entry) bool {
		return e.Seq > k.StateSeq && e.Tenant == tenant && e.Direction == journal.Inbound && errorCode(e.ResponseBody) == code
	})
	if len(es) == 0 {
		return nil
	}
	return es[1:]
}

func errorCode(body []byte) string {
	var env struct {
		Error struct {
			Code any `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil {
		return ""
	}
	s, _ := env.Error.Code.(string)
	return s
}
