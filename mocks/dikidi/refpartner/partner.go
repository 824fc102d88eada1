// Package refpartner is the reference partner for DIKIDI: a booking
// connector (the way ProDoctorov links a clinic) that a salon links through
// an API access key. It keeps the salon's week in its own system (records,
// clients as DIKIDI lets it see them, working hours, free times), applies
// DIKIDI's events idempotently and in sequence, sends its staff's changes to
// DIKIDI only where the key allows, and says when the key is paused or gone.
// It exposes accord's partner driver contract; started with a named fault it
// makes one realistic integration mistake, which the scenarios must catch.
package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/faults"
)

// Options configure a partner.
type Options struct {
	Clock clock.Clock
	// Faults to run with; none means a correct integration.
	Faults []string
	// PublicURL is how DIKIDI reaches this partner; its Path is PublicURL + "/events".
	PublicURL string
	// Timeout bounds each call to DIKIDI; 0 means 10 seconds.
	Timeout time.Duration
	// Variant is VariantDefault or VariantAlt (variant.go).
	Variant string
	// Poll, when not zero, makes a partner that gives DIKIDI no Path (the
	// key's Path is optional): it reports no events_url and, once its key is
	// activated, reads DIKIDI again every Poll on its clock.
	Poll time.Duration
}

// Settings are what the driver's reset hands over for DIKIDI.
type Settings struct {
	// BaseURL is the partner API, e.g. http://127.0.0.1:8080/api/partner.
	BaseURL string `json:"base_url"`
	// Token is the company's API access key.
	Token string `json:"token"`
	// PartnerKey is the key DIKIDI issued to this partner.
	PartnerKey string `json:"partner_key"`
}

// Partner is an http.Handler serving the driver contract and the Path.
type Partner struct {
	opts   Options
	faults faults.Set
	alt    bool
	http   *http.Client
	mux    *http.ServeMux
	inbox  chan func() // the alt variant's received events, applied in order (variant.go)

	mu        sync.Mutex
	publicURL string
	s         *session
}

// New checks the faults and builds a partner.
func New(opts Options) (*Partner, error) {
	fs, err := catalogue.Parse(opts.Faults)
	if err != nil {
		return nil, err
	}
	if opts.Variant != VariantDefault && opts.Variant != VariantAlt {
		return nil, fmt.Errorf("unknown variant %q of the DIKIDI reference partner (want %q)", opts.Variant, VariantAlt)
	}
	if opts.Clock == nil {
		opts.Clock = clock.New()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	p := &Partner{opts: opts, faults: fs, alt: opts.Variant == VariantAlt, http: boundedhttp.NewClient(opts.Timeout), publicURL: strings.TrimRight(opts.PublicURL, "/")}
	mux := driver.NewServer(p)
	mux.HandleFunc("POST /events", p.event)
	p.mux = mux
	if p.alt {
		p.inbox = startInbox()
	}
	return p, nil
}

// SetPublicURL tells the partner its own address once it listens.
func (p *Partner) SetPublicURL(u string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.publicURL = strings.TrimRight(u, "/")
}

func (p *Partner) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// Key states as the partner reports them.
const (
	stateUnknown  = "unknown"
	stateAwaiting = "awaiting_activation"
	stateActive   = "active"
	statePaused   = "paused"
	stateDeleted  = "deleted"
)

// permissions mirror the key's, as DIKIDI reports them.
type permissions struct {
	Clients struct {
		View         string `json:"view"`
		ShowSurnames bool   `json:"show_surnames"`
		ShowPhones   string `json:"show_phones"`
	} `json:"clients"`
	Records struct {
		AddEdit    bool `json:"add_edit"`
		Cancel     bool `json:"cancel"`
		OccupyTime bool `json:"occupy_time"`
	} `json:"records"`
	Schedule struct {
		Edit string `json:"edit"`
	} `json:"schedule"`
}

// session is one reset-to-reset life of the connector.
type session struct {
	settings Settings
	fx       *dikidifixture.DriverFixture
	loc      *time.Location
	monday   time.Time

	keyState  string
	keyID     int64
	companyID int64
	perms     permissions
	employee  *int64
	lastError string
	refusals  []refusal

	masters  []master
	services []service
	clients  map[int64]*clientRow
	records  []*rec
	days     map[string]*day     // master|date
	free     map[string][]string // service|master|date -> start times
	lastSeq  map[string]int64    // object -> last applied event sequence
	seen     map[string]bool     // event ids applied
	nextID   int
	poll     clock.Timer // the next read of a partner without a Path
	// owed are the days (master → dates) whose free times a re-read could
	// not fetch; retry is the next attempt at them.
	owed  map[int64][]string
	retry clock.Timer
}

type refusal struct {
	Action string `json:"action"`
	By     string `json:"by"` // partner (refused itself) or dikidi
	Reason string `json:"reason"`
}

type master struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	ServiceIDs []int64 `json:"service_ids"`
}

