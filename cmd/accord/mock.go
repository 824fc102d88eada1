package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
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

func newDocplannerMockCmd(stdout, _ io.Writer) *cobra.Command {
	var addr, clientID, secret, fixturePath string
	cmd := &cobra.Command{
		Use:   "docplanner",
		Short: "Serve the mock Docplanner Integrations API v3",
		Long: `Serve the mock Docplanner Integrations API v3 from its OpenAPI document, with one sandbox
client seeded from the clinic fixture. Every request is validated; every exchange is printed.
The platform's own side (a patient books, a doctor adds a break) is under /_accord/.`,
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
			j := journal.New()
			m, err := dpmock.New(dpmock.Options{Journal: j})
			if err != nil {
				return err
			}
			m.AddTenant(clientID, secret, f)
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usagef("cannot listen on %s: %v", addr, err)
			}
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(stdout, "mock Docplanner listening on %s\n  API:    %s/api/v3/integration\n  token:  %s/oauth/v2/token (client_id %s, client_secret %s)\n  admin:  %s/_accord/\n",
				ln.Addr(), base, base, clientID, secret, base)
			mux := http.NewServeMux()
			mux.Handle("/_accord/", m.AdminHandler())
			mux.Handle("/", logExchanges(m, j, stdout))
			srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				<-ctx.Done()
				shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(shut)
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address")
	f.StringVar(&clientID, "client-id", "accord-sandbox", "sandbox client id")
	f.StringVar(&secret, "client-secret", "accord-sandbox-secret", "sandbox client secret")
	f.StringVar(&fixturePath, "fixture", "", "clinic fixture JSON (default: the bundled Clinica Sol)")
	return cmd
}

// logExchanges prints one line per exchange, with the violations that made
// the mock refuse a request.
func logExchanges(h http.Handler, j *journal.Journal, out io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		es := j.Select(nil)
		if len(es) == 0 {
			return
		}
		e := es[len(es)-1]
		line := fmt.Sprintf("%s %s %s → %d", e.Time.Format("15:04:05"), e.Method, e.URL, e.Status)
		if e.Operation != "" {
			line += " (" + e.Operation + ")"
		}
		if len(e.RequestViolations) > 0 {
			line += " violations: " + spec.Summary(e.RequestViolations)
		}
		if len(e.Warnings) > 0 {
			line += " warning: " + spec.Summary(e.Warnings)
		}
		fmt.Fprintln(out, line)
	})
}
