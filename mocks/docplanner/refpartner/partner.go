// Package refpartner is the reference partner for Docplanner: a small clinic
// scheduling system that integrates with Docplanner the way the platform's
// guides describe, and exposes accord's partner driver contract. Started
// with a named fault it makes one realistic integration mistake, which the
// acceptance scenarios must catch.
package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/faults"
)

// Options configure a partner.
type Options struct {
	Clock clock.Clock
	// Faults to run with; none means a correct integration.
	Faults []string
	// PublicURL is how the platform reaches this partner (its callback base).
	PublicURL string
	// Timeout bounds each call to the platform; 0 means 10 seconds.
	Timeout time.Duration
	// Variant is VariantDefault or VariantAlt (variant.go).
	Variant string
	// Wait is how the partner lets time pass when the platform asks it to
	// slow down (429); nil sleeps in real time. The embedded partner of a run
	// passes one that moves the run clock.
	Wait func(ctx context.Context, d time.Duration) error
	// PollEvery is how often a PULL partner pulls; 0 means every minute.
	PollEvery time.Duration
}

// Settings are what the driver's reset hands over for Docplanner.
type Settings struct {
	BaseURL           string `json:"base_url"`
	TokenURL          string `json:"token_url"`
	ClientID          string `json:"client_id"`
	ClientSecret      string `json:"client_secret"`
	NotificationModel string `json:"notification_model"`
}

// Partner is an http.Handler serving the driver contract and the PUSH receiver.
type Partner struct {
	opts   Options
	faults faults.Set
	alt    bool
	http   *http.Client
	mux    *http.ServeMux

	mu        sync.Mutex
	publicURL string
	s         *session
}

// New checks the faults and builds a partner.
func New(opts Options) (*Partner, error) {
	fs, err := catalogue.Parse(opts.Faults)
	if err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = clock.New()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Wait == nil {
		opts.Wait = sleep
	}
	if opts.PollEvery <= 0 {
		opts.PollEvery = time.Minute
	}
	if opts.Variant != VariantDefault && opts.Variant != VariantAlt {
		return nil, fmt.Errorf("unknown variant %q of the Docplanner reference partner (want %q)", opts.Variant, VariantAlt)
	}
	p := &Partner{opts: opts, faults: fs, alt: opts.Variant == VariantAlt, http: boundedhttp.NewClient(opts.Timeout), publicURL: opts.PublicURL}
	mux := driver.NewServer(p)
	mux.HandleFunc("POST /callbacks", p.callback)
	p.mux = mux
	return p, nil
}

// SetPublicURL tells the partner its own address once it listens.
func (p *Partner) SetPublicURL(u string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.publicURL = strings.TrimRight(u, "/")
}

func (p *Partner) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// session is one reset-to-reset life of the clinic's system.
type session struct {
	settings     Settings
	token        string
	tokenExpires time.Time

	fx     *docplannerfixture.DriverFixture
	loc    *time.Location
	today  time.Time
	hours  map[string]map[time.Weekday][]span // location -> weekday -> working spans
	visits []*visit
	pauses []*pause
	// gone are breaks the clinic removed whose removal Docplanner may still
	// lack (it failed, or waits in a batch): the periodic sync sends it again.
	gone    []*pause
	nextID  int
	seen    map[string]bool // notifications already applied, for idempotency
	address map[string]string
	// services maps location -> partner service -> platform address service id.
	services map[string]map[string]string
	// insurers maps location -> platform insurance provider ids.
	insurers map[string][]string
	// slotZone is the zone slot and visit times are written in for the
	// platform: loc, or with fixed-utc-offset a fixed offset taken from today.
	slotZone *time.Location

	connected bool
	lastError string
	poll      clock.Timer
	// batch is the alt variant's gathered platform updates: one per
	// object, in the order first changed, sent when flush fires.
	batch []batched
	flush clock.Timer
}

// batched is one object's pending update.
type batched struct {
	key string
	fn  func(context.Context) error
}

type span struct{ from, to time.Duration }

