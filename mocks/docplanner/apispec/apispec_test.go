package apispec

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/mockserver/apispectest"
)

const (
	successMediaType = "application/vnd.docplanner+json"
	errorMediaType   = "application/vnd.error+docplanner+json"
)

// expectation is what the acceptance protocol says about one operation.
type expectation struct {
	required bool
	flow     string
	designed bool
}

// expected lists every operation of the document, with its x-accord-required and x-accord-flow.
var expected = map[string]expectation{
	"getToken": {true, "auth", false},

	"getFacilities":                          {true, "mapping", false},
	"getFacility":                            {false, "mapping", false},
	"getDoctors":                             {true, "mapping", false},
	"getDoctor":                              {false, "mapping", false},
	"getAddresses":                           {true, "mapping", false},
	"getAddress":                             {false, "mapping", false},
	"updateAddress":                          {false, "mapping", false},
	"removeAddressIntegration":               {false, "mapping", false},
	"getServices":                            {true, "mapping", false},
	"getAddressServices":                     {true, "mapping", false},
	"addAddressService":                      {true, "mapping", false},
	"getAddressService":                      {false, "mapping", false},
	"updateAddressService":                   {false, "mapping", false},
	"deleteAddressService":                   {false, "mapping", false},
	"getInsuranceProviders":                  {true, "mapping", false},
	"getInsurancePlans":                      {false, "mapping", false},
	"getAddressInsuranceProviders":           {true, "mapping", false},
	"addAddressInsuranceProvider":            {true, "mapping", false},
	"updateOrCreateAddressInsuranceProvider": {false, "mapping", false},
	"deleteAddressInsuranceProvider":         {false, "mapping", false},

	"getCalendar":     {true, "schedule", false},
	"enableCalendar":  {true, "schedule", false},
	"disableCalendar": {false, "schedule", false},
	"getSlots":        {true, "schedule", false},
	"replaceSlots":    {true, "schedule", false},
	"deleteSlots":     {false, "schedule", false},

	"bookSlot":            {true, "bookings", false},
	"getBookings":         {true, "bookings", false},
	"getBooking":          {false, "bookings", false},
	"cancelBooking":       {true, "bookings", false},
	"moveBooking":         {true, "bookings", false},
	"confirmBooking":      {false, "bookings", false},
	"requestOpinion":      {false, "bookings", false},
	"markPatientPresence": {false, "bookings", false},
	"markPatientAbsence":  {false, "bookings", false},

	"getCalendarBreaks":   {true, "breaks", false},
	"addCalendarBreak":    {true, "breaks", false},
	"getCalendarBreak":    {false, "breaks", false},
	"moveCalendarBreak":   {true, "breaks", false},
	"deleteCalendarBreak": {true, "breaks", false},

	"pullNotification":          {true, "notifications", false},
	"pullMultipleNotifications": {false, "notifications", false},
	"releaseNotifications":      {false, "notifications", false},
	"setNotificationSettings":   {true, "notifications", true},
	"getNotificationSettings":   {false, "notifications", true},
}

var notificationEvents = []string{
	"slot-booking", "slot-booked", "booking-canceled", "booking-moved", "booking-moving",
	"booking-confirmed", "booking-payment-status-changed", "break-created", "break-removed",
	"break-moved", "presence-marked", "address-service-created", "address-service-deleted",
	"address-service-changed", "address-commercial-type-changed", "address-assigned",
	"address-unassigned",
}

var rateLimitHeaders = []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset"}

func TestDocumentIsValid(t *testing.T) {
	doc := apispectest.Load(t, Document())
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	assert.Contains(t, doc.Info.Description, "1.14.0")
}

