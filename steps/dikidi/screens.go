package dikidi

import (
	"fmt"
	"net/http"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/dikidi/panel"
)

// withPanel is the run's mock with the DIKIDI Business panel beside its
// API, so a specialist in a joint session can show the business's side.
// The panel's sign-in lasts on the wall clock: the run's clock jumps hours
// ahead in a scenario, and the person at the screen lives in real time.
func (s *stage) withPanel() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(panel.Prefix, panel.New(s.mock, panel.Options{Clock: clock.Wall{}}))
	mux.Handle("/", s.mock)
	return mux
}

// Screens are the panel's address and how to sign in (runner.Screens):
// every scenario's salon is a company of its own, numbered in the order
// the scenarios start.
func (s *stage) Screens() []runner.Screen {
	base := s.fixture.Company.ID * 1000
	return []runner.Screen{{Name: "DIKIDI Business panel", URL: s.screenURL + panel.Prefix,
		SignIn: fmt.Sprintf("company %d for the first scenario to start, %d for the second, and so on (a re-run takes the next); owner token %s",
			base+1, base+2, s.mock.OwnerToken())}}
}