type visit struct {
	ID         string                    `json:"id"`
	LocationID string                    `json:"location_id"`
	ServiceID  string                    `json:"service_id"`
	Start      time.Time                 `json:"start"`
	End        time.Time                 `json:"end"`
	Status     string                    `json:"status"`
	Source     string                    `json:"source"`
	PlatformID string                    `json:"platform_booking_id,omitempty"`
	Patient    docplannerfixture.Patient `json:"patient"`
	// InsuranceID is the clinic's insurance covering the visit, "" when private.
	InsuranceID string `json:"insurance_id,omitempty"`
	// on is the visit as Docplanner holds it (booking PlatformID).
	on struct {
		location string
		start    time.Time
		canceled bool
	}
}

type pause struct {
	ID          string    `json:"id"`
	LocationID  string    `json:"location_id"`
	Since       time.Time `json:"since"`
	Till        time.Time `json:"till"`
	Description string    `json:"description,omitempty"`
	Source      string    `json:"source"`
	PlatformID  string    `json:"platform_break_id,omitempty"`
	// on is the break as Docplanner holds it (break PlatformID); removed
	// marks a break the clinic removed, until Docplanner has removed it too.
	on      struct{ since, till time.Time }
	removed bool
}

// driver contract ---------------------------------------------------------------

var _ driver.Partner = (*Partner)(nil)

// Name is how the partner introduces itself on GET /health.
func (p *Partner) Name() string {
	name := "accord reference partner (Docplanner)"
	if p.alt {
		name = "accord reference partner (Docplanner), alternative build"
	}
	return p.faults.Label(name)
}

// Platforms is the one platform the partner integrates with.
func (p *Partner) Platforms() []string { return []string{"docplanner"} }

