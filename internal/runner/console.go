package runner

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// console is what a run prints by default: a header, one line a scenario,
// and for one that did not pass the step and why, indented; godog's own
// pretty format, with every step and its Go location, is --verbose.
type console struct {
	w     io.Writer
	start time.Time
	// of the scenario running
	feature, step string
	err           error
}

var _ Progress = (*console)(nil)

func (c *console) header(platform, partner string) {
	fmt.Fprintf(c.w, "── %s against %s ──\n", platform, partner)
}

func (c *console) ScenarioStarted(feature, _ string) {
	c.feature, c.step, c.err, c.start = strings.TrimSuffix(feature, ".feature"), "", nil, time.Now()
}

func (c *console) StepStarted(string) {}

func (c *console) StepDone(text, status string, err error) {
	if err != nil && c.err == nil {
		c.step, c.err = text, err
	}
}

func (c *console) ScenarioDone(name, status string) {
	mark := map[string]string{"passed": "✓", "failed": "✗", "not_applicable": "–", "skipped": "↷", "not_run": "·"}[status]
	if mark == "" {
		mark = "?"
	}
	fmt.Fprintf(c.w, "  %s %s · %s (%.1fs)\n", mark, c.feature, name, time.Since(c.start).Seconds())
	switch status {
	case "passed":
	case "not_applicable":
		if reason, ok := NotApplicableReason(c.err); ok {
			fmt.Fprintf(c.w, "      not applicable: %s\n", reason)
		}
	default:
		if c.err != nil {
			fmt.Fprintf(c.w, "      at: %s\n      why: %s\n", c.step, strings.ReplaceAll(c.err.Error(), "\n", "\n      "))
		}
	}
}

// progresses follows a run with several followers.
type progresses []Progress

func (ps progresses) ScenarioStarted(feature, name string) {
	for _, p := range ps {
		p.ScenarioStarted(feature, name)
	}
}

func (ps progresses) StepStarted(text string) {
	for _, p := range ps {
		p.StepStarted(text)
	}
}

func (ps progresses) StepDone(text, status string, err error) {
	for _, p := range ps {
		p.StepDone(text, status, err)
	}
}

func (ps progresses) ScenarioDone(name, status string) {
	for _, p := range ps {
		p.ScenarioDone(name, status)
	}
}
