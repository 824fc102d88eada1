package operator

import (
	"fmt"
	"strings"
	"time"
)

// progress shows the run: a line per scenario and per step, and on a
// terminal a status line below them that counts the seconds of the step
// running now. Without a terminal (CI logs) it writes plain lines only.
type progress struct {
	t            *Terminal
	n            int
	scenario     string
	step         string
	scenarioFrom time.Time
	stepFrom     time.Time
	status       bool // the status line is on screen
}

const (
	green = "\033[32m"
	red   = "\033[31m"
	amber = "\033[33m"
	reset = "\033[0m"
)

func (t *Terminal) color(c, s string) string {
	if !t.tty {
		return s
	}
	return c + s + reset
}

// ScenarioStarted is runner.Progress.
func (t *Terminal) ScenarioStarted(feature, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := &t.progress
	p.n++
	p.scenario, p.step, p.scenarioFrom = name, "", t.now()
	t.clearStatusLocked()
	fmt.Fprintf(t.out, "\n▶ %d · %s · %s\n", p.n, feature, name)
}

// StepStarted is runner.Progress.
func (t *Terminal) StepStarted(text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.progress.step, t.progress.stepFrom = text, t.now()
	if !t.tty {
		return
	}
	t.drawStatusLocked()
}

// StepDone is runner.Progress.
func (t *Terminal) StepDone(text, status string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clearStatusLocked()
	took := t.now().Sub(t.progress.stepFrom).Seconds()
	switch status {
	case "passed":
		fmt.Fprintf(t.out, "  %s %s (%.1fs)\n", t.color(green, "✓"), text, took)
	case "skipped":
		fmt.Fprintf(t.out, "  %s %s\n    %v\n", t.color(amber, "– skipped:"), text, err)
	default:
		fmt.Fprintf(t.out, "  %s %s\n", t.color(red, "✗ "+status+":"), text)
		if err != nil {
			fmt.Fprintf(t.out, "    %s\n", strings.ReplaceAll(err.Error(), "\n", "\n    "))
		}
	}
	t.progress.step = ""
}

// ScenarioDone is runner.Progress.
func (t *Terminal) ScenarioDone(name, status string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clearStatusLocked()
	c := green
	switch status {
	case "failed":
		c = red
	case "skipped":
		c = amber
	}
	fmt.Fprintf(t.out, "  %s (%.1fs)\n", t.color(c, strings.ToUpper(status)), t.now().Sub(t.progress.scenarioFrom).Seconds())
	t.progress.scenario = ""
}

// tick redraws the status line so the elapsed time moves while a step runs.
func (t *Terminal) tick() {
	tk := time.NewTicker(250 * time.Millisecond)
	defer tk.Stop()
	for {
		select {
		case <-t.done:
			return
		case <-tk.C:
			t.mu.Lock()
			if t.progress.step != "" && !t.waiting {
				t.drawStatusLocked()
			}
			t.mu.Unlock()
		}
	}
}

func (t *Terminal) drawStatusLocked() {
	p := &t.progress
	if !t.tty || p.step == "" || t.closed {
		return
	}
	now := t.now()
	step := []rune(p.step)
	if len(step) > 60 { // one screen line, or \r cannot redraw it
		step = append(step[:59], '…')
	}
	line := fmt.Sprintf("  … %s  [step %.1fs · scenario %.1fs]", string(step), now.Sub(p.stepFrom).Seconds(), now.Sub(p.scenarioFrom).Seconds())
	fmt.Fprintf(t.out, "\r\033[K%s", line)
	p.status = true
}

func (t *Terminal) clearStatusLocked() {
	if t.progress.status {
		fmt.Fprint(t.out, "\r\033[K")
		t.progress.status = false
	}
}
