package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/journal"
	reachmock "github.com/accord-harness/accord/mocks/reach"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	"github.com/accord-harness/accord/mocks/reach/screens"
)

func newReachMockCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		servePartner                         bool
		token, clientID, secret, redirectURI string
		faults                               []string
		shared                               mockShared
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
exchange is printed (--quiet: none).

Reach's own screens are at /reach/ (in a browser): the customer signs in, connects a company with
the static token or, with --client-id, on the consent page, presses Sync now, reads the last syncs
with what each found wrong, and opens the dashboard.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !servePartner {
				return usagef("accord mock reach needs --serve-partner: Reach is the client here, so what accord serves is the reference partner (run the acceptance with: accord run --platform reach)")
			}
			if token == "" {
				return usagef("--token must not be empty")
			}
			p, err := reachpartner.New(reachpartner.Options{Faults: faults})
			if err != nil {
				return usageError{err}
			}
			books, err := loadFixture(shared.fixture, reachfixture.LoadSet, reachfixture.ParseSet)
			if err != nil {
				return usageError{err}
			}
			settings := reachpartner.Settings{AccessToken: token}
			if clientID != "" || secret != "" {
				settings.OAuth = &reachpartner.OAuthClient{ClientID: clientID, ClientSecret: secret, RedirectURI: redirectURI}
			}
			if err := p.Reset(settings); err != nil {
				return usageError{err}
			}
			if err := p.Load(books); err != nil {
				return usageError{err}
			}
			// Every flag is checked before the port is taken: a bad flag is
			// the line to show, whether or not the port is free.
			j, err := shared.journal()
			if err != nil {
				return err
			}
			ln, base, err := shared.listen()
			if err != nil {
				return err
			}
			ui, err := reachScreens(p.Name(), base, settings)
			if err != nil {
				return err
			}
			defer ui.Close()
			oauth := "off: a static token; GET /reach/auth/oauth-discovery answers 404"
			if settings.OAuth != nil {
				oauth = fmt.Sprintf("%s/reach/auth/oauth-discovery (client_id %s, redirect_uri %s)", base, clientID, redirectURI)
			}
			fmt.Fprintf(stdout, "%s listening on %s\n  API:     %s%s  (Authorization: Bearer %s)\n", p.Name(), ln.Addr(), base, reachpartner.APIBase, token)
			for _, c := range books.Companies {
				fmt.Fprintf(stdout, "  company: %s (%s), books %s to %s\n", c.Company.CompanyID, c.Company.CompanyName, c.FirstMonth, c.LastMonth)
			}
			fmt.Fprintf(stdout, "  OAuth:   %s\n  driver:  %s/  (docs/driver-reach.md; POST /reset replaces these credentials)\n", oauth, base)
			fmt.Fprintf(stdout, "  screens: %s%s (in a browser: Reach as its customer sees it; sign in as %s, password %s)\n", base, screens.Prefix, reachCustomerEmail, reachCustomerPassword)
			mux := http.NewServeMux()
			mux.Handle("/", journalReachExchanges(p, j))
			ui.Mount(mux)
			return shared.serve(cmd.Context(), mux, ln, j, stdout, reachLine)
		},
	}
	f := cmd.Flags()
	shared.flags(f, "127.0.0.1:8090", "books: {\"Companies\": [...]} or one company, in the shape of fixtures/reach/company.json (default: the bundled three companies)")
	f.BoolVar(&servePartner, "serve-partner", false, "serve the reference partner (the Reach API over the fixture, and its driver)")
	f.StringVar(&token, "token", "accord-reach-sandbox-token", "the bearer token the partner accepts for the fixture's companies")
	f.StringVar(&clientID, "client-id", "", "advertise an OAuth 2.0 server for this client id (with --client-secret)")
	f.StringVar(&secret, "client-secret", "", "the OAuth client's secret")
	f.StringVar(&redirectURI, "redirect-uri", "https://app.reachreporting.example/oauth/callback", "the OAuth client's registered redirect URI")
	f.StringSliceVar(&faults, "fault", nil, "make the partner commit this named mistake (see accord faults --platform reach)")
	return cmd
}

// The customer's account on Reach's screens: a sandbox's, printed at start-up like Docplanner's client.
const (
	reachCustomerEmail    = "customer@reach.example"
	reachCustomerPassword = "accord-reach-customer"
)

// reachScreens serves Reach's own screens over the reference partner at base: Reach reads its API,
// and its driver stands for the customer pressing Allow on its consent page.
func reachScreens(name, base string, settings reachpartner.Settings) (*screens.Screens, error) {
	r, err := reachmock.New(reachmock.Options{})
	if err != nil {
		return nil, err
	}
	partner := screens.Partner{Name: name, BaseURL: base + reachpartner.APIBase}
	if o := settings.OAuth; o != nil {
		partner.OAuth = &reachmock.OAuthClient{ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURI: o.RedirectURI}
		if partner.Driver, err = driver.New(base, 0); err != nil {
			return nil, err
		}
	}
	return screens.New(screens.Options{Reach: r, Partner: partner, Email: reachCustomerEmail, Password: reachCustomerPassword})
}

// journalReachExchanges notes each request the partner answers, for the
// console to print beside the server.
func journalReachExchanges(h http.Handler, j *journal.Journal) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		at := time.Now()
		h.ServeHTTP(rec, r)
		j.Add(journal.Entry{
			Time: at, Duration: time.Since(at), Direction: journal.Inbound, Method: r.Method, URL: r.URL.RequestURI(),
			Status: rec.status, ResponseHeader: http.Header{"Content-Type": rec.Header()["Content-Type"]},
		})
	})
}

// reachLine names the media type of an answer that is not JSON (the OAuth
// sign-in page).
func reachLine(e journal.Entry) string {
	line := exchangeLine(e, false)
	if ct := e.ResponseHeader.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		line += " (" + ct + ")"
	}
	return line
}
