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
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/mocks/reach/refpartner"
)

func newReachMockCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		servePartner                                            bool
		addr, token, fixturePath, clientID, secret, redirectURI string
		faults                                                  []string
	)
	cmd := &cobra.Command{
		Use:   "reach",
		Short: "Serve Reach's reference partner: the Reach API over the fixture's books",
		Long: `Reach reverses the direction of accord's other platforms: the partner hosts an API built to
Reach's specification (mocks/reach/apispec/openapi.yaml) and Reach pulls from it, nightly and on
demand. accord run --platform reach plays Reach against a partner.

--serve-partner serves accord's reference partner alone: the Reach API over the books of the
fixture's three companies (Lantern Physiotherapy, Fernhill Veterinary Clinic, Tidewater Allied
Health) under /reach, and the partner driver contract at / (docs/driver-reach.md). Use it
to see what a correct partner answers, or with --fault to see one of the named mistakes. Every
exchange is printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !servePartner {
				return usagef("accord mock reach needs --serve-partner: Reach is the client here, so what accord serves is the reference partner (run the acceptance with: accord run --platform reach)")
			}
			if token == "" {
				return usagef("--token must not be empty")
			}
			p, err := refpartner.New(refpartner.Options{Faults: faults})
			if err != nil {
				return usageError{err}
			}
			books, err := reachfixture.LoadSet()
			if fixturePath != "" {
				var raw []byte
				if raw, err = os.ReadFile(fixturePath); err == nil {
					books, err = reachfixture.ParseSet(raw)
				}
			}
			if err != nil {
				return usageError{err}
			}
			settings := refpartner.Settings{AccessToken: token}
			if clientID != "" || secret != "" {
				settings.OAuth = &refpartner.OAuthClient{ClientID: clientID, ClientSecret: secret, RedirectURI: redirectURI}
			}
			if err := p.Reset(settings); err != nil {
				return usageError{err}
			}
			if err := p.Load(books); err != nil {
				return usageError{err}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usagef("cannot listen on %s: %v", addr, err)
			}
			base := "http://" + ln.Addr().String()
			oauth := "off: a static token; GET /reach/auth/oauth-discovery answers 404"
			if settings.OAuth != nil {
				oauth = fmt.Sprintf("%s/reach/auth/oauth-discovery (client_id %s, redirect_uri %s)", base, clientID, redirectURI)
			}
			fmt.Fprintf(stdout, "%s listening on %s\n  API:     %s%s  (Authorization: Bearer %s)\n", p.Name(), ln.Addr(), base, refpartner.APIBase, token)
			for _, c := range books.Companies {
				fmt.Fprintf(stdout, "  company: %s (%s), books %s to %s\n", c.Company.CompanyID, c.Company.CompanyName, c.FirstMonth, c.LastMonth)
			}
			fmt.Fprintf(stdout, "  OAuth:   %s\n  driver:  %s/  (docs/driver-reach.md; POST /reset replaces these credentials)\n", oauth, base)
			srv := &http.Server{Handler: printReachExchanges(p, stdout), ReadHeaderTimeout: 10 * time.Second}
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
	f.BoolVar(&servePartner, "serve-partner", false, "serve the reference partner (the Reach API over the fixture, and its driver)")
	f.StringVar(&addr, "addr", "127.0.0.1:8090", "listen address")
	f.StringVar(&token, "token", "accord-reach-sandbox-token", "the bearer token the partner accepts for the fixture's companies")
	f.StringVar(&fixturePath, "fixture", "", "books: {\"Companies\": [...]} or one company, in the shape of fixtures/reach/company.json (default: the bundled three companies)")
	f.StringVar(&clientID, "client-id", "", "advertise an OAuth 2.0 server for this client id (with --client-secret)")
	f.StringVar(&secret, "client-secret", "", "the OAuth client's secret")
	f.StringVar(&redirectURI, "redirect-uri", "https://app.reachreporting.example/oauth/callback", "the OAuth client's registered redirect URI")
	f.StringSliceVar(&faults, "fault", nil, "make the partner commit this named mistake (see accord faults --platform reach)")
	return cmd
}

// reachStatusRecorder remembers the status a handler wrote.
type reachStatusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *reachStatusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// printReachExchanges prints one line per request the partner answers.
func printReachExchanges(h http.Handler, out io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &reachStatusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		line := fmt.Sprintf("%s %s %s → %d", time.Now().Format("15:04:05"), r.Method, r.URL.RequestURI(), rec.status)
		if ct := rec.Header().Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
			line += " (" + ct + ")"
		}
		fmt.Fprintln(out, line)
	})
}
