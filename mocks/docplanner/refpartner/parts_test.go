package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/clock"
)

// The parts of the partner that decide what it sends and what it keeps,
// without the platform: a session is the clinic's fixture loaded on
// Tuesday 24 March 2026, five days before Warsaw changes to summer time
// (Sunday 29 March, 02:00 → 03:00), mapped as activation would map it.

var loadedOn = time.Date(2026, 3, 24, 9, 0, 0, 0, time.UTC)

func clinic(t *testing.T, variant string, faults ...string) (*Partner, *session) {
	t.Helper()
	p, err := New(Options{Clock: clock.New(), Faults: faults, Variant: variant})
	require.NoError(t, err)
	f, err := docplannerfixture.Clinic()
	require.NoError(t, err)
	raw, err := json.Marshal(f.ForDriver(loadedOn))
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, p.ResetSession(ctx, "docplanner", json.RawMessage(`{"base_url":"http://dp.test","token_url":"http://dp.test/token","client_id":"c"}`)))
	require.NoError(t, p.LoadFixture(ctx, raw))
	s := p.s
	s.services = map[string]map[string]string{
		"anna-centrum":  {"svc-consult": "as-consult-c", "svc-usg": "as-usg"},
		"anna-mokotow":  {"svc-consult": "as-consult-m"},
		"piotr-centrum": {"svc-ekg": "as-ekg", "svc-cardio": "as-cardio"},
	}
	s.insurers = map[string][]string{"anna-centrum": {"51"}, "anna-mokotow": {"52"}, "piotr-centrum": {"51", "52"}}
	return p, s
}

// warsaw is a wall-clock time in the clinic's zone.
func warsaw(t *testing.T, s *session, day, hhmm string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, s.loc)
	require.NoError(t, err)
	return at
}

func TestSlotTimesCarryTheirOwnDaysOffset(t *testing.T) {
	tests := []struct {
		name, fault, day, want string
	}{
		{"winter time", "", "2026-03-27", "2026-03-27T08:00:00+01:00"},
		{"summer time", "", "2026-03-30", "2026-03-30T08:00:00+02:00"},
		{"fixed-utc-offset keeps today's offset", "fixed-utc-offset", "2026-03-30", "2026-03-30T08:00:00+01:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s := clinic(t, VariantDefault, faultsOf(tt.fault)...)
			at := warsaw(t, s, tt.day, "08:00")
			assert.Equal(t, tt.want, s.slotTime(at))
			assert.Equal(t, at.Format(time.RFC3339), s.fmt(at), "other times are always written with their own offset")
		})
	}
}

func faultsOf(f string) []string {
	if f == "" {
		return nil
	}
	return []string{f}
}

func TestSlotDaysAreTheHorizonFromTomorrow(t *testing.T) {
	p, s := clinic(t, VariantDefault)
	days := p.slotDays(s)
	require.Len(t, days, s.fx.HorizonDays)
	assert.Equal(t, warsaw(t, s, "2026-03-25", "00:00"), days[0])
	assert.Equal(t, warsaw(t, s, "2026-04-07", "00:00"), days[len(days)-1])

	dropping, _ := clinic(t, VariantDefault, "drops-last-day")
	assert.Len(t, dropping.slotDays(s), s.fx.HorizonDays-1)
}

func TestTheOfferOfACalendar(t *testing.T) {
	p, s := clinic(t, VariantDefault)
	services, providers := p.offer(s, "piotr-centrum", feedOpts{})
	assert.Equal(t, []map[string]any{
		{"address_service_id": "as-ekg", "duration": 15},
		{"address_service_id": "as-cardio", "duration": 30},
	}, services, "the clinic's services mapped there, in the clinic's order, with their durations")
	assert.Equal(t, []int{51, 52}, providers)

	_, providers = p.offer(s, "piotr-centrum", feedOpts{noInsurers: true})
	assert.Empty(t, providers)
	s.insurers["piotr-centrum"] = []string{"51", "not-a-number"}
	_, providers = p.offer(s, "piotr-centrum", feedOpts{})
	assert.Equal(t, []int{51}, providers)
	services, _ = p.offer(s, "nowhere", feedOpts{})
	assert.Empty(t, services)
}

