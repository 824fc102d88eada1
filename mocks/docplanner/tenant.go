package docplanner

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

// tenant is everything the platform holds for one set of client credentials.
// One mutex guards it: calls of one partner are few and short, and several
// partners never share a tenant.
type tenant struct {
	mu sync.Mutex

	clientID, secret string
	loc              *time.Location
	// shift moves this tenant's calendar clock away from the run clock (see
	// SetNow); atomic because handlers read it without the tenant's lock.
	shift atomic.Int64

	facilities []*facility
	doctors    map[string]*doctor
	addresses  map[string]*address
	services   []docplannerfixture.Service
	insurers   []docplannerfixture.InsuranceProvider
	bookings   map[string]*booking
	order      []string // booking ids in creation order
	nextID     int

	notify         notifySettings
	realTime       bool // send the blocking slot-booking and booking-moving checks
	pms            bool // a DocplannerPMS client, which may remove an address's integration mark
	pull           []*notification
	buried         []*notification
	retrying       []pendingPush // PUSH notifications waiting for their next attempt
	lastRelease    time.Time
	dropDeliveries int  // simulated network failures still to inflict on PUSH deliveries
	loseAnswers    int  // PUSH deliveries still to come whose answer is lost on the way back
	expirePulls    int  // PULL notifications still to come that expire before the partner pulls them
	outage         bool // answer 503 to every API call, as during a platform incident
	failWrites     int  // writes still to answer 503, as a short failure of the platform would
	failCallIn     int  // the partner's call that answers 503 once, counted from 1 (0: none)
	admitted       int  // the partner's calls that reached admission, refused or not
	unlimited      bool // calls counted, never refused for the rate limits (LiftRateLimits)
	limits         rateWindow
	// retired: the scenario that owned this tenant is over, and nothing it
	// left pending (a PUSH retry) may reach a partner that serves another.
	retired bool
}

type facility struct {
	id, name string
	doctors  []string
}

type doctor struct {
	id, name, surname, facility string
	addresses                   []string
	profileURL                  string
	specializations             []docplannerfixture.Specialization
	licenseNumbers              []docplannerfixture.LicenseNumber
}

type address struct {
	id, doctor, facility             string
	name, city, postCode, street     string
	commercialType, insuranceSupport string
	onlineOnly, visitPayment         bool
	extraFields                      docplannerfixture.BookingExtraFields
	calendarEnabled                  bool
	services                         map[string]*addressService
	serviceOrder                     []string
	insurers                         map[string][]string // provider id -> plan ids
	slots                            map[string][]slot   // day (YYYY-MM-DD in the tenant's zone) -> slots
	breaks                           map[string]*calBreak
}

type addressService struct {
	id, serviceID, name string
	price               *float64
	isPriceFrom         bool
	isDefault           bool
	isVisible           bool
	description         *string
	customName          *string
	duration            int
	minAge, maxAge      *int
	publicInsuranceFlow bool
}

type slot struct {
	start    time.Time
	length   time.Duration
	services []slotService
	// insurers are the insurance provider ids the slot's period accepts, and
	// insurance which patients it is for (with-and-without-insurance, ...).
	insurers  []string
	insurance string
}

type slotService struct {
	addressServiceID string
	duration         int
}

type calBreak struct {
	id          string
	since, till time.Time
	description *string
	// coupled are the breaks made with this one on the doctor's coupled
	// addresses (apply_on_coupled_addresses): address id -> break id.
	coupled map[string]string
}

type booking struct {
	id, address, doctor, facility string
	status                        string // booked | canceled
	start                         time.Time
	duration                      int
	bookedBy, canceledBy          string
	bookedAt                      time.Time
	canceledAt                    *time.Time
	serviceID                     string // address service id
	patient                       patient
	insurer, plan                 string // insurance provider and plan ids, "" when private
	comment                       *string
	presence                      *string
	confirmed                     bool
	originID, newestID            string
	signature                     string // the booking's id in notifications, uuid-like
}

type patient struct {
	Name        string  `json:"name"`
	Surname     string  `json:"surname,omitempty"`
	Email       *string `json:"email,omitempty"`
	Phone       string  `json:"phone"`
	BirthDate   *string `json:"birth_date,omitempty"`
	NIN         *string `json:"nin,omitempty"`
	Gender      *string `json:"gender,omitempty"`
	IsReturning bool    `json:"is_returning,omitempty"`
}

func (b *booking) end() time.Time { return b.start.Add(time.Duration(b.duration) * time.Minute) }

