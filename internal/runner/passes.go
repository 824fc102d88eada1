package runner

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/redact"
)

// initializeScenario sets up a scenario for the platform, notes which
// scenarios end as not applicable to the partner and, in a joint session,
// follows it for the operator: progress on the terminal, and a step whose
// action the operator skipped becomes a skipped step, whatever the step made
// of the error.
func (l *Live) initializeScenario(sc *godog.ScenarioContext) {
	l.stage.InitializeScenario(sc)
	op, progress := l.opts.Config.Operator, l.progress
	var key, name, status string
	// The exchanges made while the failing step ran are what it judged:
	// the report shows them first.
	var stepFrom int64
	lastSeq := func() int64 { return 0 }
	if tr, ok := l.stage.(Traffic); ok {
		lastSeq = tr.OwnJournal().LastSeq
	}
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		key, name, status = scenarioKey(s.Uri, s.Name), s.Name, "passed"
		l.attempts[key]++
		delete(l.skips, key)
		delete(l.outOf, key)
		delete(l.notRun, key)
		delete(l.judged, key)
		if ctx.Err() != nil {
			// The run was ended (an operator's q, a signal): what comes
			// after did not run, which is neither a pass nor a failure.
			l.notRun[key], status = "the run was ended before it", "not_run"
			return ctx, godog.ErrSkip
		}
		if op != nil {
			op.TakeSkip() // a skip belongs to the step it happened in
		}
		if progress != nil {
			progress.ScenarioStarted(featureFile(s.Uri), s.Name)
		}
		return ctx, nil
	})
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		stepFrom = lastSeq()
		if progress != nil && status == "passed" {
			progress.StepStarted(st.Text)
		}
		return ctx, nil
	})
	// godog adds what an After hook returns to the step's error, so these
	// return nil but to turn a swallowed skip into a skipped step.
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, s godog.StepResultStatus, err error) (context.Context, error) {
		if status != "passed" {
			return ctx, nil // a step after the scenario stopped
		}
		var add error
		if op != nil {
			if reason, ok := op.TakeSkip(); ok {
				l.skips[key] = reason
				if err == nil { // the step kept the skip to itself
					add = fmt.Errorf("%w by the operator: %s", godog.ErrSkip, reason)
					err = add
				}
			}
		}
		stepStatus := s.String()
		if err != nil && ctx.Err() != nil && !errors.Is(err, godog.ErrSkip) {
			// Ended mid-step: the step was cut off, not failed by the partner.
			l.notRun[key] = fmt.Sprintf("the run was ended during %q", st.Text)
			status, stepStatus = "not_run", "not run"
		}
		if reason, ok := NotApplicableReason(err); ok {
			l.outOf[key] = reason
			status, stepStatus = "not_applicable", "not applicable"
		}
		switch {
		case status == "not_applicable", status == "not_run":
		case errors.Is(err, godog.ErrSkip):
			status, stepStatus = "skipped", "skipped"
		case err != nil || s != godog.StepPassed:
			status = "failed"
			l.judged[key] = [2]int64{stepFrom, lastSeq()}
		}
		if progress != nil {
			progress.StepDone(st.Text, stepStatus, err)
		}
		return ctx, add
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		if progress != nil {
			progress.ScenarioDone(name, status)
		}
		return ctx, nil
	})
}

var lineSuffix = regexp.MustCompile(`:\d+$`)

// featureFile is a feature's path without the ":line" godog appends when a
// run names one scenario.
func featureFile(uri string) string { return lineSuffix.ReplaceAllString(uri, "") }

func scenarioKey(uri, name string) string { return featureFile(uri) + "\x00" + name }

