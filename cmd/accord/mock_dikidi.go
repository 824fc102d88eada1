package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/monitor/alert"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
	"github.com/accord-harness/accord/mocks/dikidi/panel"
)

func newDikidiMockCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		ownerToken, path, email, smtpAddr, smtpFrom, accessType string
		noKey                                                   bool
		shared                                                  mockShared
	)
	cmd := &cobra.Command{
		Use:   "dikidi",
		Short: "Serve the mock DIKIDI Business partner API, owner panel and events",
		Long: `Serve the mock DIKIDI Business platform from its OpenAPI document (mocks/dikidi/apispec):
the partner API a company's access key opens (/api/partner, key as ?token=), the owner panel the
business uses (/owner, header X-Accord-Owner-Token), and the company's events POSTed to a key's Path,
retried 1, 2, 4, 8, 16, 32 and 60 minutes apart in real time. The salon fixture is loaded with its
week moved just after today; unless --no-key, one access key awaiting activation is created for you.
Delivery-problem e-mails go to --smtp (a plain SMTP server) and always to the outbox
(GET /owner/companies/{id}/emails). Every request and every event attempt is printed (--quiet: none)
and kept in the journal, the newest --journal-limit per company. The DIKIDI Business panel a
person uses in the browser (Settings → Integration → API access, records, schedule, events sent,
e-mails) is under /panel/: sign in with the company id and the owner token.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := loadFixture(shared.fixture, dikidifixture.Salon, dikidifixture.Parse)
			if err == nil {
				f, err = f.WeekAfter(time.Now())
			}
			if err != nil {
				return usageError{err}
			}
			j, err := shared.journal()
			if err != nil {
				return err
			}
			// One clock for the mock and its panel: the panel's sessions end on the mock's time.
			clk := clock.New()
			opts := dikidimock.Options{Clock: clk, Journal: j, OwnerToken: ownerToken}
			if smtpAddr != "" {
				if _, _, err := net.SplitHostPort(smtpAddr); err != nil {
					return usagef("--smtp %q is not host:port", smtpAddr)
				}
				opts.Mailer = &alert.SMTP{Addr: smtpAddr, From: smtpFrom, Timeout: 30 * time.Second}
			}
			m, err := dikidimock.New(opts)
			if err != nil {
				return err
			}
			if err := m.AddCompany(f); err != nil {
				return usageError{err}
			}
			// The key is made before the port is taken: a bad --access-type
			// is the line to show, whether or not the port is free.
			var key *dikidimock.KeyView
			if !noKey {
				spec := dikidimock.KeySpec{Name: "Partner connector", AccessType: accessType}
				if path != "" {
					spec.Path = &path
				}
				if email != "" {
					spec.Email = &email
				}
				k, err := m.CreateKey(f.Company.ID, spec)
				if err != nil {
					return usageError{err}
				}
				key = &k
			}
			ln, base, err := shared.listen()
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "mock DIKIDI listening on %s\n  partner API: %s/api/partner  (access key as ?token=)\n  owner panel: %s/owner/companies/%d  (X-Accord-Owner-Token: %s)\n  web panel:   %s/panel/  (in a browser; sign in with company %d and the owner token)\n  company:     %d %s, week of %s (%s)\n  partner keys accepted on activation: %s\n",
				ln.Addr(), base, base, f.Company.ID, m.OwnerToken(), base, f.Company.ID, f.Company.ID, f.Company.Name, f.WeekStart, f.Company.TimeZone, strings.Join(f.PartnerKeys, ", "))
			if key != nil {
				k := *key
				fmt.Fprintf(stdout, "  access key:  %s (key %d, %s, awaiting activation; Path %q)\n  activate:    curl -X POST -H 'Authorization: %s' '%s/api/partner/key/activate?token=%s'\n",
					k.Token, k.ID, k.AccessType, k.Path, f.PartnerKeys[0], base, k.Token)
			}
			mux := http.NewServeMux()
			mux.Handle(panel.Prefix, panel.New(m, panel.Options{Clock: clk}))
			mux.Handle("/", m)
			return shared.serve(cmd.Context(), mux, ln, j, stdout, func(e journal.Entry) string { return exchangeLine(e, true) })
		},
	}
	fl := cmd.Flags()
	shared.flags(fl, "127.0.0.1:8080", "salon fixture JSON (default: the bundled Birch Beauty Studio)")
	fl.StringVar(&ownerToken, "owner-token", "accord-owner", "secret of the owner panel (X-Accord-Owner-Token)")
	fl.BoolVar(&noKey, "no-key", false, "do not create an access key at start (create keys through the owner panel)")
	fl.StringVar(&accessType, "access-type", dikidimock.AccessAdministrator, "access type of the key created at start: administrator, employee_editor or employee")
	fl.StringVar(&path, "path", "", "Path of the key created at start: the URL that receives the company's events")
	fl.StringVar(&email, "email", "", "e-mail of the key created at start, for delivery problems")
	fl.StringVar(&smtpAddr, "smtp", "", "host:port of a plain SMTP server for DIKIDI's e-mails (default: outbox only)")
	fl.StringVar(&smtpFrom, "smtp-from", "DIKIDI Business <noreply@dikidi.test>", "sender of DIKIDI's e-mails")
	return cmd
}
