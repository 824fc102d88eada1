package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// choosy is a platform that leaves two choices to the partner.
type choosy struct{ Platform }

func (choosy) Name() string    { return "choosy" }
func (choosy) Features() fs.FS { return nil }
func (choosy) Faults() []Fault { return nil }
func (choosy) Capabilities() []Capability {
	return []Capability{
		{Name: "notification_model", Values: []string{"both", "push", "pull"}, About: "how notifications arrive"},
		{Name: "real_time_checks", Values: []string{"on", "off"}, About: "blocking checks"},
	}
}

type plain struct{ Platform }

func (plain) Name() string { return "plain" }

func TestCapabilitiesAreCheckedAndDefaulted(t *testing.T) {
	tests := []struct {
		name     string
		p        Platform
		declared map[string]string
		want     map[string]string
		err      string
	}{
		{"defaults", choosy{}, nil, map[string]string{"notification_model": "both", "real_time_checks": "on"}, ""},
		{"declared", choosy{}, map[string]string{"notification_model": "pull"}, map[string]string{"notification_model": "pull", "real_time_checks": "on"}, ""},
		{"unknown name", choosy{}, map[string]string{"webhooks": "on"}, nil, `capability "webhooks" is not one of choosy's (notification_model, real_time_checks)`},
		{"unknown value", choosy{}, map[string]string{"real_time_checks": "maybe"}, nil, `want on or off (blocking checks)`},
		{"platform without choices", plain{}, map[string]string{"x": "y"}, nil, "plain leaves no choice to the partner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Capabilities(tt.p, tt.declared)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCommandLineAndConfigFileMustAgree(t *testing.T) {
	cfg := Config{Capabilities: map[string]string{"notification_model": "push"},
		Partner: &PartnerConfig{Capabilities: map[string]string{"notification_model": "pull"}}}
	_, err := declaredCapabilities(choosy{}, cfg)
	require.ErrorContains(t, err, "push on the command line but pull in the config file")
	cfg.Partner.Capabilities["notification_model"] = "push"
	got, err := declaredCapabilities(choosy{}, cfg)
	require.NoError(t, err)
	assert.Equal(t, "push", got["notification_model"])
}

// pulling is choosy whose reference partner has a fault in its poller.
type pulling struct{ choosy }

func (pulling) Faults() []Fault {
	return []Fault{{Name: "poller-dies", Under: map[string]string{"notification_model": "pull"}}, {Name: "anywhere"}}
}

func TestAFaultMakesTheChoiceItLivesIn(t *testing.T) {
	tests := []struct {
		name     string
		faults   []string
		declared map[string]string
		want     string
		err      string
	}{
		{"the fault's choice", []string{"poller-dies"}, nil, "pull", ""},
		{"declared alike", []string{"poller-dies"}, map[string]string{"notification_model": "pull"}, "pull", ""},
		{"declared otherwise", []string{"poller-dies"}, map[string]string{"notification_model": "push"}, "", "fault poller-dies lives in a partner that chose notification_model=pull, but the run declares notification_model=push"},
		{"a fault of no choice", []string{"anywhere"}, nil, "both", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := declaredCapabilities(pulling{}, Config{Faults: tt.faults, Capabilities: tt.declared})
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got["notification_model"])
		})
	}
}

