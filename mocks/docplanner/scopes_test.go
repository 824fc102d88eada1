package docplanner_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/stretchr/testify/require"

	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// withForms are the ways a client writes `with`: the document's comma form
// (the official SDK's), the repeated form and PHP's brackets. All mean the same.
var withForms = map[string]func(scopes []string) url.Values{
	"comma":    func(s []string) url.Values { return url.Values{"with": {strings.Join(s, ",")}} },
	"repeated": func(s []string) url.Values { return url.Values{"with": s} },
	"brackets": func(s []string) url.Values { return url.Values{"with[]": s} },
}

// scopeFixture is a tenant with a calendar, slots, an integration booking
// with insurance and a patient's booking, and the paths to read them.
type scopeFixture struct {
	api                        *httpexpect.Expect
	booking, slotsQuery, token string
}

func newScopeFixture(t *testing.T, v *env) scopeFixture {
	t.Helper()
	api, tok := v.feed(t)
	start := v.slotStart(t)
	svc := api.GET(addr + "/services").Expect().Status(200).JSON(okJSON).Object().Value("_items").Array().Value(0).Object().Value("id").String().Raw()
	id := api.POST(addr + "/slots/" + url.PathEscape(start.Format(time.RFC3339)) + "/book").WithJSON(map[string]any{
		"address_service_id": svc, "duration": 30, "insurance_provider_id": "51", "insurance_plan_id": "512",
		"patient": map[string]any{"name": "Jan", "surname": "Kos", "phone": "+48600111222"},
	}).Expect().Status(200).JSON(okJSON).Object().Value("id").String().Raw()
	_, err := v.mock.PatientBooks("alpha", "3001", start.Add(time.Hour), docplannermock.Patient{Name: "Ewa", Phone: "+48600"})
	require.NoError(t, err)
	q := url.Values{"start": {start.Add(-time.Hour).Format(time.RFC3339)}, "end": {start.Add(24 * time.Hour).Format(time.RFC3339)}}
	return scopeFixture{api: api, booking: id, slotsQuery: q.Encode(), token: tok}
}