// entries sums up a day's slot entries: "start..end" and, for a working
// period, how many services it offers and the insurers.
func entries(es []map[string]any) []string {
	if es == nil {
		return nil
	}
	out := []string{}
	for _, e := range es {
		line := fmt.Sprintf("%s..%s", e["start"], e["end"])
		if svcs, ok := e["address_services"].([]map[string]any); ok {
			line += fmt.Sprintf(" services=%d", len(svcs))
		}
		if ins, ok := e["insurance_providers"]; ok {
			line += fmt.Sprintf(" insurers=%v", ins)
		}
		out = append(out, line)
	}
	return out
}

func TestTheEntriesOfADay(t *testing.T) {
	const (
		clearSummer = "2026-03-30T00:00:00+02:00..2026-03-30T23:59:00+02:00"
		clearSunday = "2026-03-29T00:00:00+01:00..2026-03-29T23:59:00+02:00"
	)
	update := feedOpts{clearIdle: true}
	tests := []struct {
		name     string
		fault    string
		location string
		day      string
		opts     feedOpts
		strip    bool // the calendar has no mapped service
		want     []string
	}{
		{"a working day", "", "anna-centrum", "2026-03-30", feedOpts{},
			false, []string{clearSummer, "2026-03-30T08:00:00+02:00..2026-03-30T12:00:00+02:00 services=2 insurers=[51]"}},
		{"a day off at activation is not sent", "", "anna-centrum", "2026-03-29", feedOpts{}, false, nil},
		{"a day off in an update is cleared, across the change of time", "", "anna-centrum", "2026-03-29", update, false, []string{clearSunday}},
		{"closed-days-keep-slots sends no clearing", "closed-days-keep-slots", "anna-centrum", "2026-03-29", update, false, nil},
		{"a calendar without services offers nothing", "", "anna-centrum", "2026-03-30", feedOpts{}, true, nil},
		{"a calendar without services is cleared in an update", "", "anna-centrum", "2026-03-30", update, true, []string{clearSummer}},
		{"without offsets (local-times-without-offset)", "", "anna-centrum", "2026-03-30", feedOpts{noOffset: true},
			false, []string{"2026-03-30T00:00:00..2026-03-30T23:59:00", "2026-03-30T08:00:00..2026-03-30T12:00:00 services=2 insurers=[51]"}},
		{"clears-day-until-23", "clears-day-until-23", "anna-centrum", "2026-03-30", feedOpts{},
			false, []string{"2026-03-30T00:00:00+02:00..2026-03-30T23:00:00+02:00", "2026-03-30T08:00:00+02:00..2026-03-30T12:00:00+02:00 services=2 insurers=[51]"}},
		{"slots-one-minute-late spares activation", "slots-one-minute-late", "anna-centrum", "2026-03-30", feedOpts{},
			false, []string{clearSummer, "2026-03-30T08:00:00+02:00..2026-03-30T12:00:00+02:00 services=2 insurers=[51]"}},
		{"slots-one-minute-late in an update", "slots-one-minute-late", "anna-centrum", "2026-03-30", update,
			false, []string{clearSummer, "2026-03-30T08:01:00+02:00..2026-03-30T12:00:00+02:00 services=2 insurers=[51]"}},
		{"fixed-utc-offset writes summer periods an hour off", "fixed-utc-offset", "anna-centrum", "2026-03-30", feedOpts{},
			false, []string{clearSummer, "2026-03-30T08:00:00+01:00..2026-03-30T12:00:00+01:00 services=2 insurers=[51]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := clinic(t, VariantDefault, faultsOf(tt.fault)...)
			if tt.strip {
				delete(s.services, tt.location)
			}
			services, providers := p.offer(s, tt.location, tt.opts)
			day := warsaw(t, s, tt.day, "00:00")
			assert.Equal(t, tt.want, entries(p.dayEntries(s, tt.location, day, services, providers, tt.opts)))
		})
	}
}

