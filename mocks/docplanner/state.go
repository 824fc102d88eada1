package docplanner

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

// stateVersion changes when a snapshot's shape does, so an older accord
// refuses a newer file instead of reading half of it.
const stateVersion = 1

// The snapshot types mirror the tenant's unexported state field by field:
// what a partner built up (bookings, breaks, slots, settings, queued
// notifications, its access tokens) survives a restart. What a scenario
// switches on for a moment (an outage, writes to fail, deliveries to drop,
// the rate-limit window) does not: a restarted platform starts healthy.
type tenantState struct {
	Version    int                                   `json:"version"`
	ClientID   string                                `json:"client_id"`
	Secret     string                                `json:"secret"`
	Zone       string                                `json:"zone"`
	Shift      time.Duration                         `json:"shift,omitempty"`
	Facilities []facilityState                       `json:"facilities"`
	Doctors    []doctorState                         `json:"doctors"`
	Addresses  []addressState                        `json:"addresses"`
	Services   []docplannerfixture.Service           `json:"services"`
	Insurers   []docplannerfixture.InsuranceProvider `json:"insurers"`
	Bookings   []bookingState                        `json:"bookings"` // in creation order
	NextID     int                                   `json:"next_id"`
	Model      string                                `json:"model,omitempty"`
	URL        string                                `json:"url,omitempty"`
	RealTime   bool                                  `json:"real_time,omitempty"`
	PMS        bool                                  `json:"pms,omitempty"`
	Pull       []notificationState                   `json:"pull,omitempty"`
	Buried     []notificationState                   `json:"buried,omitempty"`
	Retrying   []notificationState                   `json:"retrying,omitempty"` // Due set
	Release    time.Time                             `json:"last_release,omitzero"`
	Retired    bool                                  `json:"retired,omitempty"`
	Tokens     map[string]time.Time                  `json:"tokens,omitempty"` // access token -> expiry
}

type facilityState struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Doctors []string `json:"doctors"`
}

type doctorState struct {
	ID              string                             `json:"id"`
	Name            string                             `json:"name"`
	Surname         string                             `json:"surname"`
	Facility        string                             `json:"facility"`
	Addresses       []string                           `json:"addresses"`
	ProfileURL      string                             `json:"profile_url,omitempty"`
	Specializations []docplannerfixture.Specialization `json:"specializations,omitempty"`
	LicenseNumbers  []docplannerfixture.LicenseNumber  `json:"license_numbers,omitempty"`
}

type addressState struct {
	ID               string                               `json:"id"`
	Doctor           string                               `json:"doctor"`
	Facility         string                               `json:"facility"`
	Name             string                               `json:"name"`
	City             string                               `json:"city"`
	PostCode         string                               `json:"post_code"`
	Street           string                               `json:"street"`
	CommercialType   string                               `json:"commercial_type"`
	InsuranceSupport string                               `json:"insurance_support"`
	OnlineOnly       bool                                 `json:"online_only,omitempty"`
	VisitPayment     bool                                 `json:"visit_payment,omitempty"`
	ExtraFields      docplannerfixture.BookingExtraFields `json:"extra_fields"`
	CalendarEnabled  bool                                 `json:"calendar_enabled,omitempty"`
	Services         []serviceState                       `json:"services,omitempty"` // in the address's order
	Insurers         map[string][]string                  `json:"insurers,omitempty"`
	Slots            []slotState                          `json:"slots,omitempty"`
	Breaks           []breakState                         `json:"breaks,omitempty"`
}

type serviceState struct {
	ID                  string   `json:"id"`
	ServiceID           string   `json:"service_id"`
	Name                string   `json:"name"`
	Price               *float64 `json:"price,omitempty"`
	IsPriceFrom         bool     `json:"is_price_from,omitempty"`
	IsDefault           bool     `json:"is_default,omitempty"`
	IsVisible           bool     `json:"is_visible,omitempty"`
	Description         *string  `json:"description,omitempty"`
	CustomName          *string  `json:"custom_name,omitempty"`
	Duration            int      `json:"duration"`
	MinAge              *int     `json:"min_age,omitempty"`
	MaxAge              *int     `json:"max_age,omitempty"`
	PublicInsuranceFlow bool     `json:"public_insurance_flow,omitempty"`
}

