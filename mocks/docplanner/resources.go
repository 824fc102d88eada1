package docplanner

import (
	"context"
	"encoding/base64"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/mockserver"
)

// getToken is the OAuth2 client-credentials endpoint. Clients authenticate by
// HTTP Basic or by client_id/client_secret in the body, url-encoded or
// multipart (the official PHP SDK sends multipart).
func (m *Mock) getToken(_ context.Context, req *mockserver.Request) mockserver.Response {
	form, err := tokenForm(req)
	if err != nil {
		return oauthErr(http.StatusBadRequest, "invalid_request", err.Error())
	}
	if g := form.Get("grant_type"); g != "client_credentials" {
		return oauthErr(http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials, got "+quote(g))
	}
	if s := form.Get("scope"); s != "" && s != "integration" {
		return oauthErr(http.StatusBadRequest, "invalid_scope", "scope must be integration, got "+quote(s))
	}
	id, secret, basic := basicAuth(req.HTTP)
	if !basic {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "no client credentials: use HTTP Basic or client_id and client_secret")
	}
	// The claimed client id attributes the call, refused or not.
	req.Tenant = id
	tok, life, ok := m.issueToken(id, secret)
	if !ok {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "client authentication failed")
	}
	return mockserver.Response{
		Status:      http.StatusOK,
		ContentType: "application/json",
		Header:      http.Header{"Cache-Control": {"no-store"}},
		Body: map[string]any{
			"access_token": tok, "expires_in": int(life.Seconds()), "token_type": "bearer", "scope": "integration",
		},
	}
}

func quote(s string) string { return `"` + s + `"` }

// basicAuth accepts the standard base64 form and, as Docplanner's .NET guide
// shows, the literal "Basic id:secret".
func basicAuth(r *http.Request) (string, string, bool) {
	if id, secret, ok := r.BasicAuth(); ok {
		return id, secret, true
	}
	scheme, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Basic") || rest == "" {
		return "", "", false
	}
	if _, err := base64.StdEncoding.DecodeString(rest); err == nil {
		return "", "", false
	}
	id, secret, ok := strings.Cut(rest, ":")
	return id, secret, ok
}

func tokenForm(req *mockserver.Request) (url.Values, error) {
	mt, params, _ := mime.ParseMediaType(req.HTTP.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(strings.NewReader(string(req.Body)), params["boundary"])
		f, err := mr.ReadForm(64 << 10)
		if err != nil {
			return nil, err
		}
		return url.Values(f.Value), nil
	}
	return url.ParseQuery(string(req.Body))
}

func oauthErr(status int, code, desc string) mockserver.Response {
	return mockserver.Response{Status: status, ContentType: "application/json", Body: map[string]any{"error": code, "error_description": desc}}
}

// facilities, doctors, addresses --------------------------------------------

func facilityJSON(t *tenant, f *facility, sc scopes) map[string]any {
	out := map[string]any{"id": f.id, "name": f.name}
	if sc["facility.doctors"] {
		var ds []map[string]any
		for _, id := range f.doctors {
			d := t.doctors[id]
			ds = append(ds, map[string]any{"id": d.id, "name": d.name, "surname": d.surname})
		}
		out["doctors"] = items(ds)
	}
	return out
}

// doctorJSON renders a doctor with the fields its scopes ask for. The
// provider's getDoctor examples carry the specializations unasked (getDoctor
// has no doctor.specializations scope); getDoctors adds them only with it.
func doctorJSON(t *tenant, d *doctor, sc scopes, single bool) map[string]any {
	out := map[string]any{"id": d.id, "name": d.name, "surname": d.surname}
	if sc["doctor.profile_url"] {
		out["profile_url"] = d.profileURL
	}
	if single || sc["doctor.specializations"] {
		var ss []map[string]any
		for _, s := range d.specializations {
			ss = append(ss, map[string]any{"id": s.ID, "name": s.Name})
		}
		out["specializations"] = items(ss)
	}
	if sc["doctor.license_numbers"] {
		var ls []map[string]any
		for _, l := range d.licenseNumbers {
			ls = append(ls, map[string]any{"id": l.ID, "license_number": l.Number})
		}
		out["license_numbers"] = items(ls)
	}
	if single && sc["doctor.addresses"] {
		var as []map[string]any
		for _, id := range d.addresses {
			as = append(as, addressJSON(t.addresses[id], sc, true))
		}
		out["addresses"] = items(as)
	}
	return out
}

