package dikidi

import (
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/monitor/smtptest"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

func registerDelivery(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the business entered the e-mail "([^"]*)" on the key$`, w.enterEmail)
	sc.Step(`^the partner's Path starts failing$`, func() error {
		if err := w.atPath("a failing Path"); err != nil {
			return err
		}
		w.changeMark = w.Mark()
		w.s.relay.fail(w.company, true)
		return nil
	})
	sc.Step(`^the partner's Path works again$`, func() error { w.s.relay.fail(w.company, false); return nil })
	sc.Step(`^the partner cannot reach DIKIDI$`, func() error { return w.s.mock.SetUnreachable(w.company, w.key.ID, true) })
	sc.Step(`^the partner can reach DIKIDI again$`, func() error { return w.s.mock.SetUnreachable(w.company, w.key.ID, false) })
	sc.Step(`^DIKIDI retried the events while the Path was failing$`, w.retried)
	sc.Step(`^exactly one e-mail about the delivery problem reached "([^"]*)"$`, w.oneEmail)
	sc.Step(`^the e-mail's subject says the key's events cannot be delivered and its body names the Path$`, w.emailContent)
	sc.Step(`^every event DIKIDI created for the key was delivered$`, w.allDelivered)
}

func (w *world) enterEmail(addr string) error {
	if err := w.atPath("the e-mail DIKIDI sends when it cannot deliver events to the Path"); err != nil {
		return err
	}
	_, err := w.s.mock.UpdateKey(w.company, w.key.ID, dikidimock.KeyChange{Email: &addr})
	return err
}

func (w *world) retried() error {
	ds, err := w.s.mock.Deliveries(w.company, w.key.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if len(d.Attempts) >= 2 && d.Status == dikidimock.DeliveryPending {
			return nil
		}
	}
	return fmt.Errorf("delivery: DIKIDI has no event being retried: %s", w.deliveries(w.changeMark))
}

// mails are the e-mails the SMTP server received about this scenario's key.
func (w *world) mails(to string) []smtptest.Mail {
	var out []smtptest.Mail
	for _, m := range w.s.smtp.Mails() {
		if len(m.To) == 1 && m.To[0] == to && strings.Contains(m.Body, fmt.Sprintf("(key %d)", w.key.ID)) {
			out = append(out, m)
		}
	}
	return out
}

func (w *world) oneEmail(to string) error {
	what := fmt.Sprintf("delivery: an e-mail about the failing Path reached %s", to)
	if err := w.Within(w.s.Budget, what, func() (bool, string) {
		return len(w.mails(to)) > 0, fmt.Sprintf("the SMTP server received %d e-mails in all", len(w.s.smtp.Mails()))
	}); err != nil {
		return err
	}
	if ms := w.mails(to); len(ms) != 1 {
		var subjects []string
		for _, m := range ms {
			subjects = append(subjects, m.Subject)
		}
		return fmt.Errorf("delivery: %d e-mails reached %s, want exactly one per incident: %s", len(ms), to, strings.Join(subjects, " | "))
	}
	return nil
}

func (w *world) emailContent() error {
	k, err := w.s.mock.Key(w.company, w.key.ID)
	if err != nil {
		return err
	}
	ms := w.mails(k.Email)
	if len(ms) == 0 {
		return fmt.Errorf("delivery: no e-mail reached %s", k.Email)
	}
	m := ms[0]
	if want := fmt.Sprintf("events for key %q cannot be delivered", k.Name); !strings.Contains(m.Subject, want) {
		return fmt.Errorf("delivery: the e-mail's subject %q does not say %q", m.Subject, want)
	}
	if !strings.Contains(m.Body, k.Path) {
		return fmt.Errorf("delivery: the e-mail's body does not name the Path %s:\n%s", k.Path, m.Body)
	}
	return nil
}

func (w *world) allDelivered() error {
	what := "delivery: every event DIKIDI created for the key was delivered"
	return w.Within(w.s.Budget, what, func() (bool, string) {
		ds, err := w.s.mock.Deliveries(w.company, w.key.ID)
		if err != nil {
			return w.CannotTell(err)
		}
		var open []string
		for _, d := range ds {
			if d.Status != dikidimock.DeliveryDelivered {
				open = append(open, fmt.Sprintf("%s #%d %s after %d attempts", d.Event, d.Sequence, d.Status, len(d.Attempts)))
			}
		}
		return len(open) == 0, strings.Join(open, "; ")
	})
}
