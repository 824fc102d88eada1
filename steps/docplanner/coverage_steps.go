package docplanner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cucumber/godog"
)

func registerCoverage(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the partner called every operation the acceptance requires$`, w.requiredCalled)
}

// requiredCalled reads "required" from the OpenAPI document
// (x-accord-required), so the document stays the one source of truth.
func (w *world) requiredCalled() error {
	called := map[string]bool{}
	for _, e := range w.calls(0) {
		called[e.Operation] = true
	}
	var missing []string
	for _, op := range w.s.mock.SpecDoc().Operations() {
		if !op.Required || called[op.ID] || slices.ContainsFunc(op.Alternatives, func(a string) bool { return called[a] }) {
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
