package stepkit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/redact"
	"github.com/accord-harness/accord/internal/spec"
)

// Evidence summarises a partner's calls to the platform (titled as people
// write it), for a failure reason: the refused calls with their answers, or
// that all succeeded and which they were, or that there were none.
func Evidence(platform string, calls []journal.Entry) string {
	if len(calls) == 0 {
		return "the partner sent no request to " + platform
	}
	var refused []string
	ops := make([]string, 0, len(calls))
	for _, e := range calls {
		ops = append(ops, e.Operation)
		if e.Status >= 400 {
			refused = append(refused, Describe(e))
		}
	}
	if len(refused) == 0 {
		return fmt.Sprintf("the partner's %d requests all succeeded (%s)", len(calls), strings.Join(Tail(ops, 8), ", "))
	}
	return "refused requests: " + strings.Join(Tail(refused, 3), "; ")
}

// maxReason is how much of a body a failure reason quotes: it is a hint,
// the evidence has it whole.
const maxReason = 240

// Describe is one exchange, for a failure reason: what was asked, and the
// answer's status with why it was wrong (its violations), or its body.
// Secrets in the query are masked by name.
func Describe(e journal.Entry) string {
	out := fmt.Sprintf("%s %s (%s) → ", e.Method, (&redact.Redactor{}).URL(e.URL), e.Operation)
	switch {
	case e.Error != "":
		return out + e.Error
	case len(e.RequestViolations) > 0:
		return fmt.Sprintf("%s%d: %s", out, e.Status, spec.Summary(e.RequestViolations))
	case len(e.ResponseViolations) > 0:
		return fmt.Sprintf("%s%d: %s", out, e.Status, spec.Summary(Head(e.ResponseViolations, 3)))
	}
	body := strings.Join(strings.Fields(string(e.ResponseBody)), " ")
	if r := []rune(body); len(r) > maxReason {
		body = string(r[:maxReason]) + "… (the whole body is in the evidence)"
	}
	return fmt.Sprintf("%s%d: %s", out, e.Status, body)
}

// Tail is the last n of xs.
func Tail[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[len(xs)-n:]
	}
	return xs
}

// Head is the first n of xs.
func Head[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

// CoverageRow is one operation of the platform's document and how the
// partner's run used it.
type CoverageRow struct {
	Operation string `json:"operation"`
	Flow      string `json:"flow"`
	Required  bool   `json:"required"`
	Calls     int    `json:"calls"`
	Succeeded int    `json:"succeeded"`
}

// Tally counts calls by operation.
type Tally struct{ calls, succeeded map[string]int }

// Add counts one call of an operation with the status it was answered.
func (t *Tally) Add(operation string, status int) {
	if t.calls == nil {
		t.calls, t.succeeded = map[string]int{}, map[string]int{}
	}
	t.calls[operation]++
	if status >= 200 && status < 300 {
		t.succeeded[operation]++
	}
}

// Coverage is the API coverage table of summary.json: every operation,
// whether the partner must use it, and the calls counted, by flow and name.
func Coverage(ops []spec.Operation, required func(spec.Operation) bool, t Tally) []CoverageRow {
	rows := make([]CoverageRow, 0, len(ops))
	for _, op := range ops {
		rows = append(rows, CoverageRow{op.ID, op.Flow, required(op), t.calls[op.ID], t.succeeded[op.ID]})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Flow != rows[j].Flow {
			return rows[i].Flow < rows[j].Flow
		}
		return rows[i].Operation < rows[j].Operation
	})
	return rows
}