func TestSlotsAgreeOnlyWithTheGrid(t *testing.T) {
	grid := func(p *Partner, s *session) map[int64]bool {
		have := map[int64]bool{}
		for _, d := range p.slotDays(s) {
			for _, st := range s.grid("anna-centrum", d, s.step("anna-centrum")) {
				have[st.Unix()] = true
			}
		}
		return have
	}
	tests := []struct {
		name  string
		fault string
		spoil func(map[int64]bool)
		want  bool
	}{
		{"the grid", "", func(map[int64]bool) {}, true},
		{"a slot missing", "", dropOne, false},
		{"a slot too many", "", func(h map[int64]bool) { h[0] = true }, false},
		{"a slot moved", "", func(h map[int64]bool) { dropOne(h); h[0] = true }, false},
		{"crosscheck-counts-slots takes a moved slot", "crosscheck-counts-slots", func(h map[int64]bool) { dropOne(h); h[0] = true }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := clinic(t, VariantDefault, faultsOf(tt.fault)...)
			have := grid(p, s)
			require.NotEmpty(t, have)
			tt.spoil(have)
			assert.Equal(t, tt.want, p.slotsAgree(s, "anna-centrum", p.slotDays(s), have))
		})
	}
}

func dropOne(h map[int64]bool) {
	for k := range h {
		delete(h, k)
		return
	}
}

func TestTheBookingSentForAVisit(t *testing.T) {
	tests := []struct {
		name      string
		variant   string
		fault     string
		connected bool
		visit     string
		check     func(t *testing.T, body map[string]any)
	}{
		{"a visit of the fixture", VariantDefault, "", false, "visit-1", func(t *testing.T, b map[string]any) {
			assert.Equal(t, map[string]any{"address_service_id": "as-consult-c", "duration": 30, "is_returning": false,
				"patient": map[string]any{"name": "Jan", "surname": "Kowalski", "phone": "+48500100200", "email": "jan.kowalski@example.com"}}, b)
		}},
		{"an insured visit names the provider", VariantDefault, "", false, "visit-2", func(t *testing.T, b map[string]any) {
			assert.Equal(t, "as-cardio", b["address_service_id"])
			assert.Equal(t, "52", b["insurance_provider_id"])
		}},
		{"the alternative build comments and says more", VariantAlt, "", false, "visit-1", func(t *testing.T, b map[string]any) {
			assert.Equal(t, "Booked at the clinic's front desk (visit-1)", b["comment"])
			assert.Equal(t, true, b["is_returning"])
			assert.Equal(t, false, b["is_recurring"])
			assert.Contains(t, b["patient"], "birth_date")
		}},
		{"exports-default-service goes wrong once connected", VariantDefault, "exports-default-service", true, "visit-2", func(t *testing.T, b map[string]any) {
			assert.Equal(t, "as-ekg", b["address_service_id"], "the calendar's first service")
			assert.Equal(t, 30, b["duration"])
		}},
		{"exports-default-service spares activation", VariantDefault, "exports-default-service", false, "visit-2", func(t *testing.T, b map[string]any) {
			assert.Equal(t, "as-cardio", b["address_service_id"])
		}},
		{"exports-default-duration", VariantDefault, "exports-default-duration", true, "visit-2", func(t *testing.T, b map[string]any) {
			assert.Equal(t, "as-cardio", b["address_service_id"])
			assert.Equal(t, 15, b["duration"])
		}},
		{"exports-full-name-as-name", VariantDefault, "exports-full-name-as-name", true, "visit-1", func(t *testing.T, b map[string]any) {
			assert.Equal(t, map[string]any{"name": "Jan Kowalski", "phone": "+48500100200", "email": "jan.kowalski@example.com"}, b["patient"])
		}},
		{"exports-visits-without-insurance", VariantDefault, "exports-visits-without-insurance", true, "visit-2", func(t *testing.T, b map[string]any) {
			assert.NotContains(t, b, "insurance_provider_id")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := clinic(t, tt.variant, faultsOf(tt.fault)...)
			s.connected = tt.connected
			v, err := s.visit(tt.visit)
			require.NoError(t, err)
			body, ok := p.bookingBody(s, v)
			require.True(t, ok)
			tt.check(t, body)
		})
	}

	p, s := clinic(t, VariantDefault)
	v, err := s.visit("visit-1")
	require.NoError(t, err)
	delete(s.services["anna-centrum"], "svc-consult")
	_, ok := p.bookingBody(s, v)
	assert.False(t, ok, "a visit whose service is not mapped there is not sent")
}

