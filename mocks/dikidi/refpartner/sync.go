package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/driver"
)

// keyStatus is DIKIDI's KeyStatus.
type keyStatus struct {
	KeyID       int64       `json:"key_id"`
	CompanyID   int64       `json:"company_id"`
	State       string      `json:"state"`
	EmployeeID  *int64      `json:"employee_id"`
	Permissions permissions `json:"permissions"`
}

func (s *session) applyStatus(st keyStatus) {
	s.keyID, s.companyID, s.keyState, s.employee, s.perms = st.KeyID, st.CompanyID, st.State, st.EmployeeID, st.Permissions
}

// readKey asks DIKIDI for the key's state and permissions.
func (p *Partner) readKey(ctx context.Context, s *session) error {
	var st keyStatus
	if err := p.call(ctx, s, http.MethodGet, "/key", nil, nil, &st, nil); err != nil {
		return err
	}
	s.applyStatus(st)
	return nil
}

// gone is the answer to anything asked after the key was deleted.
func (p *Partner) gone(s *session) error {
	if s.keyState == stateDeleted && !p.faults["keeps-working-after-deletion"] {
		return driver.Errorf(http.StatusGone, "the company deleted the DIKIDI access key: the integration has ended and needs a new key")
	}
	return nil
}

// activate binds the key with the partner key, then reads the salon's week.
func (p *Partner) activate(ctx context.Context, s *session, _ json.RawMessage) (any, error) {
	if err := p.gone(s); err != nil && !p.faults["reactivates-deleted-key"] {
		return nil, err
	}
	pk := s.settings.PartnerKey
	if p.faults["bearer-partner-key"] {
		pk = "Bearer " + pk
	}
	var st keyStatus
	err := p.call(ctx, s, http.MethodPost, "/key/activate", nil, nil, &st, http.Header{"Authorization": {pk}})
	if err != nil {
		if p.faults["hides-activation-refusal"] && code(err) == "PARTNER_KEY_INVALID" {
			s.keyState, s.lastError = stateActive, ""
			return map[string]any{"key_state": s.keyState}, nil
		}
		s.lastError = "activation refused: " + err.Error()
		if code(err) == "PARTNER_KEY_INVALID" && !p.faults["reports-active-unactivated"] {
			_ = p.readKey(ctx, s)
		}
		return nil, driver.Errorf(http.StatusBadGateway, "DIKIDI refused the activation: %v", err)
	}
	s.applyStatus(st)
	s.lastError = ""
	if err := p.sync(ctx, s); err != nil {
		return nil, err
	}
	p.startPolling(s)
	return map[string]any{"key_state": s.keyState}, nil
}

// startPolling is how a partner without a Path keeps up: it reads DIKIDI
// again every Poll until the session ends or the key is gone.
func (p *Partner) startPolling(s *session) {
	if p.opts.Poll <= 0 || s.poll != nil {
		return
	}
	var read func()
	read = func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.s != s || s.keyState == stateDeleted {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// a failed read is kept in last_error by sync; the next one tries again
		if err := p.sync(ctx, s); err != nil && p.faults["poller-stops-on-error"] {
			return
		}
		if s.keyState != stateDeleted {
			s.poll = p.opts.Clock.AfterFunc(p.opts.Poll, read)
		}
	}
	s.poll = p.opts.Clock.AfterFunc(p.opts.Poll, read)
}

func (p *Partner) syncAction(ctx context.Context, s *session, _ json.RawMessage) (any, error) {
	if err := p.sync(ctx, s); err != nil {
		return nil, err
	}
	return map[string]any{"key_state": s.keyState}, nil
}

