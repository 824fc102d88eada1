package runner

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/redact"
	"github.com/accord-harness/accord/reports"
)

// writeReports writes report.html and traffic.har from redacted exchanges.
func writeReports(dir string, sum *Summary, stage Stage, red *redact.Redactor, judged map[string][2]int64) error {
	run := reports.Run{
		Platform: sum.Platform, Title: sum.Title, Partner: sum.Partner, Version: sum.Version, Verdict: sum.Verdict,
		Started: sum.Started, Duration: time.Duration(sum.DurationSeconds * float64(time.Second)),
		Extras: sum.Extras, Notes: sum.Notes, VerdictNote: sum.VerdictNote, Capabilities: sum.Capabilities,
		Requirements: sum.Requirements, Warnings: sum.Warnings,
	}
	for _, s := range sum.Scenarios {
		sc := reports.Scenario{
			Feature: s.Feature, Name: s.Name, Status: s.Status, FailedStep: s.FailedStep,
			Reason: red.String(s.Reason), Attempts: s.Attempts,
			Duration: time.Duration(s.DurationSeconds * float64(time.Second)),
		}
		if w, ok := judged[scenarioKey(strings.SplitN(s.Location, ":", 2)[0], s.Name)]; ok && s.Status == "failed" {
			sc.JudgedAfter, sc.JudgedUpTo = w[0], w[1]
		}
		for _, st := range s.Steps {
			sc.Steps = append(sc.Steps, reports.Step{Keyword: st.Keyword, Text: st.Text, Status: st.Status, Error: red.String(st.Error)})
		}
		run.Scenarios = append(run.Scenarios, sc)
	}
	if tr, ok := stage.(Traffic); ok {
		run.Labels = tr.OwnJournal().Labels()
		run.Exchanges = redactAll(tr.OwnJournal().Select(nil), red)
	}
	// The two files are the run's last wait: written side by side, the run ends sooner.
	var htmlErr, harErr error
	var wg sync.WaitGroup
	wg.Go(func() { htmlErr = reports.WriteHTML(filepath.Join(dir, reports.HTMLFile), run) })
	wg.Go(func() { harErr = reports.WriteHAR(filepath.Join(dir, reports.HARFile), run) })
	wg.Wait()
	return errors.Join(htmlErr, harErr)
}

// redactAll is Redacted for every exchange, on every core: a run's journal holds thousands.
func redactAll(es []journal.Entry, red *redact.Redactor) []journal.Entry {
	workers := min(runtime.GOMAXPROCS(0), len(es))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(es); i += workers {
				es[i] = Redacted(es[i], red)
			}
		})
	}
	wg.Wait()
	return es
}

// Redacted is an exchange with its secrets masked.
func Redacted(e journal.Entry, red *redact.Redactor) journal.Entry {
	e.URL = red.URL(e.URL)
	e.RequestHeader = red.Header(e.RequestHeader)
	e.ResponseHeader = red.Header(e.ResponseHeader)
	e.RequestBody = red.Body(e.RequestHeader.Get("Content-Type"), e.RequestBody)
	e.ResponseBody = red.Body(e.ResponseHeader.Get("Content-Type"), e.ResponseBody)
	e.Error = red.String(e.Error)
	return e
}