type service struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Duration  int     `json:"duration"`
	MasterIDs []int64 `json:"master_ids"`
}

// clientRow is a client as the connector stores it.
type clientRow struct {
	DikidiID int64    `json:"dikidi_id"`
	Name     string   `json:"name"`
	Surname  *string  `json:"surname"`
	Phone    string   `json:"phone"`
	Masked   []string `json:"masked"`
}

// rec is a record in the connector's own system.
type rec struct {
	ID         string     `json:"id"`
	DikidiID   int64      `json:"dikidi_id"`
	Type       string     `json:"type"`
	Status     string     `json:"status"`
	MasterID   int64      `json:"master_id"`
	Start      time.Time  `json:"start"`
	End        time.Time  `json:"end"`
	ServiceIDs []int64    `json:"service_ids"`
	Client     *clientRow `json:"client"`
	Comment    string     `json:"comment"`
	Origin     string     `json:"origin"` // partner or dikidi
	// echoesDue counts the connector's own changes of the record whose
	// answers it adopted and whose events ("this_key") have not come yet.
	echoesDue int
}

type interval struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type day struct {
	MasterID int64      `json:"master_id"`
	Date     string     `json:"date"`
	Working  bool       `json:"working"`
	WorkFrom *string    `json:"work_from"`
	WorkTo   *string    `json:"work_to"`
	Breaks   []interval `json:"breaks"`
}

// driver contract ---------------------------------------------------------------

var _ driver.Partner = (*Partner)(nil)

// Name is how the partner introduces itself on GET /health.
func (p *Partner) Name() string {
	name := "accord reference partner (DIKIDI)"
	if p.alt {
		name = "accord reference partner (DIKIDI, alternative build)"
	}
	return p.faults.Label(name)
}

// Platforms is the one platform the partner integrates with.
func (p *Partner) Platforms() []string { return []string{"dikidi"} }

