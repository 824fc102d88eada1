package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/spf13/cobra"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/journal"
	docplannermock "github.com/accord-harness/accord/mocks/docplanner"
	"github.com/accord-harness/accord/mocks/docplanner/sandbox"
)

func newDocplannerMockCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		clientID, secret, rateLimits, statePath string
		shared                                  mockShared
	)
	cmd := &cobra.Command{
		Use:   "docplanner",
		Short: "Serve the mock Docplanner Integrations API v3",
		Long: `Serve the mock Docplanner Integrations API v3 from its OpenAPI document, with one sandbox
client seeded from the clinic fixture. Every request is validated; every exchange is printed
(--quiet: none) and kept in the journal, the newest --journal-limit per client.
The platform's own side (a patient books, a doctor adds a break) is under /_accord/, and the
sandbox a person uses in the browser (sign in with the client id and secret) under /sandbox/.
With --state FILE the mock keeps its clients, their clinics, bookings, breaks, settings, queued
notifications, access tokens and journal in FILE and finds them there after a restart; a client
already in FILE keeps its stored secret and clinic (--client-secret and --fixture seed a new one).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := loadFixture(shared.fixture, docplannerfixture.Clinic, docplannerfixture.Parse)
			if err != nil {
				return usageError{err}
			}
			limitsOn, err := onOff("--rate-limits", rateLimits)
			if err != nil {
				return err
			}
			j, err := shared.journal()
			if err != nil {
				return err
			}
			m, err := docplannermock.New(docplannermock.Options{Journal: j, RateLimitsOff: !limitsOn})
			if err != nil {
				return err
			}
			kept, err := openMockState(statePath, "docplanner", shared.journalLimit, m.Restore, j)
			if err != nil {
				return err
			}
			defer kept.close()
			stored := slices.Contains(m.ClientIDs(), clientID)
			if !stored {
				m.AddTenant(clientID, secret, f)
			}
			shownSecret := secret
			if stored {
				shownSecret = "as first stored in " + statePath
			}
			ln, base, err := shared.listen()
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "mock Docplanner listening on %s\n  API:    %s/api/v3/integration\n  token:  %s/oauth/v2/token (client_id %s, client_secret %s)\n  admin:  %s/_accord/\n  sandbox: %s/sandbox/ (in a browser; sign in with the client id and secret)\n",
				ln.Addr(), base, base, clientID, shownSecret, base, base)
			kept.describe(stdout, clientID, stored)
			if !limitsOn {
				fmt.Fprintln(stdout, "  rate limits off: calls beyond 8,000 GETs an hour or 40 writes a minute are served (the headers still count them)")
			}
			mux := http.NewServeMux()
			mux.Handle("/_accord/", withJournalCounts(m.AdminHandler(), j))
			mux.Handle(sandbox.Prefix, sandbox.New(m, sandbox.Options{}))
			mux.Handle("/", m)
			if err := kept.keep(m.Snapshot, j, stderr); err != nil {
				return err
			}
			err = shared.serve(cmd.Context(), kept.handler(mux), ln, j, stdout, func(e journal.Entry) string { return exchangeLine(e, false) })
			return errors.Join(err, kept.close())
		},
	}
	f := cmd.Flags()
	shared.flags(f, "127.0.0.1:8080", "clinic fixture JSON (default: the bundled Clinica Sol)")
	f.StringVar(&clientID, "client-id", "accord-sandbox", "sandbox client id")
	f.StringVar(&secret, "client-secret", "accord-sandbox-secret", "sandbox client secret")
	f.StringVar(&statePath, "state", "", "keep the clients, their clinics, bookings, notifications and journal in this file across restarts (created if missing); without it the mock forgets all on exit")
	f.StringVar(&rateLimits, "rate-limits", "on", "on: the platform's limits (8,000 GETs an hour, 40 writes a minute, then 429); off: never 429, for load tests and development")
	return cmd
}
