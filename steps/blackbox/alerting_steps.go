package blackbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// Steps of alerting.feature.
func registerAlerting(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^reminders are sent every (\d+) minutes while it stays down$`, w.remindersEvery)
	sc.Step(`^its body names the time of the first failure$`, w.bodyNamesFirstFailure)
	sc.Step(`^its body lists (\d+) failures with reason "([^"]*)"$`, w.bodyListsFailures)
}

func (w *world) remindersEvery(minutes int) error {
	w.settings.Reminder = time.Duration(minutes) * time.Minute
	return nil
}

func (w *world) bodyNamesFirstFailure() error {
	if w.firstFailure.IsZero() {
		return fmt.Errorf("no failure was observed")
	}
	return w.bodyContains("First failure:  " + w.firstFailure.UTC().Format(time.RFC3339))
}

// bodyListsFailures checks the numbered failure lines: "  1. <time>  <reason>  (<latency>)".
func (w *world) bodyListsFailures(n int, reason string) error {
	m, err := w.last()
	if err != nil {
		return err
	}
	count := 0
	for _, line := range strings.Split(m.Body, "\n") {
		if strings.HasPrefix(line, fmt.Sprintf("  %d. ", count+1)) {
			if !strings.Contains(line, reason) {
				return fmt.Errorf("failure line %q does not give the reason %q", line, reason)
			}
			count++
		}
	}
	if count != n {
		return fmt.Errorf("body lists %d failures, want %d:\n%s", count, n, m.Body)
	}
	return nil
}
