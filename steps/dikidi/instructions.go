package dikidi

// instructions are the staff actions as the salon's staff would do them in
// the connector's own system, for the operator of a joint session (accord
// session): action → text/template of its params; "action.field" asks for a
// field of the action's result.
var instructions = map[string]string{
	"add-record": `In your system, book master {{.master_id}} for service(s) {{list .service_ids}} at {{when .start}},
client {{with .client}}{{if .dikidi_id}}DIKIDI client {{.dikidi_id}}{{else}}{{.name}} {{.surname}} ({{.phone}}){{end}}{{end}}.`,
	"add-record.record_id":  "The record's id in your system",
	"add-record.dikidi_id":  "DIKIDI's id for the record, as your system shows it",
	"edit-record":           `In your system, change record {{.record_id}}:{{if .start}} move it to {{when .start}}{{end}}{{if .master_id}} master {{.master_id}}{{end}}{{if .status}} status {{.status}}{{end}}.`,
	"cancel-record":         `In your system, cancel record {{.record_id}}{{if .reason}} ("{{.reason}}"){{end}}.`,
	"occupy-time":           `In your system, block master {{.master_id}}'s time from {{when .start}} to {{when .end}} without a client{{if .comment}} ("{{.comment}}"){{end}}.`,
	"occupy-time.record_id": "The blocked time's id in your system",
	"occupy-time.dikidi_id": "DIKIDI's id for it, as your system shows it",
	"change-schedule":       `In your system, set master {{.master_id}}'s day {{.date}}: {{if .working}}working {{when .work_from}} – {{when .work_to}}{{else}}day off{{end}}.`,
}
