package dikidi

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/accord-harness/accord/internal/stepkit"

	"github.com/cucumber/godog"
)

// A table of changes the partner's staff try one after another, each judged
// on its own: a paused or deleted key must stop every one of them, not only
// the one a scenario happens to name.

// try is one change tried and what came of it.
type try struct {
	change   string
	err      error
	from, to int64 // the journal's sequence numbers around it
}

// tryable maps a table row (a staff step without "the partner's staff try
// to") to the step that carries it out.
var tryable = []struct {
	re *regexp.Regexp
	do func(w *world, m []string) error
}{
	{regexp.MustCompile(`^add (?:a|an) ` + svcMasterDay + forClient + `$`), func(w *world, m []string) error {
		return w.staffAdds("try to ", m[1], m[2], m[3], m[4], m[5], m[6])
	}},
	{regexp.MustCompile(`^move that record to (?:(\w+ \w+) on )?` + day + ` at (\d\d:\d\d)$`), func(w *world, m []string) error {
		return w.staffMoves("try to ", m[1], m[2], m[3])
	}},
	{regexp.MustCompile(`^cancel that record$`), func(w *world, _ []string) error { return w.staffCancels("try to ") }},
	{regexp.MustCompile(`^occupy (\w+ \w+)'s time on ` + day + ` from (\d\d:\d\d) to (\d\d:\d\d)$`), func(w *world, m []string) error {
		return w.staffOccupies("try to ", m[1], m[2], m[3], m[4])
	}},
	{regexp.MustCompile(`^move that time to ` + day + ` at (\d\d:\d\d)$`), func(w *world, m []string) error {
		return w.staffMovesTime("try to ", m[1], m[2])
	}},
	{regexp.MustCompile(`^release that time$`), func(w *world, _ []string) error { return w.staffReleases("try to ") }},
	// the salon's administrator asks the connector to link the key again
	{regexp.MustCompile(`^activate the key again$`), func(w *world, _ []string) error {
		return w.act("try to ", "activation", "activate the key", "activate", map[string]any{}, nil)
	}},
	{regexp.MustCompile(`^set (\w+ \w+)'s hours on ` + day + ` to ` + hours + withBreak + `$`), func(w *world, m []string) error {
		return w.staffSetsHours("try to ", m[1], m[2], m[3], m[4], m[5], m[6])
	}},
}

func registerTries(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the partner's staff try each of these changes:$`, w.tryEach)
	sc.Step(`^the partner refused each of them itself, saying it is "([^"]*)"$`, w.refusedEach)
}

func (w *world) tryEach(table *godog.Table) error {
	w.tries = nil
	for _, row := range table.Rows {
		change := strings.TrimSpace(row.Cells[0].Value)
		var m []string
		var do func(*world, []string) error
		for _, t := range tryable {
			if m = t.re.FindStringSubmatch(change); m != nil {
				do = t.do
				break
			}
		}
		if do == nil {
			return fmt.Errorf("the partner's staff cannot try %q: not a change the steps know", change)
		}
		if err := do(w, m); err != nil {
			return err
		}
		w.tries = append(w.tries, try{change: change, err: w.actErr, from: w.actMark, to: w.Mark()})
	}
	return nil
}

// refusedEach: every change tried was refused by the partner itself, naming
// why, with no change sent to DIKIDI.
func (w *world) refusedEach(text string) error {
	if len(w.tries) == 0 {
		return fmt.Errorf("no change was tried in this scenario")
	}
	flow := flowOfRefusal(text)
	var bad []string
	for _, t := range w.tries {
		var writes []string
		for _, e := range w.calls(t.from) {
			if e.Seq <= t.to && e.Method != http.MethodGet {
				writes = append(writes, stepkit.Describe(e))
			}
		}
		switch {
		case t.err == nil:
			bad = append(bad, fmt.Sprintf("%q was carried out", t.change))
		case !strings.Contains(t.err.Error(), text):
			bad = append(bad, fmt.Sprintf("%q was refused without naming %q: %v", t.change, text, t.err))
		}
		if len(writes) > 0 {
			bad = append(bad, fmt.Sprintf("%q was sent to DIKIDI: %s", t.change, strings.Join(writes, "; ")))
		}
	}
	if len(bad) > 0 {
		refusals := "unknown"
		if st, err := w.status(); err == nil {
			refusals = orNone(st.refusals())
		}
		return fmt.Errorf("%s: the partner did not refuse every change itself (%s): %s (its own list of refusals: %s)", flow, w.keyNow(), strings.Join(bad, "; "), refusals)
	}
	return nil
}
