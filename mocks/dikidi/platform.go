package dikidi

import (
	"fmt"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
)

// This file is the business's own side as a Go API: what the salon's staff
// and its clients do on DIKIDI, and what a check can read off it. Scenarios
// drive it directly; the owner panel offers the same over HTTP.

// AddCompany puts a company on the platform from a fixture. Its partner keys
// become valid for activation.
func (m *Mock) AddCompany(f *dikidifixture.Fixture) error {
	c, err := newCompany(m, f)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, taken := m.companies[c.id]; taken {
		return fmt.Errorf("dikidi mock: company %d already exists", c.id)
	}
	m.companies[c.id] = c
	for _, pk := range f.PartnerKeys {
		m.partnerKeys[pk] = true
	}
	return nil
}

// RemoveCompany takes a company off the platform: its keys stop working and
// nothing more is delivered for it.
func (m *Mock) RemoveCompany(id int64) {
	m.mu.Lock()
	c, ok := m.companies[id]
	delete(m.companies, id)
	if ok {
		for tok, k := range m.tokens {
			if k.c == c {
				delete(m.tokens, tok)
			}
		}
	}
	m.mu.Unlock()
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removed = true
	for _, k := range c.keys {
		c.dropDeliveries(k)
	}
}

func (m *Mock) with(companyID int64, fn func(c *company) *Error) error {
	c, ok := m.company(companyID)
	if !ok {
		return fmt.Errorf("dikidi mock: no company %d", companyID)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := fn(c); err != nil {
		return err
	}
	return nil
}

// KeyView is an access key as the business panel shows it.
type KeyView struct {
	ID          int64
	Name        string
	AccessType  string
	Token       string
	PartnerKey  string
	Path        string
	Email       string
	EmployeeID  int64
	State       string
	Permissions Permissions
	ActivatedAt *time.Time
	DeletedAt   *time.Time
	// StateSeq is the journal's last sequence number when the state last
	// changed, at StateSince: the partner's calls after it were made in this
	// state.
	StateSeq   int64
	StateSince time.Time
}

func (c *company) keyView(k *key) KeyView {
	return KeyView{ID: k.id, Name: k.name, AccessType: k.accessType, Token: k.token, State: k.state(), Permissions: k.perms,
		ActivatedAt: k.activated, DeletedAt: k.deleted, StateSeq: k.stateSeq, StateSince: k.stateAt,
		PartnerKey: value(k.partnerKey), Path: value(k.path), Email: value(k.email), EmployeeID: value(k.employee)}
}

// value is what p points at, or the zero value for nil: a view shows an
// unset field empty.
func value[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}

// viewed runs act with the company locked and answers view of what it acted
// on, or act's refusal.
func viewed[T, V any](m *Mock, companyID int64, act func(c *company) (T, *Error), view func(c *company, x T) V) (v V, err error) {
	err = m.with(companyID, func(c *company) *Error {
		x, e := act(c)
		if e == nil {
			v = view(c, x)
		}
		return e
	})
	return v, err
}

// CreateKey is the business adding an API access key; it awaits activation.
func (m *Mock) CreateKey(companyID int64, spec KeySpec) (v KeyView, err error) {
	return viewed(m, companyID, func(c *company) (*key, *Error) { return c.createKey(spec) }, (*company).keyView)
}

// UpdateKey is the business editing a key (permissions, Path, e-mail).
func (m *Mock) UpdateKey(companyID, keyID int64, change KeyChange) (v KeyView, err error) {
	return viewed(m, companyID, func(c *company) (*key, *Error) {
		k, e := c.keyByID(keyID)
		if e == nil {
			e = c.updateKey(k, change)
		}
		return k, e
	}, (*company).keyView)
}

// SetPermissions replaces a key's permissions, as saving the panel's form does.
func (m *Mock) SetPermissions(companyID, keyID int64, p Permissions) (KeyView, error) {
	return m.UpdateKey(companyID, keyID, KeyChange{Permissions: &p})
}

// DeleteKey is the business deleting a key for good.
func (m *Mock) DeleteKey(companyID, keyID int64) (v KeyView, err error) {
	return viewed(m, companyID, func(c *company) (*key, *Error) {
		k, e := c.keyByID(keyID)
		if e == nil {
			e = c.deleteKey(k)
		}
		return k, e
	}, (*company).keyView)
}

// Key reads a key, deleted ones included.
func (m *Mock) Key(companyID, keyID int64) (v KeyView, err error) {
	return viewed(m, companyID, func(c *company) (*key, *Error) { return c.keyByID(keyID) }, (*company).keyView)
}

// RecordView is a record as the business sees it.
type RecordView struct {
	ID           int64
	Type         string
	Status       string
	MasterID     int64
	Start, End   time.Time
	ServiceIDs   []int64
	ClientID     int64
	ClientName   string
	Surname      string
	Phone        string
	Comment      string
	Source       string // panel, online_booking, or key
	KeyID        int64  // the key that made it, if any
	ExternalID   string
	CancelReason string
	Updated      time.Time // the last change
}

func (c *company) recordView(r *record) RecordView {
	v := RecordView{ID: r.id, Type: r.typ, Status: r.status, MasterID: r.master, Start: r.start, End: r.end, Comment: r.comment,
		Source: r.origin.kind, KeyID: r.origin.key, Updated: r.updated}
	for _, s := range r.services {
		v.ServiceIDs = append(v.ServiceIDs, s.ID)
	}
	if cl, ok := c.clients[r.client]; ok {
		v.ClientID, v.ClientName, v.Phone = cl.id, cl.name, cl.phone
		v.Surname = value(cl.surname)
	}
	v.ExternalID, v.CancelReason = value(r.externalID), value(r.cancelReason)
	return v
}

// ClientView is a client as one key sees it: the surname is nil and the
// phone masked where the key's permissions hide them.
type ClientView struct {
	ID      int64
	Name    string
	Surname *string
	Phone   string
	Masked  []string
}

// SeenClient is a client as one key sees it on a card (a record, an event,
// getClient) and in the client list, and whether the key may list it.
type SeenClient struct {
	Card, List ClientView
	Listed     bool
}

// ClientsSeenBy lists every client of the company, in id order, as the key
// sees them: what a partner may hold, masked as DIKIDI showed it.
func (m *Mock) ClientsSeenBy(companyID, keyID int64) (out []SeenClient, err error) {
	err = m.with(companyID, func(c *company) *Error {
		k, e := c.keyByID(keyID)
		if e != nil {
			return e
		}
		for _, id := range c.clientIDs {
			cl := c.clients[id]
			out = append(out, SeenClient{Card: c.clientSeen(cl, k, onCard), List: c.clientSeen(cl, k, inList), Listed: c.visibleClient(k, cl)})
		}
		return nil
	})
	return out, err
}

func (c *company) clientSeen(cl *client, k *key, where int) ClientView {
	j := c.clientJSON(cl, k, where)
	v := ClientView{ID: cl.id, Name: cl.name, Phone: j["phone"].(string), Masked: j["masked"].([]string)}
	if s, ok := j["surname"].(string); ok {
		v.Surname = &s
	}
	return v
}

// Client names a client of a booking made on the business's side.
type Client struct {
	ID      int64
	Name    string
	Surname string
	Phone   string
}

// Booking is a record made in the panel or by a client online.
type Booking struct {
	MasterID   int64
	ServiceIDs []int64
	Start      time.Time
	Client     Client
	Comment    string
	Online     bool // a client booked online; otherwise staff entered it in the panel
}

// staffRecord runs what staff do to a record in the panel and answers the
// record as it then is.
func (m *Mock) staffRecord(companyID int64, act func(c *company) (*record, *Error)) (RecordView, error) {
	return viewed(m, companyID, act, (*company).recordView)
}

// Book makes a record in the panel or by online booking.
func (m *Mock) Book(companyID int64, b Booking) (v RecordView, err error) {
	in := RecordInput{MasterID: b.MasterID, ServiceIDs: b.ServiceIDs, Start: b.Start.Format(time.RFC3339), Comment: b.Comment}
	if b.Client.ID != 0 {
		in.Client.ID = &b.Client.ID
	} else {
		in.Client.Name, in.Client.Phone = &b.Client.Name, &b.Client.Phone
		if b.Client.Surname != "" {
			in.Client.Surname = &b.Client.Surname
		}
	}
	a := actor{source: SourcePanel}
	if b.Online {
		a.source = SourceOnlineBooking
	}
	return m.staffRecord(companyID, func(c *company) (*record, *Error) {
		r, _, e := c.createRecord(a, in)
		return r, e
	})
}

// Move is staff moving a record (or occupied time) in the panel.
func (m *Mock) Move(companyID, recordID int64, start time.Time, masterID int64) (v RecordView, err error) {
	s := start.Format(time.RFC3339)
	in := RecordChange{Start: &s}
	if masterID != 0 {
		in.MasterID = &masterID
	}
	return m.staffRecord(companyID, func(c *company) (*record, *Error) { return c.updateRecord(actor{}, recordID, in) })
}

// Edit is staff changing a record in the panel: its services, status or
// comment (Move moves it).
func (m *Mock) Edit(companyID, recordID int64, change RecordChange) (v RecordView, err error) {
	return m.staffRecord(companyID, func(c *company) (*record, *Error) { return c.updateRecord(actor{}, recordID, change) })
}

// Cancel is staff cancelling a record or releasing occupied time in the panel.
func (m *Mock) Cancel(companyID, recordID int64, reason string) (v RecordView, err error) {
	return m.staffRecord(companyID, func(c *company) (*record, *Error) { return c.cancelRecord(actor{}, recordID, &reason) })
}

// EditClient is staff changing a client's card in the panel.
func (m *Mock) EditClient(companyID, clientID int64, change ClientChange) error {
	return m.with(companyID, func(c *company) *Error {
		_, e := c.updateClient(clientID, change)
		return e
	})
}

// Occupy is staff blocking a master's time in the panel.
func (m *Mock) Occupy(companyID, masterID int64, from, to time.Time, comment string) (v RecordView, err error) {
	in := OccupyInput{MasterID: masterID, Start: from.Format(time.RFC3339), End: to.Format(time.RFC3339), Comment: comment}
	return m.staffRecord(companyID, func(c *company) (*record, *Error) { return c.occupy(actor{}, in) })
}

// Hours is a working day: off, or from-to with breaks.
type Hours struct {
	Working  bool
	From, To time.Time
	Breaks   [][2]time.Time
}

// SetHours is staff setting a master's working day in the panel.
func (m *Mock) SetHours(companyID, masterID int64, date time.Time, h Hours) error {
	in := DayInput{Working: h.Working}
	if h.Working {
		f, t := h.From.Format(time.RFC3339), h.To.Format(time.RFC3339)
		in.WorkFrom, in.WorkTo = &f, &t
		for _, b := range h.Breaks {
			in.Breaks = append(in.Breaks, BreakInput{From: b[0].Format(time.RFC3339), To: b[1].Format(time.RFC3339)})
		}
	}
	return m.with(companyID, func(c *company) *Error {
		_, e := c.setDay(actor{}, masterID, c.date(date), in)
		return e
	})
}

// Records lists the records starting in [from, to), cancelled ones included.
func (m *Mock) Records(companyID int64, from, to time.Time) (out []RecordView, err error) {
	err = m.with(companyID, func(c *company) *Error {
		for _, r := range c.listRecords(from, to, 0, true) {
			out = append(out, c.recordView(r))
		}
		return nil
	})
	return out, err
}

// Record reads one record.
func (m *Mock) Record(companyID, recordID int64) (v RecordView, err error) {
	err = m.with(companyID, func(c *company) *Error {
		r, ok := c.records[recordID]
		if !ok {
			return notFound("Record %d not found.", recordID)
		}
		v = c.recordView(r)
		return nil
	})
	return v, err
}

// Day reads a master's working day.
func (m *Mock) Day(companyID, masterID int64, date time.Time) (h Hours, err error) {
	err = m.with(companyID, func(c *company) *Error {
		d := c.day(masterID, date)
		h = Hours{Working: d.working, From: d.from, To: d.to}
		for _, b := range d.breaks {
			h.Breaks = append(h.Breaks, [2]time.Time{b.from, b.to})
		}
		return nil
	})
	return h, err
}

// Place says whether a record could lie from from to to with a master: inside
// the master's hours, outside breaks and clear of every active record but
// except (0: none). It is the check booking and moving make, asked without
// changing anything.
func (m *Mock) Place(companyID, masterID int64, from, to time.Time, except int64) error {
	return m.with(companyID, func(c *company) *Error { return c.place(masterID, from, to, except) })
}

// FreeTimes lists where the services fit with a master on one date.
func (m *Mock) FreeTimes(companyID int64, serviceIDs []int64, masterID int64, date time.Time) (out []time.Time, err error) {
	err = m.with(companyID, func(c *company) *Error {
		day, _ := c.parseDate(c.date(date))
		_, days, e := c.freeTimes(serviceIDs, masterID, day, day.AddDate(0, 0, 1))
		for _, d := range days {
			out = append(out, d.Times...)
		}
		return e
	})
	return out, err
}

// FreeDays lists where the services fit with a master on every date of
// [from, to), by date ("YYYY-MM-DD"); a date with no free time is absent.
func (m *Mock) FreeDays(companyID int64, serviceIDs []int64, masterID int64, from, to time.Time) (out map[string][]time.Time, err error) {
	err = m.with(companyID, func(c *company) *Error {
		first, _ := c.parseDate(c.date(from))
		_, days, e := c.freeTimes(serviceIDs, masterID, first, to)
		out = map[string][]time.Time{}
		for _, d := range days {
			out[d.Date] = d.Times
		}
		return e
	})
	return out, err
}

// AttemptView is one delivery attempt.
type AttemptView struct {
	Number     int
	At         time.Time
	Outcome    string
	HTTPStatus int
}

// DeliveryView is one event on its way to a key's Path.
type DeliveryView struct {
	EventID  string
	Event    string
	Sequence int64
	URL      string
	Status   string
	Next     *time.Time
	Attempts []AttemptView
	Body     []byte
}

// Deliveries lists a key's events, oldest first, with every attempt.
func (m *Mock) Deliveries(companyID, keyID int64) (out []DeliveryView, err error) {
	err = m.with(companyID, func(c *company) *Error {
		k, e := c.keyByID(keyID)
		if e != nil {
			return e
		}
		for _, d := range k.deliveries {
			v := DeliveryView{EventID: d.eventID, Event: d.event, Sequence: d.seq, URL: d.url, Status: d.status, Next: d.next, Body: d.body}
			for _, a := range d.attempts {
				v.Attempts = append(v.Attempts, AttemptView{Number: a.number, At: a.at, Outcome: a.outcome, HTTPStatus: a.status})
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// EmailView is a letter in the outbox; SMTPError says why the mailer could not send it.
type EmailView struct {
	ID              int64
	KeyID           int64
	To              string
	Subject, Body   string
	IncidentStarted time.Time
	SentAt          time.Time
	SMTPError       string
}

// Outbox lists the company's e-mails, oldest first.
func (m *Mock) Outbox(companyID int64) (out []EmailView, err error) {
	err = m.with(companyID, func(c *company) *Error {
		for _, e := range c.outbox {
			out = append(out, EmailView{ID: e.id, KeyID: e.key, To: e.to, Subject: e.subject, Body: e.body, IncidentStarted: e.incidentStarted, SentAt: e.sent, SMTPError: e.smtpErr})
		}
		return nil
	})
	return out, err
}

// DropNextEvents loses a key's next n delivery attempts of an event (any
// event when name is "") before they reach its Path.
func (m *Mock) DropNextEvents(companyID, keyID int64, n int, name string) error {
	return m.with(companyID, func(c *company) *Error {
		k, e := c.keyByID(keyID)
		if e == nil {
			k.dropNext, k.dropEvent = n, name
		}
		return e
	})
}

// LoseNextEventAnswers delivers a key's next n events of a name (any when "")
// but loses the Path's answers: DIKIDI counts the attempts as failed and
// delivers the events again.
func (m *Mock) LoseNextEventAnswers(companyID, keyID int64, n int, name string) error {
	return m.with(companyID, func(c *company) *Error {
		k, e := c.keyByID(keyID)
		if e == nil {
			k.loseNext, k.loseEvent = n, name
		}
		return e
	})
}

// Keys lists a company's access keys in the order they were added, deleted
// ones included: the business panel shows what became of each.
func (m *Mock) Keys(companyID int64) (out []KeyView, err error) {
	err = m.with(companyID, func(c *company) *Error {
		for _, k := range c.keys {
			out = append(out, c.keyView(k))
		}
		return nil
	})
	return out, err
}

// CompanyView is the company as its own staff see it in the panel.
type CompanyView struct {
	ID       int64
	Name     string
	Address  string
	Zone     *time.Location
	Now      time.Time // on the mock's clock, in the company's zone
	Masters  []dikidifixture.Master
	Services []dikidifixture.Service
}

// Company reads a company's profile, masters and services (in id order).
func (m *Mock) Company(companyID int64) (v CompanyView, err error) {
	err = m.with(companyID, func(c *company) *Error {
		v = CompanyView{ID: c.id, Name: c.info.Name, Address: c.info.Address, Zone: c.loc, Now: c.now(),
			Masters: append([]dikidifixture.Master(nil), c.masters...), Services: append([]dikidifixture.Service(nil), c.services...)}
		return nil
	})
	return v, err
}
