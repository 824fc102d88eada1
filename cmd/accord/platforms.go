package main

import (
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/runner"
	dikidipartner "github.com/accord-harness/accord/mocks/dikidi/refpartner"
	docplannerpartner "github.com/accord-harness/accord/mocks/docplanner/refpartner"
	reachpartner "github.com/accord-harness/accord/mocks/reach/refpartner"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// platformEntry is all a command needs of one platform.
type platformEntry struct {
	platform runner.Platform
	// mock is `accord mock <name>`.
	mock func(stdout, stderr io.Writer) *cobra.Command
	// partner is how `accord partner serve --platform <name>` serves its
	// reference partner.
	partner servedPartner
}

func (e platformEntry) name() string { return e.platform.Name() }

// registry is the one place that lists every platform accord knows; every
// command loops over it. The first is the default platform.
func registry() []platformEntry {
	// Served alone a reference partner lives in real time, like any partner:
	// each on its own real clock.
	return []platformEntry{
		{
			platform: docplannersteps.Platform{},
			mock:     newDocplannerMockCmd,
			partner: servedPartner{
				start: func(o serveOptions) (referencePartner, error) {
					return docplannerpartner.New(docplannerpartner.Options{Clock: clock.New(), Faults: o.faults, PollEvery: o.pollEvery})
				},
				polls:     true,
				reachedAt: func(u string) string { return "PUSH notifications at " + u + "/callbacks" },
			},
		},
		{
			platform: dikidisteps.Platform{},
			mock:     newDikidiMockCmd,
			partner: servedPartner{
				start: func(o serveOptions) (referencePartner, error) {
					return dikidipartner.New(dikidipartner.Options{Clock: clock.New(), Faults: o.faults})
				},
				reachedAt: func(u string) string { return "company events (the key's Path) at " + u + "/events" },
			},
		},
		{
			platform: reachsteps.Platform{},
			mock:     newReachMockCmd,
			partner: servedPartner{
				start: func(o serveOptions) (referencePartner, error) {
					p, err := reachpartner.New(reachpartner.Options{Clock: clock.New(), Faults: o.faults})
					return selfAddressed{p}, err
				},
				reachedAt: func(u string) string { return "the API Reach syncs from at " + u + reachpartner.APIBase },
			},
		},
	}
}

// defaultPlatform is what a command runs without --platform.
func defaultPlatform() string { return registry()[0].name() }

// everyPlatform is every platform in alphabetical order, as --platform all
// runs them and help texts and errors list them.
func everyPlatform() []runner.Platform {
	var ps []runner.Platform
	for _, e := range registry() {
		ps = append(ps, e.platform)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name() < ps[j].Name() })
	return ps
}

func platformNames() []string {
	var names []string
	for _, p := range everyPlatform() {
		names = append(names, p.Name())
	}
	return names
}

// oneOfThePlatforms names every platform as a choice of one, the default
// first: "docplanner, dikidi or reach".
func oneOfThePlatforms() string {
	var names []string
	for _, e := range registry() {
		names = append(names, e.name())
	}
	return oneOf(names)
}

func oneOf(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " or " + names[last]
}

// lookupEntry finds a platform by name; an unknown one is a usage error
// that lists them, after what (accord "knows", accord "has").
func lookupEntry(name, what string) (platformEntry, error) {
	for _, e := range registry() {
		if e.name() == name {
			return e, nil
		}
	}
	return platformEntry{}, usagef("unknown platform %q; accord %s: %s", name, what, strings.Join(platformNames(), ", "))
}

func lookupPlatform(name string) (runner.Platform, error) {
	e, err := lookupEntry(name, "knows")
	return e.platform, err
}

// platformsNamed is --platform of a command that also takes all.
func platformsNamed(name string) ([]runner.Platform, error) {
	if name == "all" {
		return everyPlatform(), nil
	}
	p, err := lookupPlatform(name)
	if err != nil {
		return nil, err
	}
	return []runner.Platform{p}, nil
}
