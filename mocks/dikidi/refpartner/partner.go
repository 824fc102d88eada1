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
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", p.health)
	mux.HandleFunc("POST /reset", p.reset)
	mux.HandleFunc("POST /fixture", p.loadFixture)
	mux.HandleFunc("POST /actions", p.act)
	mux.HandleFunc("GET /view/{name}", p.view)
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

func (p *Partner) health(w http.ResponseWriter, _ *http.Request) {
	name := "accord reference partner (DIKIDI)"
	if p.alt {
		name = "accord reference partner (DIKIDI, alternative build)"
	}
	if len(p.faults) > 0 {
		var fs []string
		for f := range p.faults {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		name += " with fault " + strings.Join(fs, ",")
	}
	driver.WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "name": name, "platforms": []string{"dikidi"}})
}

// reset starts a fresh session with a key; the connector asks DIKIDI at once
// which state the key is in.
func (p *Partner) reset(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Platform string   `json:"platform"`
		Settings Settings `json:"settings"`
	}
	if !driver.ReadJSON(w, r, &body) {
		return
	}
	if body.Platform != "dikidi" {
		driver.WriteError(w, http.StatusBadRequest, "this partner integrates with dikidi, not %q", body.Platform)
		return
	}
	st := body.Settings
	if st.BaseURL == "" || st.Token == "" || st.PartnerKey == "" {
		driver.WriteError(w, http.StatusBadRequest, "settings need base_url, token (the company's access key) and partner_key")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &session{settings: st, keyState: stateUnknown, clients: map[int64]*clientRow{}, days: map[string]*day{},
		free: map[string][]string{}, lastSeq: map[string]int64{}, seen: map[string]bool{}}
	if p.s != nil && p.s.poll != nil {
		p.s.poll.Stop()
	}
	p.s = s
	if p.faults["reports-active-unactivated"] {
		s.keyState = stateActive
	} else {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		if err := p.readKey(ctx, s); err != nil {
			s.lastError = "checking the key: " + err.Error()
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (p *Partner) loadFixture(w http.ResponseWriter, r *http.Request) {
	var fx dikidifixture.DriverFixture
	if !driver.ReadJSON(w, r, &fx) {
		return
	}
	loc, err := time.LoadLocation(fx.TimeZone)
	if err != nil {
		driver.WriteError(w, http.StatusBadRequest, "timezone: %v", err)
		return
	}
	monday, err := time.ParseInLocation(time.DateOnly, fx.WeekStart, loc)
	if err != nil {
		driver.WriteError(w, http.StatusBadRequest, "week_start: %v", err)
		return
	}
	if fx.Days <= 0 || fx.Days > 31 {
		driver.WriteError(w, http.StatusBadRequest, "days must be 1..31")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s == nil {
		driver.WriteError(w, http.StatusConflict, "reset first: no session")
		return
	}
	p.s.fx, p.s.loc, p.s.monday = &fx, loc, monday
	w.WriteHeader(http.StatusNoContent)
}

// session returns the live session, or answers the driver call itself.
func (p *Partner) session(w http.ResponseWriter) *session {
	if p.s == nil || p.s.fx == nil {
		driver.WriteError(w, http.StatusConflict, "reset and load a fixture first")
		return nil
	}
	return p.s
}

// actionError is a driver answer other than 200.
type actionError struct {
	status int
	msg    string
}

func (e *actionError) Error() string { return e.msg }

func fail(status int, format string, args ...any) *actionError {
	return &actionError{status: status, msg: fmt.Sprintf(format, args...)}
}

type action func(ctx context.Context, s *session, params json.RawMessage) (any, *actionError)

func (p *Partner) actions() map[string]action {
	return map[string]action{
		"activate":        p.activate,
		"sync":            p.syncAction,
		"add-record":      p.addRecord,
		"edit-record":     p.editRecord,
		"cancel-record":   p.cancelRecord,
		"occupy-time":     p.occupyTime,
		"change-schedule": p.changeSchedule,
	}
}

func (p *Partner) act(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Action string          `json:"action"`
		Params json.RawMessage `json:"params"`
	}
	if !driver.ReadJSON(w, r, &body) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.session(w)
	if s == nil {
		return
	}
	fn, ok := p.actions()[body.Action]
	if !ok {
		driver.WriteError(w, http.StatusNotFound, "unknown action %q", body.Action)
		return
	}
	if len(body.Params) == 0 {
		body.Params = json.RawMessage("{}")
	}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	result, err := fn(ctx, s, body.Params)
	if err != nil {
		driver.WriteError(w, err.status, "%s: %s", body.Action, err.msg)
		return
	}
	if result == nil {
		result = map[string]any{}
	}
	driver.WriteJSON(w, http.StatusOK, map[string]any{"result": result})
}

func (p *Partner) view(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.session(w)
	if s == nil {
		return
	}
	switch name := r.PathValue("name"); name {
	case "status":
		refusals := append([]refusal{}, s.refusals...)
		eventsURL := p.publicURL + "/events"
		if p.opts.Poll > 0 {
			eventsURL = "" // no Path: it reads DIKIDI instead
		}
		driver.WriteJSON(w, http.StatusOK, map[string]any{
			"key_state": s.keyState, "key_id": s.keyID, "company_id": s.companyID,
			"connected": s.keyState == stateActive || s.keyState == statePaused || (s.keyState == stateDeleted && p.faults["connected-after-deletion"]),
			"paused":    s.keyState == statePaused, "deleted": s.keyState == stateDeleted,
			"events_url": eventsURL, "permissions": s.perms, "employee_id": s.employee,
			"last_error": s.lastError, "refusals": refusals,
		})
	case "records":
		out := make([]*rec, 0, len(s.records))
		out = append(out, s.records...)
		driver.WriteJSON(w, http.StatusOK, out)
	case "clients":
		out := make([]*clientRow, 0, len(s.clients))
		for _, c := range s.clients {
			out = append(out, c)
		}
		if p.alt {
			sortClientsAlt(out)
		} else {
			sort.Slice(out, func(i, j int) bool { return out[i].DikidiID < out[j].DikidiID })
		}
		driver.WriteJSON(w, http.StatusOK, out)
	case "schedule":
		out := make([]*day, 0, len(s.days))
		for _, d := range s.days {
			out = append(out, d)
		}
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
		driver.WriteJSON(w, http.StatusOK, out)
	case "free-times":
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
		driver.WriteJSON(w, http.StatusOK, out)
	default:
		driver.WriteError(w, http.StatusNotFound, "unknown view %q", name)
	}
}
