package reach

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/statediff"
	"github.com/accord-harness/accord/internal/stepkit"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// explorer is Reach's side of an exploration (internal/explore). Every sequence starts on a fresh
// connection to a partner reset with new credentials and loaded with two companies' books, connected
// by OAuth when the partner runs a server. Its steps are what happens over time on both sides: the
// customer's books change at the partner (a month closed, a company added or closed), the customer
// presses the sync button, the nightly sync comes, the access token's life ends, the partner is
// briefly unavailable; and Reach's own questions: one list in pages of any size, one statement or
// metric under any filter over any period, every request about a company the partner must refuse
// (400, 401), the access token past its life, or the whole books. After every step Reach and the partner must agree: what
// Reach holds from its last sync is the books as they were when it ran, every company, list,
// statement, budget and metric value of its window; what Reach just read is the books as they are.
type explorer struct {
	w *world
	m *model

	// held is the last sync Reach waited for and the books the partner had then; checked says it
	// was compared already (what Reach holds changes only with a sync).
	held    *reachmock.SyncResult
	heldSet *reachfixture.Set
	checked bool
	// read is what the step asked and the answers; want what the books call for.
	what       string
	read, want *reachmock.State
}

func registerExplore(sc *godog.ScenarioContext, w *world) {
	sc.Step(explore.PlanStep, w.explore)
	sc.Step(`^`+explore.AgreedStep+`$`, w.exploredInAgreement)
}

// ExploredStep ends every @explore scenario.
const ExploredStep = explore.AgreedStep

// explore runs the feature's plan, or what accord explore asks for instead.
func (w *world) explore(sequences, steps int, seed string) error {
	x, err := w.explorer()
	if err != nil {
		return err
	}
	rec, err := explore.Scenario(w.Ctx, x, w.Name, sequences, steps, seed, w.s.Explore)
	w.s.RecordExploration(rec)
	w.exploration.Set(err)
	return nil
}

func (w *world) exploredInAgreement() error { return w.exploration.Agreed("explore") }

// maxBack is how many months short of the fixture's a company's books start an exploration.
const maxBack = 2

func (w *world) explorer() (*explorer, error) {
	// Every cut the model can ask for is made now: a fixture that cannot be cut fails here.
	if _, err := cuts(); err != nil {
		return nil, err
	}
	m := &model{fixture: w.s.set, books: w.s.books, oauth: w.s.Caps[CapOAuth] != "off", virtual: w.s.Bundled}
	return &explorer{w: w, m: m}, nil
}

// Begin resets the partner with fresh credentials and the first shelf's books, and connects Reach,
// by OAuth when the partner runs a server.
func (x *explorer) Begin(ctx context.Context) error {
	w := x.w
	w.end()
	scenario, outcome := w.Name, w.exploration
	if err := w.begin(ctx, scenario); err != nil {
		return err
	}
	w.exploration = outcome
	x.m.reset()
	x.held, x.heldSet, x.checked, x.read, x.want = nil, nil, false, nil, nil
	b, err := x.m.books(x.m.shelf)
	if err != nil {
		return err
	}
	if err := w.open(b.raw); err != nil {
		return err
	}
	if x.m.oauth {
		return w.connectByOAuth()
	}
	return nil
}

func (x *explorer) Next(r *rand.Rand) explore.Step { return x.m.next(r) }

// Do carries out a step on the model, then for real.
func (x *explorer) Do(ctx context.Context, s explore.Step) error {
	m, w := x.m, x.w
	switch s.Action {
	case "sync":
		if m.presses >= reachmock.DefaultDailyOnDemand {
			return explore.ErrInapplicable
		}
		m.presses++
		m.changed = false
		r, err := w.syncNow()
		if err != nil {
			return err
		}
		x.hold(r)
		return nil
	case "night":
		m.nights++
		// The first night may fall on the day the sequence began (it began before 02:00 UTC);
		// every later one starts a new UTC day, and with it the day's presses.
		if m.nights > 1 {
			m.presses = 0
		}
		m.changed = false
		return x.advance(ctx, w.sched.NextNightly().Sub(w.s.Clock.Now())+time.Second)
	case "expire":
		if !m.oauth {
			return explore.ErrInapplicable
		}
		expired := w.conn.Token()
		if err := x.advance(ctx, w.conn.TokenExpiry().Sub(w.s.Clock.Now())+tokenLeeway+time.Second); err != nil {
			return err
		}
		if !m.virtual {
			return nil // the partner's own clock has not moved: its token is still good
		}
		return x.ask(ctx, s.Text, reachmock.ExpiredToken(m.current().set, expired)...)
	case "outage":
		n, _ := strconv.Atoi(s.Args["requests"])
		return w.outage(n)
	case "month", "add", "close":
		return x.changeBooks(ctx, s)
	case "ask":
		q, ok := m.question(s)
		if !ok {
			return explore.ErrInapplicable
		}
		if !strings.HasSuffix(s.Text, " again") {
			m.asked = append(m.asked, s)
		}
		return x.ask(ctx, s.Text, q)
	case "bad":
		c, ok := m.current().set.Company(s.Args["company"])
		if !ok {
			return explore.ErrInapplicable
		}
		return x.ask(ctx, s.Text, reachmock.BadRequests(&reachfixture.Set{Companies: []*reachfixture.Company{c}})...)
	case "whole":
		b := m.current()
		st, err := w.s.reach.ReadWholeState(ctx, w.conn, b.set)
		if err != nil {
			return fmt.Errorf("data accuracy: reading the whole books: %v", err)
		}
		x.what, x.read, x.want = s.Text, st, b.expect()
		return nil
	}
	return fmt.Errorf("explore: unknown step %q (%s)", s.Action, s.Text)
}

