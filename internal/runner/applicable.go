package runner

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cucumber/godog"
)

// Capability is a choice a platform leaves to the partner (Docplanner's PUSH
// or PULL notifications, say). The partner declares its choice; a scenario
// that checks another choice is not applicable to it: said so, never failed
// and never passed.
type Capability struct {
	Name string
	// Values are the choices the platform allows; the first is assumed when
	// the partner declares nothing.
	Values []string
	// About says what the choice is, for error messages and reports.
	About string
}

// Capable is implemented by platforms that leave choices to the partner.
type Capable interface {
	Capabilities() []Capability
}

// Capabilities resolves a partner's declared choices against what platform p
// allows: every declared name and value must be known, and every capability
// the partner leaves out takes its default.
func Capabilities(p Platform, declared map[string]string) (map[string]string, error) {
	var known []Capability
	if c, ok := p.(Capable); ok {
		known = c.Capabilities()
	}
	out := map[string]string{}
	byName := map[string]Capability{}
	var names []string
	for _, c := range known {
		byName[c.Name] = c
		names = append(names, c.Name)
		out[c.Name] = c.Values[0]
	}
	sort.Strings(names)
	for name, value := range declared {
		c, ok := byName[name]
		if !ok {
			if len(names) == 0 {
				return nil, fmt.Errorf("capability %q: %s leaves no choice to the partner", name, p.Name())
			}
			return nil, fmt.Errorf("capability %q is not one of %s's (%s)", name, p.Name(), strings.Join(names, ", "))
		}
		if !contains(c.Values, value) {
			return nil, fmt.Errorf("capability %s=%q: want %s (%s)", name, value, strings.Join(c.Values, " or "), c.About)
		}
		out[name] = value
	}
	return out, nil
}

// ParseCapabilities reads name=value pairs (the --capability flag).
func ParseCapabilities(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || value == "" {
			return nil, fmt.Errorf("capability %q: want name=value, e.g. notification_model=pull", p)
		}
		if prev, dup := out[name]; dup && prev != value {
			return nil, fmt.Errorf("capability %s is given twice (%s and %s)", name, prev, value)
		}
		out[name] = value
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// notApplicable ends a scenario the partner's declared choices put out of
// scope. It is a godog skip, so the remaining steps do not run, and the run
// reports it apart from passed, failed and skipped scenarios.
type notApplicable struct{ reason string }

func (e notApplicable) Error() string { return "not applicable: " + e.reason }
func (e notApplicable) Unwrap() error { return godog.ErrSkip }

// NotApplicable is what a step returns when its scenario checks a choice the
// partner did not make; reason says which choice, and whose.
func NotApplicable(reason string) error { return notApplicable{reason: reason} }

// NotApplicableReason tells whether err ends a scenario as not applicable.
func NotApplicableReason(err error) (string, bool) {
	var na notApplicable
	if errors.As(err, &na) {
		return na.reason, true
	}
	return "", false
}

// declaredCapabilities merges the choices given on the command line with
// the config file's and resolves them against the platform's.
func declaredCapabilities(p Platform, cfg Config) (map[string]string, error) {
	declared := map[string]string{}
	for k, v := range cfg.Capabilities {
		declared[k] = v
	}
	// A fault that lives in the code of one choice makes that choice, or it
	// could never show.
	for _, f := range p.Faults() {
		if !contains(cfg.Faults, f.Name) {
			continue
		}
		for k, v := range f.Under {
			if prev, ok := declared[k]; ok && prev != v {
				return nil, fmt.Errorf("fault %s lives in a partner that chose %s=%s, but the run declares %s=%s", f.Name, k, v, k, prev)
			}
			declared[k] = v
		}
	}
	if cfg.Partner != nil {
		for k, v := range cfg.Partner.Capabilities {
			if prev, ok := declared[k]; ok && prev != v {
				return nil, fmt.Errorf("capability %s is %s on the command line but %s in the config file", k, prev, v)
			}
			declared[k] = v
		}
	}
	return Capabilities(p, declared)
}
