package docplanner_test

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// TestGetSlotsListsEverySlotAdded: getSlots answers the slots as fed, booked
// and inside breaks included (the guide's "all currently added slots"), and
// 404 NoSlotsOnAddress when a period holds none.
func TestGetSlotsListsEverySlotAdded(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v) // books 08:00 (integration) and 09:00 (patient)
	start := v.slotStart(t)
	_, err := v.mock.DoctorAddsBreak("alpha", "3001", start.Add(2*time.Hour), start.Add(3*time.Hour))
	require.NoError(t, err)
	got := f.api.GET(addr + "/slots").WithQueryString(f.slotsQuery).Expect().Status(200).JSON(okJSON).Object().Value("_items").Array()
	got.Length().IsEqual(8) // 08:00-12:00 every 30 minutes, whatever is booked or on a break
	for _, at := range []time.Time{start, start.Add(time.Hour), start.Add(2 * time.Hour)} {
		got.ContainsAny(map[string]any{"start": at.Format("2006-01-02T15:04:05-07:00")})
	}

	empty := url.Values{"start": {start.Add(48 * time.Hour).Format(time.RFC3339)}, "end": {start.Add(72 * time.Hour).Format(time.RFC3339)}}
	f.api.GET(addr+"/slots").WithQueryString(empty.Encode()).Expect().Status(404).JSON(errorJSON).Object().
		HasValue("message", "No slots found on given address")
	other := "/api/v3/integration/facilities/1001/doctors/2001/addresses/3002"
	f.api.GET(other+"/slots").WithQueryString(f.slotsQuery).Expect().Status(404).JSON(errorJSON).Object().
		HasValue("message", "No slots found on given address")
	noViolations(t, v.mock)
}

// TestTheIntegrationsOwnChangesEmitNoNotification: bookSlot, moveBooking and
// cancelBooking by the integration tell no one; a patient's booking does.
func TestTheIntegrationsOwnChangesEmitNoNotification(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v) // the patient's booking queued one slot-booked
	api := f.api
	b := api.GET(addr + "/bookings/" + f.booking).Expect().Status(200).JSON(okJSON).Object()
	svc := b.Value("address_service").Object().Value("id").String().Raw()
	moved := api.POST(addr + "/bookings/" + f.booking + "/move").WithJSON(map[string]any{
		"start": v.slotStart(t).Add(90 * time.Minute).Format(time.RFC3339), "address_service_id": svc,
	}).Expect().Status(201).JSON(okJSON).Object().Value("id").String().Raw()
	api.DELETE(addr + "/bookings/" + moved).Expect().Status(204)

	n, err := v.mock.PendingPull("alpha")
	require.NoError(t, err)
	assert.Equal(t, 1, n, "only the patient's booking is news to the integration")
	pushes := v.mock.Journal().Select(func(e journal.Entry) bool { return e.Direction == journal.Outbound })
	assert.Empty(t, pushes)
}

// TestLenientWhereTheRecordDeclaresNoError: values outside what the provider
// describes in prose, where it declares no error, are read, not refused.
func TestLenientWhereTheRecordDeclaresNoError(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v)
	api := f.api
	start := v.slotStart(t)
	_, err := v.mock.DoctorAddsBreak("alpha", "3001", start.Add(3*time.Hour), start.Add(4*time.Hour))
	require.NoError(t, err) // two notifications queued: the patient's booking and the break
	api.GET("/api/v3/integration/notifications/multiple").WithQuery("limit", 0).Expect().Status(200).JSON(okJSON).Object().
		HasValue("remaining", 1)
	api.GET("/api/v3/integration/notifications/multiple").WithQuery("limit", 500).Expect().Status(200).JSON(okJSON).Object().
		HasValue("remaining", 0)
	api.GET(addr+"/bookings").WithQueryString(f.slotsQuery+"&page=0&limit=0").Expect().Status(200).JSON(okJSON).Object().
		HasValue("page", 1).HasValue("limit", 100)
	api.POST(addr + "/insurance-providers").WithJSON(map[string]any{"insurance_provider_id": "51", "insurance_plans": []map[string]any{{}}}).
		Expect().Status(204)
	api.POST(addr + "/insurance-providers").WithJSON(map[string]any{"insurance_provider_id": "51", "insurance_plans": []map[string]any{{"insurance_plan_id": "999"}}}).
		Expect().Status(400)

	opinion := "/api/v3/integration/facilities/1001/doctors/2001/opinion-request"
	api.PUT(opinion).Expect().Status(400).JSON(errorJSON).Object().HasValue("message", "Phone number is invalid.")
	api.PUT(opinion).WithJSON(map[string]any{"phone": "+48600111222"}).Expect().Status(200)
	noViolations(t, v.mock)
}