type slotState struct {
	Start     time.Time          `json:"start"`
	Length    time.Duration      `json:"length"`
	Services  []slotServiceState `json:"services,omitempty"`
	Insurers  []string           `json:"insurers,omitempty"`
	Insurance string             `json:"insurance,omitempty"`
}

type slotServiceState struct {
	AddressServiceID string `json:"address_service_id"`
	Duration         int    `json:"duration"`
}

type breakState struct {
	ID          string            `json:"id"`
	Since       time.Time         `json:"since"`
	Till        time.Time         `json:"till"`
	Description *string           `json:"description,omitempty"`
	Coupled     map[string]string `json:"coupled,omitempty"`
}

type bookingState struct {
	ID         string     `json:"id"`
	Address    string     `json:"address"`
	Doctor     string     `json:"doctor"`
	Facility   string     `json:"facility"`
	Status     string     `json:"status"`
	Start      time.Time  `json:"start"`
	Duration   int        `json:"duration"`
	BookedBy   string     `json:"booked_by"`
	CanceledBy string     `json:"canceled_by,omitempty"`
	BookedAt   time.Time  `json:"booked_at"`
	CanceledAt *time.Time `json:"canceled_at,omitempty"`
	ServiceID  string     `json:"service_id,omitempty"`
	Patient    patient    `json:"patient"`
	Insurer    string     `json:"insurer,omitempty"`
	Plan       string     `json:"plan,omitempty"`
	Comment    *string    `json:"comment,omitempty"`
	Presence   *string    `json:"presence,omitempty"`
	Confirmed  bool       `json:"confirmed,omitempty"`
	OriginID   string     `json:"origin_id,omitempty"`
	NewestID   string     `json:"newest_id,omitempty"`
	Signature  string     `json:"signature,omitempty"`
}

type notificationState struct {
	Name      string         `json:"name"`
	Data      map[string]any `json:"data"`
	CreatedAt string         `json:"created_at"`
	Created   time.Time      `json:"created"`
	Attempts  int            `json:"attempts,omitempty"`
	// Due is when a PUSH waiting for its retry is tried again.
	Due time.Time `json:"due,omitzero"`
}

// Snapshot is every tenant's state, by client id, as JSON a later Restore
// reads: what `accord mock docplanner --state` keeps across restarts. Each
// tenant is read under its own lock, so each is consistent in itself.
func (m *Mock) Snapshot() (map[string][]byte, error) {
	m.mu.Lock()
	tenants := make(map[string]*tenant, len(m.tenants))
	for id, t := range m.tenants {
		tenants[id] = t
	}
	tokens := map[string]map[string]time.Time{}
	for tok, info := range m.tokens {
		if tokens[info.clientID] == nil {
			tokens[info.clientID] = map[string]time.Time{}
		}
		tokens[info.clientID][tok] = info.expires
	}
	m.mu.Unlock()
	out := make(map[string][]byte, len(tenants))
	for id, t := range tenants {
		// Marshalled under the lock: the state shares the tenant's maps.
		t.mu.Lock()
		s := t.state()
		s.Tokens = tokens[id]
		data, err := json.Marshal(s)
		t.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("tenant %q: %w", id, err)
		}
		out[id] = data
	}
	return out, nil
}

// Restore brings back a tenant Snapshot wrote, replacing any tenant with
// its client id; its unexpired access tokens work again, and the PUSH
// retries it was waiting for are scheduled again. It is for a mock that has
// not started serving: a replaced tenant's own pending retries still fire.
func (m *Mock) Restore(data []byte) error {
	var s tenantState
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if s.Version != stateVersion {
		return fmt.Errorf("tenant %q was saved by another version of accord (state version %d, this one reads %d)", s.ClientID, s.Version, stateVersion)
	}
	t, err := s.tenant()
	if err != nil {
		return fmt.Errorf("tenant %q: %w", s.ClientID, err)
	}
	m.mu.Lock()
	m.tenants[s.ClientID] = t
	for tok, info := range m.tokens {
		if info.clientID == s.ClientID {
			delete(m.tokens, tok)
		}
	}
	for tok, exp := range s.Tokens {
		m.tokens[tok] = token{clientID: s.ClientID, expires: exp}
	}
	m.mu.Unlock()
	// The retries a stop interrupted go on, when they were due or at once.
	for i, n := range notifications(s.Retrying) {
		m.retryAt(t, n, s.Retrying[i].Due)
	}
	return nil
}