func TestServers(t *testing.T) {
	doc := apispectest.Load(t, Document())
	require.GreaterOrEqual(t, len(doc.Servers), 2)
	assert.Equal(t, "/api/v3/integration", doc.Servers[0].URL, "the mock routes on the first server")
	assert.Equal(t, "https://www.{domain}/api/v3/integration", doc.Servers[1].URL)
	domain := doc.Servers[1].Variables["domain"]
	require.NotNil(t, domain)
	assert.Equal(t, "znanylekarz.pl", domain.Default)
	assert.Len(t, domain.Enum, 13)

	token := doc.Paths.Value("/oauth/v2/token")
	require.NotNil(t, token)
	require.NotEmpty(t, token.Servers)
	assert.Equal(t, "/", token.Servers[0].URL)
}

func TestOperationIDsAndExtensions(t *testing.T) {
	doc := apispectest.Load(t, Document())
	apispectest.EachExpected(t, doc, expected, func(o apispectest.Op, want expectation) {
		assert.Equal(t, apispectest.Marks{Required: want.required, Flow: want.flow, Designed: want.designed}, apispectest.MarksOf(t, o.Op),
			"%s: x-accord-required, x-accord-flow, x-accord-designed", o.Op.OperationID)
	})
}

func TestSecurity(t *testing.T) {
	doc := apispectest.Load(t, Document())
	scheme := doc.Components.SecuritySchemes["oauth2"]
	require.NotNil(t, scheme)
	require.NotNil(t, scheme.Value.Flows.ClientCredentials)
	assert.Equal(t, "/oauth/v2/token", scheme.Value.Flows.ClientCredentials.TokenURL)
	assert.Contains(t, scheme.Value.Flows.ClientCredentials.Scopes, "integration")
	require.Len(t, doc.Security, 1)
	assert.Contains(t, doc.Security[0], "oauth2")

	for _, o := range apispectest.Operations(doc) {
		if o.Op.OperationID == "getToken" {
			require.NotNil(t, o.Op.Security, "getToken must declare security: []")
			assert.Empty(t, *o.Op.Security)
			continue
		}
		assert.Nil(t, o.Op.Security, "%s inherits the oauth2 requirement", o.Op.OperationID)
	}
}

func TestResponsesOfAPIOperations(t *testing.T) {
	doc := apispectest.Load(t, Document())
	for _, o := range apispectest.Operations(doc) {
		id := o.Op.OperationID
		if id == "getToken" {
			continue
		}
		for _, code := range []string{"401", "429"} {
			r := o.Op.Responses.Value(code)
			if !assert.NotNil(t, r, "%s must declare %s", id, code) {
				continue
			}
			mt := r.Value.Content.Get(errorMediaType)
			if assert.NotNil(t, mt, "%s %s: error media type", id, code) {
				assert.Equal(t, "#/components/schemas/Error", mt.Schema.Ref, "%s %s: Error body", id, code)
			}
		}
		assert.NotNil(t, o.Op.Responses.Value("429").Value.Headers["Retry-After"], "%s 429: Retry-After", id)

		hasSuccess := false
		for code, r := range o.Op.Responses.Map() {
			switch {
			case strings.HasPrefix(code, "2"):
				hasSuccess = true
				for _, h := range rateLimitHeaders {
					hdr := r.Value.Headers[h]
					if assert.NotNil(t, hdr, "%s %s: header %s", id, code, h) {
						assert.True(t, strings.HasPrefix(hdr.Ref, "#/components/headers/"), "%s %s: %s is $ref'd", id, code, h)
						assert.False(t, hdr.Value.Required, "%s %s: %s is optional", id, code, h)
					}
				}
				for mediaType := range r.Value.Content {
					assert.Equal(t, successMediaType, mediaType, "%s %s: success media type", id, code)
				}
			case code == "429":
				for _, h := range rateLimitHeaders {
					assert.NotNil(t, r.Value.Headers[h], "%s 429: header %s", id, h)
				}
				fallthrough
			default:
				for mediaType, mt := range r.Value.Content {
					assert.Equal(t, errorMediaType, mediaType, "%s %s: error media type", id, code)
					assert.Equal(t, "#/components/schemas/Error", mt.Schema.Ref, "%s %s: Error body", id, code)
				}
			}
		}
		assert.True(t, hasSuccess, "%s declares a 2xx response", id)

		if o.Op.RequestBody != nil {
			for mediaType := range o.Op.RequestBody.Value.Content {
				assert.Equal(t, "application/json", mediaType, "%s: request media type", id)
			}
		}
	}
}

