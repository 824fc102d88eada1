package dikidi

import (
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/stepkit"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

func registerPause(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the business (?:removes|removed) all record permissions$`, w.pause)
	sc.Step(`^the business restores the record permissions$`, w.resume)
	sc.Step(`^the business removes the "([^"]*)" permission$`, w.removePermission)
	sc.Step(`^no record change reached DIKIDI while the key was paused$`, w.noWritesWhilePaused)
}

func (w *world) permissions() (dikidimock.Permissions, error) {
	k, err := w.s.mock.Key(w.company, w.key.ID)
	return k.Permissions, err
}

func (w *world) setPermissions(p dikidimock.Permissions) error {
	w.changeMark = w.Mark()
	_, err := w.s.mock.SetPermissions(w.company, w.key.ID, p)
	return err
}

// pause is the seed's recipe: untick add/edit, cancel and occupy time.
func (w *world) pause() error {
	p, err := w.permissions()
	if err != nil {
		return err
	}
	p.Records = dikidimock.RecordPermissions{}
	if err := w.setPermissions(p); err != nil {
		return err
	}
	w.pauseMark = w.changeMark
	return nil
}

func (w *world) resume() error {
	p, err := w.permissions()
	if err != nil {
		return err
	}
	p.Records = dikidimock.RecordPermissions{AddEdit: true, Cancel: true, OccupyTime: true}
	return w.setPermissions(p)
}

func (w *world) removePermission(label string) error {
	p, err := w.permissions()
	if err != nil {
		return err
	}
	switch label {
	case "add and edit records":
		p.Records.AddEdit = false
	case "cancel records":
		p.Records.Cancel = false
	case "occupy time":
		p.Records.OccupyTime = false
	default:
		return fmt.Errorf("unknown record permission %q", label)
	}
	return w.setPermissions(p)
}

var recordWrites = map[string]bool{"createRecord": true, "updateRecord": true, "cancelRecord": true, "occupyTime": true}

func (w *world) noWritesWhilePaused() error {
	var writes []string
	for _, e := range w.calls(w.pauseMark) {
		if recordWrites[e.Operation] {
			writes = append(writes, stepkit.Describe(e))
		}
	}
	if len(writes) > 0 {
		return fmt.Errorf("pause: the partner kept changing records while the key was paused: %s", strings.Join(stepkit.Tail(writes, 3), "; "))
	}
	return nil
}
