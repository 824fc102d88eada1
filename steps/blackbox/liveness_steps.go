package blackbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/monitor/monitortest"
)

// Steps of liveness.feature.
func registerLiveness(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the partner does not answer within the (\d+) second timeout$`, w.doesNotAnswer)
	sc.Step(`^the last result says "([^"]*)"$`, w.lastResultSays)
}

func (w *world) doesNotAnswer(seconds int) error {
	w.settings.Timeout = time.Duration(seconds) * time.Second
	w.env.Partner.Set(w.path, monitortest.Behavior{Hang: true})
	return nil
}

func (w *world) lastResultSays(s string) error {
	if err := w.start(); err != nil {
		return err
	}
	if got := w.status().LastResult; !strings.Contains(got, s) {
		return fmt.Errorf("last result is %q, want it to say %q", got, s)
	}
	return nil
}
