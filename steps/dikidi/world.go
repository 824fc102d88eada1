package dikidi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/stepkit"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/runner"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// world is one scenario's state: its own salon on the mock, its key, what
// the scenario has done so far, and the things later steps refer to ("that
// record", "the deletion").
type world struct {
	stepkit.Scenario
	s       *stage
	fx      *dikidifixture.Fixture
	loc     *time.Location // the salon's zone
	company int64

	key       dikidimock.KeyView
	hasKey    bool
	second    dikidimock.KeyView // another key of the salon's whose events reach the same Path
	given     bool
	eventsURL string

	activateErr  error
	activateMark int64

	actErr  error // the partner's staff's last action
	actMark int64 // journal sequence just before it
	tries   []try // a table of changes tried one after another

	record   string // the partner's id of "that record" (made by its staff), or ""
	dikidiID int64  // DIKIDI's id of "that record"
	occupied string // the partner's id of the time its staff occupied
	// what the partner's staff wrote, which DIKIDI must show as written
	entered      dikidimock.Client // the new client of the record they added
	cancelReason string            // why they cancelled "that record"
	pauseMark    int64
	goneMark     int64
	changeMark   int64

	exploration explore.Outcome // how the scenario's exploration ended
}

func (w *world) begin(ctx context.Context, name string) error {
	*w = world{s: w.s}
	w.Begin(&w.s.Base, ctx, name)
	w.company = w.s.nextCompany()
	w.fx = w.s.fixture.WithCompanyID(w.company)
	w.loc = w.s.loc
	w.s.AddSecrets(w.fx.PartnerKeys...)
	w.s.Journal.Label(dikidimock.CompanyTenant(w.company), name)
	return w.s.mock.AddCompany(w.fx)
}

// end takes the salon off the mock, so nothing more is delivered for it.
func (w *world) end() {
	w.s.mock.RemoveCompany(w.company)
	w.s.relay.forget(w.company)
}

// partnerKey is the key DIKIDI issued to the partner under test.
func (w *world) partnerKey() string { return w.fx.PartnerKeys[0] }

// createKey is the business adding a key; its Path is the relay in front of
// the partner's own Path.
func (w *world) createKey(spec dikidimock.KeySpec) error {
	k, err := w.newKey(spec)
	if err != nil {
		return err
	}
	w.key, w.hasKey = k, true
	return nil
}

// newKey is a key the business adds for the partner, with the relay as its Path.
func (w *world) newKey(spec dikidimock.KeySpec) (dikidimock.KeyView, error) {
	if spec.Name == "" {
		spec.Name = "Partner connector"
	}
	if w.s.withPath() {
		path := w.s.relay.path(w.company)
		spec.Path = &path
	}
	k, err := w.s.mock.CreateKey(w.company, spec)
	if err != nil {
		return k, fmt.Errorf("the business could not create the key: %w", err)
	}
	w.s.AddSecrets(k.Token)
	return k, nil
}

// give resets the partner onto this scenario's key and salon, and points the
// relay at the Path the partner reports.
func (w *world) give() error {
	if !w.hasKey {
		return fmt.Errorf("no key was created in this scenario")
	}
	settings := map[string]any{
		"base_url":    w.s.mockURL + "/api/partner",
		"token":       w.key.Token,
		"partner_key": w.partnerKey(),
	}
	if err := w.s.Driver.Reset(w.Ctx, "dikidi", settings); err != nil {
		return err
	}
	if err := w.s.Driver.LoadFixture(w.Ctx, w.fx.ForDriver()); err != nil {
		return err
	}
	st, err := w.status()
	if err != nil {
		return err
	}
	w.given = true
	if !w.s.withPath() {
		return nil // the key has no Path: DIKIDI sends nothing
	}
	if st.EventsURL == "" {
		return fmt.Errorf("the partner's status view names no events_url: DIKIDI would not know where to POST events (a partner that takes no events declares the capability %s=%s)", capEvents, eventsNone)
	}
	w.eventsURL = st.EventsURL
	w.s.relay.set(w.company, st.EventsURL)
	return nil
}

// atPath ends a scenario about events at the partner's Path when the
// partner declared it takes none.
func (w *world) atPath(what string) error {
	if w.s.withPath() {
		return nil
	}
	return runner.NotApplicable(fmt.Sprintf("the scenario is about %s; the partner gives DIKIDI no Path and reads DIKIDI instead (capability %s: %s)", what, capEvents, eventsNone))
}

// activate asks the partner to activate its key and remembers the outcome.
func (w *world) activate() error {
	if !w.given {
		if err := w.give(); err != nil {
			return err
		}
	}
	w.activateMark = w.Mark()
	w.activateErr = w.s.Driver.Act(w.Ctx, "activate", map[string]any{}, nil)
	return w.activateErr
}

