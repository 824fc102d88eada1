package docplanner

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/mocks/docplanner/sandbox"
)

// withSandbox is the run's mock with Docplanner's sandbox beside its API,
// so a specialist in a joint session can show the platform's side. Each
// scenario's clinic has credentials only the partner is given, so the
// sandbox lets the operator in with a key of this run's instead.
func (s *stage) withSandbox() http.Handler {
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	s.operatorKey = hex.EncodeToString(buf)
	s.AddSecrets(s.operatorKey)
	mux := http.NewServeMux()
	mux.Handle(sandbox.Prefix, sandbox.New(s.mock, sandbox.Options{OperatorKey: s.operatorKey}))
	mux.Handle("/", s.mock)
	return mux
}

// Screens are the sandbox's address and how to sign in (runner.Screens).
func (s *stage) Screens() []runner.Screen {
	if s.screenURL == "" {
		return nil
	}
	return []runner.Screen{{Name: "Docplanner sandbox", URL: s.screenURL + sandbox.Prefix,
		SignIn: "leave the client id empty, secret " + s.operatorKey + "; then pick the scenario"}}
}