// TestScopedFieldsComeOnlyWhenAskedFor: each field the document puts behind a
// `with` scope is absent without it and present with it, in every form of
// `with`, and every answer still obeys the document.
func TestScopedFieldsComeOnlyWhenAskedFor(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v)
	doctor := "/api/v3/integration/facilities/1001/doctors/2001"
	tests := []struct {
		name, path, query string
		base              []string // scopes sent both times
		scope             string
		field             []string // path to the field: object keys, "0" for the first item of _items
	}{
		{"facility doctors", "/api/v3/integration/facilities/1001", "", nil, "facility.doctors", []string{"doctors"}},
		{"doctors profile url", "/api/v3/integration/facilities/1001/doctors", "", []string{"doctor.license_numbers"}, "doctor.profile_url", []string{"0", "profile_url"}},
		{"doctors specializations", "/api/v3/integration/facilities/1001/doctors", "", []string{"doctor.profile_url"}, "doctor.specializations", []string{"0", "specializations"}},
		{"doctors license numbers", "/api/v3/integration/facilities/1001/doctors", "", []string{"doctor.profile_url"}, "doctor.license_numbers", []string{"0", "license_numbers"}},
		{"doctor profile url", doctor, "", []string{"doctor.license_numbers"}, "doctor.profile_url", []string{"profile_url"}},
		{"doctor addresses", doctor, "", []string{"doctor.profile_url"}, "doctor.addresses", []string{"addresses"}},
		{"doctor license numbers", doctor, "", []string{"doctor.addresses"}, "doctor.license_numbers", []string{"license_numbers"}},
		{"doctor address extra fields", doctor, "", []string{"doctor.addresses"}, "address.booking_extra_fields", []string{"addresses", "0", "booking_extra_fields"}},
		{"doctor address online only", doctor, "", []string{"doctor.addresses"}, "address.online_only", []string{"addresses", "0", "is_online_only"}},
		{"doctor address visit payment", doctor, "", []string{"doctor.addresses"}, "address.visit_payment", []string{"addresses", "0", "visit_payment"}},
		{"doctor address commercial type", doctor, "", []string{"doctor.addresses"}, "address.commercial_type", []string{"addresses", "0", "commercial_type"}},
		{"addresses online only", doctor + "/addresses", "", []string{"address.commercial_type"}, "address.online_only", []string{"0", "is_online_only"}},
		{"addresses visit payment", doctor + "/addresses", "", []string{"address.online_only"}, "address.visit_payment", []string{"0", "visit_payment"}},
		{"addresses commercial type", doctor + "/addresses", "", []string{"address.online_only"}, "address.commercial_type", []string{"0", "commercial_type"}},
		{"addresses insurance support", doctor + "/addresses", "", []string{"address.online_only"}, "address.insurance_support", []string{"0", "insurance_support"}},
		{"address insurance support", addr, "", []string{"address.visit_payment"}, "address.insurance_support", []string{"insurance_support"}},
		{"address online only", addr, "", []string{"address.visit_payment"}, "address.online_only", []string{"is_online_only"}},
		{"address services allowed patients", addr + "/services", "", []string{"address_service.custom_name"}, "address_service.allowed_patients", []string{"0", "allowed_patients"}},
		{"address services custom name", addr + "/services", "", []string{"address_service.allowed_patients"}, "address_service.custom_name", []string{"0", "custom_name"}},
		{"address services public flow", addr + "/services", "", []string{"address_service.custom_name"}, "address_service.public_insurance_flow", []string{"0", "is_public_insurance_flow"}},
		{"slots services", addr + "/slots", f.slotsQuery, nil, "slot.services", []string{"0", "address_services"}},
		{"bookings patient", addr + "/bookings", f.slotsQuery, []string{"booking.presence"}, "booking.patient", []string{"0", "patient"}},
		{"bookings address service", addr + "/bookings", f.slotsQuery, []string{"booking.patient"}, "booking.address_service", []string{"0", "address_service"}},
		{"bookings presence", addr + "/bookings", f.slotsQuery, []string{"booking.patient"}, "booking.presence", []string{"0", "presence"}},
		{"bookings confirmation", addr + "/bookings", f.slotsQuery, []string{"booking.patient"}, "booking.confirmation", []string{"0", "confirmed"}},
		{"bookings public flow", addr + "/bookings", f.slotsQuery, []string{"booking.address_service"}, "address_service.public_insurance_flow", []string{"0", "address_service", "is_public_insurance_flow"}},
		{"booking moving", addr + "/bookings/" + f.booking, "", []string{"address_service.public_insurance_flow"}, "booking.moving", []string{"moving"}},
		{"booking public flow", addr + "/bookings/" + f.booking, "", []string{"booking.moving"}, "address_service.public_insurance_flow", []string{"address_service", "is_public_insurance_flow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get := func(q url.Values) *httpexpect.Object {
				raw, err := url.ParseQuery(tt.query)
				require.NoError(t, err)
				for k, vs := range q {
					raw[k] = vs
				}
				return f.api.GET(tt.path).WithQueryString(raw.Encode()).Expect().Status(200).JSON(okJSON).Object()
			}
			var without url.Values
			if len(tt.base) > 0 {
				without = withForms["comma"](tt.base)
			}
			if has(get(without), tt.field) {
				t.Errorf("%s is sent without with=%s", strings.Join(tt.field, "."), tt.scope)
			}
			for form, render := range withForms {
				if !has(get(render(append(append([]string{}, tt.base...), tt.scope))), tt.field) {
					t.Errorf("%s is missing with %s (%s form)", strings.Join(tt.field, "."), tt.scope, form)
				}
			}
		})
	}
	noViolations(t, v.mock)
}

// has follows a field path through an answer: object keys, and "0" for the
// first element of a collection (an `_items` list or a plain array).
func has(o *httpexpect.Object, path []string) bool {
	var cur any = o.Raw()
	for _, key := range path {
		if m, ok := cur.(map[string]any); ok && key == "0" {
			cur = m["_items"]
		}
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[key]
			if !ok {
				return false
			}
			cur = next
		case []any:
			if key != "0" || len(c) == 0 {
				return false
			}
			cur = c[0]
		default:
			return false
		}
	}
	return true
}

// TestScopesThatFilterOrAreAlwaysThere covers what the table above cannot:
// getServices' filters, and getDoctor's specializations, which the
// provider's examples send unasked.
func TestScopesThatFilterOrAreAlwaysThere(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	api := v.as(v.token("alpha", "alpha-secret"))
	count := func(q string) int {
		return len(api.GET("/api/v3/integration/services").WithQueryString(q).Expect().Status(200).JSON(okJSON).Object().Value("_items").Array().Raw())
	}
	all := count("")
	diagnostics := count("with=services.only_diagnostics")
	cardiology := count("specialization_id=103")
	require.Positive(t, diagnostics)
	require.Less(t, diagnostics, all, "services.only_diagnostics keeps only the diagnostics services")
	require.Positive(t, cardiology)
	require.Less(t, cardiology, all, "specialization_id keeps only that specialization's services")
	api.GET("/api/v3/integration/facilities/1001/doctors/2001").Expect().Status(200).JSON(okJSON).Object().
		Value("specializations").Object().Value("_items").Array().NotEmpty()
	noViolations(t, v.mock)
}