// calls are the partner's calls to DIKIDI for this salon after seq.
func (w *world) calls(after int64) []journal.Entry {
	prefix := dikidimock.CompanyTenant(w.company)
	return w.s.Journal.Select(func(e journal.Entry) bool {
		return e.Direction == journal.Inbound && e.Seq > after && strings.HasPrefix(e.Tenant, prefix) && !strings.HasSuffix(e.Tenant, "/owner")
	})
}

// events are DIKIDI's delivery attempts to the partner's Path after seq.
func (w *world) events(after int64) []journal.Entry {
	prefix := dikidimock.CompanyTenant(w.company)
	return w.s.Journal.Select(func(e journal.Entry) bool {
		return e.Direction == journal.Outbound && e.Seq > after && strings.HasPrefix(e.Tenant, prefix)
	})
}

// evidence summarises what the partner sent DIKIDI since seq, for failure reasons.
func (w *world) evidence(after int64) string { return stepkit.Evidence("DIKIDI", w.calls(after)) }

// deliveries describes DIKIDI's event deliveries since seq.
func (w *world) deliveries(after int64) string {
	es := w.events(after)
	if len(es) == 0 {
		return "DIKIDI sent no event to the partner since"
	}
	var out []string
	for _, e := range es {
		switch {
		case e.Error != "":
			out = append(out, fmt.Sprintf("%s → %s", strings.TrimPrefix(e.Operation, "event:"), e.Error))
		default:
			out = append(out, fmt.Sprintf("%s → HTTP %d", strings.TrimPrefix(e.Operation, "event:"), e.Status))
		}
	}
	return "DIKIDI's events: " + strings.Join(stepkit.Tail(out, 6), ", ")
}

// eventually is within the latency budget when asked to, a single look otherwise.
func (w *world) eventually(wait bool, what string, cond func() (bool, string)) error {
	if wait {
		return w.Within(w.s.Budget, what, cond)
	}
	w.DriverErr = nil
	ok, why := cond()
	if w.DriverErr != nil {
		return fmt.Errorf("%s: cannot tell: %w", what, w.DriverErr)
	}
	if !ok {
		return fmt.Errorf("%s: not so: %s", what, why)
	}
	return nil
}

// the salon's vocabulary ------------------------------------------------------------

var weekdays = map[string]int{"Monday": 1, "Tuesday": 2, "Wednesday": 3, "Thursday": 4, "Friday": 5, "Saturday": 6, "Sunday": 7}

// day is how a feature names a day of the horizon: "Tuesday" (of the first
// week) or "Tuesday of the second week".
const day = `(\w+(?: of the second week)?)`

// date is a day of the salon's horizon.
func (w *world) date(name string) (time.Time, error) {
	weekday, week := name, 1
	if wd, ok := strings.CutSuffix(name, " of the second week"); ok {
		weekday, week = wd, 2
	}
	iso, ok := weekdays[weekday]
	if !ok {
		return time.Time{}, fmt.Errorf("%q is not a weekday", weekday)
	}
	return w.fx.DayOfWeek(week, iso)
}

// at is a local time on a weekday of the salon's week.
func (w *world) at(weekday, hhmm string) (time.Time, error) {
	d, err := w.date(weekday)
	if err != nil {
		return time.Time{}, err
	}
	var h, m int
	if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
		return time.Time{}, fmt.Errorf("%q is not HH:MM", hhmm)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, d.Location()), nil
}

// masterAt resolves a master and a time in their week ("Tuesday", "16:00").
func (w *world) masterAt(name, weekday, hhmm string) (dikidifixture.Master, time.Time, error) {
	m, err := w.master(name)
	if err != nil {
		return m, time.Time{}, err
	}
	start, err := w.at(weekday, hhmm)
	return m, start, err
}

func (w *world) master(name string) (dikidifixture.Master, error) {
	return named(w.fx.Masters, "master", name, func(m dikidifixture.Master) string { return m.Name })
}

func (w *world) service(name string) (dikidifixture.Service, error) {
	return named(w.fx.Services, "service", name, func(s dikidifixture.Service) string { return s.Name })
}

// named finds the salon's master, service or client a step names, or says
// which there are.
func named[T any](all []T, kind, name string, nameOf func(T) string) (T, error) {
	var names []string
	for _, x := range all {
		if nameOf(x) == name {
			return x, nil
		}
		names = append(names, nameOf(x))
	}
	var none T
	return none, fmt.Errorf("the salon has no %s %q (it has %s)", kind, name, strings.Join(names, ", "))
}

func (w *world) fmtTime(t time.Time) string {
	return t.In(w.loc).Format("Mon 2006-01-02 15:04")
}