func TestTheScopesOfAListOfBookings(t *testing.T) {
	tests := []struct {
		name, variant, fault string
		want                 []string
	}{
		{"comma-separated, as the SDK sends them", VariantDefault, "", []string{"booking.patient,booking.address_service"}},
		{"repeated in the alternative build", VariantAlt, "", []string{"booking.patient", "booking.address_service"}},
		{"bookings-without-patient-scope", VariantDefault, "bookings-without-patient-scope", []string{"booking.address_service"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := clinic(t, tt.variant, faultsOf(tt.fault)...)
			q := url.Values{"start": {"x"}}
			out := p.withScopes(q, bookingScopes)
			assert.Equal(t, tt.want, out["with"])
			assert.Equal(t, []string{"x"}, out["start"])
			assert.NotContains(t, q, "with", "the query it was given stays as it was")
			assert.Equal(t, []string{"booking.patient", "booking.address_service"}, bookingScopes)
		})
	}
}

// platformBookingAt is a Docplanner booking at a calendar of the clinic.
func platformBookingAt(id, status, start, end, addressService, insurer string) platformBooking {
	b := platformBooking{ID: id, Status: status, StartAt: start, EndAt: end}
	b.Patient.Name, b.Patient.Surname = "Ola", "Nowicka"
	phone := "+48600"
	b.Patient.Phone = &phone
	if addressService != "" {
		b.AddressService = &struct {
			ID string `json:"id"`
		}{addressService}
	}
	if insurer != "" {
		b.Insurance = &struct {
			ID string `json:"id"`
		}{insurer}
	}
	return b
}

