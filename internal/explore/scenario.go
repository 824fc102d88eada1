package explore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The steps every platform's @explore scenario is written with, so that a feature reads the same
// on every platform and `accord explore` finds its plan in each.
const (
	// PlanStep is the When step: sequences, steps and the first seed.
	PlanStep = `^accord explores (\d+) sequences? of (\d+) steps from seed (\d+)$`
	// AgreedStep is the Then step: no sequence made the two sides disagree.
	AgreedStep = `both sides agreed on their whole state after every step`
)

// Record is one @explore scenario's plan and verdict, for a run's summary.
type Record struct {
	Scenario  string `json:"scenario"`
	Seed      uint64 `json:"seed"`
	Sequences int    `json:"sequences"`
	Steps     int    `json:"steps"`
	Failed    bool   `json:"failed"`
}

// Scenario runs the plan a feature's PlanStep gives, with what over sets (accord explore's flags)
// in its place. The error is nil, a *Failure, or why the exploration could not go on.
func Scenario(ctx context.Context, sys System, name string, sequences, steps int, seed string, over Plan) (Record, error) {
	first, err := strconv.ParseUint(seed, 10, 64)
	if err != nil {
		return Record{Scenario: name}, fmt.Errorf("explore: seed %q: %v", seed, err)
	}
	p := Plan{Seed: first, Sequences: sequences, Steps: steps}.Over(over)
	rec := Record{Scenario: name, Seed: p.Seed, Sequences: p.Sequences, Steps: p.Steps}
	err = Explore(ctx, sys, p)
	var failure *Failure
	if err != nil && !errors.As(err, &failure) {
		return rec, fmt.Errorf("explore: the exploration could not go on: %w", err)
	}
	rec.Failed = failure != nil
	return rec, err
}

// Outcome is how a scenario's exploration ended, for the step that ends
// every @explore scenario (AgreedStep).
type Outcome struct {
	done bool
	err  error // nil, a *Failure, or why the exploration could not go on
}

// Set records how the exploration ended.
func (o *Outcome) Set(err error) { o.done, o.err = true, err }

// Agreed is nil when an exploration ran and no sequence made the two sides
// disagree; otherwise why not, led by what failed (the platform's flow, as
// its other reasons are).
func (o Outcome) Agreed(what string) error {
	switch {
	case !o.done:
		return fmt.Errorf("%s: nothing was explored in this scenario", what)
	case o.err == nil:
		return nil
	case strings.HasPrefix(o.err.Error(), what+":"):
		return o.err
	}
	return fmt.Errorf("%s: %w", what, o.err)
}
