// Package reports turns a finished run into what people read: report.html,
// one self-contained page for a specialist, and traffic.har, every exchange
// of the run for browser dev tools. Both are written from already redacted
// exchanges; nothing here sees a secret.
package reports

import (
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/journal"
)

// Run is everything a report shows.
type Run struct {
	Platform, Partner, Version, Verdict string
	// Title is the platform's name as people write it (Platform when empty):
	// directions read "partner → Title".
	Title string
	// VerdictNote says why the verdict is what it is when counts do not.
	VerdictNote string
	// Capabilities are the partner's choices the run assumed.
	Capabilities map[string]string
	Started      time.Time
	Duration     time.Duration
	Scenarios    []Scenario
	// Extras are the platform's own figures (API coverage, latencies...),
	// rendered generically: lists of objects as tables, the rest as values.
	Extras map[string]any
	// Exchanges are the run's traffic, redacted; Labels name tenants by the
	// scenario that used them.
	Exchanges []journal.Entry
	Labels    map[string]string
	// Notes are the operator's notes (joint sessions).
	Notes []string
	// Parts link to the platforms' own reports when one run covers several.
	Parts []Part
}

// Part is one platform of a combined run.
type Part struct {
	Name, Verdict, Href, Summary string
}

// Scenario is one scenario's outcome.
type Scenario struct {
	Feature, Name, Status string
	Duration              time.Duration
	Steps                 []Step
	FailedStep, Reason    string
	// Attempts counts runs in a joint session, when over one.
	Attempts int
	// JudgedAfter and JudgedUpTo bound the journal seqs of the exchanges
	// made while the failing step ran: what it judged, shown first.
	JudgedAfter, JudgedUpTo int64
}

// judged says whether an exchange was made while the scenario's failing
// step ran.
func (s Scenario) judged(e journal.Entry) bool {
	return s.JudgedUpTo > 0 && e.Seq > s.JudgedAfter && e.Seq <= s.JudgedUpTo
}

// Step is one step's outcome.
type Step struct {
	Keyword, Text, Status, Error string
}

// Counts are scenarios by outcome.
type Counts struct {
	Total, Passed, Failed int
	// Skipped scenarios were stopped by a joint session's operator.
	Skipped int
	// NotApplicable scenarios check a choice the partner did not make.
	NotApplicable int
	// NotRun scenarios were cut off or never started: the run was ended.
	NotRun int
}

// Counts of scenarios by outcome; skipped and not applicable ones are
// neither passed nor failed.
func (r Run) Counts() Counts {
	var c Counts
	for _, s := range r.Scenarios {
		c.Total++
		switch s.Status {
		case "passed":
			c.Passed++
		case "skipped":
			c.Skipped++
		case "not_applicable":
			c.NotApplicable++
		case "not_run":
			c.NotRun++
		default:
			c.Failed++
		}
	}
	return c
}

// exchangesOf returns the exchanges of the tenants labelled with a scenario's name.
func (r Run) exchangesOf(scenario string) []journal.Entry {
	var out []journal.Entry
	for _, e := range r.Exchanges {
		if r.labelOf(e.Tenant) == scenario {
			out = append(out, e)
		}
	}
	return out
}

// labelOf finds a tenant's label; a label whose key ends in "/" names every
// tenant under that prefix (a company's keys and its owner panel, say).
func (r Run) labelOf(tenant string) string {
	if l, ok := r.Labels[tenant]; ok {
		return l
	}
	for t, l := range r.Labels {
		if strings.HasSuffix(t, "/") && strings.HasPrefix(tenant, t) {
			return l
		}
	}
	return ""
}
