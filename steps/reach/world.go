package reach

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/stepkit"

	"github.com/cucumber/godog"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// otherCompanyID is the partner's second customer in every scenario.
const (
	otherCompanyID   = "cmp-harbour-dental"
	otherCompanyName = "Harbour Dental Group"
	// redirectURI has a query of its own, which the partner keeps and adds code and state to
	// (RFC 6749 §3.1.2).
	redirectURI = "https://app.reachreporting.example/oauth/callback?region=au"
)

// world is one scenario's state: its own connection (base URL and credentials), what Reach pulled,
// and what the probes got back.
type world struct {
	stepkit.Scenario
	s  *stage
	id string // the connection, as journal tenant

	token      string // the customer's static token
	otherToken string // the other company's token
	oauth      reachmock.OAuthClient
	conn       *reachmock.Connection
	sched      *reachmock.Scheduler
	syncs      []*reachmock.SyncResult
	probes     []*reachmock.Result

	discovery *reachmock.Discovery // nil: the partner uses static tokens
	code      string
	expired   string   // the access token the clock last moved past
	renewals  []string // the access tokens renewals gave, in order
	whole     *reachmock.State

	byOne, byAll map[string]*reachmock.ListRead
	pages        map[string]map[int]*reachmock.Result // operation → limit → answer
	dashboards   []*reachmock.Dashboard               // one per company, in the fixture's order

	exploration explore.Outcome // how the scenario's exploration ended
}

func secret(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

func (w *world) begin(ctx context.Context, name string) error {
	*w = world{s: w.s, id: w.s.nextConnection()}
	w.Begin(&w.s.Base, ctx, name)
	w.token = secret("tok")
	w.otherToken = secret("tok-other")
	w.oauth = reachmock.OAuthClient{ClientID: "reach-" + w.id, ClientSecret: secret("cs"), RedirectURI: redirectURI}
	w.s.AddSecrets(w.token, w.otherToken, w.oauth.ClientSecret)
	w.s.Journal.Label(w.id, name)
	return nil
}

func (w *world) end() {
	if w.sched != nil {
		w.sched.Stop()
	}
}

func registerConnection(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the partner serves the customer's books: (.+)$`, w.connect)
	sc.Step(`^Reach has synced on demand$`, w.hasSynced)
}

// rawJSON hands bytes to the driver client unchanged.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

var quoted = regexp.MustCompile(`"([^"]*)"`)

// connect resets the partner with this scenario's credentials, loads the books of the customer's
// companies, and asks where its API is: the onboarding step where the partner shares a base URL
// and credentials. The step names the companies; they must be the fixture's, in its order.
func (w *world) connect(companies string) error {
	var named, books []string
	for _, m := range quoted.FindAllStringSubmatch(companies, -1) {
		named = append(named, m[1])
	}
	for _, c := range w.s.set.Companies {
		books = append(books, c.Company.CompanyName)
	}
	if !slices.Equal(named, books) {
		return fmt.Errorf("the Reach fixture's companies are %q, not %q", books, named)
	}
	return w.open(reachfixture.RawSet())
}

// open resets the partner with this scenario's credentials, loads the books (the driver's fixture
// body) and connects Reach to the API the partner's connection view names.
func (w *world) open(fixture []byte) error {
	settings := map[string]any{
		"access_token":  w.token,
		"other_company": map[string]any{"company_id": otherCompanyID, "company_name": otherCompanyName, "access_token": w.otherToken},
	}
	oauth := w.s.Caps[CapOAuth] != "off"
	if oauth {
		settings["oauth"] = map[string]any{"client_id": w.oauth.ClientID, "client_secret": w.oauth.ClientSecret, "redirect_uri": w.oauth.RedirectURI}
	}
	if err := w.s.Driver.Reset(w.Ctx, "reach", settings); err != nil {
		return err
	}
	if err := w.s.Driver.LoadFixture(w.Ctx, rawJSON(fixture)); err != nil {
		return err
	}
	var conn struct {
		BaseURL string `json:"base_url"`
		OAuth   *bool  `json:"oauth"`
	}
	if err := w.s.Driver.View(w.Ctx, "connection", &conn); err != nil {
		return err
	}
	if conn.OAuth != nil && *conn.OAuth != oauth {
		return fmt.Errorf("the partner's connection view says oauth: %t, but its capability %s is %s", *conn.OAuth, CapOAuth, w.s.Caps[CapOAuth])
	}
	c, err := reachmock.NewConnection(w.id, conn.BaseURL, w.token)
	if err != nil {
		return fmt.Errorf("the partner's connection view: %w", err)
	}
	w.conn = c
	w.sched = w.s.reach.Schedule(c)
	return nil
}

// syncNow presses the sync button and keeps the result.
func (w *world) syncNow() (*reachmock.SyncResult, error) {
	r, err := w.sched.SyncNow(w.Ctx)
	if err != nil {
		return nil, fmt.Errorf("sync scheduling: the sync button was refused: %w", err)
	}
	w.s.recordSync(w.Name, r)
	w.syncs = append(w.syncs, r)
	return r, nil
}

func (w *world) pressSync() error {
	_, err := w.syncNow()
	return err
}

// hasSynced is a sync the rest of the scenario reads: it must have completed.
func (w *world) hasSynced() error {
	r, err := w.syncNow()
	if err != nil {
		return err
	}
	if !r.Completed() {
		return fmt.Errorf("sync stability: %v", r.Err())
	}
	return nil
}

// lastSync is the scenario's latest sync of a kind ("" any).
func (w *world) lastSync(kind reachmock.Kind) (*reachmock.SyncResult, error) {
	for i := len(w.syncs) - 1; i >= 0; i-- {
		if kind == "" || w.syncs[i].Kind == kind {
			return w.syncs[i], nil
		}
	}
	return nil, fmt.Errorf("sync scheduling: no %s sync ran in this scenario", kind)
}

// pulled is one of the customer's companies as a sync pulled it, beside its books.
type pulled struct {
	books *reachfixture.Company
	data  *reachmock.CompanyData
}

// companies are the customer's companies as the last sync pulled them, every one of them.
func (w *world) companies() ([]pulled, error) {
	r, err := w.lastSync("")
	if err != nil {
		return nil, err
	}
	return companiesOf(r, w.s.set)
}

func companiesOf(r *reachmock.SyncResult, set *reachfixture.Set) ([]pulled, error) {
	var out []pulled
	for _, books := range set.Companies {
		cd, ok := r.Company(books.Company.CompanyID)
		if !ok {
			return nil, fmt.Errorf("sync stability: the sync pulled no company %s (%v)", books.Company.CompanyID, r.Err())
		}
		out = append(out, pulled{books, cd})
	}
	return out, nil
}

// companyIDs are the customer's companies' ids, in the fixture's order.
func (s *stage) companyIDs() []string {
	var out []string
	for _, c := range s.set.Companies {
		out = append(out, c.Company.CompanyID)
	}
	return out
}

// findings turns check results into one error with the flow's name first.
func findings(flow string, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", flow, strings.Join(lines, "; "))
}
