// Package journal keeps the HTTP exchanges between a mock platform and a
// partner, so scenarios can assert on traffic and reports can show it.
//
// A run's journal keeps every exchange (scenarios look back over all of
// their tenant's traffic, and the report shows all of it). A mock left
// running for days keeps a bounded journal instead: the newest exchanges of
// each tenant, in a ring, so one chatty client cannot push another's traffic
// out, and the oldest are dropped and counted.
package journal

import (
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Direction says who called whom.
type Direction string

const (
	// Inbound is the partner calling the platform's API.
	Inbound Direction = "inbound"
	// Outbound is the platform calling the partner (PUSH notifications, syncs).
	Outbound Direction = "outbound"
)

// Violation is one way a message broke the platform's OpenAPI document.
type Violation struct {
	In      string `json:"in"`              // body, query, path, header, response
	Field   string `json:"field,omitempty"` // JSON path or parameter name
	Rule    string `json:"rule,omitempty"`  // the schema keyword that failed: format, required, enum...
	Message string `json:"message"`
}

// Entry is one request and its response.
type Entry struct {
	Seq            int64         `json:"seq"`
	Tenant         string        `json:"tenant,omitempty"`
	Time           time.Time     `json:"time"`
	Duration       time.Duration `json:"duration_ns"`
	Direction      Direction     `json:"direction"`
	Operation      string        `json:"operation,omitempty"`
	Method         string        `json:"method"`
	URL            string        `json:"url"`
	RequestHeader  http.Header   `json:"request_header,omitempty"`
	RequestBody    []byte        `json:"request_body,omitempty"`
	Status         int           `json:"status"`
	ResponseHeader http.Header   `json:"response_header,omitempty"`
	ResponseBody   []byte        `json:"response_body,omitempty"`
	// Error is a transport failure (refused, timeout, reset) when there was no response.
	Error string `json:"error,omitempty"`
	// RequestViolations are the request's breaches of the document.
	RequestViolations []Violation `json:"request_violations,omitempty"`
	// ResponseViolations are the response's breaches: for inbound calls a bug
	// in the mock, for outbound calls a fault of the partner.
	ResponseViolations []Violation `json:"response_violations,omitempty"`
	// Warnings are breaches of the document the platform let pass, as the
	// real one does for what its official client sends: worth knowing, never
	// a fault.
	Warnings []Violation `json:"warnings,omitempty"`
}

// OK reports a 2xx answer.
func (e Entry) OK() bool { return e.Error == "" && e.Status >= 200 && e.Status < 300 }

// Journal is safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	seq     int64
	limit   int              // entries kept per tenant; 0 keeps all
	tenants map[string]*ring // by Entry.Tenant ("" for unattributed calls)
	order   []*ring          // in order of each tenant's first entry
	kept    int
	dropped int64
	feeds   []*Feed
	// MaxBody caps the bytes kept per body; 0 means 64 KiB.
	MaxBody int
	labels  map[string]string
}

// ring holds one tenant's entries, oldest first from start. Unbounded, it
// only grows; bounded, it wraps and overwrites the oldest.
type ring struct {
	entries []Entry
	start   int
}

func (r *ring) len() int { return len(r.entries) }

// at is the i-th oldest entry.
func (r *ring) at(i int) *Entry {
	i += r.start
	if i >= len(r.entries) {
		i -= len(r.entries)
	}
	return &r.entries[i]
}

// add appends e, overwriting the oldest entry when the ring holds limit
// (limit 0: never), and reports whether one was dropped.
func (r *ring) add(e Entry, limit int) bool {
	if limit <= 0 || len(r.entries) < limit {
		r.entries = append(r.entries, e)
		return false
	}
	r.entries[r.start] = e
	r.start++
	if r.start == len(r.entries) {
		r.start = 0
	}
	return true
}

// after is the index of the first entry with a sequence number above seq.
func (r *ring) after(seq int64) int {
	lo, hi := 0, r.len()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if r.at(mid).Seq <= seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// Label names a tenant for readers (the scenario that used those
// credentials), so reports can group traffic by scenario.
func (j *Journal) Label(tenant, label string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.labels == nil {
		j.labels = map[string]string{}
	}
	j.labels[tenant] = label
}

// Labels returns tenant → label.
func (j *Journal) Labels() map[string]string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make(map[string]string, len(j.labels))
	for k, v := range j.labels {
		out[k] = v
	}
	return out
}

// New returns an empty journal that keeps every entry: a run's.
func New() *Journal { return &Journal{} }

// NewBounded returns an empty journal that keeps the newest perTenant
// entries of each tenant (all when perTenant <= 0): a long-lived mock's.
func NewBounded(perTenant int) *Journal { return &Journal{limit: max(perTenant, 0)} }

