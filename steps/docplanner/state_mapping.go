package docplanner

import (
	"fmt"
	"slices"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/statediff"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// compareMapping holds one calendar's address against the clinic's
// mapping: its services and insurers on Docplanner, and the partner's
// mapping screen (each pair must name what Docplanner really holds).
func (w *world) compareMapping(t *statediff.Table, l docplannerfixture.Location, a docplannermock.AddressView, maps map[string][]pair) {
	item := fmt.Sprintf("%s (Docplanner address %s)", l.ID, l.DocplannerAddressID)
	var exp, plat, part []string
	for _, s := range w.s.fixture.Partner.Services {
		if slices.Contains(s.Locations, l.ID) {
			exp = append(exp, s.ID)
		}
	}
	addressService := map[string]string{} // dictionary id -> address service id
	for _, as := range a.AddressServices {
		addressService[as.Service] = as.ID
		name := w.rec.serviceAt(l.ID, as.Service)
		if name == "" {
			name = "Docplanner service " + as.Service
		}
		plat = append(plat, name)
	}
	for _, p := range maps["services"] {
		if p.LocationID != l.ID {
			continue
		}
		// The pair may name the address service or the dictionary service.
		svc, err := w.rec.service(p.PartnerID)
		if err != nil || (addressService[svc.DocplannerServiceID] != p.PlatformID && svc.DocplannerServiceID != p.PlatformID) {
			part = append(part, fmt.Sprintf("%s as address service %s", p.PartnerID, p.PlatformID))
			continue
		}
		part = append(part, p.PartnerID)
	}
	t.Against(item, "services", joinSorted(exp), joinSorted(plat), joinSorted(part))
	// A service the clinic offers at a calendar is one its patients can
	// book there: Docplanner hides an address service whose is_visible is
	// false from the doctor's profile.
	var hidden []string
	for _, as := range a.AddressServices {
		if !as.Visible {
			name := w.rec.serviceAt(l.ID, as.Service)
			if name == "" {
				name = "Docplanner service " + as.Service
			}
			hidden = append(hidden, name)
		}
	}
	if len(hidden) > 0 {
		t.Against(item, "services hidden from patients", statediff.Absent, joinSorted(hidden), statediff.NotShown)
	}

	exp, plat, part = nil, nil, nil
	for _, in := range w.s.fixture.Partner.Insurances {
		if slices.Contains(in.Locations, l.ID) {
			exp = append(exp, in.ID)
		}
	}
	for _, id := range a.Insurers {
		plat = append(plat, w.insurance(id))
	}
	for _, p := range maps["insurances"] {
		if p.LocationID == l.ID {
			part = append(part, w.insurance(p.PlatformID))
		}
	}
	t.Against(item, "insurers", joinSorted(exp), joinSorted(plat), joinSorted(part))
}

// compareDoctors holds the partner's mapping screen of the clinic, its
// doctors and calendars against the clinic's mapping.
func (w *world) compareDoctors(t *statediff.Table, maps map[string][]pair) {
	mapped := func(kind, id string) string {
		var out []string
		for _, p := range maps[kind] {
			if p.PartnerID == id {
				out = append(out, p.PlatformID)
			}
		}
		if len(out) == 0 {
			return statediff.Absent
		}
		return joinSorted(out)
	}
	c := w.s.fixture.Partner.Clinic
	t.Against("clinic "+c.ID, "Docplanner facility", c.DocplannerFacilityID, statediff.NotShown, mapped("facilities", c.ID))
	for _, d := range w.s.fixture.Partner.Doctors {
		t.Against("doctor "+d.ID, "Docplanner doctor", d.DocplannerDoctorID, statediff.NotShown, mapped("doctors", d.ID))
	}
	for _, l := range w.s.fixture.Partner.Locations {
		t.Against("calendar "+l.ID, "Docplanner address", l.DocplannerAddressID, statediff.NotShown, mapped("locations", l.ID))
	}
}