// sync re-reads everything the connector keeps: the key, the company, masters,
// services, clients (if the key may view them), the horizon's hours, records and
// free times.
func (p *Partner) sync(ctx context.Context, s *session) error {
	if err := p.gone(s); err != nil {
		return err
	}
	wrap := func(err error) error {
		s.lastError = "sync: " + err.Error()
		if s.keyState == stateDeleted && !p.faults["keeps-working-after-deletion"] {
			return p.gone(s)
		}
		return driver.Errorf(http.StatusBadGateway, "%v", err)
	}
	if err := p.readKey(ctx, s); err != nil {
		if p.faults["hides-unanswered-sync"] {
			return nil
		}
		return wrap(err)
	}
	if s.keyState == stateAwaiting {
		return driver.Errorf(http.StatusConflict, "the access key awaits activation")
	}
	var company struct {
		ID int64 `json:"id"`
	}
	if err := p.call(ctx, s, http.MethodGet, "/company", nil, nil, &company, nil); err != nil {
		return wrap(err)
	}
	if company.ID != s.fx.CompanyID {
		return driver.Errorf(http.StatusConflict, "the key opens company %d, but this connector serves company %d", company.ID, s.fx.CompanyID)
	}
	read := p.readAll
	if p.alt {
		read = p.readAllAlt
	}
	if err := read(ctx, s); err != nil {
		return wrap(err)
	}
	s.lastError = ""
	s.owed = nil // every free time is fresh
	return nil
}

// readAll reads what sync keeps: masters, services, clients (if the key may
// view them), the horizon's hours, records and free times.
func (p *Partner) readAll(ctx context.Context, s *session) error {
	if err := p.readStaff(ctx, s, 100); err != nil {
		return err
	}
	days, err := list[json.RawMessage](ctx, p, s, "/schedule", s.week())
	if err != nil {
		return err
	}
	s.days = map[string]*day{}
	for _, raw := range days {
		p.storeDay(s, raw)
	}
	if p.faults["repeats-first-week-hours"] {
		p.repeatFirstWeek(s)
	}
	q := s.week()
	q.Set("include_cancelled", "true")
	records, err := list[json.RawMessage](ctx, p, s, "/records", q)
	if err != nil {
		return err
	}
	for _, raw := range records {
		p.storeRecord(s, raw, p.faults["resync-duplicates"] && !hasExternalID(raw))
	}
	s.free = map[string][]string{}
	for _, svc := range s.services {
		q := s.week()
		q.Set("service_id", strconv.FormatInt(svc.ID, 10))
		if err := p.readFree(ctx, s, q, svc.ID); err != nil {
			return err
		}
	}
	return nil
}

// list reads one of DIKIDI's lists ({"list": [...]}) at path.
func list[T any](ctx context.Context, p *Partner, s *session, path string, q url.Values) ([]T, error) {
	var out struct {
		List []T `json:"list"`
	}
	err := p.call(ctx, s, http.MethodGet, path, q, nil, &out, nil)
	return out.List, err
}

// readStaff reads the masters and the services (the alt variant asks for
// the services first), then the clients if the key may view them,
// clientsPage a page.
func (p *Partner) readStaff(ctx context.Context, s *session, clientsPage int) error {
	var masters []master
	var services []service
	reads := []func() error{
		func() (err error) { masters, err = list[master](ctx, p, s, "/masters", nil); return err },
		func() (err error) { services, err = list[service](ctx, p, s, "/services", nil); return err },
	}
	if p.alt {
		slices.Reverse(reads)
	}
	for _, read := range reads {
		if err := read(); err != nil {
			return err
		}
	}
	s.masters, s.services = masters, services
	s.clients = map[int64]*clientRow{}
	if s.perms.Clients.View != "none" || p.faults["lists-clients-without-permission"] {
		if err := p.readClients(ctx, s, clientsPage); err != nil && code(err) != "PERMISSION_DENIED" {
			return err
		}
	}
	return nil
}

func (s *session) week() url.Values {
	return url.Values{
		"date_from": {s.monday.Format(time.DateOnly)},
		"date_to":   {s.monday.AddDate(0, 0, s.fx.Days-1).Format(time.DateOnly)},
	}
}