func (t *tenant) state() tenantState {
	s := tenantState{
		Version: stateVersion, ClientID: t.clientID, Secret: t.secret, Zone: t.loc.String(),
		Shift: time.Duration(t.shift.Load()), Services: t.services, Insurers: t.insurers, NextID: t.nextID,
		Model: t.notify.model, URL: t.notify.url, RealTime: t.realTime, PMS: t.pms,
		Pull: notificationStates(t.pull), Buried: notificationStates(t.buried), Release: t.lastRelease, Retired: t.retired,
	}
	for _, p := range t.retrying {
		ns := notificationStates([]*notification{p.n})[0]
		ns.Due = p.due
		s.Retrying = append(s.Retrying, ns)
	}
	for _, f := range t.facilities {
		s.Facilities = append(s.Facilities, facilityState{ID: f.id, Name: f.name, Doctors: f.doctors})
	}
	for _, id := range sortedKeys(t.doctors) {
		d := t.doctors[id]
		s.Doctors = append(s.Doctors, doctorState{ID: d.id, Name: d.name, Surname: d.surname, Facility: d.facility,
			Addresses: d.addresses, ProfileURL: d.profileURL, Specializations: d.specializations, LicenseNumbers: d.licenseNumbers})
	}
	for _, id := range sortedKeys(t.addresses) {
		s.Addresses = append(s.Addresses, t.addresses[id].state())
	}
	for _, id := range t.order {
		b := t.bookings[id]
		s.Bookings = append(s.Bookings, bookingState{ID: b.id, Address: b.address, Doctor: b.doctor, Facility: b.facility,
			Status: b.status, Start: b.start, Duration: b.duration, BookedBy: b.bookedBy, CanceledBy: b.canceledBy,
			BookedAt: b.bookedAt, CanceledAt: b.canceledAt, ServiceID: b.serviceID, Patient: b.patient,
			Insurer: b.insurer, Plan: b.plan, Comment: b.comment, Presence: b.presence, Confirmed: b.confirmed,
			OriginID: b.originID, NewestID: b.newestID, Signature: b.signature})
	}
	return s
}

func (a *address) state() addressState {
	s := addressState{ID: a.id, Doctor: a.doctor, Facility: a.facility, Name: a.name, City: a.city, PostCode: a.postCode,
		Street: a.street, CommercialType: a.commercialType, InsuranceSupport: a.insuranceSupport, OnlineOnly: a.onlineOnly,
		VisitPayment: a.visitPayment, ExtraFields: a.extraFields, CalendarEnabled: a.calendarEnabled, Insurers: a.insurers}
	for _, id := range a.serviceOrder {
		v := a.services[id]
		s.Services = append(s.Services, serviceState{ID: v.id, ServiceID: v.serviceID, Name: v.name, Price: v.price,
			IsPriceFrom: v.isPriceFrom, IsDefault: v.isDefault, IsVisible: v.isVisible, Description: v.description,
			CustomName: v.customName, Duration: v.duration, MinAge: v.minAge, MaxAge: v.maxAge, PublicInsuranceFlow: v.publicInsuranceFlow})
	}
	for _, day := range sortedKeys(a.slots) {
		for _, sl := range a.slots[day] {
			ss := slotState{Start: sl.start, Length: sl.length, Insurers: sl.insurers, Insurance: sl.insurance}
			for _, v := range sl.services {
				ss.Services = append(ss.Services, slotServiceState{AddressServiceID: v.addressServiceID, Duration: v.duration})
			}
			s.Slots = append(s.Slots, ss)
		}
	}
	for _, id := range sortedKeys(a.breaks) {
		b := a.breaks[id]
		s.Breaks = append(s.Breaks, breakState{ID: b.id, Since: b.since, Till: b.till, Description: b.description, Coupled: b.coupled})
	}
	return s
}

