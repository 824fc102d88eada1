package dikidi

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

func registerActivation(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the salon "([^"]*)" is on DIKIDI$`, w.salon)
	sc.Step(`^the business created an access key for the partner with access type "([^"]*)"$`, func(t string) error {
		return w.createKey(dikidimock.KeySpec{AccessType: t})
	})
	sc.Step(`^the business created an access key for the partner with access type "([^"]*)" and partner key "([^"]*)"$`, func(t, pk string) error {
		return w.createKey(dikidimock.KeySpec{AccessType: t, PartnerKey: &pk})
	})
	sc.Step(`^the partner was given the key$`, w.give)
	sc.Step(`^the partner activates the key$`, func() error { _ = w.activate(); return nil })
	sc.Step(`^the partner has activated the key$`, w.hasActivated)
	sc.Step(`^the partner has activated a key with access type "([^"]*)"$`, func(t string) error {
		if err := w.createKey(dikidimock.KeySpec{AccessType: t}); err != nil {
			return err
		}
		return w.hasActivated()
	})
	sc.Step(`^DIKIDI shows the key as "([^"]*)"$`, w.platformKeyState)
	sc.Step(`^(within the latency budget )?the partner reports the key as "([^"]*)"$`, w.partnerKeyState)
	sc.Step(`^the partner reports the key as "([^"]*)" with an error naming "([^"]*)"$`, w.partnerKeyStateWithError)
	sc.Step(`^DIKIDI has sent no event to the partner$`, w.noEvents)
	sc.Step(`^the partner accepted the "([^"]*)" event at its Path, if it has one$`, w.received)
	sc.Step(`^DIKIDI refused the activation with "([^"]*)"$`, w.activationRefused)
	sc.Step(`^the partner shows the salon's records of the horizon$`, w.weekRecords)
}

func (w *world) salon(name string) error {
	if name != w.fx.Company.Name {
		return fmt.Errorf("the bundled fixture is %q, not %q", w.fx.Company.Name, name)
	}
	return nil
}

func (w *world) hasActivated() error {
	if err := w.activate(); err != nil {
		return fmt.Errorf("activation: the partner could not activate its key: %v (%s)", err, w.evidence(w.activateMark))
	}
	k, err := w.s.mock.Key(w.company, w.key.ID)
	if err != nil {
		return err
	}
	if k.State == dikidimock.StateAwaiting {
		return fmt.Errorf("activation: the partner said it activated the key, but DIKIDI still shows it awaiting activation (%s)", w.evidence(w.activateMark))
	}
	return nil
}

// state turns the feature's words into the document's state names.
func state(words string) string { return strings.ReplaceAll(words, " ", "_") }

// flowOf names the flow a key state belongs to, for failure reasons.
func flowOf(st string) string {
	switch st {
	case dikidimock.StatePaused:
		return "pause"
	case dikidimock.StateDeleted:
		return "deletion"
	case dikidimock.StateActive:
		return "activation"
	}
	return "activation"
}

func (w *world) platformKeyState(words string) error {
	want := state(words)
	k, err := w.s.mock.Key(w.company, w.key.ID)
	if err != nil {
		return err
	}
	if k.State != want {
		why := ""
		if w.activateErr != nil {
			why = fmt.Sprintf(" (the partner's activation failed: %v; %s)", w.activateErr, w.evidence(w.activateMark))
		}
		return fmt.Errorf("%s: DIKIDI shows the key as %q, not %q%s", flowOf(want), k.State, want, why)
	}
	return nil
}

func (w *world) partnerKeyState(within, words string) error {
	want := state(words)
	what := fmt.Sprintf("%s: the partner reports the key as %q", flowOf(want), want)
	return w.eventually(within != "", what, func() (bool, string) {
		st, err := w.status()
		if err != nil {
			return false, err.Error()
		}
		if st.KeyState != want {
			return false, fmt.Sprintf("its status view says %q (last error %q); %s", st.KeyState, st.LastError, w.deliveries(0))
		}
		if want == dikidimock.StatePaused && !st.Paused || want == dikidimock.StateDeleted && !st.Deleted {
			return false, fmt.Sprintf("its status view says %q but paused=%v deleted=%v", st.KeyState, st.Paused, st.Deleted)
		}
		return true, ""
	})
}

func (w *world) partnerKeyStateWithError(words, text string) error {
	if err := w.partnerKeyState("", words); err != nil {
		return err
	}
	st, err := w.status()
	if err != nil {
		return err
	}
	if !strings.Contains(st.LastError, text) {
		return fmt.Errorf("activation: the partner does not say why the activation failed: its last error %q does not name %s", st.LastError, text)
	}
	return nil
}

func (w *world) noEvents() error {
	if es := w.events(0); len(es) > 0 {
		return fmt.Errorf("events: DIKIDI sent events it should not have (the key awaits activation, or has no Path): %s", w.deliveries(0))
	}
	return nil
}

// received waits until DIKIDI delivered an event of that name since the
// scenario's last change and the partner accepted it; to a partner that gave
// no Path, DIKIDI must have sent nothing.
func (w *world) received(name string) error {
	if !w.s.withPath() {
		return w.noEvents()
	}
	what := fmt.Sprintf("events: the partner accepted a %q event", name)
	return w.Within(w.s.Budget, what, func() (bool, string) {
		for _, e := range w.events(w.changeMark) {
			if e.Operation == "event:"+name && e.OK() {
				return true, ""
			}
		}
		return false, w.deliveries(w.changeMark)
	})
}

func (w *world) activationRefused(code string) error {
	for _, e := range w.calls(w.activateMark) {
		if e.Operation != "activateKey" {
			continue
		}
		var body struct {
			Error struct {
				Code any `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal(e.ResponseBody, &body)
		if fmt.Sprint(body.Error.Code) == code {
			return nil
		}
		return fmt.Errorf("activation: DIKIDI answered the activation %d %v, not %s", e.Status, body.Error.Code, code)
	}
	return fmt.Errorf("activation: the partner never called activateKey (%s)", w.evidence(w.activateMark))
}

// weekRecords: every record of the salon's horizon is in the partner's
// system, at its time; a cancelled one is cancelled there, or not held at all.
func (w *world) weekRecords() error {
	rs, err := w.records()
	if err != nil {
		return err
	}
	byID := map[int64]partnerRecord{}
	for _, r := range rs {
		byID[r.DikidiID] = r
	}
	var missing []string
	for _, f := range w.fx.Records {
		r, ok := byID[f.ID]
		switch {
		case !ok && f.Status == "cancelled":
		case !ok:
			missing = append(missing, fmt.Sprintf("record %d is missing", f.ID))
		case !r.Start.Equal(f.Start) || r.MasterID != f.MasterID:
			missing = append(missing, fmt.Sprintf("record %d is at master %d %s, DIKIDI has master %d %s", f.ID, r.MasterID, w.fmtTime(r.Start), f.MasterID, w.fmtTime(f.Start)))
		case (f.Status == "cancelled") != (r.Status == "cancelled"):
			missing = append(missing, fmt.Sprintf("record %d is %s, DIKIDI has %s", f.ID, r.Status, f.Status))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("activation: the partner does not hold the salon's records after activating: %s (%s)", strings.Join(missing, "; "), w.evidence(w.activateMark))
	}
	return nil
}