// changeBooks closes a month of a company's books, adds a company or closes one, in the model and
// at the partner.
func (x *explorer) changeBooks(ctx context.Context, s explore.Step) error {
	m := x.m
	i, ok := m.company(s)
	if !ok {
		return explore.ErrInapplicable
	}
	sh := m.shelf.clone()
	switch s.Action {
	case "month":
		if !sh.present[i] || sh.back[i] == 0 {
			return explore.ErrInapplicable
		}
		sh.back[i]--
	case "add":
		if sh.present[i] {
			return explore.ErrInapplicable
		}
		sh.present[i] = true
	case "close":
		if !sh.present[i] || len(m.which(true)) < 2 {
			return explore.ErrInapplicable
		}
		sh.present[i] = false
	}
	b, err := m.books(sh)
	if err != nil {
		return err
	}
	m.shelf, m.changed = sh, true
	if err := x.w.s.Driver.LoadFixture(ctx, rawJSON(b.raw)); err != nil {
		return fmt.Errorf("data accuracy: the partner did not take the customer's changed books (%s): %w", s.Text, err)
	}
	return nil
}

// ask asks questions of the current books and keeps the answers for Agree.
func (x *explorer) ask(ctx context.Context, what string, qs ...reachmock.Question) error {
	st, err := x.w.s.reach.Ask(ctx, x.w.conn, qs...)
	if err != nil {
		return fmt.Errorf("data accuracy: %s: %v", what, err)
	}
	x.what, x.read, x.want = what, st, reachmock.Expect(x.m.current().set, qs...)
	return nil
}

// advance moves the run clock on; when that brings the nightly sync, it waits for it, and Reach
// holds what it pulled.
func (x *explorer) advance(ctx context.Context, d time.Duration) error {
	w := x.w
	next := w.sched.NextNightly()
	w.s.Clock.Advance(d)
	if w.s.Clock.Now().Before(next) {
		return nil
	}
	r, err := w.sched.Wait(ctx, reachmock.Nightly, next, nightlyWait)
	if err != nil {
		return fmt.Errorf("sync scheduling: the nightly sync due at %s: %v", next.Format(time.RFC3339), err)
	}
	w.s.recordSync(w.Name, r)
	w.syncs = append(w.syncs, r)
	x.hold(r)
	return nil
}

func (x *explorer) hold(r *reachmock.SyncResult) {
	x.held, x.heldSet, x.checked = r, x.m.current().set, false
}

// Agree compares what Reach just read with the books as they are, and what Reach holds from its
// last sync with the books as they were when it ran. Reach only reads: nothing is on its way, there
// is nothing to wait for.
func (x *explorer) Agree(context.Context) error {
	if x.read != nil {
		read, want, what := x.read, x.want, x.what
		x.read, x.want = nil, nil
		if err := reachmock.CompareStates("the books", want, read).Err("data accuracy: " + what); err != nil {
			return err
		}
	}
	if x.held == nil || x.checked {
		return nil
	}
	x.checked = true
	return heldAgrees(x.held, x.heldSet)
}

// heldAgrees: a sync completed and pulled every company of the books it ran on, and no other, each
// equal to its books: information, every reference list, the statements of both bases, budgets and
// metric values over its window; and the statements balance, add up and name the chart's accounts.
func heldAgrees(r *reachmock.SyncResult, set *reachfixture.Set) error {
	if !r.Completed() {
		return fmt.Errorf("sync stability: %v", r.Err())
	}
	var broken []string
	for _, e := range r.Trace.Entries() {
		if len(e.ResponseViolations) > 0 {
			broken = append(broken, stepkit.Describe(e))
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("formatting: what Reach holds from its %s sync came from %d answers that break the specification: %s",
			r.Kind, len(broken), strings.Join(stepkit.Head(broken, 3), "; "))
	}
	t := statediff.New("the books")
	for _, cd := range r.Snapshot.Companies {
		if _, ok := set.Company(cd.Company.CompanyID); !ok {
			t.OnlyAtPartner("user-info company "+cd.Company.CompanyID, "the sync read a company the customer's books no longer hold")
		}
	}
	if err := t.Err("data accuracy: what Reach holds from its " + string(r.Kind) + " sync"); err != nil {
		return err
	}
	cs, err := companiesOf(r, set)
	if err != nil {
		return err
	}
	var all []string
	for _, c := range cs {
		for _, check := range []func(*reachmock.CompanyData, *reachfixture.Company) []string{reachmock.CompareReference, reachmock.CompareStatements, reachmock.CompareBudgetsAndMetrics,
			pulledOnly(reachmock.CheckBalance), pulledOnly(reachmock.CheckCashFlow), pulledOnly(reachmock.CheckPLTotals), pulledOnly(reachmock.CheckChart)} {
			for _, f := range check(c.data, c.books) {
				all = append(all, c.books.Company.CompanyID+": "+f)
			}
		}
	}
	return findings("data accuracy: what Reach holds from its "+string(r.Kind)+" sync", all)
}