// ResetSession starts a fresh session with settings.
func (p *Partner) ResetSession(_ context.Context, _ string, settings json.RawMessage) error {
	var st Settings
	if err := driver.Decode(settings, &st); err != nil {
		return err
	}
	if st.BaseURL == "" || st.TokenURL == "" || st.ClientID == "" {
		return driver.Errorf(http.StatusBadRequest, "settings need base_url, token_url, client_id and client_secret")
	}
	if st.NotificationModel == "" {
		st.NotificationModel = "push"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s != nil && p.s.poll != nil {
		p.s.poll.Stop()
	}
	if p.s != nil && p.s.flush != nil {
		p.s.flush.Stop()
	}
	p.s = &session{settings: st, seen: map[string]bool{}}
	return nil
}

// LoadFixture loads the clinic's own data into the session.
func (p *Partner) LoadFixture(_ context.Context, raw json.RawMessage) error {
	var fx docplannerfixture.DriverFixture
	if err := driver.Decode(raw, &fx); err != nil {
		return err
	}
	loc, err := time.LoadLocation(fx.TimeZone)
	if err != nil {
		return driver.Errorf(http.StatusBadRequest, "time_zone: %v", err)
	}
	today, err := time.ParseInLocation("2006-01-02", fx.Today, loc)
	if err != nil {
		return driver.Errorf(http.StatusBadRequest, "today: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.s
	if s == nil {
		return driver.Errorf(http.StatusConflict, "reset first: no session")
	}
	s.fx, s.loc, s.today, s.slotZone = &fx, loc, today, loc
	if p.faults["fixed-utc-offset"] {
		// The classic shortcut: "our clinic is at +01:00", computed once.
		_, offset := today.Zone()
		s.slotZone = time.FixedZone(fx.TimeZone, offset)
	}
	s.hours = map[string]map[time.Weekday][]span{}
	s.address = map[string]string{}
	for _, l := range fx.Locations {
		s.address[l.ID] = l.DocplannerAddressID
		s.hours[l.ID] = map[time.Weekday][]span{}
	}
	for _, h := range fx.WorkingHours {
		wd, err1 := docplannerfixture.ParseWeekday(h.Weekday)
		from, err2 := docplannerfixture.ParseClock(h.From)
		to, err3 := docplannerfixture.ParseClock(h.To)
		if err1 != nil || err2 != nil || err3 != nil {
			return driver.Errorf(http.StatusBadRequest, "working hours %v: not weekday/HH:MM", h)
		}
		s.hours[h.LocationID][wd] = append(s.hours[h.LocationID][wd], span{from, to})
	}
	for _, b := range fx.Bookings {
		svc, _ := fx.Service(b.ServiceID)
		s.visits = append(s.visits, &visit{
			ID: b.ID, LocationID: b.LocationID, ServiceID: b.ServiceID, Start: b.Start.In(loc),
			End: b.Start.In(loc).Add(time.Duration(svc.DurationMinutes) * time.Minute), Status: "booked",
			Source: "partner", Patient: b.Patient, InsuranceID: b.InsuranceID,
		})
	}
	for _, b := range fx.Breaks {
		s.pauses = append(s.pauses, &pause{ID: b.ID, LocationID: b.LocationID, Since: b.Since.In(loc), Till: b.Till.In(loc), Description: b.Description, Source: "partner"})
	}
	return nil
}

// live is the session and whether its fixture is loaded; the caller holds p.mu.
func (p *Partner) live() (*session, bool) { return p.s, p.s != nil && p.s.fx != nil }

// Act performs a receptionist's action or one of the partner's jobs.
func (p *Partner) Act(ctx context.Context, a driver.Action) (any, error) {
	return driver.OnLive(&p.mu, p.live, func(s *session) (any, error) {
		// Long enough to wait out a whole write window (a minute) and go on, as
		// a partner in real time must; accord's default action timeout is 3 minutes.
		ctx, cancel := context.WithTimeout(ctx, 150*time.Second)
		defer cancel()
		return driver.Dispatch(ctx, s, a, p.actions())
	})
}

// View reports the clinic's own view of name.
func (p *Partner) View(ctx context.Context, name string) (any, error) {
	return driver.OnLive(&p.mu, p.live, func(s *session) (any, error) {
		return driver.Show(ctx, s, name, map[string]driver.ViewFunc[*session]{
			"status": func(_ context.Context, s *session) any {
				return map[string]any{"connected": s.connected, "notification_model": s.settings.NotificationModel, "last_error": s.lastError}
			},
			"bookings":   func(_ context.Context, s *session) any { return append([]*visit{}, s.visits...) },
			"breaks":     func(_ context.Context, s *session) any { return append([]*pause{}, s.pauses...) },
			"free-slots": func(_ context.Context, s *session) any { return p.freeSlots(s) },
			"mappings":   func(_ context.Context, s *session) any { return p.mappings(s) },
		})
	})
}

type freeSlot struct {
	LocationID string    `json:"location_id"`
	Start      time.Time `json:"start"`
}

// freeSlots is the clinic's own availability over the horizon: the working
// grid minus visits and breaks.
func (p *Partner) freeSlots(s *session) []freeSlot {
	out := []freeSlot{}
	for _, l := range s.fx.Locations {
		step := s.step(l.ID)
		for d := 1; d <= s.fx.HorizonDays; d++ {
			for _, st := range s.grid(l.ID, s.day(d), step) {
				if !s.busy(l.ID, st, st.Add(step), "") {
					out = append(out, freeSlot{LocationID: l.ID, Start: st})
				}
			}
		}
	}
	return out
}

func (p *Partner) mappings(s *session) map[string]any {
	type pair struct {
		PartnerID  string `json:"partner_id"`
		LocationID string `json:"location_id,omitempty"`
		PlatformID string `json:"platform_id"`
	}
	out := map[string]any{}
	if !s.connected {
		return map[string]any{"facilities": []pair{}, "doctors": []pair{}, "locations": []pair{}, "services": []pair{}, "insurances": []pair{}}
	}
	out["facilities"] = []pair{{PartnerID: s.fx.Clinic.ID, PlatformID: s.fx.Clinic.DocplannerFacilityID}}
	var docs, locs, svcs, ins []pair
	for _, d := range s.fx.Doctors {
		docs = append(docs, pair{PartnerID: d.ID, PlatformID: d.DocplannerDoctorID})
	}
	for _, l := range s.fx.Locations {
		locs = append(locs, pair{PartnerID: l.ID, PlatformID: l.DocplannerAddressID})
		for svc, id := range s.services[l.ID] {
			svcs = append(svcs, pair{PartnerID: svc, LocationID: l.ID, PlatformID: id})
		}
		for _, in := range s.fx.Insurances {
			if contains(in.Locations, l.ID) && contains(s.insurers[l.ID], in.DocplannerInsuranceProviderID) {
				ins = append(ins, pair{PartnerID: in.ID, LocationID: l.ID, PlatformID: in.DocplannerInsuranceProviderID})
			}
		}
	}
	out["doctors"], out["locations"], out["services"], out["insurances"] = docs, locs, orEmpty(svcs), orEmpty(ins)
	return out
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
