package reach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
	"github.com/accord-harness/accord/internal/stepkit"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func registerPagination(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^Reach pages through every reference list one record at a time$`, func() error { return w.readLists(1, &w.byOne) })
	sc.Step(`^Reach reads every reference list in one page of 1000$`, func() error { return w.readLists(1000, &w.byAll) })
	sc.Step(`^every record was read exactly once, with the same total on every page$`, w.exactlyOnce)
	sc.Step(`^both readings found the same records in the same order$`, w.sameReadings)
	sc.Step(`^Reach asks every reference list for a page of 0, a page of 1, a page of 1000 and a page of 1001, and from offset -1$`, w.askLimits)
	sc.Step(`^a page of 1 held one record and echoed limit 1$`, w.pageOfOne)
	sc.Step(`^a page of 1000 held the whole list$`, w.pageOfAll)
	sc.Step(`^pages of 0 and 1001 and offset -1 were refused with 400 and an errors body$`, w.pageRefused)
}

// lists are every company's reference lists: "<CompanyId> <operation>", in a fixed order.
func (w *world) lists() []string {
	var out []string
	for _, id := range w.s.companyIDs() {
		for _, op := range reachmock.ListOperations() {
			out = append(out, id+" "+op)
		}
	}
	return out
}

// readLists pages through every company's every list with one limit; a list that cannot be read to
// its end fails.
func (w *world) readLists(limit int, into *map[string]*reachmock.ListRead) error {
	*into = map[string]*reachmock.ListRead{}
	for _, list := range w.lists() {
		id, op, _ := strings.Cut(list, " ")
		lr, err := w.s.reach.ReadList(w.Ctx, w.conn, op, id, limit, nil)
		if err != nil {
			return fmt.Errorf("pagination: %s with limit %d: %v", list, limit, err)
		}
		(*into)[list] = lr
	}
	return nil
}

// pageViolations are the pagination rule breaches of a reading's pages.
func (w *world) pageViolations(lr *reachmock.ListRead) []string {
	var out []string
	for _, p := range lr.Pages {
		for _, e := range w.s.Journal.Select(func(e journal.Entry) bool { return e.Seq == p.Seq }) {
			for _, v := range e.ResponseViolations {
				if v.Rule == reachmock.RulePagination {
					out = append(out, fmt.Sprintf("offset %d: %s", p.Offset, spec.Summary([]journal.Violation{v})))
				}
			}
		}
	}
	return out
}

func (w *world) exactlyOnce() error {
	var bad []string
	for _, op := range w.lists() {
		lr := w.byOne[op]
		if lr == nil {
			return fmt.Errorf("pagination: %s was not read one record at a time", op)
		}
		if totals := lr.Totals(); len(totals) > 1 {
			bad = append(bad, fmt.Sprintf("%s: total changed from page to page: %v", op, totals))
		}
		if dups := lr.Duplicates(); len(dups) > 0 {
			bad = append(bad, fmt.Sprintf("%s: read twice: %v", op, stepkit.Head(dups, 5)))
		}
		if last := lr.Pages[len(lr.Pages)-1]; len(lr.IDs) != last.Total {
			bad = append(bad, fmt.Sprintf("%s: %d records read, total says %d", op, len(lr.IDs), last.Total))
		}
		bad = append(bad, stepkit.Head(w.pageViolations(lr), 2)...)
	}
	return findings("pagination", bad)
}

func (w *world) sameReadings() error {
	var bad []string
	for _, op := range w.lists() {
		a, b := w.byOne[op], w.byAll[op]
		if a == nil || b == nil {
			return fmt.Errorf("pagination: %s was not read both ways", op)
		}
		if !slices.Equal(a.IDs, b.IDs) {
			bad = append(bad, fmt.Sprintf("%s: one at a time read %v, one page of 1000 read %v", op, stepkit.Head(a.IDs, 50), stepkit.Head(b.IDs, 50)))
			continue
		}
		for i := range a.Items {
			if !sameJSON(a.Items[i], b.Items[i]) {
				bad = append(bad, fmt.Sprintf("%s: record %s differs between the readings: %s and %s", op, a.IDs[i], a.Items[i], b.Items[i]))
				break
			}
		}
	}
	return findings("pagination", bad)
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y bytes.Buffer
	if json.Compact(&x, a) != nil || json.Compact(&y, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

// offsetMinusOne keys the page asked from offset -1 among the pages asked by limit.
const offsetMinusOne = -1

func (w *world) askLimits() error {
	w.pages = map[string]map[int]*reachmock.Result{}
	for _, list := range w.lists() {
		id, op, _ := strings.Cut(list, " ")
		w.pages[list] = map[int]*reachmock.Result{}
		for _, limit := range []int{1, 1000, 1001} {
			res, err := w.s.reach.Page(w.Ctx, w.conn, op, id, 0, limit, nil)
			if err != nil {
				return fmt.Errorf("pagination: %v", err)
			}
			w.pages[list][limit] = res
		}
		// limit=0 itself (Page leaves a 0 out, for the default; the document's minimum is 1) and a
		// negative offset, which the document refuses too.
		for key, q := range map[int]url.Values{0: {"limit": {"0"}}, offsetMinusOne: {"offset": {"-1"}}} {
			res, err := w.s.reach.Do(w.Ctx, w.conn, reachmock.Request{Operation: op, Path: map[string]string{"CompanyId": id}, Query: q})
			if err != nil {
				return fmt.Errorf("pagination: %v", err)
			}
			w.pages[list][key] = res
		}
	}
	return nil
}

type envelope struct {
	Data       []json.RawMessage `json:"Data"`
	Pagination struct {
		Offset int `json:"offset"`
		Limit  int `json:"limit"`
		Total  int `json:"total"`
	} `json:"Pagination"`
}

func (w *world) page(op string, limit int) (*reachmock.Result, envelope, error) {
	var env envelope
	res := w.pages[op][limit]
	if res == nil {
		return nil, env, fmt.Errorf("pagination: %s was not asked for a page of %d", op, limit)
	}
	if !res.OK() {
		return res, env, fmt.Errorf("pagination: %s with limit %d: %s", op, limit, stepkit.Describe(res.Entry))
	}
	if err := json.Unmarshal(res.Body, &env); err != nil {
		return res, env, fmt.Errorf("pagination: %s with limit %d is not the {Data, Pagination} envelope: %v", op, limit, err)
	}
	return res, env, nil
}

func (w *world) pageOfOne() error {
	var bad []string
	for _, op := range w.lists() {
		res, env, err := w.page(op, 1)
		if err != nil {
			return err
		}
		want := min(1, env.Pagination.Total)
		if len(env.Data) != want || env.Pagination.Limit != 1 {
			bad = append(bad, fmt.Sprintf("%s?limit=1 held %d records and echoed limit %d (total %d): %s", op, len(env.Data), env.Pagination.Limit, env.Pagination.Total, stepkit.Describe(res.Entry)))
		}
	}
	return findings("pagination", bad)
}

func (w *world) pageOfAll() error {
	var bad []string
	for _, op := range w.lists() {
		res, env, err := w.page(op, 1000)
		if err != nil {
			return err
		}
		if len(env.Data) != env.Pagination.Total || env.Pagination.Limit != 1000 {
			bad = append(bad, fmt.Sprintf("%s?limit=1000 held %d of %d records and echoed limit %d: %s", op, len(env.Data), env.Pagination.Total, env.Pagination.Limit, stepkit.Describe(res.Entry)))
		}
	}
	return findings("pagination", bad)
}

func (w *world) pageRefused() error {
	var bad []string
	for _, op := range w.lists() {
		for _, limit := range []int{0, 1001, offsetMinusOne} {
			res := w.pages[op][limit]
			asked := fmt.Sprintf("limit=%d", limit)
			if limit == offsetMinusOne {
				asked = "offset=-1"
			}
			if res == nil {
				return fmt.Errorf("pagination: %s was not asked with %s", op, asked)
			}
			if why := reachmock.Refusal(res, 400); why != "" {
				bad = append(bad, fmt.Sprintf("%s?%s %s", op, asked, why))
			}
		}
	}
	return findings("pagination", bad)
}
