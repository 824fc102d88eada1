package dikidi

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
)

// Record types and statuses.
const (
	TypeRecord   = "record"
	TypeOccupied = "occupied"

	StatusNew       = "new"
	StatusConfirmed = "confirmed"
	StatusCancelled = "cancelled"
)

// Sources of a change, seen from the key that reads it.
const (
	SourceThisKey       = "this_key"
	SourceOtherKey      = "other_key"
	SourcePanel         = "panel"
	SourceOnlineBooking = "online_booking"
)

// company is everything DIKIDI holds for one business. One mutex guards it
// and its keys; nothing waits on a partner while holding it.
type company struct {
	m  *Mock
	mu sync.Mutex

	id       int64
	info     dikidifixture.Company
	loc      *time.Location
	masters  []dikidifixture.Master
	services []dikidifixture.Service

	clients   map[int64]*client
	clientIDs []int64

	weekly map[int64]map[int]dikidifixture.WorkingDay // master -> ISO weekday
	days   map[dayKey]workDay                         // days changed since the fixture

	records   map[int64]*record
	recordIDs []int64

	nextRecord, nextClient int64

	keys      []*key
	outbox    []*email
	nextEmail int64
	removed   bool
}

type client struct {
	id      int64
	name    string
	surname *string
	phone   string
}

// origin is who made a change: the owner panel, online booking or a key.
type origin struct {
	kind string // SourcePanel, SourceOnlineBooking, or "key"
	key  int64
}

func (o origin) sourceFor(k *key) string {
	if o.kind != "key" {
		return o.kind
	}
	if k != nil && k.id == o.key {
		return SourceThisKey
	}
	return SourceOtherKey
}

type record struct {
	id           int64
	typ          string
	status       string
	master       int64
	start, end   time.Time
	services     []dikidifixture.RecordService
	client       int64 // 0: none
	cost         float64
	comment      string
	origin       origin
	externalID   *string
	created      time.Time
	updated      time.Time
	cancelledAt  *time.Time
	cancelReason *string
}

func (r *record) active() bool { return r.status != StatusCancelled }

func (r *record) duration() int { return int(r.end.Sub(r.start) / time.Minute) }

type dayKey struct {
	master int64
	date   string
}

type interval struct{ from, to time.Time }

type workDay struct {
	working  bool
	from, to time.Time
	breaks   []interval
}

func newCompany(m *Mock, f *dikidifixture.Fixture) (*company, error) {
	loc, err := f.Location()
	if err != nil {
		return nil, err
	}
	c := &company{
		m: m, id: f.Company.ID, info: f.Company, loc: loc,
		masters:    append([]dikidifixture.Master(nil), f.Masters...),
		services:   append([]dikidifixture.Service(nil), f.Services...),
		clients:    map[int64]*client{},
		weekly:     map[int64]map[int]dikidifixture.WorkingDay{},
		days:       map[dayKey]workDay{},
		records:    map[int64]*record{},
		nextRecord: 50000,
	}
	c.info.Phones = append([]string(nil), f.Company.Phones...)
	c.info.WorkingHours = append([]dikidifixture.WeekdayHours(nil), f.Company.WorkingHours...)
	sort.Slice(c.masters, func(i, j int) bool { return c.masters[i].ID < c.masters[j].ID })
	sort.Slice(c.services, func(i, j int) bool { return c.services[i].ID < c.services[j].ID })
	for _, cl := range f.Clients {
		x := &client{id: cl.ID, name: cl.Name, phone: cl.Phone, surname: clone(cl.Surname)}
		c.clients[x.id] = x
		c.clientIDs = append(c.clientIDs, x.id)
		c.nextClient = max(c.nextClient, x.id)
	}
	sort.Slice(c.clientIDs, func(i, j int) bool { return c.clientIDs[i] < c.clientIDs[j] })
	for _, wd := range f.WorkingHours {
		if c.weekly[wd.MasterID] == nil {
			c.weekly[wd.MasterID] = map[int]dikidifixture.WorkingDay{}
		}
		c.weekly[wd.MasterID][wd.Weekday] = wd
	}
	for _, fr := range f.Records {
		r := &record{
			id: fr.ID, typ: fr.Type, status: fr.Status, master: fr.MasterID,
			start: fr.Start.In(loc), end: fr.End.In(loc),
			services: append([]dikidifixture.RecordService(nil), fr.Services...),
			cost:     fr.Cost, comment: fr.Comment, origin: origin{kind: fr.Source},
			created: fr.CreatedAt.In(loc), updated: fr.UpdatedAt.In(loc), cancelReason: clone(fr.CancelReason),
		}
		if fr.Client != nil {
			r.client = fr.Client.ID
		}
		if fr.CancelledAt != nil {
			t := fr.CancelledAt.In(loc)
			r.cancelledAt = &t
		}
		c.records[r.id] = r
		c.recordIDs = append(c.recordIDs, r.id)
		c.nextRecord = max(c.nextRecord, r.id)
	}
	return c, nil
}

