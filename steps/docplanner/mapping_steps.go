package docplanner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

func registerMapping(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^every doctor and address of the clinic is mapped to its Docplanner counterpart$`), w.doctorsMapped)
	sc.Step(w.re(`^every service of the clinic is on the Docplanner address of each calendar that offers it$`), w.servicesMapped)
	sc.Step(w.re(`^every insurance of the clinic is accepted at the Docplanner address of each calendar that takes it$`), w.insurancesMapped)
	sc.Step(w.re(`^the doctor's profile shows each service at the clinic's price and visit length$`), w.servicesPriced)
}

type pair struct {
	PartnerID  string `json:"partner_id"`
	LocationID string `json:"location_id"`
	PlatformID string `json:"platform_id"`
}

func (w *world) mappings() (map[string][]pair, error) {
	out := map[string][]pair{}
	return out, w.s.Driver.View(w.Ctx, "mappings", &out)
}

func hasPair(ps []pair, partner, location, platform string) bool {
	return slices.ContainsFunc(ps, func(p pair) bool {
		return p.PartnerID == partner && p.PlatformID == platform && (location == "" || p.LocationID == location)
	})
}

func (w *world) doctorsMapped() error {
	if w.activateErr != nil {
		return fmt.Errorf("mapping: activation failed: %v", w.activateErr)
	}
	m, err := w.mappings()
	if err != nil {
		return err
	}
	var unmapped []string
	for _, d := range w.s.fixture.Partner.Doctors {
		if !hasPair(m["doctors"], d.ID, "", d.DocplannerDoctorID) {
			unmapped = append(unmapped, fmt.Sprintf("doctor %s (%s %s) → Docplanner doctor %s", d.ID, d.Name, d.Surname, d.DocplannerDoctorID))
		}
	}
	for _, l := range w.s.fixture.Partner.Locations {
		if !hasPair(m["locations"], l.ID, "", l.DocplannerAddressID) {
			unmapped = append(unmapped, fmt.Sprintf("calendar %s → Docplanner address %s", l.ID, l.DocplannerAddressID))
		}
	}
	if len(unmapped) > 0 {
		return fmt.Errorf("mapping: the partner reports these unmapped: %s", strings.Join(unmapped, "; "))
	}
	return nil
}

// offer is something the clinic offers at some calendars (a service, an
// insurance), which Docplanner must have at each calendar's address.
type offer struct {
	what      string // for a failure reason
	locations []string
	at        func(docplannermock.AddressView) bool
}

// servicesMapped reads the platform itself: a service counts as mapped when
// Docplanner has an address service for it at the calendar's address.
func (w *world) servicesMapped() error {
	var offers []offer
	for _, svc := range w.s.fixture.Partner.Services {
		offers = append(offers, offer{fmt.Sprintf("service %s (%s, Docplanner service %s)", svc.ID, svc.Name, svc.DocplannerServiceID), svc.Locations, func(a docplannermock.AddressView) bool { return slices.Contains(a.Services, svc.DocplannerServiceID) }})
	}
	return w.offeredAt(offers, func(missing string) error {
		return fmt.Errorf("mapping: Docplanner has no address service for: %s (%s)", missing, w.evidence(w.activateFrom))
	})
}

func (w *world) insurancesMapped() error {
	var offers []offer
	for _, in := range w.s.fixture.Partner.Insurances {
		offers = append(offers, offer{fmt.Sprintf("insurance %s (%s, provider %s)", in.ID, in.Name, in.DocplannerInsuranceProviderID), in.Locations, func(a docplannermock.AddressView) bool {
			return slices.Contains(a.Insurers, in.DocplannerInsuranceProviderID)
		}})
	}
	return w.offeredAt(offers, func(missing string) error { return fmt.Errorf("mapping: Docplanner does not accept: %s", missing) })
}

// offeredAt reads each offer's calendars' addresses on Docplanner, and fails
// with those that lack it.
func (w *world) offeredAt(offers []offer, fail func(missing string) error) error {
	var missing []string
	for _, o := range offers {
		for _, locID := range o.locations {
			l, err := w.location(locID)
			if err != nil {
				return err
			}
			a, err := w.platform(l)
			if err != nil {
				return err
			}
			if !o.at(a) {
				missing = append(missing, fmt.Sprintf("%s at %s (address %s)", o.what, locID, l.DocplannerAddressID))
			}
		}
	}
	if len(missing) > 0 {
		return fail(strings.Join(missing, "; "))
	}
	return nil
}

// servicesPriced: a patient choosing a service on the doctor's profile sees
// its price and visit length; they must be the clinic's.
func (w *world) servicesPriced() error {
	var wrong []string
	for _, l := range w.s.fixture.Partner.Locations {
		a, err := w.platform(l)
		if err != nil {
			return err
		}
		for _, as := range a.AddressServices {
			svc := w.rec.serviceAt(l.ID, as.Service)
			if svc == "" {
				continue
			}
			want, _ := w.rec.service(svc)
			price := "no price"
			if as.Price != nil {
				price = fmt.Sprintf("%g", *as.Price)
			}
			if price != fmt.Sprintf("%g", want.Price) || as.Duration != want.DurationMinutes {
				wrong = append(wrong, fmt.Sprintf("%s at %s (address service %s): %s, %d min instead of %g, %d min",
					svc, l.ID, as.ID, price, as.Duration, want.Price, want.DurationMinutes))
			}
		}
	}
	if len(wrong) > 0 {
		return fmt.Errorf("mapping: the doctor's profile shows services at other prices or lengths than the clinic's: %s", strings.Join(wrong, "; "))
	}
	return nil
}
