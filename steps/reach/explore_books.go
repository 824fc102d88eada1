package reach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// The books change in an exploration the way a customer's books change at the partner: the
// bookkeeper closes another month (its postings and metric values appear), the customer adds a
// company or closes one. Each is the fixture's books cut at a month: every company of the fixture,
// present or not, its books ending some months before the fixture's last. The driver loads them with
// POST /fixture, the call that loads the books at the start of every scenario.

// shelf is which companies the customer keeps and how far each one's books run.
type shelf struct {
	present []bool
	back    []int // months before the fixture's last month at which the books end
}

func (s shelf) key() string {
	var b strings.Builder
	for i := range s.present {
		if s.present[i] {
			fmt.Fprintf(&b, "%d-%d;", i, s.back[i])
		}
	}
	return b.String()
}

func (s shelf) clone() shelf {
	return shelf{present: append([]bool(nil), s.present...), back: append([]int(nil), s.back...)}
}

// shelved is one shelf's books: the set, the driver's body, and what a whole reading must find.
type shelved struct {
	set    *reachfixture.Set
	raw    []byte
	expect func() *reachmock.State // computed once, when a whole reading first asks
}

// cut is company i of the fixture with its books ending back months early: the parsed books and
// the document the driver carries.
type cut struct {
	company *reachfixture.Company
	raw     []byte
}

// cuts are every cut an exploration may load, made once a process as the books are (bundled):
// they are read-only.
var cuts = sync.OnceValues(func() (map[[2]int]cut, error) {
	b, err := bundled()
	if err != nil {
		return nil, err
	}
	out := map[[2]int]cut{}
	for i, c := range b.set.Companies {
		for back := range maxBack + 1 {
			if out[[2]int{i, back}], err = cutBooks(c, back); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
})

// books are the books of a shelf, the same ones for the same shelf all through a run.
func (s *stage) books(sh shelf) (*shelved, error) {
	all, err := cuts()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shelves == nil {
		s.shelves = map[string]*shelved{}
	}
	if b, ok := s.shelves[sh.key()]; ok {
		return b, nil
	}
	out := &shelved{set: &reachfixture.Set{}}
	var docs [][]byte
	for i := range sh.present {
		if !sh.present[i] {
			continue
		}
		ct, ok := all[[2]int{i, sh.back[i]}]
		if !ok {
			return nil, fmt.Errorf("explore: no cut of company %d %d months short", i, sh.back[i])
		}
		out.set.Companies = append(out.set.Companies, ct.company)
		docs = append(docs, ct.raw)
	}
	out.raw = append(append([]byte(`{"Companies": [`), bytes.Join(docs, []byte(", "))...), []byte("]}\n")...)
	set := out.set
	out.expect = sync.OnceValue(func() *reachmock.State { return reachmock.ExpectedState(set) })
	s.shelves[sh.key()] = out
	return out, nil
}

// cutBooks ends a company's books back months before their last: the later months' movements and
// metric values are not posted yet. Budgets plan ahead and stay whole.
func cutBooks(c *reachfixture.Company, back int) (cut, error) {
	cp := *c
	last := c.LastMonth.Add(-back)
	cp.LastMonth = last
	cp.NonFinancialValues = nil
	for _, v := range c.NonFinancialValues {
		if !v.Month.After(last) {
			cp.NonFinancialValues = append(cp.NonFinancialValues, v)
		}
	}
	cp.Books = map[reachfixture.Basis]*reachfixture.Book{}
	for basis, b := range c.Books {
		book := *b
		book.Movements = nil
		for _, mv := range b.Movements {
			if !mv.Month.After(last) {
				book.Movements = append(book.Movements, mv)
			}
		}
		cp.Books[basis] = &book
	}
	if err := cp.Validate(); err != nil {
		return cut{}, fmt.Errorf("explore: %s's books cut at %s: %w", c.Company.CompanyID, last, err)
	}
	raw, err := json.Marshal(&cp)
	if err != nil {
		return cut{}, err
	}
	return cut{company: &cp, raw: raw}, nil
}