func TestParseCapabilities(t *testing.T) {
	got, err := ParseCapabilities([]string{"notification_model=pull", " real_time_checks = off "})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"notification_model": "pull", "real_time_checks": "off"}, got)
	for _, bad := range [][]string{{"pull"}, {"=pull"}, {"notification_model="}, {"a=b", "a=c"}} {
		_, err := ParseCapabilities(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestNotApplicableIsASkipWithAReason(t *testing.T) {
	err := fmt.Errorf("step: %w", NotApplicable("the partner takes notifications by PULL only"))
	assert.ErrorIs(t, err, godog.ErrSkip, "godog must stop the scenario without failing it")
	reason, ok := NotApplicableReason(err)
	assert.True(t, ok)
	assert.Equal(t, "the partner takes notifications by PULL only", reason)
	_, ok = NotApplicableReason(godog.ErrSkip)
	assert.False(t, ok, "an operator's skip is not a scenario out of scope")
}

// TestNotApplicableScenariosNeitherPassNorFail: they are counted apart, and
// a flow none of whose scenarios applied leaves the run incomplete.
func TestNotApplicableScenariosNeitherPassNorFail(t *testing.T) {
	twoFeatures := func() *Summary {
		raw := []byte(`[
		 {"uri":"bookings.feature","name":"Bookings","elements":[
		  {"name":"A","line":3,"type":"scenario","steps":[{"keyword":"Then ","name":"x","result":{"status":"passed"}}]},
		  {"name":"B","line":9,"type":"scenario","steps":[{"keyword":"Given ","name":"y","result":{"status":"skipped"}}]}]},
		 {"uri":"retry.feature","name":"Retries","elements":[
		  {"name":"C","line":3,"type":"scenario","steps":[{"keyword":"Given ","name":"z","result":{"status":"skipped"}}]}]}]`)
		sum, err := summarize(raw)
		require.NoError(t, err)
		return sum
	}
	tests := []struct {
		name    string
		outOf   map[string]string
		verdict string
		counts  Counts
		note    string
	}{
		{"one flow partly out of scope", map[string]string{"bookings.feature\x00B": "PULL only", "retry.feature\x00C": "PULL only"},
			"incomplete", Counts{Scenarios: 3, Passed: 1, NotApplicable: 2}, "no scenario of Retries applies to this partner"},
		{"a skip without a reason still fails", map[string]string{"bookings.feature\x00B": "PULL only"},
			"failed", Counts{Scenarios: 3, Passed: 1, Failed: 1, NotApplicable: 1}, "1 scenarios do not apply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := twoFeatures()
			sum.applyOutcomes(nil, tt.outOf, nil, nil)
			assert.Equal(t, tt.verdict, sum.Verdict)
			assert.Equal(t, tt.counts, sum.Counts)
			assert.Contains(t, sum.VerdictNote, tt.note)
			assert.Equal(t, "not applicable: PULL only", sum.Scenarios[1].Reason)
			assert.Empty(t, sum.NotApplicable()[0].FailedStep)
			for _, f := range sum.Failed() {
				assert.NotEqual(t, "not_applicable", f.Status)
			}
		})
	}
	sum := twoFeatures()
	sum.Scenarios = sum.Scenarios[:2]
	sum.applyOutcomes(nil, map[string]string{"bookings.feature\x00B": "PULL only"}, nil, nil)
	assert.Equal(t, "passed", sum.Verdict, "a flow with a scenario that applied and passed is checked")
	assert.Equal(t, "1 scenarios do not apply to this partner's choices and were not run", sum.VerdictNote)
}

func TestTheConsoleSaysWhyAScenarioDidNotPass(t *testing.T) {
	var out strings.Builder
	c := &console{w: &out}
	c.header("choosy", "a partner")
	c.ScenarioStarted("bookings.feature", "A visit")
	c.StepDone("the partner books", "passed", nil)
	c.StepDone("Docplanner shows it", "failed", errors.New("not so after 30s:\n  a table"))
	c.StepDone("then this", "skipped", nil)
	c.ScenarioDone("A visit", "failed")
	c.ScenarioStarted("push.feature", "A push")
	c.StepDone("the partner takes PUSH", "not applicable", fmt.Errorf("step: %w", NotApplicable("PULL only")))
	c.ScenarioDone("A push", "not_applicable")
	got := regexp.MustCompile(`\(\d+\.\ds\)`).ReplaceAllString(out.String(), "(t)")
	assert.Equal(t, `── choosy against a partner ──
  ✗ bookings · A visit (t)
      at: Docplanner shows it
      why: not so after 30s:
        a table
  – push · A push (t)
      not applicable: PULL only
`, got)
}

func TestUnnamedFindsIdsShownBare(t *testing.T) {
	s := Staff{Instructions: map[string]string{
		"a": `Book {{.master_id}} for {{name "service" .service_id}}.`,
		"b": `{{if .master_id}} to {{name "master" .master_id}}{{end}}`,
		"c": `{{- .service_id -}}`,
	}}
	assert.Equal(t, []string{"a shows master_id bare", "c shows service_id bare"}, s.Unnamed("master_id", "service_id"))
}