// addressJSON renders an address with the fields its scopes ask for.
// getAddress(es) always send booking_extra_fields; inside getDoctor they
// are a scope of their own (address.booking_extra_fields), and
// insurance_support is not offered there.
func addressJSON(a *address, sc scopes, inDoctor bool) map[string]any {
	out := map[string]any{
		"id": a.id, "name": nullable(a.name), "city_name": nullable(a.city), "post_code": nullable(a.postCode), "street": nullable(a.street),
	}
	if !inDoctor || sc["address.booking_extra_fields"] {
		out["booking_extra_fields"] = map[string]bool{"birth_date": a.extraFields.BirthDate, "gender": a.extraFields.Gender, "nin": a.extraFields.NIN}
	}
	if sc["address.online_only"] {
		out["is_online_only"] = a.onlineOnly
	}
	if sc["address.visit_payment"] {
		out["visit_payment"] = a.visitPayment
	}
	if sc["address.commercial_type"] {
		out["commercial_type"] = a.commercialType
	}
	if !inDoctor && sc["address.insurance_support"] {
		out["insurance_support"] = a.insuranceSupport
	}
	return out
}

func (m *Mock) getFacilities(t *tenant, req *mockserver.Request) mockserver.Response {
	sc := scopesOf(req)
	var out []map[string]any
	for _, f := range t.facilities {
		out = append(out, facilityJSON(t, f, sc))
	}
	return ok(items(out))
}

func (m *Mock) getFacility(t *tenant, req *mockserver.Request) mockserver.Response {
	f, refuse := t.facility(req)
	if refuse != nil {
		return *refuse
	}
	return ok(facilityJSON(t, f, scopesOf(req)))
}

func (m *Mock) getDoctors(t *tenant, req *mockserver.Request) mockserver.Response {
	f, refuse := t.facility(req)
	if refuse != nil {
		return *refuse
	}
	sc := scopesOf(req)
	var out []map[string]any
	for _, id := range f.doctors {
		out = append(out, doctorJSON(t, t.doctors[id], sc, false))
	}
	return ok(items(out))
}

func (m *Mock) getDoctor(t *tenant, req *mockserver.Request) mockserver.Response {
	_, d, refuse := t.doctorOf(req)
	if refuse != nil {
		return *refuse
	}
	return ok(doctorJSON(t, d, scopesOf(req), true))
}

func (m *Mock) getAddresses(t *tenant, req *mockserver.Request) mockserver.Response {
	_, d, refuse := t.doctorOf(req)
	if refuse != nil {
		return *refuse
	}
	sc := scopesOf(req)
	var out []map[string]any
	for _, id := range d.addresses {
		out = append(out, addressJSON(t.addresses[id], sc, false))
	}
	return ok(items(out))
}

func (m *Mock) getAddress(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	return ok(addressJSON(a, scopesOf(req), false))
}

