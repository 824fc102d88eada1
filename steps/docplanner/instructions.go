package docplanner

// instructions are the staff actions as a receptionist would do them, for
// the operator of a joint session (accord session): action → text/template
// of its params; "action.field" asks for a field of the action's result.
var instructions = map[string]string{
	"book-visit": `In the clinic's system, book a visit: {{.service_id}} on calendar {{.location_id}}, {{when .start}},
for patient {{.patient.name}} {{.patient.surname}} ({{.patient.phone}}, {{.patient.email}}).`,
	"book-visit.booking_id": "The visit's id in the clinic's system",
	"cancel-visit":          `In the clinic's system, cancel visit {{.booking_id}}.`,
	"move-visit":            `In the clinic's system, move visit {{.booking_id}} to {{when .start}} (same calendar and service).`,
	"set-working-hours": `In the clinic's system, set the working hours of calendar {{.location_id}} on {{.weekday}}s to
{{if .from}}{{.from}}–{{.to}}{{else}}a day off{{end}}.`,
	"add-break": `In the clinic's system, add a break to calendar {{.location_id}} from {{when .since}} till {{when .till}}
("{{.description}}").`,
	"add-break.break_id": "The break's id in the clinic's system",
	"move-break":         `In the clinic's system, move break {{.break_id}} to {{when .since}} – {{when .till}}.`,
	"remove-break":       `In the clinic's system, remove break {{.break_id}}.`,
}
