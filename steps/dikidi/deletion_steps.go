package dikidi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/stepkit"

	"github.com/cucumber/godog"

	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

func registerDeletion(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the business deletes the key$`, w.deleteKey)
	sc.Step(`^the partner made no call to DIKIDI once it knew the key was deleted$`, w.noCallsOnceKnown)
	sc.Step(`^the partner made at most one call to DIKIDI after the deletion$`, func() error { return w.callsAfterDeletion(1) })
	sc.Step(`^the partner's Path also takes the events of a second key the business gave the partner, which it activated for another of its connections$`, w.secondKey)
	sc.Step(`^the business deletes the second key$`, func() error {
		w.changeMark = w.Mark()
		_, err := w.s.mock.DeleteKey(w.company, w.second.ID)
		return err
	})
}

// secondKey: the business links the partner a second time, with another key
// whose Path is the partner's one Path (a connector serving many salons has
// one), and the partner activates it for another of its connections. DIKIDI
// then sends that key's events to the same Path, each naming its key.
func (w *world) secondKey() error {
	if err := w.atPath("the events of another key at the partner's Path"); err != nil {
		return err
	}
	k, err := w.newKey(dikidimock.KeySpec{Name: "Partner connector (second link)", AccessType: dikidimock.AccessAdministrator})
	if err != nil {
		return err
	}
	// as the partner's other connection does: POST /key/activate with the partner key
	res, err := boundedhttp.Do(w.Ctx, boundedhttp.NewClient(10*time.Second), http.MethodPost,
		w.s.mockURL+"/api/partner/key/activate?"+url.Values{"token": {k.Token}}.Encode(),
		http.Header{"Authorization": {w.partnerKey()}}, nil, boundedhttp.DefaultLimit)
	if err != nil {
		return fmt.Errorf("activating the second key: %w", err)
	}
	if res.Status != http.StatusOK {
		return fmt.Errorf("activating the second key: DIKIDI answered %d: %s", res.Status, res.Body)
	}
	w.second = k
	return nil
}

func (w *world) deleteKey() error {
	w.goneMark = w.Mark()
	w.changeMark = w.goneMark
	_, err := w.s.mock.DeleteKey(w.company, w.key.ID)
	return err
}

// noCallsOnceKnown: once DIKIDI refused a call for the deleted key, the
// partner called it no more (sides.afterKnowing). A change already on its
// way when the key was deleted may make it call once, and learn.
func (w *world) noCallsOnceKnown() error {
	k, err := w.s.mock.Key(w.company, w.key.ID)
	if err != nil {
		return err
	}
	if after := w.sides().afterKnowing(k); len(after) > 0 {
		var calls []string
		for _, e := range after {
			calls = append(calls, stepkit.Describe(e))
		}
		return fmt.Errorf("deletion: the partner kept calling DIKIDI after it knew the key was deleted (%d calls): %s", len(after), strings.Join(stepkit.Tail(calls, 3), "; "))
	}
	return nil
}

// callsAfterDeletion: once the partner knows (or first learns) the key is
// gone, it stops calling DIKIDI with it.
func (w *world) callsAfterDeletion(n int) error {
	cs := w.calls(w.goneMark)
	if len(cs) > n {
		var calls []string
		for _, e := range cs {
			calls = append(calls, stepkit.Describe(e))
		}
		return fmt.Errorf("deletion: the partner kept calling DIKIDI after the key was deleted (%d calls, at most %d expected): %s", len(cs), n, strings.Join(stepkit.Tail(calls, 3), "; "))
	}
	return nil
}
