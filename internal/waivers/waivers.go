// Package waivers reads a specialist's waivers (accord run --waivers FILE):
// known, reasoned deviations accepted for now, each naming the scenario or
// the requirement it covers, who approved it and until when. A failure a
// valid waiver covers is shown as waived, never as passed; an expired waiver
// covers nothing; a waiver that covers no failure is stale.
package waivers

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/requirements"
	"github.com/accord-harness/accord/internal/yamlkeys"
)

// Waiver is one accepted deviation.
type Waiver struct {
	// Scenario is a scenario's name; Requirement a requirement's id. A
	// waiver names one of them.
	Scenario    string `yaml:"scenario" json:"scenario,omitempty"`
	Requirement string `yaml:"requirement" json:"requirement,omitempty"`
	Reason      string `yaml:"reason" json:"reason"`
	ApprovedBy  string `yaml:"approved_by" json:"approved_by"`
	// Expires is the last day the waiver applies (YYYY-MM-DD, that day included).
	Expires string `yaml:"expires" json:"expires"`
	// Line is the waiver's line in its file.
	Line int `yaml:"-" json:"line"`
}

// Target is what the waiver names, as people read it.
func (w Waiver) Target() string {
	if w.Scenario != "" {
		return fmt.Sprintf("scenario %q", w.Scenario)
	}
	return "requirement " + w.Requirement
}

// ExpiredAt tells whether the waiver no longer applies on the day of now,
// in now's time zone.
func (w Waiver) ExpiredAt(now time.Time) bool {
	last, err := time.ParseInLocation(time.DateOnly, w.Expires, now.Location())
	return err != nil || !now.Before(last.AddDate(0, 0, 1))
}

// Set is a waivers file.
type Set struct {
	File    string
	Waivers []Waiver
}

type file struct {
	Waivers []waiverKeys `yaml:"waivers"`
}

// waiverKeys are the keys a waiver may have (Waiver's Line is none of them).
type waiverKeys struct {
	Scenario    string `yaml:"scenario"`
	Requirement string `yaml:"requirement"`
	Reason      string `yaml:"reason"`
	ApprovedBy  string `yaml:"approved_by"`
	Expires     string `yaml:"expires"`
}

// Load reads and checks a waivers file.
func Load(path string) (*Set, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("waivers %s: %w", path, err)
	}
	return Parse(path, raw)
}

// Parse is Load on bytes; name names the file in errors. Every mistake is
// one error naming the file and line: an unknown key, a waiver naming
// neither a scenario nor a requirement (or both), a missing reason,
// approver or expiry, an expiry that is no date.
func Parse(name string, raw []byte) (*Set, error) {
	var f file
	lines, err := yamlkeys.DecodeFile("waivers "+name, raw, &f)
	switch {
	case errors.Is(err, yamlkeys.ErrEmpty):
		return nil, fmt.Errorf("waivers %s: empty file (want waivers: a list)", name)
	case err != nil:
		return nil, err
	}
	if len(f.Waivers) == 0 {
		return nil, fmt.Errorf("waivers %s: waivers: none listed", name)
	}
	set := &Set{File: name}
	for i, k := range f.Waivers {
		w := Waiver{Scenario: k.Scenario, Requirement: k.Requirement, Reason: k.Reason, ApprovedBy: k.ApprovedBy, Expires: k.Expires,
			Line: lines[fmt.Sprintf("waivers[%d]", i)]}
		at := fmt.Sprintf("waivers %s:%d", name, w.Line)
		switch {
		case (w.Scenario == "") == (w.Requirement == ""):
			return nil, fmt.Errorf("%s: a waiver names a scenario or a requirement, one of them", at)
		case strings.TrimSpace(w.Reason) == "":
			return nil, fmt.Errorf("%s: %s: reason missing (why the deviation is accepted for now)", at, w.Target())
		case strings.TrimSpace(w.ApprovedBy) == "":
			return nil, fmt.Errorf("%s: %s: approved_by missing (who accepted it)", at, w.Target())
		case w.Expires == "":
			return nil, fmt.Errorf("%s: %s: expires missing (the last day it applies, YYYY-MM-DD)", at, w.Target())
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
			return nil, fmt.Errorf("%s: %s: expires %q is not a date (YYYY-MM-DD)", at, w.Target(), w.Expires)
		}
		set.Waivers = append(set.Waivers, w)
	}
	return set, nil
}

// Check refuses a waiver naming a scenario the features do not have or a
// requirement the catalogue does not list: a waiver for nothing is a typo.
func (s *Set) Check(scenarios []requirements.Scenario, cat *requirements.Catalogue) error {
	names := map[string]bool{}
	for _, sc := range scenarios {
		names[sc.Name] = true
	}
	for _, w := range s.Waivers {
		at := fmt.Sprintf("waivers %s:%d", s.File, w.Line)
		if w.Scenario != "" && !names[w.Scenario] {
			return fmt.Errorf("%s: no scenario is named %q", at, w.Scenario)
		}
		if w.Requirement != "" {
			if cat == nil {
				return fmt.Errorf("%s: requirement %s: this platform lists no requirements", at, w.Requirement)
			}
			if _, ok := cat.Get(w.Requirement); !ok {
				return fmt.Errorf("%s: %s lists no requirement %s", at, cat.File, w.Requirement)
			}
		}
	}
	return nil
}

// Covering finds the waiver that covers a failed scenario: the first valid
// one naming it, or naming a requirement it traces to (a waived requirement
// waives every scenario that checks it; the run's requirements table shows
// each of their requirements waived, never passed). Expired waivers that
// would have covered it are returned apart: they cover nothing, and the run
// names them.
func (s *Set) Covering(name string, traces []string, now time.Time) (valid *Waiver, expired []Waiver) {
	for i, w := range s.Waivers {
		if w.Scenario != name && (w.Requirement == "" || !slices.Contains(traces, w.Requirement)) {
			continue
		}
		switch {
		case w.ExpiredAt(now):
			expired = append(expired, w)
		case valid == nil:
			valid = &s.Waivers[i]
		}
	}
	return valid, expired
}
