package dikidi

import (
	"fmt"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/runner"
)

// instructions are the staff actions as the salon's staff would do them in
// the connector's own system, for the operator of a joint session (accord
// session): action → text/template of its params; "action.field" asks for a
// field of the action's result.
var instructions = map[string]string{
	"add-record": `In your system, book {{name "master" .master_id}} for {{names "service" .service_ids}} at {{when .start}},
client {{with .client}}{{if .dikidi_id}}DIKIDI client {{.dikidi_id}}{{else}}{{.name}} {{.surname}} ({{.phone}}){{end}}{{end}}.`,
	"add-record.record_id":  "The record's id in your system",
	"add-record.dikidi_id":  "DIKIDI's id for the record, as your system shows it",
	"edit-record":           `In your system, change record {{.record_id}}:{{if .start}} move it to {{when .start}}{{end}}{{if .master_id}} to {{name "master" .master_id}}{{end}}{{if .status}} status {{.status}}{{end}}.`,
	"cancel-record":         `In your system, cancel record {{.record_id}}{{if .reason}} ("{{.reason}}"){{end}}.`,
	"occupy-time":           `In your system, block {{name "master" .master_id}}'s time from {{when .start}} to {{when .end}} without a client{{if .comment}} ("{{.comment}}"){{end}}.`,
	"occupy-time.record_id": "The blocked time's id in your system",
	"occupy-time.dikidi_id": "DIKIDI's id for it, as your system shows it",
	"change-schedule":       `In your system, set {{name "master" .master_id}}'s day {{.date}}: {{if .working}}working {{when .work_from}} – {{when .work_to}}{{else}}day off{{end}}.`,
}

// staff is the operator's part in a joint session: the salon's masters and
// services by name, and the ids the operator types checked in the partner's
// records at once.
func staff(f *dikidifixture.Fixture) runner.Staff {
	names := map[string]string{}
	if f != nil {
		for _, m := range f.Masters {
			names[fmt.Sprintf("master %d", m.ID)] = m.Name
		}
		for _, s := range f.Services {
			names[fmt.Sprintf("service %d", s.ID)] = s.Name
		}
	}
	return runner.Staff{
		Instructions: instructions,
		Names:        names,
		Checks: map[string]string{
			"add-record.record_id":  "records.id",
			"occupy-time.record_id": "records.id",
		},
	}
}
