package docplanner_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/journal"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
)

// TestOfficialClientDatesAreTakenWithAWarning: the official PHP SDK sends
// dates as date-times. The mock takes the date part, as the real platform
// must, and journals a warning, not a violation; anything else still fails.
func TestOfficialClientDatesAreTakenWithAWarning(t *testing.T) {
	tests := []struct {
		name    string
		call    func(v *env, f scopeFixture) int
		status  int
		warning string // field of the expected warning; "" for none
	}{
		{"deleteSlots with a date-time", func(v *env, f scopeFixture) int {
			day := v.slotStart(t).Format("2006-01-02") + "T00:00:00+01:00"
			return f.api.DELETE(addr + "/slots/" + url.PathEscape(day)).Expect().Raw().StatusCode
		}, 204, "date"},
		{"deleteSlots with a date", func(v *env, f scopeFixture) int {
			return f.api.DELETE(addr + "/slots/" + v.slotStart(t).Format("2006-01-02")).Expect().Raw().StatusCode
		}, 204, ""},
		{"deleteSlots with no date at all", func(v *env, f scopeFixture) int {
			return f.api.DELETE(addr + "/slots/tomorrow").Expect().Raw().StatusCode
		}, 400, ""},
		{"bookSlot with a date-time birth date", func(v *env, f scopeFixture) int {
			return book(t, v, f, "1980-05-17T00:00:00+02:00")
		}, 200, "patient.birth_date"},
		{"bookSlot with a broken birth date", func(v *env, f scopeFixture) int {
			return book(t, v, f, "17.05.1980")
		}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newEnv(t, docplannermock.Options{})
			f := newScopeFixture(t, v)
			mark := v.mock.Journal().LastSeq()
			assert.Equal(t, tt.status, tt.call(v, f))
			es := v.mock.Journal().Select(func(e journal.Entry) bool {
				return e.Seq > mark && (e.Operation == "deleteSlots" || e.Operation == "bookSlot")
			})
			require.Len(t, es, 1)
			if tt.warning == "" {
				assert.Empty(t, es[0].Warnings)
				return
			}
			require.Len(t, es[0].Warnings, 1)
			assert.Equal(t, tt.warning, es[0].Warnings[0].Field)
			assert.Empty(t, es[0].RequestViolations, "a tolerated request breaks nothing")
			noViolations(t, v.mock)
		})
	}
}

// book books the second slot for a patient with the given birth date and,
// when it succeeds, checks the booking keeps the date alone.
func book(t *testing.T, v *env, f scopeFixture, birth string) int {
	t.Helper()
	start := v.slotStart(t).Add(30 * time.Minute)
	svc := f.api.GET(addr + "/services").Expect().JSON(okJSON).Object().Value("_items").Array().Value(0).Object().Value("id").String().Raw()
	r := f.api.POST(addr + "/slots/" + url.PathEscape(start.Format(time.RFC3339)) + "/book").WithJSON(map[string]any{
		"address_service_id": svc, "duration": 30,
		"patient": map[string]any{"name": "Jan", "phone": "+48600111222", "birth_date": birth},
	}).Expect()
	if r.Raw().StatusCode == 200 {
		id := r.JSON(okJSON).Object().Value("id").String().Raw()
		f.api.GET(addr+"/bookings/"+id).Expect().Status(200).JSON(okJSON).Object().
			Value("patient").Object().HasValue("birth_date", "1980-05-17")
	}
	return r.Raw().StatusCode
}
