package docplanner

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/accord-harness/accord/internal/journal"
)

// The official PHP SDK writes every date as a date-time with an offset
// (1980-05-17T00:00:00+02:00), also where the document wants a date. The
// real platform must take what its own client sends, so the mock takes the
// date part, and the journal keeps a warning. Only these fields are dates.
var (
	dateTimeAsDate = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$`)
	datePaths      = map[string]bool{"deleteSlots": true}
	dateBodies     = map[string][]string{"bookSlot": {"patient", "birth_date"}}
)

func (p policy) Tolerate(op string, params map[string]string, body []byte) ([]byte, []journal.Violation) {
	var warnings []journal.Violation
	if datePaths[op] {
		if day, ok := datePart(params["date"]); ok {
			warnings = append(warnings, dateWarning("path", "date", params["date"], day))
			params["date"] = day
		}
	}
	if path, ok := dateBodies[op]; ok {
		var doc map[string]any
		if json.Unmarshal(body, &doc) != nil {
			return body, warnings
		}
		parent := doc
		for _, key := range path[:len(path)-1] {
			if parent, ok = parent[key].(map[string]any); !ok {
				return body, warnings
			}
		}
		leaf := path[len(path)-1]
		raw, _ := parent[leaf].(string)
		if day, ok := datePart(raw); ok {
			parent[leaf] = day
			if rewritten, err := json.Marshal(doc); err == nil {
				warnings = append(warnings, dateWarning("body", fieldKey(strings.Join(path, ".")), raw, day))
				body = rewritten
			}
		}
	}
	return body, warnings
}

// datePart is the calendar date a date-time names in its own offset.
func datePart(s string) (string, bool) {
	m := dateTimeAsDate.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func dateWarning(in, field, got, day string) journal.Violation {
	return journal.Violation{In: in, Field: field, Rule: "format",
		Message: "a date-time where the document wants a date (as the official PHP SDK sends it), got \"" + got + "\"; taken as " + day}
}
