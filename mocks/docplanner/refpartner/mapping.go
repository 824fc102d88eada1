package refpartner

// Mapping: the clinic's facility, doctors, addresses, services and
// insurances matched with Docplanner's, and the paths they give.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// prefix is the API path of a location's address.
func (s *session) prefix(locationID string) string {
	l, _ := s.fx.LocationByID(locationID)
	doctor := ""
	for _, d := range s.fx.Doctors {
		if d.ID == l.DoctorID {
			doctor = d.DocplannerDoctorID
		}
	}
	return fmt.Sprintf("/facilities/%s/doctors/%s/addresses/%s", url.PathEscape(s.fx.Clinic.DocplannerFacilityID), url.PathEscape(doctor), url.PathEscape(l.DocplannerAddressID))
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// mapResources checks every mapped facility, doctor and address exists on
// the platform, then puts each of the clinic's services on each address.
func (p *Partner) mapResources(ctx context.Context, s *session) error {
	var facilities listOf[idName]
	if err := p.call(ctx, s, http.MethodGet, "/facilities", nil, nil, &facilities); err != nil {
		return err
	}
	if !hasID(facilities.Items, s.fx.Clinic.DocplannerFacilityID) {
		return fmt.Errorf("mapping: facility %s is not among the platform's facilities", s.fx.Clinic.DocplannerFacilityID)
	}
	var doctors listOf[idName]
	if err := p.call(ctx, s, http.MethodGet, "/facilities/"+s.fx.Clinic.DocplannerFacilityID+"/doctors", nil, nil, &doctors); err != nil {
		return err
	}
	for _, d := range s.fx.Doctors {
		if !hasID(doctors.Items, d.DocplannerDoctorID) {
			return fmt.Errorf("mapping: doctor %s (%s %s) is not in facility %s", d.DocplannerDoctorID, d.Name, d.Surname, s.fx.Clinic.DocplannerFacilityID)
		}
		var addresses listOf[idName]
		path := fmt.Sprintf("/facilities/%s/doctors/%s/addresses", s.fx.Clinic.DocplannerFacilityID, d.DocplannerDoctorID)
		if err := p.call(ctx, s, http.MethodGet, path, nil, nil, &addresses); err != nil {
			return err
		}
		for _, l := range p.locations(s) {
			if l.DoctorID == d.ID && !hasID(addresses.Items, l.DocplannerAddressID) {
				return fmt.Errorf("mapping: address %s is not an address of doctor %s", l.DocplannerAddressID, d.DocplannerDoctorID)
			}
		}
	}
	var dictionary listOf[idName]
	if err := p.call(ctx, s, http.MethodGet, "/services", nil, nil, &dictionary); err != nil {
		return err
	}
	for _, l := range p.locations(s) {
		var existing listOf[struct {
			ID        string `json:"id"`
			ServiceID string `json:"service_id"`
		}]
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/services", nil, nil, &existing); err != nil {
			return err
		}
		s.services[l.ID] = map[string]string{}
		mapped := 0
		for _, svc := range s.fx.Services {
			if !contains(svc.Locations, l.ID) {
				continue
			}
			if p.faults["partial-service-mapping"] && mapped == 1 {
				break
			}
			mapped++
			if !hasID(dictionary.Items, svc.DocplannerServiceID) {
				return fmt.Errorf("mapping: service %s is not in the platform's dictionary", svc.DocplannerServiceID)
			}
			id := ""
			for _, e := range existing.Items {
				if e.ServiceID == svc.DocplannerServiceID {
					id = e.ID
				}
			}
			if id == "" {
				var created struct {
					ID string `json:"id"`
				}
				price := svc.Price
				if p.faults["prices-in-minor-units"] {
					// The clinic's system keeps prices in grosze.
					price *= 100
				}
				body := map[string]any{"service_id": svc.DocplannerServiceID, "price": price, "is_price_from": false, "is_visible": !p.faults["maps-services-hidden"], "default_duration": svc.DurationMinutes, "description": svc.Name}
				if p.alt {
					body["custom_name"] = svc.Name
					body["allowed_patients"] = map[string]any{"minimum_age": 0, "maximum_age": nil}
					body["is_price_from"] = true
				}
				if err := p.call(ctx, s, http.MethodPost, s.prefix(l.ID)+"/services", nil, body, &created); err != nil {
					return err
				}
				id = created.ID
			}
			s.services[l.ID][svc.ID] = id
		}
	}
	return nil
}

func hasID(xs []idName, id string) bool {
	for _, x := range xs {
		if x.ID == id {
			return true
		}
	}
	return false
}

func (p *Partner) mapInsurances(ctx context.Context, s *session) error {
	if p.faults["forgets-insurances"] {
		return nil
	}
	var dictionary listOf[struct {
		ID string `json:"insurance_provider_id"`
	}]
	if err := p.call(ctx, s, http.MethodGet, "/insurance-providers", nil, nil, &dictionary); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, d := range dictionary.Items {
		known[d.ID] = true
	}
	for _, l := range p.locations(s) {
		var existing listOf[struct {
			ID string `json:"insurance_provider_id"`
		}]
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/insurance-providers", nil, nil, &existing); err != nil {
			return err
		}
		on := map[string]bool{}
		for _, e := range existing.Items {
			on[e.ID] = true
		}
		for _, in := range s.fx.Insurances {
			if !contains(in.Locations, l.ID) {
				continue
			}
			if !known[in.DocplannerInsuranceProviderID] {
				return fmt.Errorf("mapping: insurance provider %s is not in the platform's dictionary", in.DocplannerInsuranceProviderID)
			}
			switch {
			case p.alt:
				// updateOrCreate, with every plan of the provider.
				var plans listOf[struct {
					ID string `json:"insurance_plan_id"`
				}]
				if err := p.call(ctx, s, http.MethodGet, "/insurance-providers/"+url.PathEscape(in.DocplannerInsuranceProviderID)+"/plans", nil, nil, &plans); err != nil {
					return err
				}
				ids := []map[string]string{}
				for _, pl := range plans.Items {
					ids = append(ids, map[string]string{"insurance_plan_id": pl.ID})
				}
				body := map[string]any{"insurance_provider_id": in.DocplannerInsuranceProviderID, "insurance_plans": ids}
				if err := p.call(ctx, s, http.MethodPut, s.prefix(l.ID)+"/insurance-providers", nil, body, nil); err != nil {
					return err
				}
			case !on[in.DocplannerInsuranceProviderID]:
				body := map[string]any{"insurance_provider_id": in.DocplannerInsuranceProviderID}
				if err := p.call(ctx, s, http.MethodPost, s.prefix(l.ID)+"/insurance-providers", nil, body, nil); err != nil {
					return err
				}
			}
			s.insurers[l.ID] = append(s.insurers[l.ID], in.DocplannerInsuranceProviderID)
		}
	}
	return nil
}

// insuranceOf is the clinic's insurance a Docplanner insurance provider is
// at a calendar, "" when the calendar takes none such.
func (s *session) insuranceOf(locationID, providerID string) string {
	for _, in := range s.fx.Insurances {
		if in.DocplannerInsuranceProviderID == providerID && contains(in.Locations, locationID) {
			return in.ID
		}
	}
	return ""
}
