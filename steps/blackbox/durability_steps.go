package blackbox

import (
	"fmt"

	"github.com/cucumber/godog"
)

// Steps of durability.feature.
func registerDurability(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the monitor restarts$`, w.restarts)
	sc.Step(`^the mail server is down$`, func() error { w.env.SMTP.Stop(); return nil })
	sc.Step(`^the mail server is back$`, func() error { return w.env.SMTP.Restart() })
	sc.Step(`^(\d+) e-mails? (?:is|are) waiting in the outbox$`, w.outboxHolds)
	sc.Step(`^no e-mail is waiting in the outbox$`, func() error { return w.outboxHolds(0) })
}

func (w *world) restarts() error {
	if err := w.start(); err != nil {
		return err
	}
	return w.env.Restart()
}

func (w *world) outboxHolds(n int) error {
	if err := w.start(); err != nil {
		return err
	}
	if got := w.env.Monitor.Status().OutboxPending; got != n {
		return fmt.Errorf("%d e-mails are waiting in the outbox, want %d", got, n)
	}
	return nil
}