// merge folds one pass's cucumber report into the run's: a scenario run
// again replaces its earlier result, in place.
func (l *Live) merge(raw []byte) error {
	var pass []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &pass); err != nil {
		return fmt.Errorf("reading godog's cucumber report: %w", err)
	}
	for _, f := range pass {
		uri := featureFile(stringField(f["uri"]))
		f["uri"], _ = json.Marshal(uri)
		i := l.feature(uri)
		if i < 0 {
			l.features = append(l.features, f)
			continue
		}
		var have, add []map[string]json.RawMessage
		if err := json.Unmarshal(l.features[i]["elements"], &have); err != nil {
			return err
		}
		if err := json.Unmarshal(f["elements"], &add); err != nil {
			return err
		}
		for _, el := range add {
			replaced := false
			for j, old := range have {
				if string(old["line"]) == string(el["line"]) && string(old["type"]) == string(el["type"]) {
					have[j], replaced = el, true
				}
			}
			if !replaced {
				have = append(have, el)
			}
		}
		// Scenarios stand in their file's order: godog gives the features of
		// "f.feature:77" and "f.feature:106" in the order of those names.
		sort.SliceStable(have, func(i, j int) bool { return intField(have[i]["line"]) < intField(have[j]["line"]) })
		merged, err := json.Marshal(have)
		if err != nil {
			return err
		}
		l.features[i]["elements"] = merged
	}
	return nil
}

func (l *Live) feature(uri string) int {
	for i, f := range l.features {
		if stringField(f["uri"]) == uri {
			return i
		}
	}
	return -1
}

func intField(raw json.RawMessage) int {
	var n int
	_ = json.Unmarshal(raw, &n)
	return n
}