func newTenant(clientID, secret string, f *docplannerfixture.Fixture) *tenant {
	t := &tenant{
		clientID:  clientID,
		secret:    secret,
		loc:       f.Location(),
		doctors:   map[string]*doctor{},
		addresses: map[string]*address{},
		bookings:  map[string]*booking{},
		services:  f.Platform.Services,
		insurers:  f.Platform.InsuranceProviders,
		nextID:    1,
	}
	for _, fa := range f.Platform.Facilities {
		fc := &facility{id: fa.ID, name: fa.Name}
		for _, d := range fa.Doctors {
			dc := &doctor{id: d.ID, name: d.Name, surname: d.Surname, facility: fa.ID,
				profileURL: d.ProfileURL, specializations: d.Specializations, licenseNumbers: d.LicenseNumbers}
			for _, a := range d.Addresses {
				support := a.InsuranceSupport
				if support == "" {
					support = "private_and_insurance"
				}
				t.addresses[a.ID] = &address{
					id: a.ID, doctor: d.ID, facility: fa.ID,
					name: a.Name, city: a.CityName, postCode: a.PostCode, street: a.Street,
					commercialType: a.CommercialType, insuranceSupport: support,
					onlineOnly: a.IsOnlineOnly, visitPayment: a.VisitPayment, extraFields: a.BookingExtraFields,
					calendarEnabled: a.CalendarEnabled,
					services:        map[string]*addressService{},
					insurers:        map[string][]string{},
					slots:           map[string][]slot{},
					breaks:          map[string]*calBreak{},
				}
				dc.addresses = append(dc.addresses, a.ID)
			}
			t.doctors[d.ID] = dc
			fc.doctors = append(fc.doctors, d.ID)
		}
		t.facilities = append(t.facilities, fc)
	}
	return t
}

// id hands out platform ids: numeric strings, as Docplanner's are.
func (t *tenant) id() string {
	t.nextID++
	return strconv.Itoa(100000 + t.nextID)
}

func (t *tenant) dayKey(at time.Time) string { return at.In(t.loc).Format("2006-01-02") }

func (t *tenant) service(id string) (docplannerfixture.Service, bool) {
	for _, s := range t.services {
		if s.ID == id {
			return s, true
		}
	}
	return docplannerfixture.Service{}, false
}

func (t *tenant) insurer(id string) (docplannerfixture.InsuranceProvider, bool) {
	for _, p := range t.insurers {
		if p.ID == id {
			return p, true
		}
	}
	return docplannerfixture.InsuranceProvider{}, false
}

// slotsBetween lists the fed slots of an address starting in [from, to),
// reading only the days of the period (days are keyed in loc, the tenant's
// zone) unless the address was fed fewer days than that: a calendar fed
// for months costs a one-day read no more than a fresh one.
func (a *address) slotsBetween(from, to time.Time, loc *time.Location) []slot {
	var out []slot
	take := func(day []slot) {
		for _, s := range day {
			if !s.start.Before(from) && s.start.Before(to) {
				out = append(out, s)
			}
		}
	}
	if days := to.Sub(from)/(24*time.Hour) + 2; int64(days) < int64(len(a.slots)) {
		f := from.In(loc)
		last := to.Add(-time.Nanosecond).In(loc).Format(time.DateOnly)
		for d := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); ; d = d.AddDate(0, 0, 1) {
			key := d.Format(time.DateOnly)
			take(a.slots[key])
			if key >= last {
				break
			}
		}
	} else {
		for _, day := range a.slots {
			take(day)
		}
	}
	slices.SortFunc(out, func(x, y slot) int { return x.start.Compare(y.start) })
	return out
}

// activeBookings of an address overlapping [from, to).
func (t *tenant) activeBookings(addressID string, from, to time.Time) []*booking {
	var out []*booking
	for _, id := range t.order {
		b := t.bookings[id]
		if b.address == addressID && b.status == statusBooked && b.start.Before(to) && b.end().After(from) {
			out = append(out, b)
		}
	}
	return out
}

// free reports whether a slot can be booked: fed, and neither booked nor on a break.
func (t *tenant) free(a *address, s slot) bool {
	end := s.start.Add(s.length)
	if len(t.activeBookings(a.id, s.start, end)) > 0 {
		return false
	}
	for _, br := range a.breaks {
		if br.since.Before(end) && br.till.After(s.start) {
			return false
		}
	}
	return true
}

// findSlot returns the fed slot starting exactly at start.
func (a *address) findSlot(start time.Time, loc *time.Location) (slot, bool) {
	for _, s := range a.slots[start.In(loc).Format("2006-01-02")] {
		if s.start.Equal(start) {
			return s, true
		}
	}
	return slot{}, false
}

const (
	statusBooked   = "booked"
	statusCanceled = "canceled"
)

// rfc3339 is how the platform writes times: ISO 8601 with a numeric offset.
func (t *tenant) rfc3339(at time.Time) string {
	return at.In(t.loc).Format("2006-01-02T15:04:05-07:00")
}
