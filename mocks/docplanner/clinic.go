package docplanner

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"time"
)

// What the sandbox's screens (mocks/docplanner/sandbox) read: the test
// clinic as a person logged in with the client's credentials sees it.

// ClinicView is a client's test clinic.
type ClinicView struct {
	ClientID string
	Zone     *time.Location
	// Now is the client's calendar clock.
	Now        time.Time
	Facilities []FacilityView
	RealTime   bool
	// Model is how notifications reach the partner (push, pull, or "" while
	// the partner has declared none), URL its callback URL.
	Model, URL string
	// Pending are PULL notifications waiting to be pulled.
	Pending int
}

// FacilityView is a facility with its doctors.
type FacilityView struct {
	ID, Name string
	Doctors  []DoctorView
}

// DoctorView is a doctor with the addresses where patients see them.
type DoctorView struct {
	ID, Name, Surname string
	Addresses         []AddressNameView
}

// AddressNameView names an address.
type AddressNameView struct {
	ID, Name, Street, City string
	CalendarEnabled        bool
}

// ErrSignIn is a client id and secret the sandbox does not know.
var ErrSignIn = errors.New("unknown client id or wrong secret")

// SignIn checks a client's credentials, in constant time, as getToken does.
func (m *Mock) SignIn(clientID, secret string) error {
	m.mu.Lock()
	t, ok := m.tenants[clientID]
	m.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(secret), []byte(t.secret)) != 1 {
		return ErrSignIn
	}
	return nil
}

// Clinic reads a client's test clinic.
func (m *Mock) Clinic(clientID string) (ClinicView, error) {
	v := ClinicView{ClientID: clientID}
	err := m.with(clientID, func(t *tenant) {
		v.Zone, v.Now, v.RealTime = t.loc, m.calendar(t).In(t.loc), t.realTime
		v.Model, v.URL = t.notify.model, t.notify.url
		v.Pending = len(t.livePull(m.opts.Clock.Now()))
		for _, f := range t.facilities {
			fv := FacilityView{ID: f.id, Name: f.name}
			for _, id := range f.doctors {
				d := t.doctors[id]
				dv := DoctorView{ID: d.id, Name: d.name, Surname: d.surname}
				for _, aid := range d.addresses {
					a := t.addresses[aid]
					dv.Addresses = append(dv.Addresses, AddressNameView{ID: a.id, Name: a.name, Street: a.street, City: a.city, CalendarEnabled: a.calendarEnabled})
				}
				fv.Doctors = append(fv.Doctors, dv)
			}
			v.Facilities = append(v.Facilities, fv)
		}
	})
	return v, err
}

// AddressOwner is the doctor an address belongs to, for a page's title.
func (v ClinicView) AddressOwner(addressID string) (DoctorView, AddressNameView, bool) {
	for _, f := range v.Facilities {
		for _, d := range f.Doctors {
			for _, a := range d.Addresses {
				if a.ID == addressID {
					return d, a, true
				}
			}
		}
	}
	return DoctorView{}, AddressNameView{}, false
}

// ServiceNames are the dictionary's service names by id.
func (m *Mock) ServiceNames(clientID string) (map[string]string, error) {
	out := map[string]string{}
	err := m.with(clientID, func(t *tenant) {
		for _, s := range t.services {
			out[s.ID] = s.Name
		}
	})
	return out, err
}

// ClientIDs are the clients the mock holds, sorted.
func (m *Mock) ClientIDs() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.tenants))
}

// QueuedView is a notification the platform holds for the partner.
type QueuedView struct {
	Name    string
	Created time.Time
	// Attempts are the PUSH deliveries made of it (0 in the PULL queue).
	Attempts int
	// Body is the notification as the platform sends it, byte for byte what
	// the journal's PUSH attempts carry: the key that ties them together.
	Body string
}

// QueuesView is what waits for the partner: the PULL queue, oldest first,
// and the PUSH notifications that failed every attempt and wait for the
// partner's release call.
type QueuesView struct {
	Pull, Buried []QueuedView
}

// Queues reads what waits for a client's partner.
func (m *Mock) Queues(clientID string) (QueuesView, error) {
	var v QueuesView
	err := m.with(clientID, func(t *tenant) {
		v.Pull = queued(t.livePull(m.opts.Clock.Now()), t.loc)
		v.Buried = queued(t.buried, t.loc)
	})
	return v, err
}

func queued(ns []*notification, loc *time.Location) []QueuedView {
	var out []QueuedView
	for _, n := range ns {
		body, _ := json.Marshal(n) // as send marshals it
		out = append(out, QueuedView{Name: n.Name, Created: n.created.In(loc), Attempts: n.attempts, Body: string(body)})
	}
	return out
}