func (s tenantState) tenant() (*tenant, error) {
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		return nil, err
	}
	t := &tenant{
		clientID: s.ClientID, secret: s.Secret, loc: loc,
		doctors: map[string]*doctor{}, addresses: map[string]*address{}, bookings: map[string]*booking{},
		services: s.Services, insurers: s.Insurers, nextID: s.NextID,
		notify: notifySettings{model: s.Model, url: s.URL}, realTime: s.RealTime, pms: s.PMS,
		pull: notifications(s.Pull), buried: notifications(s.Buried), lastRelease: s.Release, retired: s.Retired,
	}
	t.shift.Store(int64(s.Shift))
	for _, f := range s.Facilities {
		t.facilities = append(t.facilities, &facility{id: f.ID, name: f.Name, doctors: f.Doctors})
	}
	for _, d := range s.Doctors {
		t.doctors[d.ID] = &doctor{id: d.ID, name: d.Name, surname: d.Surname, facility: d.Facility, addresses: d.Addresses,
			profileURL: d.ProfileURL, specializations: d.Specializations, licenseNumbers: d.LicenseNumbers}
	}
	for _, as := range s.Addresses {
		a := &address{id: as.ID, doctor: as.Doctor, facility: as.Facility, name: as.Name, city: as.City, postCode: as.PostCode,
			street: as.Street, commercialType: as.CommercialType, insuranceSupport: as.InsuranceSupport, onlineOnly: as.OnlineOnly,
			visitPayment: as.VisitPayment, extraFields: as.ExtraFields, calendarEnabled: as.CalendarEnabled,
			services: map[string]*addressService{}, insurers: as.Insurers, slots: map[string][]slot{}, breaks: map[string]*calBreak{}}
		if a.insurers == nil {
			a.insurers = map[string][]string{}
		}
		for _, v := range as.Services {
			a.services[v.ID] = &addressService{id: v.ID, serviceID: v.ServiceID, name: v.Name, price: v.Price,
				isPriceFrom: v.IsPriceFrom, isDefault: v.IsDefault, isVisible: v.IsVisible, description: v.Description,
				customName: v.CustomName, duration: v.Duration, minAge: v.MinAge, maxAge: v.MaxAge, publicInsuranceFlow: v.PublicInsuranceFlow}
			a.serviceOrder = append(a.serviceOrder, v.ID)
		}
		for _, ss := range as.Slots {
			sl := slot{start: ss.Start, length: ss.Length, insurers: ss.Insurers, insurance: ss.Insurance}
			for _, v := range ss.Services {
				sl.services = append(sl.services, slotService{addressServiceID: v.AddressServiceID, duration: v.Duration})
			}
			day := t.dayKey(ss.Start)
			a.slots[day] = append(a.slots[day], sl)
		}
		for _, b := range as.Breaks {
			a.breaks[b.ID] = &calBreak{id: b.ID, since: b.Since, till: b.Till, description: b.Description, coupled: b.Coupled}
		}
		if t.doctors[a.doctor] == nil {
			return nil, fmt.Errorf("address %s names doctor %s, which the state does not hold", a.id, a.doctor)
		}
		t.addresses[a.id] = a
	}
	for _, bs := range s.Bookings {
		if t.addresses[bs.Address] == nil {
			return nil, fmt.Errorf("booking %s names address %s, which the state does not hold", bs.ID, bs.Address)
		}
		t.bookings[bs.ID] = &booking{id: bs.ID, address: bs.Address, doctor: bs.Doctor, facility: bs.Facility,
			status: bs.Status, start: bs.Start, duration: bs.Duration, bookedBy: bs.BookedBy, canceledBy: bs.CanceledBy,
			bookedAt: bs.BookedAt, canceledAt: bs.CanceledAt, serviceID: bs.ServiceID, patient: bs.Patient,
			insurer: bs.Insurer, plan: bs.Plan, comment: bs.Comment, presence: bs.Presence, confirmed: bs.Confirmed,
			originID: bs.OriginID, newestID: bs.NewestID, signature: bs.Signature}
		t.order = append(t.order, bs.ID)
	}
	return t, nil
}

func notificationStates(ns []*notification) []notificationState {
	var out []notificationState
	for _, n := range ns {
		out = append(out, notificationState{Name: n.Name, Data: n.Data, CreatedAt: n.CreatedAt, Created: n.created, Attempts: n.attempts})
	}
	return out
}

func notifications(ss []notificationState) []*notification {
	var out []*notification
	for _, s := range ss {
		out = append(out, &notification{Name: s.Name, Data: s.Data, CreatedAt: s.CreatedAt, created: s.Created, attempts: s.Attempts})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
