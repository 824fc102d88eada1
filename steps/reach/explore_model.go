package reach

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	"github.com/accord-harness/accord/internal/explore"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// model is what an exploration knows of the integration, and all that Next reads: the customer's
// books at the partner (which companies, how far each runs), the connection's kind of token, the
// sync button's presses and the nights gone by. It never reads the partner's answers or the clock,
// so the same seed proposes the same sequence against any partner.
type model struct {
	fixture *reachfixture.Set
	books   func(shelf) (*shelved, error)
	oauth   bool // the connection renews OAuth tokens (capability oauth: on)
	virtual bool // the partner lives on the run clock: a token past its life can be tried

	shelf   shelf
	presses int            // on-demand syncs that may fall on the current UTC day
	nights  int            // nightly syncs waited for
	changed bool           // the books changed since the last sync
	asked   []explore.Step // the questions asked, to ask again once the books or the time moved on
}

// start is every sequence's first shelf: two companies, the books of each a month or two short of
// the fixture's, so that months can close and a company can join.
func startShelf(n int) shelf {
	sh := shelf{present: make([]bool, n), back: make([]int, n)}
	for i := range n {
		sh.present[i] = i < 2
		sh.back[i] = 1 + i%2
	}
	return sh
}

func (m *model) reset() {
	m.shelf = startShelf(len(m.fixture.Companies))
	m.presses, m.nights, m.changed, m.asked = 0, 0, false, nil
}

// An action: its weight in the model's state (0 when it does not apply), and a step proposed.
type action struct {
	name    string
	weight  func(*model) int
	propose func(*model, *rand.Rand) explore.Step
}

// when is a weight that applies under a condition.
func when(w int, applies func(*model) bool) func(*model) int {
	return func(m *model) int {
		if applies(m) {
			return w
		}
		return 0
	}
}

// syncWeight: a customer whose bookkeeper has just changed the books presses the sync button to see
// them, and the night syncs them anyway; a sync is likelier then.
func syncWeight(w int, applies func(*model) bool) func(*model) int {
	return func(m *model) int {
		switch {
		case !applies(m):
			return 0
		case m.changed:
			return 2 * w
		}
		return w
	}
}

var actions = []action{
	{"sync", syncWeight(4, func(m *model) bool { return m.presses < reachmock.DefaultDailyOnDemand }), func(*model, *rand.Rand) explore.Step {
		return explore.Step{Action: "sync", Text: "the customer presses the sync button"}
	}},
	{"night", syncWeight(1, always), func(*model, *rand.Rand) explore.Step {
		return explore.Step{Action: "night", Text: "the nightly sync time comes on the run clock"}
	}},
	{"expire", when(2, func(m *model) bool { return m.oauth }), func(*model, *rand.Rand) explore.Step {
		return explore.Step{Action: "expire", Text: "the access token's life ends on the run clock, and a call with it is refused"}
	}},
	{"outage", when(1, always), func(_ *model, r *rand.Rand) explore.Step {
		n := 1 + r.IntN(2)
		return explore.Step{Action: "outage", Args: map[string]string{"requests": strconv.Itoa(n)},
			Text: fmt.Sprintf("the partner's system is unavailable for its next %d requests", n)}
	}},
	{"month", when(3, func(m *model) bool { return len(m.closable()) > 0 }), func(m *model, r *rand.Rand) explore.Step {
		i := pick(r, m.closable())
		c := m.fixture.Companies[i]
		last := c.LastMonth.Add(-(m.shelf.back[i] - 1))
		return explore.Step{Action: "month", Args: map[string]string{"company": c.Company.CompanyID, "to": last.String()},
			Text: fmt.Sprintf("the bookkeeper closes %s in the books of %q", last, c.Company.CompanyName)}
	}},
	{"add", when(1, func(m *model) bool { return len(m.which(false)) > 0 }), func(m *model, r *rand.Rand) explore.Step {
		c := m.fixture.Companies[pick(r, m.which(false))]
		return explore.Step{Action: "add", Args: map[string]string{"company": c.Company.CompanyID},
			Text: fmt.Sprintf("the customer adds %q to its books at the partner", c.Company.CompanyName)}
	}},
	{"close", when(1, func(m *model) bool { return len(m.which(true)) > 1 }), func(m *model, r *rand.Rand) explore.Step {
		c := m.fixture.Companies[pick(r, m.which(true))]
		return explore.Step{Action: "close", Args: map[string]string{"company": c.Company.CompanyID},
			Text: fmt.Sprintf("the customer closes %q at the partner", c.Company.CompanyName)}
	}},
	{"ask", when(3, always), (*model).proposeQuestion},
	{"again", when(2, func(m *model) bool { return len(m.asked) > 0 }), func(m *model, r *rand.Rand) explore.Step {
		s := m.asked[r.IntN(len(m.asked))]
		return explore.Step{Action: "ask", Args: s.Args, Text: s.Text + " again"}
	}},
	{"bad", when(2, always), func(m *model, r *rand.Rand) explore.Step {
		b := m.current()
		c := b.set.Companies[r.IntN(len(b.set.Companies))]
		return explore.Step{Action: "bad", Args: map[string]string{"company": c.Company.CompanyID},
			Text: fmt.Sprintf("Reach sends every request the partner must refuse about %q", c.Company.CompanyName)}
	}},
	{"whole", when(1, always), func(*model, *rand.Rand) explore.Step {
		return explore.Step{Action: "whole", Text: "Reach reads every company's books under every filter, period and page size the specification gives"}
	}},
}

