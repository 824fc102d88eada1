// Package journal keeps every HTTP exchange of a run between a mock platform
// and a partner, so scenarios can assert on traffic and reports can show it.
package journal

import (
	"net/http"
	"sync"
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
	entries []Entry
	seq     int64
	// MaxBody caps the bytes kept per body; 0 means 64 KiB.
	MaxBody int
	labels  map[string]string
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

// New returns an empty journal.
func New() *Journal { return &Journal{} }

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
	j.entries = append(j.entries, e)
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
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, len(j.entries))
	for _, e := range j.entries {
		if keep == nil || keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// Tenant returns the entries of one set of client credentials.
func (j *Journal) Tenant(tenant string) []Entry {
	return j.Select(func(e Entry) bool { return e.Tenant == tenant })
}

// LastSeq is the sequence number of the newest entry (0 when empty).
func (j *Journal) LastSeq() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// Len is the number of entries.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.entries)
}