func TestTokenOperation(t *testing.T) {
	doc := apispectest.Load(t, Document())
	o := doc.Paths.Value("/oauth/v2/token").Post
	require.NotNil(t, o)
	body := o.RequestBody.Value
	assert.True(t, body.Required)
	for _, mediaType := range []string{"application/x-www-form-urlencoded", "multipart/form-data"} {
		mt := body.Content.Get(mediaType)
		if assert.NotNil(t, mt, mediaType) {
			schema := mt.Schema.Value
			assert.Equal(t, []string{"grant_type"}, schema.Required)
			for _, field := range []string{"grant_type", "scope", "client_id", "client_secret"} {
				assert.Contains(t, schema.Properties, field)
			}
			assert.Equal(t, []any{"client_credentials"}, schema.Properties["grant_type"].Value.Enum)
		}
	}
	ok := o.Responses.Value("200").Value.Content.Get("application/json")
	require.NotNil(t, ok)
	assert.True(t, ok.Schema.Value.Properties["scope"].Value.Nullable)
	assert.True(t, ok.Schema.Value.Properties["expires_in"].Value.Type.Is("integer"))
	for _, code := range []string{"400", "401"} {
		mt := o.Responses.Value(code).Value.Content.Get("application/json")
		if assert.NotNil(t, mt, code) {
			assert.ElementsMatch(t,
				[]any{"invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"},
				mt.Schema.Value.Properties["error"].Value.Enum)
		}
	}
}

func TestParameterFormats(t *testing.T) {
	doc := apispectest.Load(t, Document())
	format := func(path, name string) string {
		for _, p := range doc.Paths.Value(path).Parameters {
			if p.Value.Name == name {
				return p.Value.Schema.Value.Format
			}
		}
		t.Fatalf("%s has no parameter %s", path, name)
		return ""
	}
	base := "/facilities/{facility_id}/doctors/{doctor_id}/addresses/{address_id}/slots/"
	assert.Equal(t, "date", format(base+"{date}", "date"))
	assert.Equal(t, "date-time", format(base+"{start}/book", "start"))

	limit := doc.Paths.Value("/notifications/multiple").Get.Parameters.GetByInAndName("query", "limit")
	require.NotNil(t, limit)
	// The provider states 1..100 in prose and declares no error: the mock
	// clamps instead of refusing, so the schema sets no bounds.
	assert.Nil(t, limit.Schema.Value.Min)
	assert.Nil(t, limit.Schema.Value.Max)
	assert.Equal(t, 1, int(limit.Schema.Value.Default.(float64)))

	for _, id := range []string{"getSlots", "getBookings"} {
		o := apispectest.Find(t, doc, id).Op
		for _, name := range []string{"start", "end"} {
			p := o.Parameters.GetByInAndName("query", name)
			if assert.NotNil(t, p, "%s %s", id, name) {
				assert.True(t, p.Required, "%s: %s is required", id, name)
				assert.Equal(t, "date-time", p.Schema.Value.Format)
			}
		}
	}
	breaks := apispectest.Find(t, doc, "getCalendarBreaks").Op
	for _, name := range []string{"since", "till"} {
		p := breaks.Parameters.GetByInAndName("query", name)
		if assert.NotNil(t, p, name) {
			assert.True(t, p.Required, "getCalendarBreaks: %s is required", name)
		}
	}
}

