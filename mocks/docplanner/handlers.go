package docplanner

import (
	"context"
	"net/http"
	"strings"

	"github.com/accord-harness/accord/internal/mockserver"
)

type tenantHandler func(t *tenant, req *mockserver.Request) mockserver.Response

// handlers maps every operationId of the document to its handler; the
// server refuses to start if one is missing.
func (m *Mock) handlers() map[string]mockserver.Handler {
	h := map[string]tenantHandler{
		// mapping
		"getFacilities":                          m.getFacilities,
		"getFacility":                            m.getFacility,
		"getDoctors":                             m.getDoctors,
		"getDoctor":                              m.getDoctor,
		"getAddresses":                           m.getAddresses,
		"getAddress":                             m.getAddress,
		"updateAddress":                          m.updateAddress,
		"removeAddressIntegration":               m.removeAddressIntegration,
		"getServices":                            m.getServices,
		"getAddressServices":                     m.getAddressServices,
		"addAddressService":                      m.addAddressService,
		"getAddressService":                      m.getAddressService,
		"updateAddressService":                   m.updateAddressService,
		"deleteAddressService":                   m.deleteAddressService,
		"getInsuranceProviders":                  m.getInsuranceProviders,
		"getInsurancePlans":                      m.getInsurancePlans,
		"getAddressInsuranceProviders":           m.getAddressInsuranceProviders,
		"addAddressInsuranceProvider":            m.addAddressInsuranceProvider,
		"updateOrCreateAddressInsuranceProvider": m.updateOrCreateAddressInsuranceProvider,
		"deleteAddressInsuranceProvider":         m.deleteAddressInsuranceProvider,
		// schedule
		"getCalendar":     m.getCalendar,
		"enableCalendar":  m.enableCalendar,
		"disableCalendar": m.disableCalendar,
		"getSlots":        m.getSlots,
		"replaceSlots":    m.replaceSlots,
		"deleteSlots":     m.deleteSlots,
		// bookings
		"bookSlot":            m.bookSlot,
		"getBookings":         m.getBookings,
		"getBooking":          m.getBooking,
		"cancelBooking":       m.cancelBooking,
		"moveBooking":         m.moveBooking,
		"confirmBooking":      m.confirmBooking,
		"requestOpinion":      m.requestOpinion,
		"markPatientPresence": m.markPatientPresence,
		"markPatientAbsence":  m.markPatientAbsence,
		// breaks
		"getCalendarBreaks":   m.getCalendarBreaks,
		"addCalendarBreak":    m.addCalendarBreak,
		"getCalendarBreak":    m.getCalendarBreak,
		"moveCalendarBreak":   m.moveCalendarBreak,
		"deleteCalendarBreak": m.deleteCalendarBreak,
		// notifications
		"setNotificationSettings":   m.setNotificationSettings,
		"getNotificationSettings":   m.getNotificationSettings,
		"pullNotification":          m.pullNotification,
		"pullMultipleNotifications": m.pullMultipleNotifications,
	}
	out := make(map[string]mockserver.Handler, len(h)+2)
	for id, fn := range h {
		out[id] = m.locked(fn)
	}
	out["getToken"] = m.getToken
	// release re-sends PUSH notifications, which must not hold the tenant's lock.
	out["releaseNotifications"] = m.releaseNotifications
	return out
}

// locked runs a handler with its tenant locked: API calls never notify the
// partner that made them, so nothing inside waits on the partner.
func (m *Mock) locked(fn tenantHandler) mockserver.Handler {
	return func(_ context.Context, req *mockserver.Request) mockserver.Response {
		t, err := m.tenant(req.Tenant)
		if err != nil {
			return errResp(http.StatusUnauthorized, "Invalid token: its client no longer exists")
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		return fn(t, req)
	}
}

// scopes are the extensions the `with` query parameter asks for. Every form a
// client may send counts: comma-separated (what the document declares and
// the official SDK sends), repeated (with=a&with=b), and PHP's brackets
// (with[]=a, with[0]=a).
type scopes map[string]bool

func scopesOf(req *mockserver.Request) scopes {
	out := scopes{}
	for key, values := range req.Query() {
		if key != "with" && !(strings.HasPrefix(key, "with[") && strings.HasSuffix(key, "]")) {
			continue
		}
		for _, v := range values {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out[s] = true
				}
			}
		}
	}
	return out
}

func ok(body any) mockserver.Response { return mockserver.Response{Status: http.StatusOK, Body: body} }

func noContent() mockserver.Response { return mockserver.Response{Status: http.StatusNoContent} }

func items[T any](xs []T) map[string]any {
	if xs == nil {
		xs = []T{}
	}
	return map[string]any{"_items": xs}
}

// path resolution -----------------------------------------------------------

func (t *tenant) facility(req *mockserver.Request) (*facility, *mockserver.Response) {
	id := req.Params["facility_id"]
	for _, f := range t.facilities {
		if f.id == id {
			return f, nil
		}
	}
	r := errResp(http.StatusNotFound, "Object not found")
	return nil, &r
}

func (t *tenant) doctorOf(req *mockserver.Request) (*facility, *doctor, *mockserver.Response) {
	f, refuse := t.facility(req)
	if refuse != nil {
		return nil, nil, refuse
	}
	d, refuse := named(t.doctors, req, "doctor_id", "Object not found")
	if refuse != nil {
		return nil, nil, refuse
	}
	if d.facility != f.id {
		r := errResp(http.StatusForbidden, "Doctor is not related with facility")
		return nil, nil, &r
	}
	return f, d, nil
}

func (t *tenant) addressOf(req *mockserver.Request) (*address, *mockserver.Response) {
	_, d, refuse := t.doctorOf(req)
	if refuse != nil {
		return nil, refuse
	}
	a, refuse := named(t.addresses, req, "address_id", "Object not found")
	if refuse != nil {
		return nil, refuse
	}
	if a.doctor != d.id {
		r := errResp(http.StatusForbidden, "This address does not belong to this doctor")
		return nil, &r
	}
	return a, nil
}

// named is the item of items the path parameter param names, or a 404
// refusal with the platform's message for that kind of item.
func named[T any](items map[string]*T, req *mockserver.Request, param, message string) (*T, *mockserver.Response) {
	x, ok := items[req.Params[param]]
	if !ok {
		r := errResp(http.StatusNotFound, message)
		return nil, &r
	}
	return x, nil
}

// inAddress resolves the request's address and then the item of it the path
// names (a booking, a break, an address service): the first refusal on the
// way is the answer.
func inAddress[T any](t *tenant, req *mockserver.Request, item func(*address, *mockserver.Request) (T, *mockserver.Response)) (*address, T, *mockserver.Response) {
	a, refuse := t.addressOf(req)
	if refuse != nil {
		var none T
		return nil, none, refuse
	}
	x, refuse := item(a, req)
	return a, x, refuse
}
