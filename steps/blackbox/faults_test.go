package blackbox

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/monitor"
	"github.com/accord-harness/accord/internal/monitor/alert"
	"github.com/accord-harness/accord/internal/monitor/monitortest"
	"github.com/accord-harness/accord/internal/monitor/probe"
	"github.com/accord-harness/accord/internal/monitor/rules"
	"github.com/accord-harness/accord/internal/monitor/store"
)

// Scenario names, as in features/blackbox.
const (
	scThreeFailures = "the partner answers 503 three times in a row, five minutes apart: one alert e-mail"
	scTwoThenOK     = "two failures then a success send nothing"
	scReset         = "a success between failures starts the count again"
	scRecovery      = "recovery sends one e-mail"
	scReminder      = "an optional reminder repeats the alert while the endpoint stays down"
	scRestart       = "restart in the middle of an outage neither forgets nor repeats"
	scSMTPDown      = "SMTP down: the alert is delivered once when it returns"
	sc404           = "a 404 counts as alive"
	sc503           = "a 503 counts as a failure"
	scTimeout       = "a timeout counts as a failure"
)

// faults break one rule each; mustFail names the scenarios that guard it.
var faults = []struct {
	fault    Fault
	mustFail []string
}{
	{Fault{Name: "alert after 2 failures instead of 3 (config threshold: 2)",
		Settings: func(s *Settings) { s.Threshold = 2 }},
		[]string{scThreeFailures, scTwoThenOK, scReset}},
	{Fault{Name: "a 404 counts as down",
		Env: func(e *monitortest.Env, _ Settings) {
			e.Options.Verdict = func(r probe.Result) bool { return r.Kind == probe.KindResponse && r.Status < 400 }
		}},
		[]string{sc404}},
	{Fault{Name: "a 503 counts as alive",
		Env: func(e *monitortest.Env, _ Settings) {
			e.Options.Verdict = func(r probe.Result) bool { return probe.Alive(r) || r.Status == 503 }
		}},
		[]string{sc503, scThreeFailures, scRestart, scSMTPDown}},
	{Fault{Name: "a timeout counts as alive",
		Env: func(e *monitortest.Env, _ Settings) {
			e.Options.Verdict = func(r probe.Result) bool { return r.Kind == probe.KindTimeout || probe.Alive(r) }
		}},
		[]string{scTimeout}},
	{Fault{Name: "a success does not reset the failure count",
		Env: func(e *monitortest.Env, s Settings) {
			e.Options.Rules = noReset{rules.Policy{Threshold: s.Threshold, Reminder: s.Reminder, SendRecovery: s.SendRecovery}}
		}},
		[]string{scTwoThenOK, scReset}},
	{Fault{Name: "the alert is repeated at every failed check (reminder: one interval)",
		Settings: func(s *Settings) { s.Reminder = s.Interval }},
		[]string{scThreeFailures, scRestart, scSMTPDown}},
	{Fault{Name: "no recovery e-mail (send_recovery: false)",
		Settings: func(s *Settings) { s.SendRecovery = false }},
		[]string{scRecovery}},
	{Fault{Name: "state kept in memory only: a restart forgets the count",
		Env: func(e *monitortest.Env, _ Settings) { e.FreshState = true }},
		[]string{scRestart}},
	{Fault{Name: "the open alert is not persisted: a restart alerts again",
		Env: func(e *monitortest.Env, _ Settings) { e.OnOpen = forgetAlerts }},
		[]string{scRestart}},
	{Fault{Name: "an alert that cannot be delivered is dropped",
		Env: func(e *monitortest.Env, _ Settings) { e.Options.Notifier = lossy{e} }},
		[]string{scSMTPDown}},
}

// TestFeaturesCatchBrokenRules runs the same features against monitors with
// one rule broken each, and requires the suite to fail, in the scenarios
// that guard that rule.
func TestFeaturesCatchBrokenRules(t *testing.T) {
	for _, tc := range faults {
		t.Run(tc.fault.Name, func(t *testing.T) {
			t.Parallel()
			status, failed := runWithFault(t, &tc.fault)
			t.Logf("status %d; failing scenarios: %q", status, failed)
			if status == 0 {
				t.Fatalf("the features passed against a monitor where %s", tc.fault.Name)
			}
			for _, name := range tc.mustFail {
				if !slices.Contains(failed, name) {
					t.Errorf("scenario %q passed, but it guards this rule", name)
				}
			}
		})
	}
}

func runWithFault(t *testing.T, fault *Fault) (int, []string) {
	t.Helper()
	var out bytes.Buffer
	suite := godog.TestSuite{
		Name:                "blackbox-fault",
		ScenarioInitializer: func(sc *godog.ScenarioContext) { InitializeScenario(sc, fault) },
		Options: &godog.Options{
			Format: "cucumber", // JSON, to name the failing scenarios
			Output: &out,
			Paths:  featurePaths,
			Strict: true,
		},
	}
	status := suite.Run()
	return status, failedScenarios(t, out.Bytes())
}

func failedScenarios(t *testing.T, report []byte) []string {
	t.Helper()
	var features []struct {
		Elements []struct {
			Name  string `json:"name"`
			Steps []struct {
				Name   string `json:"name"`
				Result struct {
					Status string `json:"status"`
					Error  string `json:"error_message"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(report, &features); err != nil {
		t.Fatalf("cannot read the cucumber report: %v\n%s", err, report)
	}
	var failed []string
	for _, f := range features {
		for _, sc := range f.Elements {
			for _, st := range sc.Steps {
				if st.Result.Status != "passed" && st.Result.Status != "skipped" {
					t.Logf("  %s: %s %q: %s", sc.Name, st.Result.Status, st.Name, st.Result.Error)
					failed = append(failed, sc.Name)
					break
				}
			}
		}
	}
	sort.Strings(failed)
	return failed
}

// noReset is the correct policy, except that an alive check leaves the
// failure streak as it was.
type noReset struct{ p rules.Policy }

func (n noReset) Next(s rules.State, c rules.Check) (rules.State, []rules.Event) {
	next, events := n.p.Next(s, c)
	if c.Alive && !s.Alerting {
		next.Consecutive, next.FirstFailure, next.Failures = s.Consecutive, s.FirstFailure, s.Failures
	}
	return next, events
}

// forgetAlerts clears every persisted "alerting" flag, as a monitor that
// kept counts but not open alerts would have left its file.
func forgetAlerts(st *store.Store) error {
	var names []string
	if err := st.States(func(name string, _ rules.State) { names = append(names, name) }); err != nil {
		return err
	}
	for _, n := range names {
		_, _, err := st.Update(n, func(s rules.State) (rules.State, []alert.Message) {
			s.Alerting = false
			return s, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// lossy reports every message as delivered, whether the relay took it or not.
type lossy struct{ env *monitortest.Env }

func (l lossy) Send(ctx context.Context, m alert.Message) error {
	_ = monitor.SMTPNotifier(l.env.Config.SMTP).Send(ctx, m)
	return nil
}