func TestErrorSchemaAcceptsBothErrorShapes(t *testing.T) {
	doc := apispectest.Load(t, Document())
	schema := doc.Components.Schemas["Error"].Value
	assert.NoError(t, schema.VisitJSON(map[string]any{"message": "Object not found", "errors": []any{}}))
	assert.NoError(t, schema.VisitJSON(map[string]any{
		"message": "Invalid arguments",
		"errors":  map[string]any{"slots[0].start": []any{"This value is not valid."}},
	}))
	assert.NoError(t, schema.VisitJSON(map[string]any{"message": "no errors member"}))
	assert.Error(t, schema.VisitJSON(map[string]any{"errors": []any{}}), "message is required")
	assert.Error(t, schema.VisitJSON(map[string]any{"message": "x", "errors": "flat string"}))
	assert.Error(t, schema.VisitJSON(map[string]any{"message": "x", "errors": map[string]any{"f": "not a list"}}))
}

func TestNotifications(t *testing.T) {
	doc := apispectest.Load(t, Document())
	generic := doc.Components.Schemas["Notification"].Value
	var names []any
	for _, e := range notificationEvents {
		names = append(names, e)
	}
	assert.ElementsMatch(t, names, generic.Properties["name"].Value.Enum, "Notification.name lists all 17 events")

	for _, e := range notificationEvents {
		ref := doc.Components.Schemas["Notification_"+strings.ReplaceAll(e, "-", "_")]
		if !assert.NotNil(t, ref, "schema for %s", e) {
			continue
		}
		assert.Equal(t, []any{e}, ref.Value.Properties["name"].Value.Enum, "%s: name enum", e)
		assert.ElementsMatch(t, []string{"name", "data", "created_at"}, ref.Value.Required, e)
		assert.Equal(t, "date-time", ref.Value.Properties["created_at"].Value.Format, e)
	}

	set := apispectest.Find(t, doc, "setNotificationSettings").Op
	cb := set.Callbacks["notification"]
	require.NotNil(t, cb, "setNotificationSettings carries the PUSH callbacks")
	item := cb.Value.Value("{$request.body#/url}")
	require.NotNil(t, item)
	require.NotNil(t, item.Post)
	body := item.Post.RequestBody.Value.Content.Get("application/json")
	require.NotNil(t, body)
	assert.Len(t, body.Schema.Value.OneOf, len(notificationEvents))
	assert.Len(t, body.Examples, len(notificationEvents))
	assert.NotNil(t, item.Post.Responses.Value("2XX"))

	for path := range doc.Paths.Map() {
		assert.NotContains(t, path, "client-endpoint-url", "no catch-all PUSH path")
	}

	settings := doc.Components.Schemas["NotificationSettingsRequest"].Value
	assert.NoError(t, settings.VisitJSON(map[string]any{"model": "push", "url": "https://partner.example.com/hook"}))
	assert.NoError(t, settings.VisitJSON(map[string]any{"model": "pull"}))
	assert.Error(t, settings.VisitJSON(map[string]any{"model": "push"}), "push needs a url")
	assert.Error(t, settings.VisitJSON(map[string]any{"model": "push", "url": nil}), "push needs a url")
	assert.Error(t, settings.VisitJSON(map[string]any{"model": "webhook"}))
}