// ResetSession starts a fresh session with a key; the connector asks DIKIDI
// at once which state the key is in.
func (p *Partner) ResetSession(ctx context.Context, _ string, settings json.RawMessage) error {
	var st Settings
	if err := driver.Decode(settings, &st); err != nil {
		return err
	}
	if st.BaseURL == "" || st.Token == "" || st.PartnerKey == "" {
		return driver.Errorf(http.StatusBadRequest, "settings need base_url, token (the company's access key) and partner_key")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &session{settings: st, keyState: stateUnknown, clients: map[int64]*clientRow{}, days: map[string]*day{},
		free: map[string][]string{}, lastSeq: map[string]int64{}, seen: map[string]bool{}}
	if p.s != nil && p.s.poll != nil {
		p.s.poll.Stop()
	}
	if p.s != nil && p.s.retry != nil {
		p.s.retry.Stop()
	}
	p.s = s
	if p.faults["reports-active-unactivated"] {
		s.keyState = stateActive
	} else {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := p.readKey(ctx, s); err != nil {
			s.lastError = "checking the key: " + err.Error()
		}
	}
	return nil
}

// LoadFixture loads the salon's week as the connector knows it.
func (p *Partner) LoadFixture(_ context.Context, raw json.RawMessage) error {
	var fx dikidifixture.DriverFixture
	if err := driver.Decode(raw, &fx); err != nil {
		return err
	}
	loc, err := time.LoadLocation(fx.TimeZone)
	if err != nil {
		return driver.Errorf(http.StatusBadRequest, "timezone: %v", err)
	}
	monday, err := time.ParseInLocation(time.DateOnly, fx.WeekStart, loc)
	if err != nil {
		return driver.Errorf(http.StatusBadRequest, "week_start: %v", err)
	}
	if fx.Days <= 0 || fx.Days > 31 {
		return driver.Errorf(http.StatusBadRequest, "days must be 1..31")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s == nil {
		return driver.Errorf(http.StatusConflict, "reset first: no session")
	}
	p.s.fx, p.s.loc, p.s.monday = &fx, loc, monday
	return nil
}

// live is the session and whether its fixture is loaded; the caller holds p.mu.
func (p *Partner) live() (*session, bool) { return p.s, p.s != nil && p.s.fx != nil }

func (p *Partner) actions() map[string]driver.ActionFunc[*session] {
	return map[string]driver.ActionFunc[*session]{
		"activate":        p.activate,
		"sync":            p.syncAction,
		"add-record":      p.addRecord,
		"edit-record":     p.editRecord,
		"cancel-record":   p.cancelRecord,
		"occupy-time":     p.occupyTime,
		"change-schedule": p.changeSchedule,
	}
}

// Act performs a staff action or one of the connector's jobs.
func (p *Partner) Act(ctx context.Context, a driver.Action) (any, error) {
	return driver.OnLive(&p.mu, p.live, func(s *session) (any, error) {
		if len(a.Params) == 0 {
			a.Params = json.RawMessage("{}")
		}
		ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		return driver.Dispatch(ctx, s, a, p.actions())
	})
}

// View reports the connector's own view of name.
func (p *Partner) View(ctx context.Context, name string) (any, error) {
	return driver.OnLive(&p.mu, p.live, func(s *session) (any, error) {
		return driver.Show(ctx, s, name, map[string]driver.ViewFunc[*session]{
			"status":     p.statusView,
			"records":    func(_ context.Context, s *session) any { return append(make([]*rec, 0, len(s.records)), s.records...) },
			"clients":    p.clientsView,
			"schedule":   p.scheduleView,
			"free-times": p.freeTimesView,
		})
	})
}

func (p *Partner) statusView(_ context.Context, s *session) any {
	refusals := append([]refusal{}, s.refusals...)
	eventsURL := p.publicURL + "/events"
	if p.opts.Poll > 0 {
		eventsURL = "" // no Path: it reads DIKIDI instead
	}
	return map[string]any{
		"key_state": s.keyState, "key_id": s.keyID, "company_id": s.companyID,
		"connected": s.keyState == stateActive || s.keyState == statePaused || (s.keyState == stateDeleted && p.faults["connected-after-deletion"]),
		"paused":    s.keyState == statePaused, "deleted": s.keyState == stateDeleted,
		"events_url": eventsURL, "permissions": s.perms, "employee_id": s.employee,
		"last_error": s.lastError, "refusals": refusals,
	}
}

func (p *Partner) clientsView(_ context.Context, s *session) any {
	out := slices.AppendSeq(make([]*clientRow, 0, len(s.clients)), maps.Values(s.clients))
	if p.alt {
		sortClientsAlt(out)
	} else {
		sort.Slice(out, func(i, j int) bool { return out[i].DikidiID < out[j].DikidiID })
	}
	return out
}

func (p *Partner) scheduleView(_ context.Context, s *session) any {
	out := slices.AppendSeq(make([]*day, 0, len(s.days)), maps.Values(s.days))
	if p.alt {
		sortDaysAlt(out)
	} else {
		sort.Slice(out, func(i, j int) bool {
			if out[i].MasterID != out[j].MasterID {
				return out[i].MasterID < out[j].MasterID
			}
			return out[i].Date < out[j].Date
		})
	}
	return out
}

func (p *Partner) freeTimesView(_ context.Context, s *session) any {
	type row struct {
		ServiceID int64    `json:"service_id"`
		MasterID  int64    `json:"master_id"`
		Date      string   `json:"date"`
		Times     []string `json:"times"`
	}
	out := []row{}
	for k, times := range s.free {
		var r row
		_, _ = fmt.Sscanf(strings.ReplaceAll(k, "|", " "), "%d %d %s", &r.ServiceID, &r.MasterID, &r.Date)
		r.Times = append([]string{}, times...)
		if p.alt {
			// latest first, rows by date: any order is the same offer
			slices.Reverse(r.Times)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if p.alt && a.Date != b.Date {
			return a.Date < b.Date
		}
		if a.ServiceID != b.ServiceID {
			return a.ServiceID < b.ServiceID
		}
		if a.MasterID != b.MasterID {
			return a.MasterID < b.MasterID
		}
		return a.Date < b.Date
	})
	return out
}
