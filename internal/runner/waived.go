package runner

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/requirements"
	"github.com/accord-harness/accord/internal/waivers"
)

// VerdictPassedWithWaivers: nothing failed but what a specialist's valid
// waivers cover. The run passes; each waived failure is shown with its
// reason, never as passed.
const VerdictPassedWithWaivers = "passed with waivers"

// Waiver states in summary.json.
const (
	WaiverApplied = "applied" // it covers a failure of this run
	WaiverExpired = "expired" // it would have covered a failure, but its day is past
	WaiverStale   = "stale"   // it covers no failure of this run: remove it
)

// WaiverResult is one waiver and what it did in the run.
type WaiverResult struct {
	waivers.Waiver
	Status string `json:"status"`
	// Scenarios are the scenarios it waived, or would have (expired).
	Scenarios []string `json:"scenarios,omitempty"`
}

// checkWaivers refuses waivers naming a scenario or requirement the
// platform does not have, before anything runs.
func checkWaivers(p Platform, set *waivers.Set) error {
	if set == nil {
		return nil
	}
	cat, err := requirements.Load(p.Features(), path.Join("features", p.Name(), requirements.FileName))
	if err != nil {
		return err
	}
	scenarios, err := requirements.Scenarios(p.Features())
	if err != nil {
		return err
	}
	return set.Check(scenarios, cat)
}

// applyWaivers marks each failed scenario a valid waiver covers as waived,
// with the waiver's reason, and lists every waiver with what it did: an
// expired one covers nothing and is named in the verdict's note, one that
// covered nothing is stale. applyOutcomes then counts and judges again.
func (s *Summary) applyWaivers(set *waivers.Set, now time.Time) {
	s.Waivers = nil
	if set == nil {
		return
	}
	results := make([]WaiverResult, len(set.Waivers))
	for i, w := range set.Waivers {
		results[i] = WaiverResult{Waiver: w, Status: WaiverStale}
	}
	byLine := func(line int) *WaiverResult {
		for i := range results {
			if results[i].Line == line {
				return &results[i]
			}
		}
		return nil
	}
	for i := range s.Scenarios {
		r := &s.Scenarios[i]
		if r.Status != "failed" {
			continue
		}
		w, expired := set.Covering(r.Name, r.Requirements, now)
		for _, e := range expired {
			if res := byLine(e.Line); res.Status != WaiverApplied {
				res.Status = WaiverExpired
				res.Scenarios = append(res.Scenarios, r.Name)
			}
		}
		if w == nil {
			continue
		}
		res := byLine(w.Line)
		res.Status = WaiverApplied
		res.Scenarios = append(res.Scenarios, r.Name)
		r.Status = "waived"
		r.Reason = fmt.Sprintf("waived until %s, approved by %s: %s (it failed: %s)", w.Expires, w.ApprovedBy, w.Reason, r.Reason)
	}
	s.Waivers = results
}

// waiverNote names the expired and stale waivers, for the verdict's note.
func (s *Summary) waiverNote() string {
	var parts []string
	for _, w := range s.Waivers {
		switch w.Status {
		case WaiverExpired:
			parts = append(parts, fmt.Sprintf("the waiver for %s (line %d) expired on %s and covers nothing", w.Target(), w.Line, w.Expires))
		case WaiverStale:
			parts = append(parts, fmt.Sprintf("the waiver for %s (line %d) is stale: nothing it covers failed", w.Target(), w.Line))
		}
	}
	return strings.Join(parts, "; ")
}