// readClients reads the client list, limit a page.
func (p *Partner) readClients(ctx context.Context, s *session, limit int) error {
	for offset := 0; ; offset += limit {
		var page struct {
			List  []json.RawMessage `json:"list"`
			Total int               `json:"total"`
		}
		q := url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}
		if err := p.call(ctx, s, http.MethodGet, "/clients", q, nil, &page, nil); err != nil {
			return err
		}
		for _, raw := range page.List {
			p.storeClient(s, raw)
		}
		if offset+limit >= page.Total || len(page.List) == 0 {
			return nil
		}
	}
}

// readFree stores DIKIDI's free times for one service (every master, or one).
func (p *Partner) readFree(ctx context.Context, s *session, q url.Values, serviceID int64) error {
	var ft struct {
		List []struct {
			MasterID int64    `json:"master_id"`
			Date     string   `json:"date"`
			Times    []string `json:"times"`
		} `json:"list"`
	}
	if err := p.call(ctx, s, http.MethodGet, "/free-times", q, nil, &ft, nil); err != nil {
		return err
	}
	// dates without free times are left out: clear the asked range first
	from, _ := time.ParseInLocation(time.DateOnly, q.Get("date_from"), s.loc)
	to, _ := time.ParseInLocation(time.DateOnly, q.Get("date_to"), s.loc)
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		for _, m := range s.masters {
			if q.Get("master_id") == "" || q.Get("master_id") == strconv.FormatInt(m.ID, 10) {
				delete(s.free, freeKey(serviceID, m.ID, d.Format(time.DateOnly)))
			}
		}
	}
	for _, row := range ft.List {
		s.free[freeKey(serviceID, row.MasterID, row.Date)] = row.Times
	}
	return nil
}

func freeKey(service, master int64, date string) string {
	return fmt.Sprintf("%d|%d|%s", service, master, date)
}

// refreshFree re-reads the free times of a master on the given dates, for
// every service the master provides.
func (p *Partner) refreshFree(ctx context.Context, s *session, masterID int64, dates ...string) {
	if p.faults["stale-free-times"] || s.keyState == stateDeleted || s.keyState == stateAwaiting {
		return
	}
	if p.alt {
		p.refreshWeekAlt(ctx, s, masterID, dates)
		return
	}
	seen := map[string]bool{}
	for _, date := range dates {
		if date == "" || seen[date] || !p.refreshable(s, date) {
			continue
		}
		seen[date] = true
		for _, svc := range s.services {
			if !containsID(svc.MasterIDs, masterID) {
				continue
			}
			q := url.Values{"service_id": {strconv.FormatInt(svc.ID, 10)}, "master_id": {strconv.FormatInt(masterID, 10)}, "date_from": {date}, "date_to": {date}}
			if err := p.readFree(ctx, s, q, svc.ID); err != nil {
				p.owe(s, masterID, dates, err)
				return
			}
		}
	}
}

// refreshFailed starts last_error while some free times could not be re-read.
const refreshFailed = "refreshing free times: "

// Retries of the free times a re-read could not fetch: soon, then less
// often, and never further apart than a change may take to show.
const (
	firstRetry = 5 * time.Second
	lastRetry  = 20 * time.Second
)

// owe keeps the days whose free times could not be re-read (DIKIDI could not
// be reached, say) and tries them again later: until then the partner would
// offer times DIKIDI no longer has, and no event may come to correct it.
func (p *Partner) owe(s *session, masterID int64, dates []string, err error) {
	s.lastError = refreshFailed + err.Error()
	if p.faults["free-times-never-retried"] {
		return
	}
	if s.owed == nil {
		s.owed = map[int64][]string{}
	}
	if p.faults["owes-latest-days-only"] {
		// The faulty build keeps a master's latest unread days in place of those it owed.
		s.owed[masterID] = nil
	}
	for _, d := range dates {
		if d != "" && !slices.Contains(s.owed[masterID], d) {
			s.owed[masterID] = append(s.owed[masterID], d)
		}
	}
	if s.retry == nil {
		p.retryOwed(s, firstRetry)
	}
}