// Limit is the number of entries kept per tenant; 0 means all.
func (j *Journal) Limit() int { return j.limit }

// Add records e, assigning its sequence number, and returns it.
func (j *Journal) Add(e Entry) Entry {
	limit := j.MaxBody
	if limit <= 0 {
		limit = 64 << 10
	}
	e.RequestBody = truncate(e.RequestBody, limit)
	e.ResponseBody = truncate(e.ResponseBody, limit)
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	r := j.tenants[e.Tenant]
	if r == nil {
		if j.tenants == nil {
			j.tenants = map[string]*ring{}
		}
		r = &ring{}
		j.tenants[e.Tenant] = r
		j.order = append(j.order, r)
	}
	if r.add(e, j.limit) {
		j.dropped++
	} else {
		j.kept++
	}
	for _, f := range j.feeds {
		f.offer(e)
	}
	return e
}

func truncate(b []byte, limit int) []byte {
	if len(b) <= limit {
		return b
	}
	return append(b[:limit:limit], []byte("…(truncated)")...)
}

// Select returns, in order, the entries keep accepts (all when keep is nil).
func (j *Journal) Select(keep func(Entry) bool) []Entry {
	return j.selectFrom(0, keep)
}

// Since returns, in order, the entries after sequence number seq.
func (j *Journal) Since(seq int64) []Entry { return j.selectFrom(seq, nil) }

func (j *Journal) selectFrom(seq int64, keep func(Entry) bool) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, j.countAfter(seq, keep))
	for _, r := range j.order {
		out = r.appendAfter(out, seq, keep)
	}
	// Each tenant's entries are in order; across tenants they interleave.
	if len(j.order) > 1 && !slices.IsSortedFunc(out, bySeq) {
		slices.SortFunc(out, bySeq)
	}
	return out
}

// countAfter sizes Select's answer: every entry after seq when no filter
// runs, none presumed otherwise (a filter usually keeps few).
func (j *Journal) countAfter(seq int64, keep func(Entry) bool) int {
	if keep != nil {
		return 0
	}
	if seq <= 0 {
		return j.kept
	}
	n := 0
	for _, r := range j.order {
		n += r.len() - r.after(seq)
	}
	return n
}

func (r *ring) appendAfter(out []Entry, seq int64, keep func(Entry) bool) []Entry {
	for i := r.after(seq); i < r.len(); i++ {
		if e := r.at(i); keep == nil || keep(*e) {
			out = append(out, *e)
		}
	}
	return out
}

func bySeq(a, b Entry) int {
	switch {
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Tenant returns the entries of one set of client credentials, in order.
func (j *Journal) Tenant(tenant string) []Entry {
	return j.TenantSince(tenant, 0)
}

// TenantSince returns one tenant's entries after sequence number seq, in
// order, reading that tenant's entries alone.
func (j *Journal) TenantSince(tenant string, seq int64) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.tenants[tenant]
	if r == nil {
		return []Entry{}
	}
	return r.appendAfter(make([]Entry, 0, r.len()-r.after(seq)), seq, nil)
}

// LastSeq is the sequence number of the newest entry (0 when empty), kept
// or not: marks taken from it stay valid however many are dropped.
func (j *Journal) LastSeq() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// Len is the number of entries kept.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.kept
}

// Dropped is the number of entries a bounded journal let go, oldest first.
func (j *Journal) Dropped() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.dropped
}

// Feed passes entries to one reader as they are added, such as the console
// of `accord mock`: Add never waits for it, so printing stays off the request
// path; an entry that finds the feed full is not passed, and counted.
type Feed struct {
	c      chan Entry
	missed atomic.Int64
}

// C delivers the entries, in order.
func (f *Feed) C() <-chan Entry { return f.c }

// Missed is the number of entries not passed because the reader lagged.
func (f *Feed) Missed() int64 { return f.missed.Load() }

func (f *Feed) offer(e Entry) {
	select {
	case f.c <- e:
	default:
		f.missed.Add(1)
	}
}

// Follow starts a feed of the entries added from now on, buffering up to
// buffer of them (at least one).
func (j *Journal) Follow(buffer int) *Feed {
	f := &Feed{c: make(chan Entry, max(buffer, 1))}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.feeds = append(j.feeds, f)
	return f
}

// Unfollow stops a feed and closes its channel.
func (j *Journal) Unfollow(f *Feed) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if i := slices.Index(j.feeds, f); i >= 0 {
		j.feeds = slices.Delete(j.feeds, i, i+1)
		close(f.c)
	}
}