func TestAPlatformBookingInTheClinic(t *testing.T) {
	const start, end = "2026-03-30T08:00:00+02:00", "2026-03-30T08:30:00+02:00"
	tests := []struct {
		name     string
		fault    string
		location string
		booking  platformBooking
		want     string // the clinic's new visit: source|calendar|service|insurance|times|patient; "" for none
	}{
		{"a new booking becomes a visit", "", "anna-mokotow", platformBookingAt("b1", "booked", start, end, "as-consult-m", "52"),
			"platform|anna-mokotow|svc-consult|ins-medicover|08:00-08:30|Ola Nowicka +48600"},
		{"a canceled booking the clinic never had is left out", "", "anna-mokotow", platformBookingAt("b1", "canceled", start, end, "as-consult-m", ""), ""},
		{"unreadable times are left out", "", "anna-mokotow", platformBookingAt("b1", "booked", "soon", end, "as-consult-m", ""), ""},
		{"an unmapped address service leaves the service open", "", "anna-mokotow", platformBookingAt("b1", "booked", start, end, "as-other", ""),
			"platform|anna-mokotow|||08:00-08:30|Ola Nowicka +48600"},
		{"an insurer the calendar does not take", "", "anna-mokotow", platformBookingAt("b1", "booked", start, end, "as-consult-m", "51"),
			"platform|anna-mokotow|svc-consult||08:00-08:30|Ola Nowicka +48600"},
		{"platform-service-from-first-calendar", "platform-service-from-first-calendar", "anna-mokotow", platformBookingAt("b1", "booked", start, end, "as-consult-m", "52"),
			"platform|anna-mokotow||ins-medicover|08:00-08:30|Ola Nowicka +48600"},
		{"platform-visits-one-slot-long", "platform-visits-one-slot-long", "piotr-centrum", platformBookingAt("b1", "booked", start, end, "as-cardio", ""),
			"platform|piotr-centrum|svc-cardio||08:00-08:15|Ola Nowicka +48600"},
		{"platform-visits-without-insurance", "platform-visits-without-insurance", "anna-mokotow", platformBookingAt("b1", "booked", start, end, "as-consult-m", "52"),
			"platform|anna-mokotow|svc-consult||08:00-08:30|Ola Nowicka +48600"},
		{"platform-visits-from-docplanner", "platform-visits-from-docplanner", "anna-mokotow", platformBookingAt("b1", "booked", start, end, "as-consult-m", ""),
			"docplanner|anna-mokotow|svc-consult||08:00-08:30|Ola Nowicka +48600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := clinic(t, VariantDefault, faultsOf(tt.fault)...)
			before := len(s.visits)
			p.applyPlatformBooking(s, tt.location, tt.booking)
			if tt.want == "" {
				assert.Len(t, s.visits, before)
				return
			}
			require.Len(t, s.visits, before+1)
			v := s.visits[before]
			assert.Equal(t, tt.want, fmt.Sprintf("%s|%s|%s|%s|%s-%s|%s %s %s", v.Source, v.LocationID, v.ServiceID, v.InsuranceID,
				v.Start.Format("15:04"), v.End.Format("15:04"), v.Patient.Name, v.Patient.Surname, v.Patient.Phone))
			assert.Equal(t, "booked", v.Status)
			assert.Equal(t, tt.booking.ID, v.PlatformID)
			assert.Equal(t, s.loc, v.Start.Location(), "kept in the clinic's zone")
			assert.Equal(t, v.Start, v.on.start, "as Docplanner holds it")
		})
	}
}

func TestAPlatformCancellationInTheClinic(t *testing.T) {
	const start, end = "2026-03-30T08:00:00+02:00", "2026-03-30T08:30:00+02:00"
	tests := []struct {
		name   string
		fault  string
		source string // of the clinic's visit that has the booking
		want   string
	}{
		{"the platform's visit is canceled", "", "platform", "canceled"},
		{"sync-misses-cancellations", "sync-misses-cancellations", "platform", "booked"},
		{"the clinic's own visit is the clinic's to cancel", "", "partner", "booked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := clinic(t, VariantDefault, faultsOf(tt.fault)...)
			p.applyPlatformBooking(s, "anna-mokotow", platformBookingAt("b1", "booked", start, end, "as-consult-m", ""))
			v := s.visits[len(s.visits)-1]
			v.Source = tt.source
			p.applyPlatformBooking(s, "anna-mokotow", platformBookingAt("b1", "canceled", start, end, "as-consult-m", ""))
			assert.Equal(t, tt.want, v.Status)
			assert.Equal(t, tt.want == "canceled", v.on.canceled)
			assert.Equal(t, "b1", s.visits[len(s.visits)-1].PlatformID, "no second visit")
		})
	}
}

func TestTheClinicsMapping(t *testing.T) {
	p, s := clinic(t, VariantDefault)
	assert.Equal(t, "/facilities/1001/doctors/2001/addresses/3002", s.prefix("anna-mokotow"))
	assert.Equal(t, "/facilities/1001/doctors/2002/addresses/3003", s.prefix("piotr-centrum"))
	assert.Equal(t, "anna-centrum", p.firstCalendar(s, "anna-mokotow"))
	assert.Equal(t, "piotr-centrum", p.firstCalendar(s, "piotr-centrum"))
	assert.Equal(t, "ins-medicover", s.insuranceOf("anna-mokotow", "52"))
	assert.Equal(t, "", s.insuranceOf("anna-mokotow", "51"), "LUX MED is not taken there")
	assert.True(t, hasID([]idName{{ID: "1"}, {ID: "2"}}, "2"))
	assert.False(t, hasID([]idName{{ID: "1"}}, "2"))
}