// TestWhatTheDocumentSaysOfAddressesAndInsurers: each rule the document
// states in prose for these operations, as the mock applies it.
func TestWhatTheDocumentSaysOfAddressesAndInsurers(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v)
	api := f.api
	online := "/api/v3/integration/facilities/1001/doctors/2002/addresses/3009"

	// Only a DocplannerPMS client may remove the integration mark.
	api.DELETE(addr+"/integration").Expect().Status(403).JSON(errorJSON).Object().HasValue("message", "You are not authorized to use this feature")
	admin := httptest.NewServer(v.mock.AdminHandler())
	defer admin.Close()
	httpexpect.Default(t, admin.URL).PUT("/_accord/clients/alpha/pms").WithJSON(map[string]any{"on": true}).Expect().Status(204)
	api.DELETE(addr + "/integration").Expect().Status(202)

	// Only a premium address has a calendar.
	api.GET(online+"/calendar").Expect().Status(404).JSON(errorJSON).Object().HasValue("message", "Calendar does not exist")

	// add refuses a provider already there; updateOrCreate replaces it; delete refuses one not there.
	ins := "/api/v3/integration/facilities/1001/doctors/2001/addresses/3002/insurance-providers"
	api.POST(ins).WithJSON(map[string]any{"insurance_provider_id": "52"}).Expect().Status(204)
	api.POST(ins).WithJSON(map[string]any{"insurance_provider_id": "52"}).Expect().Status(400)
	api.PUT(ins).WithJSON(map[string]any{"insurance_provider_id": "52", "insurance_plans": []map[string]any{{"insurance_plan_id": "521"}}}).Expect().Status(204)
	api.GET(ins).Expect().Status(200).JSON(okJSON).Object().Value("_items").Array().Value(0).Object().
		Value("insurance_plans").Object().Value("_items").Array().Length().IsEqual(1)
	api.DELETE(ins + "/52").Expect().Status(204)
	api.DELETE(ins + "/52").Expect().Status(400)
	noViolations(t, v.mock)
}

// TestServicesOfADayAndCoupledBreaks: getAddressServices with start, and a
// break applied on the coupled (online-only) address, moved and removed with it.
func TestServicesOfADayAndCoupledBreaks(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v)
	api := f.api
	start := v.slotStart(t)
	day := api.GET(addr+"/services").WithQuery("start", start.Format(time.RFC3339)).Expect().Status(200).JSON(okJSON).Object().Value("_items").Array()
	day.Length().IsEqual(1)
	day.Value(0).Object().HasValue("duration", 30)
	api.GET(addr+"/services").WithQuery("start", start.Add(72*time.Hour).Format(time.RFC3339)).Expect().Status(200).JSON(okJSON).Object().
		Value("_items").Array().IsEmpty()

	piotr := "/api/v3/integration/facilities/1001/doctors/2002/addresses/3003"
	since := start.Add(48 * time.Hour)
	id := api.POST(piotr + "/breaks").WithJSON(map[string]any{
		"since": since.Format(time.RFC3339), "till": since.Add(time.Hour).Format(time.RFC3339), "apply_on_coupled_addresses": true,
	}).Expect().Status(201).JSON(okJSON).Object().Value("id").String().Raw()
	breaksOf := func(addressID string) []docplannermock.BreakView {
		a, err := v.mock.Address("alpha", addressID, since, since.Add(24*time.Hour))
		require.NoError(t, err)
		return a.Breaks
	}
	require.Len(t, breaksOf("3009"), 1, "the online-only address of the same doctor gets the break too")
	api.PATCH(piotr + "/breaks/" + id).WithJSON(map[string]any{"since": since.Add(time.Hour).Format(time.RFC3339), "till": since.Add(2 * time.Hour).Format(time.RFC3339)}).
		Expect().Status(204)
	assert.True(t, breaksOf("3009")[0].Since.Equal(since.Add(time.Hour)), "the coupled break moves with it")
	api.DELETE(piotr + "/breaks/" + id).Expect().Status(204)
	assert.Empty(t, breaksOf("3009"), "the coupled break goes with it")
	noViolations(t, v.mock)
}

// TestNotificationsCarryTheBookingsSignature: booking notifications carry
// the signature the document declares.
func TestNotificationsCarryTheBookingsSignature(t *testing.T) {
	v := newEnv(t, docplannermock.Options{})
	f := newScopeFixture(t, v)
	n := f.api.GET("/api/v3/integration/notifications").Expect().Status(200).JSON(okJSON).Object()
	n.HasValue("name", "slot-booked")
	n.Value("data").Object().Value("visit_booking").Object().Value("signature").String().NotEmpty()
	noViolations(t, v.mock)
}