// clone copies what p points at, so the company never shares a value with
// the fixture it was loaded from; nil stays nil.
func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func (c *company) now() time.Time { return c.m.opts.Clock.Now().In(c.loc) }

// ts is how DIKIDI writes a date-time: the company's zone with its offset.
func (c *company) ts(t time.Time) string { return t.In(c.loc).Format("2006-01-02T15:04:05-07:00") }

func (c *company) tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return c.ts(*t)
}

func (c *company) date(t time.Time) string { return t.In(c.loc).Format(time.DateOnly) }

// parseDate reads a calendar day in the company's zone.
func (c *company) parseDate(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, c.loc)
}

// parseInput reads a DateTimeInput: RFC 3339, any offset, whole minutes.
func (c *company) parseInput(s string) (time.Time, string) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Sprintf("must be an RFC 3339 date-time with an offset, got %q", s)
	}
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return time.Time{}, fmt.Sprintf("seconds must be zero, got %q", s)
	}
	return t.In(c.loc), ""
}

func (c *company) master(id int64) (dikidifixture.Master, bool) {
	for _, m := range c.masters {
		if m.ID == id {
			return m, true
		}
	}
	return dikidifixture.Master{}, false
}

func (c *company) service(id int64) (dikidifixture.Service, bool) {
	for _, s := range c.services {
		if s.ID == id {
			return s, true
		}
	}
	return dikidifixture.Service{}, false
}

