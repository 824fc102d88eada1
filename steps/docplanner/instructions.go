package docplanner

import (
	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/runner"
)

// instructions are the staff actions as a receptionist would do them, for
// the operator of a joint session (accord session): action → text/template
// of its params; "action.field" asks for a field of the action's result.
var instructions = map[string]string{
	"book-visit": `In the clinic's system, book a visit: {{name "service" .service_id}} on {{name "calendar" .location_id}}, {{when .start}},
for patient {{.patient.name}} {{.patient.surname}} ({{.patient.phone}}, {{.patient.email}}).`,
	"book-visit.booking_id": "The visit's id in the clinic's system",
	"cancel-visit":          `In the clinic's system, cancel visit {{.booking_id}}.`,
	"move-visit":            `In the clinic's system, move visit {{.booking_id}} to {{when .start}}{{if .location_id}} on {{name "calendar" .location_id}}{{end}} (same service).`,
	"set-working-hours": `In the clinic's system, set the working hours of {{name "calendar" .location_id}} on {{.weekday}}s to
{{if .from}}{{.from}}–{{.to}}{{else}}a day off{{end}}.`,
	"add-break": `In the clinic's system, add a break to {{name "calendar" .location_id}} from {{when .since}} till {{when .till}}
("{{.description}}").`,
	"add-break.break_id": "The break's id in the clinic's system",
	"move-break":         `In the clinic's system, move break {{.break_id}} to {{when .since}} – {{when .till}}.`,
	"remove-break":       `In the clinic's system, remove break {{.break_id}}.`,
}

// staff is the operator's part in a joint session: the clinic's calendars
// and services by name, and the ids the operator types checked in the
// partner's views at once.
func staff(f *docplannerfixture.Fixture) runner.Staff {
	names := map[string]string{}
	if f != nil {
		doctors := map[string]string{}
		for _, d := range f.Partner.Doctors {
			doctors[d.ID] = d.Name + " " + d.Surname
		}
		// Two doctors work at Centrum: a calendar is its doctor at a place.
		for _, l := range f.Partner.Locations {
			names["calendar "+l.ID] = doctors[l.DoctorID] + " at " + l.Name
		}
		for _, s := range f.Partner.Services {
			names["service "+s.ID] = s.Name
		}
	}
	return runner.Staff{
		Instructions: instructions,
		Names:        names,
		Checks: map[string]string{
			"book-visit.booking_id": "bookings.id",
			"add-break.break_id":    "breaks.id",
		},
	}
}
