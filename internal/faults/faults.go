// Package faults is the catalogue of named mistakes a reference partner can
// be started with, to prove that the acceptance scenarios catch them, and the
// set one run uses.
package faults

import (
	"fmt"
	"sort"
	"strings"
)

// Fault is one realistic integration bug.
type Fault struct {
	Name   string `json:"name"`
	Breaks string `json:"breaks"`
	// Under are the partner's choices (capability → value) whose code the
	// fault lives in: a poller's fault shows only in a partner that polls.
	// A run with the fault makes these choices.
	Under map[string]string `json:"under,omitempty"`
}

// Catalogue is a reference partner's faults; it is read-only.
type Catalogue struct {
	partner string
	list    []Fault
}

// New makes the catalogue of the partner named in error messages, from
// name and description pairs.
func New(partner string, entries [][2]string) Catalogue {
	c := Catalogue{partner: partner}
	for _, e := range entries {
		c.list = append(c.list, Fault{Name: e[0], Breaks: e[1]})
	}
	return c
}

// Under marks a fault as living in the code of the partner's choices caps
// (see Fault.Under). It is called when the catalogue is built: a name the
// catalogue lacks is a mistake in the program, so it panics.
func (c Catalogue) Under(name string, caps map[string]string) Catalogue {
	out := Catalogue{partner: c.partner, list: append([]Fault(nil), c.list...)}
	for i := range out.list {
		if out.list[i].Name == name {
			out.list[i].Under = caps
			return out
		}
	}
	panic(fmt.Sprintf("faults: %s has no fault %q", c.partner, name))
}

// List returns the faults sorted by name.
func (c Catalogue) List() []Fault {
	out := append([]Fault(nil), c.list...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Set is the faults a partner runs with.
type Set map[string]bool

// Label is a partner's name as it introduces itself running with the set:
// "name with fault a,b", the faults in order; name alone when there are none.
func (s Set) Label(name string) string {
	if len(s) == 0 {
		return name
	}
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return name + " with fault " + strings.Join(names, ",")
}

// Parse checks names against the catalogue; an unknown name is an error
// listing the known ones.
func (c Catalogue) Parse(names []string) (Set, error) {
	known := map[string]bool{}
	for _, f := range c.list {
		known[f.Name] = true
	}
	set := Set{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !known[n] {
			var all []string
			for _, f := range c.List() {
				all = append(all, f.Name)
			}
			return nil, fmt.Errorf("unknown fault %q; the %s reference partner knows: %s", n, c.partner, strings.Join(all, ", "))
		}
		set[n] = true
	}
	return set, nil
}
