package main

import (
	"sort"
	"strings"

	"github.com/accord-harness/accord/internal/runner"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
	dpsteps "github.com/accord-harness/accord/steps/docplanner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// platforms is the one place that lists every platform accord knows.
func platforms() map[string]runner.Platform {
	return map[string]runner.Platform{
		"dikidi":     dikidisteps.Platform{},
		"docplanner": dpsteps.Platform{},
		"reach":      reachsteps.Platform{},
	}
}

func platformNames() []string {
	var names []string
	for n := range platforms() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lookupPlatform(name string) (runner.Platform, error) {
	p, ok := platforms()[name]
	if !ok {
		return nil, usagef("unknown platform %q; accord knows: %s", name, strings.Join(platformNames(), ", "))
	}
	return p, nil
}