func (m *Mock) updateAddress(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	var body struct {
		InsuranceSupport string `json:"insurance_support"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	if body.InsuranceSupport != "" {
		a.insuranceSupport = body.InsuranceSupport
	}
	// The provider's example answer carries insurance_support unasked.
	return ok(addressJSON(a, scopes{"address.insurance_support": true}, false))
}

func (m *Mock) removeAddressIntegration(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	if !t.pms {
		return errResp(http.StatusForbidden, "You are not authorized to use this feature")
	}
	a.calendarEnabled = false
	a.slots = map[string][]slot{}
	return mockserver.Response{Status: http.StatusAccepted}
}

// services ------------------------------------------------------------------

// getServices lists the dictionary; services.only_diagnostics keeps the
// diagnostics marketplace's services, specialization_id those of one
// specialization.
func (m *Mock) getServices(t *tenant, req *mockserver.Request) mockserver.Response {
	diagnostics := scopesOf(req)["services.only_diagnostics"]
	spec := req.HTTP.URL.Query().Get("specialization_id")
	var out []map[string]any
	for _, s := range t.services {
		if (diagnostics && !s.Diagnostics) || (spec != "" && !contains(s.SpecializationIDs, spec)) {
			continue
		}
		out = append(out, map[string]any{"id": s.ID, "name": s.Name})
	}
	return ok(items(out))
}

// addressServiceJSON renders an address service with the fields its scopes
// ask for: allowed_patients, custom_name and is_public_insurance_flow come
// only with theirs.
func addressServiceJSON(s *addressService, sc scopes) map[string]any {
	var price any
	if s.price != nil {
		price = int(*s.price) // the platform truncates decimals in answers
	}
	out := map[string]any{
		"id": s.id, "name": s.name, "price": price, "is_price_from": s.isPriceFrom, "is_default": s.isDefault,
		"service_id": s.serviceID, "description": s.description, "duration": s.duration, "is_visible": s.isVisible,
	}
	if sc["address_service.allowed_patients"] {
		var allowed any
		if s.minAge != nil || s.maxAge != nil {
			allowed = map[string]any{"minimum_age": s.minAge, "maximum_age": s.maxAge}
		}
		out["allowed_patients"] = allowed
	}
	if sc["address_service.custom_name"] {
		out["custom_name"] = s.customName
	}
	if sc["address_service.public_insurance_flow"] {
		out["is_public_insurance_flow"] = s.publicInsuranceFlow
	}
	return out
}

func (m *Mock) getAddressServices(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	sc := scopesOf(req)
	// With start, only the services of the slots starting that day, each
	// with its duration there.
	var onDay map[string]int
	if raw := req.HTTP.URL.Query().Get("start"); raw != "" {
		day, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return errResp(http.StatusBadRequest, "Invalid date given.")
		}
		onDay = map[string]int{}
		for _, s := range a.slots[t.dayKey(day)] {
			for _, ss := range s.services {
				if _, seen := onDay[ss.addressServiceID]; !seen {
					onDay[ss.addressServiceID] = ss.duration
				}
			}
		}
	}
	var out []map[string]any
	for _, id := range a.serviceOrder {
		j := addressServiceJSON(a.services[id], sc)
		if onDay != nil {
			d, on := onDay[id]
			if !on {
				continue
			}
			j["duration"] = d
		}
		out = append(out, j)
	}
	return ok(items(out))
}

type addressServiceBody struct {
	ServiceID       string   `json:"service_id"`
	IsPriceFrom     *bool    `json:"is_price_from"`
	Price           *float64 `json:"price"`
	Description     *string  `json:"description"`
	IsVisible       *bool    `json:"is_visible"`
	DefaultDuration *int     `json:"default_duration"`
	CustomName      *string  `json:"custom_name"`
	AllowedPatients *struct {
		MinimumAge *int `json:"minimum_age"`
		MaximumAge *int `json:"maximum_age"`
	} `json:"allowed_patients"`
}

func (b addressServiceBody) apply(s *addressService) {
	if b.IsPriceFrom != nil {
		s.isPriceFrom = *b.IsPriceFrom
	}
	if b.Price != nil {
		s.price = b.Price
	}
	if b.Description != nil {
		s.description = b.Description
	}
	if b.IsVisible != nil {
		s.isVisible = *b.IsVisible
	}
	if b.DefaultDuration != nil {
		s.duration = *b.DefaultDuration
	}
	if b.CustomName != nil {
		s.customName = b.CustomName
	}
	if b.AllowedPatients != nil {
		s.minAge, s.maxAge = b.AllowedPatients.MinimumAge, b.AllowedPatients.MaximumAge
	}
}

func (m *Mock) addAddressService(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	var body addressServiceBody
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	dict, found := t.service(body.ServiceID)
	if !found {
		return fieldErr(http.StatusBadRequest, "Invalid arguments", "service_id", "Service does not exist")
	}
	for _, s := range a.services {
		if s.serviceID == body.ServiceID {
			return errResp(http.StatusConflict, "The address service you are trying to add already exists in the system")
		}
	}
	s := &addressService{id: t.id(), serviceID: dict.ID, name: dict.Name, isVisible: true, duration: 30, publicInsuranceFlow: dict.PublicInsuranceFlow}
	body.apply(s)
	s.isDefault = len(a.services) == 0
	a.services[s.id] = s
	a.serviceOrder = append(a.serviceOrder, s.id)
	resp := mockserver.Response{Status: http.StatusCreated, Body: addressServiceJSON(s, nil)}
	resp.Header = http.Header{"Location": {req.HTTP.URL.Path + "/" + s.id}}
	return resp
}

func (a *address) serviceOf(req *mockserver.Request) (*addressService, *mockserver.Response) {
	return named(a.services, req, "address_service_id", "Object not found")
}

func (m *Mock) getAddressService(t *tenant, req *mockserver.Request) mockserver.Response {
	_, s, refuse := inAddress(t, req, (*address).serviceOf)
	if refuse != nil {
		return *refuse
	}
	return ok(addressServiceJSON(s, scopesOf(req)))
}

func (m *Mock) updateAddressService(t *tenant, req *mockserver.Request) mockserver.Response {
	_, s, refuse := inAddress(t, req, (*address).serviceOf)
	if refuse != nil {
		return *refuse
	}
	var body addressServiceBody
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	body.apply(s)
	return ok(addressServiceJSON(s, nil))
}

func (m *Mock) deleteAddressService(t *tenant, req *mockserver.Request) mockserver.Response {
	a, s, refuse := inAddress(t, req, (*address).serviceOf)
	if refuse != nil {
		return *refuse
	}
	delete(a.services, s.id)
	for i, id := range a.serviceOrder {
		if id == s.id {
			a.serviceOrder = append(a.serviceOrder[:i], a.serviceOrder[i+1:]...)
			break
		}
	}
	return noContent()
}

// insurances ----------------------------------------------------------------

func (m *Mock) getInsuranceProviders(t *tenant, _ *mockserver.Request) mockserver.Response {
	var out []map[string]any
	for _, p := range t.insurers {
		out = append(out, map[string]any{"insurance_provider_id": p.ID, "name": p.Name})
	}
	return ok(items(out))
}

func (m *Mock) getInsurancePlans(t *tenant, req *mockserver.Request) mockserver.Response {
	p, found := t.insurer(req.Params["insurance_provider_id"])
	if !found {
		return errResp(http.StatusNotFound, "Object not found")
	}
	var out []map[string]any
	for _, pl := range p.Plans {
		out = append(out, map[string]any{"insurance_plan_id": pl.ID, "name": pl.Name})
	}
	return ok(items(out))
}

func (m *Mock) getAddressInsuranceProviders(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	var out []map[string]any
	for _, p := range t.insurers {
		plans, on := a.insurers[p.ID]
		if !on {
			continue
		}
		var ps []map[string]any
		for _, pl := range p.Plans {
			if contains(plans, pl.ID) {
				ps = append(ps, map[string]any{"insurance_plan_id": pl.ID, "name": pl.Name})
			}
		}
		out = append(out, map[string]any{"insurance_provider_id": p.ID, "name": p.Name, "insurance_plans": items(ps)})
	}
	return ok(items(out))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// addAddressInsuranceProvider adds a provider not yet on the address;
// updateOrCreate also replaces one that is. Both leave the provider on the
// address with exactly the plans given.
func (m *Mock) addAddressInsuranceProvider(t *tenant, req *mockserver.Request) mockserver.Response {
	return m.putInsuranceProvider(t, req, false)
}

func (m *Mock) updateOrCreateAddressInsuranceProvider(t *tenant, req *mockserver.Request) mockserver.Response {
	return m.putInsuranceProvider(t, req, true)
}

func (m *Mock) putInsuranceProvider(t *tenant, req *mockserver.Request, replace bool) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	var body struct {
		InsuranceProviderID string `json:"insurance_provider_id"`
		InsurancePlans      []struct {
			InsurancePlanID string `json:"insurance_plan_id"`
		} `json:"insurance_plans"`
	}
	if err := req.Decode(&body); err != nil {
		return errResp(http.StatusBadRequest, "Invalid arguments: "+err.Error())
	}
	p, found := t.insurer(body.InsuranceProviderID)
	if !found {
		return errResp(http.StatusNotFound, "Provided insurance provider ID not found in dictionary")
	}
	if _, on := a.insurers[p.ID]; on && !replace {
		return errResp(http.StatusBadRequest, "Insurance provider with given ID is already assigned to this address.")
	}
	plans := []string{}
	for _, pl := range body.InsurancePlans {
		if pl.InsurancePlanID == "" {
			continue // an entry naming no plan says nothing
		}
		known := false
		for _, x := range p.Plans {
			known = known || x.ID == pl.InsurancePlanID
		}
		if !known {
			return fieldErr(http.StatusBadRequest, "Invalid arguments", "insurance_plans", "Unknown plan "+pl.InsurancePlanID+" of provider "+p.ID)
		}
		plans = append(plans, pl.InsurancePlanID)
	}
	a.insurers[p.ID] = plans
	return noContent()
}

func (m *Mock) deleteAddressInsuranceProvider(t *tenant, req *mockserver.Request) mockserver.Response {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		return *refuse
	}
	id := req.Params["insurance_provider_id"]
	if _, on := a.insurers[id]; !on {
		return errResp(http.StatusBadRequest, "Insurance provider with given ID is not assigned to this address.")
	}
	delete(a.insurers, id)
	return noContent()
}