func (c *company) provides(master, service int64) bool {
	s, ok := c.service(service)
	return ok && contains(s.MasterIDs, master)
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func isoWeekday(d time.Weekday) int {
	if d == time.Sunday {
		return 7
	}
	return int(d)
}

// at is a local "HH:MM" on the day of date; the fixture's check made every
// such clock time valid, so it is read without fmt (free times ask a lot).
func (c *company) at(date time.Time, hhmm string) time.Time {
	h, mi := 0, 0
	if len(hhmm) == 5 {
		h = int(hhmm[0]-'0')*10 + int(hhmm[1]-'0')
		mi = int(hhmm[3]-'0')*10 + int(hhmm[4]-'0')
	}
	return time.Date(date.Year(), date.Month(), date.Day(), h, mi, 0, 0, c.loc)
}

// day is a master's working day: changed, or the usual one for its weekday.
func (c *company) day(master int64, date time.Time) workDay {
	date = date.In(c.loc)
	if d, ok := c.days[dayKey{master, c.date(date)}]; ok {
		return d
	}
	wd, ok := c.weekly[master][isoWeekday(date.Weekday())]
	if !ok {
		return workDay{}
	}
	d := workDay{working: true, from: c.at(date, wd.From), to: c.at(date, wd.To)}
	for _, b := range wd.Breaks {
		d.breaks = append(d.breaks, interval{c.at(date, b.From), c.at(date, b.To)})
	}
	return d
}

// fits reports whether [from, to) lies inside the master's hours on one day,
// outside its breaks.
func (c *company) fits(master int64, from, to time.Time) bool {
	if c.date(from) != c.date(to.Add(-time.Nanosecond)) {
		return false
	}
	return c.day(master, from).holds(from, to)
}

// holds reports whether [from, to) lies inside the day's hours, outside its
// breaks; the caller made sure both ends are on that day.
func (d workDay) holds(from, to time.Time) bool {
	if !d.working || from.Before(d.from) || to.After(d.to) {
		return false
	}
	for _, b := range d.breaks {
		if from.Before(b.to) && b.from.Before(to) {
			return false
		}
	}
	return true
}

// overlap is a non-cancelled record of the master overlapping [from, to), other than ignore.
func (c *company) overlap(master int64, from, to time.Time, ignore int64) *record {
	for _, id := range c.recordIDs {
		r := c.records[id]
		if r.id != ignore && r.master == master && r.active() && r.start.Before(to) && from.Before(r.end) {
			return r
		}
	}
	return nil
}

// place checks an interval for a record: inside hours (409
// OUTSIDE_WORKING_HOURS) and free (409 TIME_OCCUPIED).
func (c *company) place(master int64, from, to time.Time, ignore int64) *Error {
	if !c.fits(master, from, to) {
		return conflict(codeOutsideHours, "Master %d does not work from %s to %s.", master, c.ts(from), c.ts(to))
	}
	if r := c.overlap(master, from, to, ignore); r != nil {
		return conflict(codeTimeOccupied, "Master %d is busy from %s to %s.", master, c.ts(r.start), c.ts(r.end))
	}
	return nil
}

// rendering ------------------------------------------------------------------------

func (c *company) companyJSON() map[string]any {
	_, off := c.now().Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	hours := make([]map[string]any, 0, len(c.info.WorkingHours))
	for _, h := range c.info.WorkingHours {
		hours = append(hours, map[string]any{"weekday": h.Weekday, "from": h.From, "to": h.To})
	}
	phones := append([]string{}, c.info.Phones...)
	return map[string]any{
		"id": c.id, "name": c.info.Name, "address": c.info.Address, "phones": phones,
		"timezone": c.info.TimeZone, "utc_offset": fmt.Sprintf("%s%02d:%02d", sign, off/3600, off%3600/60),
		"currency": c.info.Currency, "working_hours": hours,
	}
}

func masterJSON(m dikidifixture.Master) map[string]any {
	return map[string]any{"id": m.ID, "name": m.Name, "post": m.Post, "service_ids": append([]int64{}, m.ServiceIDs...)}
}

func serviceJSON(s dikidifixture.Service) map[string]any {
	return map[string]any{"id": s.ID, "name": s.Name, "category": s.Category, "duration": s.Duration, "price": s.Price, "master_ids": append([]int64{}, s.MasterIDs...)}
}

// Where a client is shown decides its phone's masking.
const (
	inList = iota // the client list
	onCard        // a client card, a record, an event
)

// MaskPhone hides a phone as DIKIDI does: the plus, the first digit and the
// last two digits stay, every other digit becomes '*'.
func MaskPhone(phone string) string {
	digits := strings.TrimPrefix(phone, "+")
	if len(digits) < 4 {
		return phone
	}
	return "+" + digits[:1] + strings.Repeat("*", len(digits)-3) + digits[len(digits)-2:]
}

// clientJSON is a client as key k may see it there; a nil key sees everything.
func (c *company) clientJSON(cl *client, k *key, where int) map[string]any {
	masked := []string{}
	var surname any
	if cl.surname != nil {
		surname = *cl.surname
	}
	phone := cl.phone
	if k != nil {
		p := k.perms.Clients
		if !p.ShowSurnames && cl.surname != nil {
			surname = nil
			masked = append(masked, "surname")
		}
		show := p.ShowPhones == PhonesEverywhere || (where == onCard && p.ShowPhones == PhonesExceptList)
		if !show {
			phone = MaskPhone(phone)
			masked = append(masked, "phone")
		}
	}
	return map[string]any{"id": cl.id, "name": cl.name, "surname": surname, "phone": phone, "masked": masked}
}

// visibleClient reports whether key k may see a client: clients.view all, or
// own and the client has a record with the key's employee.
func (c *company) visibleClient(k *key, cl *client) bool {
	switch k.perms.Clients.View {
	case ScopeAll:
		return true
	case ScopeOwn:
		if k.employee == nil {
			return false
		}
		for _, id := range c.recordIDs {
			r := c.records[id]
			if r.client == cl.id && r.master == *k.employee {
				return true
			}
		}
	}
	return false
}

// recordJSON is a record as key k sees it; a nil key is the owner panel.
func (c *company) recordJSON(r *record, k *key) map[string]any {
	services := make([]map[string]any, 0, len(r.services))
	for _, s := range r.services {
		services = append(services, map[string]any{"id": s.ID, "name": s.Name, "price": s.Price, "duration": s.Duration})
	}
	var cl any
	if x, ok := c.clients[r.client]; ok {
		cl = c.clientJSON(x, k, onCard)
	}
	source := r.origin.sourceFor(k)
	var ext any
	if k != nil && r.origin.kind == "key" && r.origin.key == k.id && r.externalID != nil {
		ext = *r.externalID
	}
	var reason any
	if r.cancelReason != nil {
		reason = *r.cancelReason
	}
	return map[string]any{
		"id": r.id, "type": r.typ, "status": r.status, "master_id": r.master,
		"start": c.ts(r.start), "end": c.ts(r.end), "duration": r.duration(),
		"services": services, "client": cl, "cost": r.cost, "comment": r.comment,
		"source": source, "external_id": ext,
		"created_at": c.ts(r.created), "updated_at": c.ts(r.updated),
		"cancelled_at": c.tsPtr(r.cancelledAt), "cancel_reason": reason,
	}
}

func (c *company) dayJSON(master int64, date time.Time) map[string]any {
	d := c.day(master, date)
	out := map[string]any{"master_id": master, "date": c.date(date), "working": d.working, "work_from": nil, "work_to": nil, "breaks": []map[string]any{}}
	if d.working {
		out["work_from"], out["work_to"] = c.ts(d.from), c.ts(d.to)
		breaks := make([]map[string]any, 0, len(d.breaks))
		for _, b := range d.breaks {
			breaks = append(breaks, map[string]any{"from": c.ts(b.from), "to": c.ts(b.to)})
		}
		out["breaks"] = breaks
	}
	return out
}