// TestExamplesValidate walks every example of the document (request bodies, responses and
// callbacks) and validates it against the schema it illustrates, in the right direction, and
// checks that no example of components/examples is left unused.
func TestExamplesValidate(t *testing.T) {
	doc := apispectest.Load(t, Document())
	used := map[string]bool{}
	count := 0

	check := func(where string, mt *openapi3.MediaType, opts ...openapi3.SchemaValidationOption) {
		if mt == nil || mt.Schema == nil {
			return
		}
		if mt.Example != nil {
			count++
			assert.NoError(t, mt.Schema.Value.VisitJSON(mt.Example, opts...), "%s: example", where)
		}
		for name, ex := range mt.Examples {
			count++
			if ex.Ref != "" {
				used[strings.TrimPrefix(ex.Ref, "#/components/examples/")] = true
			}
			if assert.NotNil(t, ex.Value, "%s: example %s resolves", where, name) {
				assert.NoError(t, mt.Schema.Value.VisitJSON(ex.Value.Value, opts...), "%s: example %s", where, name)
			}
		}
	}
	var walk func(prefix string, o *openapi3.Operation)
	walk = func(prefix string, o *openapi3.Operation) {
		if o.RequestBody != nil {
			for mediaType, mt := range o.RequestBody.Value.Content {
				check(prefix+" request "+mediaType, mt, openapi3.VisitAsRequest(), openapi3.MultiErrors())
			}
		}
		for code, r := range o.Responses.Map() {
			for mediaType, mt := range r.Value.Content {
				check(prefix+" "+code+" "+mediaType, mt, openapi3.VisitAsResponse(), openapi3.MultiErrors())
			}
		}
		for name, cb := range o.Callbacks {
			for expr, item := range cb.Value.Map() {
				for method, co := range item.Operations() {
					walk(prefix+" callback "+name+" "+expr+" "+method, co)
				}
			}
		}
	}
	for _, o := range apispectest.Operations(doc) {
		walk(o.Op.OperationID, o.Op)
	}
	assert.Greater(t, count, 200, "examples checked")
	for name := range doc.Components.Examples {
		assert.True(t, used[name], "components/examples/%s is never used", name)
	}
}

func TestRouter(t *testing.T) {
	doc := apispectest.Load(t, Document())
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)

	const fda = "/api/v3/integration/facilities/4120/doctors/77301/addresses/90412"
	cases := []struct{ method, url, id string }{
		{http.MethodPost, "/oauth/v2/token", "getToken"},
		{http.MethodGet, "/api/v3/integration/facilities", "getFacilities"},
		{http.MethodGet, "/api/v3/integration/facilities/4120/doctors/77301", "getDoctor"},
		{http.MethodDelete, fda + "/integration", "removeAddressIntegration"},
		{http.MethodPut, fda + "/slots", "replaceSlots"},
		{http.MethodDelete, fda + "/slots/2026-03-02", "deleteSlots"},
		{http.MethodPost, fda + "/slots/2026-03-02T10%3A00%3A00%2B01%3A00/book", "bookSlot"},
		{http.MethodPost, fda + "/bookings/81234567/move", "moveBooking"},
		{http.MethodDelete, fda + "/bookings/81234567/presence/patient", "markPatientAbsence"},
		{http.MethodPatch, fda + "/breaks/3300917", "moveCalendarBreak"},
		{http.MethodPut, "/api/v3/integration/facilities/4120/doctors/77301/opinion-request", "requestOpinion"},
		{http.MethodGet, "/api/v3/integration/notifications", "pullNotification"},
		{http.MethodGet, "/api/v3/integration/notifications/multiple?limit=5", "pullMultipleNotifications"},
		{http.MethodPost, "/api/v3/integration/notifications/release", "releaseNotifications"},
		{http.MethodPut, "/api/v3/integration/notifications/settings", "setNotificationSettings"},
		{http.MethodGet, "/api/v3/integration/notifications/settings", "getNotificationSettings"},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, "http://mock.local"+c.url, nil)
		route, _, err := router.FindRoute(req)
		if assert.NoError(t, err, "%s %s", c.method, c.url) {
			assert.Equal(t, c.id, route.Operation.OperationID, "%s %s", c.method, c.url)
		}
	}
	_, _, err = router.FindRoute(httptest.NewRequest(http.MethodGet, "http://mock.local/api/v3/integration/nowhere", nil))
	assert.Error(t, err, "unknown paths are not swallowed by a catch-all route")
}

func TestDocumentIsEmbedded(t *testing.T) {
	assert.True(t, strings.HasPrefix(string(Document()), "openapi: 3.0.3"))
	_ = context.Background()
}
