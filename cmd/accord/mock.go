package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/accord-harness/accord/mocks/docplanner/sandbox"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/journal"
	dpmock "github.com/accord-harness/accord/mocks/docplanner"
)

func init() { commands = append(commands, newMockCmd) }

func newMockCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Serve a mock platform alone, to build a partner integration against it",
	}
	cmd.AddCommand(newDocplannerMockCmd(stdout, stderr))
	cmd.AddCommand(newReachMockCmd(stdout, stderr))
	cmd.AddCommand(newDikidiMockCmd(stdout, stderr))
	return cmd
}

func newDocplannerMockCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		addr, clientID, secret, fixturePath, rateLimits, statePath string
		output                                                     mockOutput
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
			f, err := fixture.Clinic()
			if fixturePath != "" {
				var raw []byte
				if raw, err = os.ReadFile(fixturePath); err == nil {
					f, err = fixture.Parse(raw)
				}
			}
			if err != nil {
				return usageError{err}
			}
			limitsOn, err := onOff("--rate-limits", rateLimits)
			if err != nil {
				return err
			}
			j, err := output.journal()
			if err != nil {
				return err
			}
			m, err := dpmock.New(dpmock.Options{Journal: j, RateLimitsOff: !limitsOn})
			if err != nil {
				return err
			}
			kept, err := openMockState(statePath, "docplanner", output.journalLimit, m.Restore, j)
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
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usagef("cannot listen on %s: %v", addr, err)
			}
			base := "http://" + ln.Addr().String()
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
			srv := &http.Server{Handler: kept.handler(mux), ReadHeaderTimeout: 10 * time.Second}
			err = serveMock(cmd.Context(), srv, ln, j, &output, stdout, func(e journal.Entry) string { return exchangeLine(e, false) })
			return errors.Join(err, kept.close())
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address")
	f.StringVar(&clientID, "client-id", "accord-sandbox", "sandbox client id")
	f.StringVar(&secret, "client-secret", "accord-sandbox-secret", "sandbox client secret")
	f.StringVar(&fixturePath, "fixture", "", "clinic fixture JSON (default: the bundled Clinica Sol)")
	f.StringVar(&statePath, "state", "", "keep the clients, their clinics, bookings, notifications and journal in this file across restarts (created if missing); without it the mock forgets all on exit")
	f.StringVar(&rateLimits, "rate-limits", "on", "on: the platform's limits (8,000 GETs an hour, 40 writes a minute, then 429); off: never 429, for load tests and development")
	output.flags(f)
	return cmd
}

// onOff reads a flag that is on or off.
func onOff(flag, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, usagef("%s must be on or off, got %q", flag, v)
}

// serveMock serves until SIGINT or SIGTERM, printing the journal's exchanges
// beside the server, and says at the end what a bounded journal let go.
func serveMock(ctx context.Context, srv *http.Server, ln net.Listener, j *journal.Journal, output *mockOutput, stdout io.Writer, line func(journal.Entry) string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	printed := output.startConsole(ctx, j, stdout, line)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	err := srv.Serve(ln)
	stop()
	// Serve returns as Shutdown begins; the requests still in flight end
	// before Shutdown does, and what they changed is to be saved after.
	<-drained
	printed()
	if n := j.Dropped(); n > 0 {
		fmt.Fprintf(stdout, "journal: the %d oldest exchanges were dropped (--journal-limit %d per client)\n", n, j.Limit())
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// withJournalCounts tells a reader of the admin API how much of the traffic
// the journal still holds.
func withJournalCounts(h http.Handler, j *journal.Journal) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Accord-Journal-Limit", strconv.Itoa(j.Limit()))
		w.Header().Set("X-Accord-Journal-Dropped", strconv.FormatInt(j.Dropped(), 10))
		h.ServeHTTP(w, r)
	})
}