// retryOwed re-reads the owed free times after a wait on the partner's clock,
// and waits longer each time they still cannot be read.
func (p *Partner) retryOwed(s *session, after time.Duration) {
	s.retry = p.opts.Clock.AfterFunc(after, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.s != s {
			return
		}
		owed := s.owed
		s.owed = nil
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, m := range slices.Sorted(maps.Keys(owed)) {
			p.refreshFree(ctx, s, m, owed[m]...) // owes them again if it fails
		}
		if len(s.owed) > 0 {
			p.retryOwed(s, min(2*after, lastRetry))
			return
		}
		s.retry = nil
		if strings.HasPrefix(s.lastError, refreshFailed) {
			s.lastError = ""
		}
	})
}

// refreshable is a date of the horizon whose free times a change makes the
// connector re-read (two faults get the horizon's end wrong).
func (p *Partner) refreshable(s *session, date string) bool {
	days := s.fx.Days
	switch {
	case p.faults["refreshes-first-week-only"]:
		days = min(days, 7)
	case p.faults["horizon-one-day-short"]:
		days--
	}
	d, err := time.ParseInLocation(time.DateOnly, date, s.loc)
	return err == nil && !d.Before(s.monday) && d.Before(s.monday.AddDate(0, 0, days))
}

// repeatFirstWeek is a fault: the first week's hours stand for every later
// week of the horizon.
func (p *Partner) repeatFirstWeek(s *session) {
	for _, d := range s.days {
		date, err := time.ParseInLocation(time.DateOnly, d.Date, s.loc)
		if err != nil || date.Before(s.monday) || !date.Before(s.monday.AddDate(0, 0, 7)) {
			continue
		}
		for later := date.AddDate(0, 0, 7); s.inWeek(later.Format(time.DateOnly)); later = later.AddDate(0, 0, 7) {
			weeks := int(later.Sub(date).Hours()/24) / 7
			shift := func(v string) string {
				t, err := time.Parse(timeLayout, v)
				if err != nil {
					return v
				}
				return s.fmt(t.AddDate(0, 0, 7*weeks))
			}
			x := &day{MasterID: d.MasterID, Date: later.Format(time.DateOnly), Working: d.Working, Breaks: []interval{}}
			if d.WorkFrom != nil && d.WorkTo != nil {
				f, t := shift(*d.WorkFrom), shift(*d.WorkTo)
				x.WorkFrom, x.WorkTo = &f, &t
			}
			for _, b := range d.Breaks {
				x.Breaks = append(x.Breaks, interval{From: shift(b.From), To: shift(b.To)})
			}
			s.days[fmt.Sprintf("%d|%s", x.MasterID, x.Date)] = x
		}
	}
}

func (s *session) inWeek(date string) bool {
	d, err := time.ParseInLocation(time.DateOnly, date, s.loc)
	return err == nil && !d.Before(s.monday) && d.Before(s.monday.AddDate(0, 0, s.fx.Days))
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// storing DIKIDI's objects ------------------------------------------------------------

type dikidiClient struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Surname *string  `json:"surname"`
	Phone   string   `json:"phone"`
	Masked  []string `json:"masked"`
}

// row keeps a client as DIKIDI showed it: a hidden surname stays empty, a
// masked phone stays masked.
func (p *Partner) row(c dikidiClient) *clientRow {
	r := &clientRow{DikidiID: c.ID, Name: c.Name, Surname: c.Surname, Phone: c.Phone, Masked: append([]string{}, c.Masked...)}
	if r.Surname == nil && slices.Contains(c.Masked, "surname") && p.faults["surname-placeholder"] {
		dash := "-"
		r.Surname = &dash
		r.Masked = removeItem(r.Masked, "surname")
	}
	if strings.Contains(r.Phone, "*") && p.faults["strips-phone-mask"] {
		r.Phone = strings.ReplaceAll(r.Phone, "*", "")
		r.Masked = removeItem(r.Masked, "phone")
	}
	return r
}