func stringField(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// applyOutcomes marks the scenarios the operator skipped and those not
// applicable to the partner, each with its reason, and counts attempts. The
// verdict is "incomplete" when nothing failed but something was skipped,
// because a skipped check proves nothing, and when a whole feature (a flow)
// had no scenario that applied: that flow was never checked.
func (s *Summary) applyOutcomes(skips, outOf, notRun map[string]string, attempts map[string]int) {
	s.Counts = Counts{Scenarios: len(s.Scenarios)}
	applied := map[string]bool{} // feature → some scenario applied
	var features []string
	for i := range s.Scenarios {
		r := &s.Scenarios[i]
		key := scenarioKey(strings.SplitN(r.Location, ":", 2)[0], r.Name)
		if n := attempts[key]; n > 1 {
			r.Attempts = n
		}
		if _, seen := applied[r.Feature]; !seen {
			features = append(features, r.Feature)
			applied[r.Feature] = false
		}
		if reason, ok := notRun[key]; ok && r.Status != "passed" {
			r.Status, r.Reason, r.FailedStep = "not_run", "not run: "+reason, ""
		} else if r.Status != "passed" && !hasFailedStep(r) {
			if reason, ok := outOf[key]; ok {
				r.Status, r.Reason, r.FailedStep = "not_applicable", "not applicable: "+reason, ""
			} else if reason, ok := skips[key]; ok {
				r.Status, r.Reason = "skipped", "skipped by the operator: "+reason
			}
		}
		switch r.Status {
		case "passed":
			s.Counts.Passed++
		case "skipped":
			s.Counts.Skipped++
		case "not_applicable":
			s.Counts.NotApplicable++
		case "not_run":
			s.Counts.NotRun++
		case "waived":
			s.Counts.Waived++
		default:
			s.Counts.Failed++
		}
		applied[r.Feature] = applied[r.Feature] || r.Status != "not_applicable"
	}
	var unchecked []string
	for _, f := range features {
		if !applied[f] {
			unchecked = append(unchecked, f)
		}
	}
	s.VerdictNote = ""
	switch {
	case s.Counts.Failed > 0:
		s.Verdict = "failed"
	case s.Counts.Skipped > 0:
		s.Verdict = "incomplete"
	case s.Counts.NotRun > 0:
		s.Verdict = "incomplete"
		s.VerdictNote = fmt.Sprintf("the run was ended before %d scenarios ran", s.Counts.NotRun)
	case len(unchecked) > 0:
		s.Verdict = "incomplete"
		s.VerdictNote = fmt.Sprintf("no scenario of %s applies to this partner: the flow is not checked", strings.Join(unchecked, ", "))
	case s.Counts.Waived > 0:
		s.Verdict = VerdictPassedWithWaivers
	default:
		s.Verdict = "passed"
	}
	if s.VerdictNote == "" && s.Counts.NotApplicable > 0 {
		s.VerdictNote = fmt.Sprintf("%d scenarios do not apply to this partner's choices and were not run", s.Counts.NotApplicable)
	}
}

func hasFailedStep(r *ScenarioResult) bool {
	for _, st := range r.Steps {
		if st.Status == "failed" || st.Status == "undefined" || st.Status == "pending" || st.Status == "ambiguous" {
			return true
		}
	}
	return false
}

// writeJUnit rewrites junit.xml from the summary once a joint session has
// re-run scenarios: godog's own junit.xml knows only the first pass.
func writeJUnit(path string, sum *Summary) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
	}
	type skipped struct {
		Message string `xml:"message,attr"`
	}
	type testcase struct {
		Name    string   `xml:"name,attr"`
		Status  string   `xml:"status,attr"`
		Time    string   `xml:"time,attr"`
		Failure *failure `xml:"failure,omitempty"`
		Skipped *skipped `xml:"skipped,omitempty"`
	}
	type property struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	type properties struct {
		Property []property `xml:"property"`
	}
	type testsuite struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		// Properties of the first suite give the run's verdict, which counts
		// cannot (passed with warnings), and its warnings: JUnit has no
		// place for what belongs to the whole run.
		Properties *properties `xml:"properties,omitempty"`
		TestCases  []testcase  `xml:"testcase"`
	}
	type testsuites struct {
		XMLName xml.Name    `xml:"testsuites"`
		Name    string      `xml:"name,attr"`
		Tests   int         `xml:"tests,attr"`
		Suites  []testsuite `xml:"testsuite"`
	}
	doc := testsuites{Name: sum.Platform, Tests: sum.Counts.Scenarios}
	props := &properties{Property: []property{{Name: "verdict", Value: sum.Verdict}}}
	for _, w := range sum.Warnings {
		props.Property = append(props.Property, property{Name: "warning", Value: fmt.Sprintf("%s %s: %s (%d times)", w.Operation, w.Field, w.Message, w.Count)})
	}
	index := map[string]int{}
	for _, r := range sum.Scenarios {
		i, ok := index[r.Feature]
		if !ok {
			i = len(doc.Suites)
			index[r.Feature] = i
			doc.Suites = append(doc.Suites, testsuite{Name: r.Feature})
			if i == 0 {
				doc.Suites[0].Properties = props
			}
		}
		tc := testcase{Name: r.Name, Status: r.Status, Time: fmt.Sprintf("%.3f", r.DurationSeconds)}
		ts := &doc.Suites[i]
		ts.Tests++
		switch r.Status {
		case "passed":
		case "skipped", "not_applicable", "not_run", "waived":
			tc.Skipped = &skipped{Message: r.Reason}
			ts.Skipped++
		default:
			tc.Failure = &failure{Message: r.FailedStep + ": " + r.Reason, Type: r.Status}
			ts.Failures++
		}
		ts.TestCases = append(ts.TestCases, tc)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), out...), 0o644)
}

// Report rewrites the report directory from the results so far, without
// running anything: notes written after the last pass reach the report.
func (l *Live) Report() (*Summary, error) {
	merged, err := json.Marshal(l.features)
	if err != nil {
		return nil, err
	}
	sum, err := summarize(merged)
	if err != nil {
		return nil, err
	}
	return sum, l.complete(sum, redact.New(l.secrets()...))
}

// Secrets are the secret values the run handed out so far, for scrubbing
// what accord writes beside the report (a partner container's log).
func (l *Live) Secrets() []string { return l.secrets() }
