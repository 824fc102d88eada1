package docplanner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/spec"
)

func registerCoverage(sc *godog.ScenarioContext, w *world) {
	sc.Step(w.re(`^the partner called every operation the acceptance requires$`), w.requiredCalled)
}

// requiredCalled reads "required" from the OpenAPI document
// (x-accord-required, and x-accord-when for the operations only one
// notification model uses), so the document stays the one source of truth.
func (w *world) requiredCalled() error {
	called := map[string]bool{}
	for _, e := range w.calls(0) {
		called[e.Operation] = true
	}
	var missing []string
	for _, op := range w.s.mock.SpecDoc().Operations() {
		if !w.s.required(op, w.model) || called[op.ID] || slices.ContainsFunc(op.Alternatives, func(a string) bool { return called[a] }) {
			continue
		}
		alt := ""
		if len(op.Alternatives) > 0 {
			alt = " or " + strings.Join(op.Alternatives, " or ")
		}
		missing = append(missing, fmt.Sprintf("%s%s (%s %s, flow %s)", op.ID, alt, strings.ToUpper(op.Method), op.Path, op.Flow))
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("all methods implemented: the partner never called %d required operations: %s", len(missing), strings.Join(missing, "; "))
	}
	return nil
}

// required tells whether acceptance requires op of a partner taking its
// notifications by model: x-accord-required, unless the operation's
// x-accord-when names choices the partner did not make (setNotificationSettings
// for PUSH, pulling for PULL).
func (s *stage) required(op spec.Operation, model string) bool {
	if !op.Required {
		return false
	}
	item := s.mock.SpecDoc().Doc.Paths.Find(op.Path)
	if item == nil {
		return true
	}
	o := item.GetOperation(op.Method)
	if o == nil {
		return true
	}
	when, _ := o.Extensions["x-accord-when"].(map[string]any)
	for name, want := range when {
		chosen := s.Caps[name]
		if name == capNotifications {
			chosen = model
		}
		if fmt.Sprint(want) != chosen {
			return false
		}
	}
	return true
}