func removeItem(xs []string, x string) []string {
	out := []string{}
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

func (p *Partner) storeClient(s *session, raw json.RawMessage) {
	var c dikidiClient
	if json.Unmarshal(raw, &c) != nil || c.ID == 0 {
		return
	}
	s.clients[c.ID] = p.row(c)
}

// hasExternalID reports whether a DIKIDI record carries the id a partner gave it.
func hasExternalID(raw json.RawMessage) bool {
	var d struct {
		ExternalID *string `json:"external_id"`
	}
	return json.Unmarshal(raw, &d) == nil && d.ExternalID != nil
}

type dikidiRecord struct {
	ID         int64                `json:"id"`
	Type       string               `json:"type"`
	Status     string               `json:"status"`
	MasterID   int64                `json:"master_id"`
	Start      time.Time            `json:"start"`
	End        time.Time            `json:"end"`
	Services   []struct{ ID int64 } `json:"services"`
	Client     *dikidiClient        `json:"client"`
	Comment    string               `json:"comment"`
	ExternalID *string              `json:"external_id"`
}

// storeRecord puts a DIKIDI record into the connector's system: the record it
// already knows (by DIKIDI id, or by its own id given as external_id), or a
// new one. blind (a fault) inserts without looking.
func (p *Partner) storeRecord(s *session, raw json.RawMessage, blind bool) *rec {
	var d dikidiRecord
	if json.Unmarshal(raw, &d) != nil || d.ID == 0 {
		return nil
	}
	var r *rec
	if !blind {
		for _, x := range s.records {
			if x.DikidiID == d.ID || (d.ExternalID != nil && x.ID == *d.ExternalID) {
				r = x
				break
			}
		}
	}
	if r == nil {
		r = &rec{ID: p.learnedID(d.ID), Origin: "dikidi"}
		p.keep(s, r)
	}
	p.fill(s, r, d)
	if d.Client != nil {
		if listed, known := s.clients[d.Client.ID]; !known {
			s.clients[d.Client.ID] = p.row(*d.Client)
		} else if p.faults["record-clients-from-list"] {
			c := *listed
			r.Client = &c
		}
	}
	return r
}

// fill makes the connector's record r what DIKIDI's d says, its client too.
func (p *Partner) fill(s *session, r *rec, d dikidiRecord) {
	r.DikidiID, r.Type, r.Status, r.MasterID = d.ID, d.Type, d.Status, d.MasterID
	r.Start, r.End, r.Comment = d.Start.In(s.loc), d.End.In(s.loc), d.Comment
	r.ServiceIDs = []int64{}
	for _, sv := range d.Services {
		r.ServiceIDs = append(r.ServiceIDs, sv.ID)
	}
	r.Client = nil
	if d.Client != nil {
		r.Client = p.row(*d.Client)
	}
}

// storeDay keeps DIKIDI's day (which has the connector's shape).
func (p *Partner) storeDay(s *session, raw json.RawMessage) {
	var d day
	if json.Unmarshal(raw, &d) != nil || d.MasterID == 0 {
		return
	}
	x := &day{MasterID: d.MasterID, Date: d.Date, Working: d.Working, WorkFrom: d.WorkFrom, WorkTo: d.WorkTo, Breaks: append([]interval{}, d.Breaks...)}
	if p.faults["drops-breaks"] {
		x.Breaks = []interval{}
	}
	sort.Slice(x.Breaks, func(i, j int) bool { return x.Breaks[i].From < x.Breaks[j].From })
	s.days[fmt.Sprintf("%d|%s", d.MasterID, d.Date)] = x
}
