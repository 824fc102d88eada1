package reach

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/stepkit"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// nightlyWait bounds, in real time, how long a step waits for a nightly sync to finish.
const nightlyWait = 2 * time.Minute

func registerSchedule(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the nightly sync time comes on the run clock$`, w.nightComes)
	sc.Step(`^the nightly sync completed$`, func() error { return w.completed(reachmock.Nightly) })
	sc.Step(`^the on-demand sync completed$`, func() error { return w.completed(reachmock.OnDemand) })
	sc.Step(`^the partner never answered 429 during the nightly sync$`, w.no429)
	sc.Step(`^the customer presses the sync button$`, w.pressSync)
	sc.Step(`^the customer presses the sync button again$`, w.pressSync)
	sc.Step(`^it read every reference list to its end and the statements of both accounting bases$`, w.readEverything)
	sc.Step(`^both syncs completed and returned the same data$`, w.sameData)
	sc.Step(`^the partner's system is unavailable for its next (\d+) requests$`, w.outage)
	sc.Step(`^the partner answered 503 and Reach retried after a backoff on the run clock$`, w.retried503)
}

// nightComes moves the run clock to the nightly sync and waits for it to finish.
func (w *world) nightComes() error {
	next := w.sched.NextNightly()
	w.s.Clock.Advance(next.Sub(w.s.Clock.Now()) + time.Second)
	r, err := w.sched.Wait(w.Ctx, reachmock.Nightly, next, nightlyWait)
	if err != nil {
		return fmt.Errorf("sync scheduling: the nightly sync due at %s: %v", next.Format(time.RFC3339), err)
	}
	w.s.recordSync(w.Name, r)
	w.syncs = append(w.syncs, r)
	return nil
}

func (w *world) completed(kind reachmock.Kind) error {
	r, err := w.lastSync(kind)
	if err != nil {
		return err
	}
	if !r.Completed() {
		return fmt.Errorf("sync stability: %v", r.Err())
	}
	return nil
}

func (w *world) no429() error {
	r, err := w.lastSync(reachmock.Nightly)
	if err != nil {
		return err
	}
	var limited []journal.Entry
	entries := r.Trace.Entries()
	for _, e := range entries {
		if e.Status == 429 {
			limited = append(limited, e)
		}
	}
	if len(limited) > 0 {
		return fmt.Errorf("sync scheduling: the partner rate-limited the nightly sync that started %s: %d of its %d requests were answered 429, first %s",
			r.Started.UTC().Format("15:04 UTC"), len(limited), len(entries), stepkit.Describe(limited[0]))
	}
	return nil
}

func (w *world) readEverything() error {
	r, err := w.lastSync(reachmock.OnDemand)
	if err != nil {
		return err
	}
	cs, err := w.companies()
	if err != nil {
		return err
	}
	var bad []string
	ok := map[string]int{}
	other := map[string]string{} // the first answer that was not 200
	for _, e := range r.Trace.Entries() {
		key := e.Operation + " " + companyOf(e.URL)
		if e.Status == 200 {
			ok[key]++
		} else if _, seen := other[key]; !seen {
			other[key] = fmt.Sprintf("; another answered %d", e.Status)
		}
	}
	for _, c := range cs {
		id := c.books.Company.CompanyID
		for _, op := range reachmock.ListOperations() {
			lr := c.data.Lists[op]
			if lr == nil || len(lr.Pages) == 0 {
				bad = append(bad, fmt.Sprintf("%s: %s was not read", id, op))
				continue
			}
			last := lr.Pages[len(lr.Pages)-1]
			if len(lr.IDs) < last.Total {
				bad = append(bad, fmt.Sprintf("%s: %s stopped after %d of %d records", id, op, len(lr.IDs), last.Total))
			}
		}
		want := 2 * len(c.data.Chunks) // both bases, one request per fiscal-year chunk
		for _, op := range []string{"getProfitAndLoss", "getBalanceSheet", "getCashFlow"} {
			if n := ok[op+" "+id]; n < want {
				bad = append(bad, fmt.Sprintf("%s: %s answered 200 to %d of %d requests (2 bases × %d fiscal-year chunks)%s", id, op, n, want, len(c.data.Chunks), other[op+" "+id]))
			}
		}
	}
	return findings("sync stability", bad)
}

// companyOf is the CompanyId in a partner URL's path (…/companies/{CompanyId}/…), "" if none.
func companyOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	_, rest, ok := strings.Cut(u.Path, "/companies/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	if unescaped, err := url.PathUnescape(id); err == nil {
		return unescaped
	}
	return id
}

func (w *world) sameData() error {
	if len(w.syncs) < 2 {
		return fmt.Errorf("sync stability: %d syncs ran, two are needed", len(w.syncs))
	}
	a, b := w.syncs[len(w.syncs)-2], w.syncs[len(w.syncs)-1]
	for _, r := range []*reachmock.SyncResult{a, b} {
		if !r.Completed() {
			return fmt.Errorf("sync stability: %v", r.Err())
		}
	}
	first, err := companiesOf(a, w.s.set)
	if err != nil {
		return err
	}
	second, err := companiesOf(b, w.s.set)
	if err != nil {
		return err
	}
	var diffs []string
	for i := range first {
		for _, d := range reachmock.Diff(second[i].data, first[i].data) {
			diffs = append(diffs, first[i].books.Company.CompanyID+": "+d)
		}
	}
	return findings("sync stability: the second sync differs from the first", diffs)
}

func (w *world) outage(n int) error {
	return w.s.Driver.Act(w.Ctx, "outage", map[string]any{"requests": n}, nil)
}

func (w *world) retried503() error {
	r, err := w.lastSync(reachmock.OnDemand)
	if err != nil {
		return err
	}
	entries := r.Trace.Entries()
	var seen []string
	retried := 0
	for i, e := range entries {
		if len(seen) < 4 {
			seen = append(seen, fmt.Sprintf("%s %d", e.Operation, e.Status))
		}
		if e.Status != 503 {
			continue
		}
		var next *journal.Entry
		for j := i + 1; j < len(entries); j++ {
			if entries[j].URL == e.URL && entries[j].Method == e.Method {
				next = &entries[j]
				break
			}
		}
		if next == nil {
			return fmt.Errorf("sync stability: %s was answered 503 and never retried", stepkit.Describe(e))
		}
		if wait := next.Time.Sub(e.Time.Add(e.Duration)); wait <= 0 {
			return fmt.Errorf("sync stability: %s was retried at once, without a backoff", stepkit.Describe(e))
		}
		retried++
	}
	if retried == 0 {
		return fmt.Errorf("sync stability: the partner was told to be briefly unavailable, yet it never answered 503 (the sync began: %s)", strings.Join(seen, ", "))
	}
	return nil
}