func always(*model) bool { return true }

func pick(r *rand.Rand, xs []int) int { return xs[r.IntN(len(xs))] }

// next proposes a step that applies to the model's state, by the actions' weights.
func (m *model) next(r *rand.Rand) explore.Step {
	total := 0
	for _, a := range actions {
		total += a.weight(m)
	}
	n := r.IntN(total)
	for _, a := range actions {
		if w := a.weight(m); n < w {
			return a.propose(m, r)
		} else {
			n -= w
		}
	}
	panic("unreachable: the weights add up to total")
}

// which are the fixture's companies present (or absent) in the customer's books.
func (m *model) which(present bool) []int {
	var out []int
	for i, p := range m.shelf.present {
		if p == present {
			out = append(out, i)
		}
	}
	return out
}

// closable are the present companies whose books can run a month further.
func (m *model) closable() []int {
	var out []int
	for _, i := range m.which(true) {
		if m.shelf.back[i] > 0 {
			out = append(out, i)
		}
	}
	return out
}

// current are the books the partner holds now. The fixture's cuts are valid books (a test proves
// each), so an error here is the harness's.
func (m *model) current() *shelved {
	b, err := m.books(m.shelf)
	if err != nil {
		panic(err)
	}
	return b
}

// pageSizes are the page sizes a list is read in, the edges of the document's range among them.
var pageSizes = []int{1, 2, 3, 7, 19, 20, 50, 100, 999, 1000}

// proposeQuestion picks one question of the whole reading of the current books and varies it: a
// list in pages of another size, a statement or metric values over another period around the books.
func (m *model) proposeQuestion(r *rand.Rand) explore.Step {
	qs := reachmock.Questions(m.current().set)
	q := qs[r.IntN(len(qs))]
	args := map[string]string{}
	switch {
	case q.IsList():
		n := pageSizes[r.IntN(len(pageSizes))]
		args["pages"] = strconv.Itoa(n)
		q = q.PagesOf(n)
	case q.IsPeriodic():
		c, _ := m.current().set.Company(q.CompanyID())
		first := c.FirstMonth.Add(-3)
		span := monthsBetween(first, c.LastMonth.Add(3)) + 1
		a, b := r.IntN(span), r.IntN(span)
		if a > b {
			a, b = b, a
		}
		from, to := first.Add(a), first.Add(b)
		args["from"], args["to"] = from.String(), to.String()
		q = q.Over(from, to)
	}
	args["item"] = q.Item()
	return explore.Step{Action: "ask", Args: args, Text: "Reach reads " + q.Item()}
}

func monthsBetween(from, to reachfixture.Month) int {
	return (to.Year-from.Year)*12 + int(to.Month) - int(from.Month)
}

// question finds a step's question in the current books, by its name once varied as the step
// says: ok false when the books no longer have it (a shrunk sequence lost the step that added its
// company or closed its month).
func (m *model) question(s explore.Step) (reachmock.Question, bool) {
	b := m.current()
	qs := reachmock.Questions(b.set)
	from, err1 := reachfixture.ParseMonth(s.Args["from"])
	to, err2 := reachfixture.ParseMonth(s.Args["to"])
	periodic := err1 == nil && err2 == nil
	n, err := strconv.Atoi(s.Args["pages"])
	for _, q := range qs {
		if err == nil {
			q = q.PagesOf(n)
		}
		if periodic {
			q = q.Over(from, to)
		}
		if q.Item() == s.Args["item"] {
			return q, true
		}
	}
	return reachmock.Question{}, false
}

// company is the fixture index of a step's company.
func (m *model) company(s explore.Step) (int, bool) {
	for i, c := range m.fixture.Companies {
		if c.Company.CompanyID == s.Args["company"] {
			return i, true
		}
	}
	return 0, false
}
