// Package explore runs seeded random sequences of changes on both sides of an
// integration, checks after every step that the two sides agree on their
// whole state, and shrinks a failing sequence to a short one a person can
// read as Given/When/Then. Scenarios check the sequences someone thought of;
// this finds the ones nobody wrote down.
//
// The engine is small and of its own rather than a property-testing library
// (pgregory.net/rapid, gopter): every step here is a real action on a live
// partner, so a sequence is data that can be replayed and printed, shrinking
// removes whole steps first and is bounded by a budget of replays, and the
// seed is a value of each exploration, where rapid keeps its seed, step count
// and failure files in process-wide flags and writes those files into the
// working directory.
package explore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Step is one change, as data: a sequence of steps can be replayed and
// printed. Refs name objects the sequence made earlier ("visit 2"), never a
// side's ids, so a replay with steps removed still means the same thing.
type Step struct {
	// Action is what the platform's System understands.
	Action string
	// Args are the action's arguments.
	Args map[string]string
	// Text is the step as a Gherkin line, without its keyword.
	Text string
}

func (s Step) String() string { return s.Text }

// System is one platform's side of an exploration: a fresh start, a model
// that proposes the next step, the step done for real, and the whole-state
// comparison.
type System interface {
	// Begin starts from nothing: a new tenant, the partner reset, the
	// fixture loaded and the integration activated. It is called before
	// the first step of every replay.
	Begin(ctx context.Context) error
	// Next proposes a step that makes sense in the state the steps done
	// since Begin have left, drawing only from r.
	Next(r *rand.Rand) Step
	// Do carries out a step. It returns ErrInapplicable when the step no
	// longer makes sense (a shrunk sequence lost the step that made what it
	// changes); any other error ends the replay as a failure of the partner.
	Do(ctx context.Context, s Step) error
	// Agree compares both sides' whole state, waiting as long as a change
	// may take to reach the other side; an error lists every difference.
	Agree(ctx context.Context) error
}

// Ender is a System with steps that leave on a condition under which the
// sides cannot yet agree, the partner cut off from the platform, say: Agree
// lets such a step pass, and a sequence that ends with the condition still on
// gets the step that lifts it, so that the agreement it owes is still checked.
type Ender interface {
	// Ending is the step that lifts the conditions the steps done since
	// Begin left on, or false when none is on.
	Ending() (Step, bool)
}

// ErrInapplicable is Do's answer for a step whose object is gone.
var ErrInapplicable = errors.New("the step no longer applies")

// Options shape an exploration.
type Options struct {
	Seed  uint64
	Steps int
	// Replays bounds how many replays shrinking may use (0: 60).
	Replays int
}

// Failure is a sequence after which the two sides disagreed.
type Failure struct {
	Seed uint64
	// Found is the sequence as generated, up to the step that failed.
	Found []Step
	// Shrunk is the shortest failing sequence shrinking found; Err is its
	// failure.
	Shrunk []Step
	Err    error
	// Replays counts the replays shrinking used.
	Replays int
}

// Error is the shrunk sequence as Gherkin, then why it fails.
func (f *Failure) Error() string {
	return fmt.Sprintf("seed %d: after %d steps the two sides disagree; shrunk to %d steps:\n%s\n%v",
		f.Seed, len(f.Found), len(f.Shrunk), Gherkin(f.Shrunk), f.Err)
}

// Gherkin renders a sequence as readable steps.
func Gherkin(steps []Step) string {
	var b strings.Builder
	b.WriteString("  Given the partner has activated the integration\n")
	for i, s := range steps {
		kw := "And"
		if i == 0 {
			kw = "When"
		}
		fmt.Fprintf(&b, "  %s %s\n", kw, s.Text)
	}
	b.WriteString("  Then both sides agree on their whole state")
	return b.String()
}

// Run generates opts.Steps steps from opts.Seed, doing each and checking
// agreement after it. It returns the steps done and, when the sides came to
// disagree (or the partner failed a step), a *Failure with the sequence
// shrunk. Another error means the exploration itself could not go on.
func Run(ctx context.Context, sys System, opts Options) ([]Step, error) {
	r := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	if err := sys.Begin(ctx); err != nil {
		return nil, err
	}
	var done []Step
	for range opts.Steps {
		s := sys.Next(r)
		done = append(done, s)
		err := sys.Do(ctx, s)
		if errors.Is(err, ErrInapplicable) {
			return done, fmt.Errorf("explore: the model proposed %q, which does not apply: a fault of the platform's model, not of the partner", s.Text)
		}
		if err := agreed(ctx, sys, err); err != nil {
			return done, failed(ctx, sys, opts, done, err)
		}
	}
	if s, ok := ending(sys); ok {
		done = append(done, s)
		if err := agreed(ctx, sys, sys.Do(ctx, s)); err != nil {
			return done, failed(ctx, sys, opts, done, err)
		}
	}
	return done, nil
}

// agreed is the comparison after a step that was done (done is nil), or
// why the step failed.
func agreed(ctx context.Context, sys System, done error) error {
	if done != nil {
		return done
	}
	return sys.Agree(ctx)
}

// failed is the shrunk failure of a sequence, or the context's error when
// the exploration was stopped.
func failed(ctx context.Context, sys System, opts Options, done []Step, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return shrink(ctx, sys, opts, done, err)
}

// ending is the step that lifts what a sequence left on, if sys has one.
func ending(sys System) (Step, bool) {
	if e, ok := sys.(Ender); ok {
		return e.Ending()
	}
	return Step{}, false
}

// shrink looks for a shorter sequence that still fails: first by removing
// runs of steps, halving their length down to one (delta debugging), within
// the replay budget.
func shrink(ctx context.Context, sys System, opts Options, found []Step, cause error) *Failure {
	budget := opts.Replays
	if budget <= 0 {
		budget = 60
	}
	f := &Failure{Seed: opts.Seed, Found: found, Shrunk: found, Err: cause}
	for chunk := len(f.Shrunk) / 2; chunk >= 1 && f.Replays < budget; {
		removed := false
		for at := 0; at+chunk <= len(f.Shrunk) && f.Replays < budget; {
			candidate := append(append([]Step(nil), f.Shrunk[:at]...), f.Shrunk[at+chunk:]...)
			f.Replays++
			// A replay may end with the step that lifts what the candidate
			// left on: shorter, or it removed nothing.
			if did, err := replay(ctx, sys, candidate); err != nil && len(did) < len(f.Shrunk) {
				f.Shrunk, f.Err, removed = did, err, true
				continue // the same place now holds the next run
			}
			if ctx.Err() != nil {
				return f
			}
			at += chunk
		}
		if !removed || chunk > len(f.Shrunk) {
			chunk /= 2
		}
	}
	return f
}

// replay does a sequence from a fresh start, ended by the step that lifts
// what it left on, if any; it returns the steps so done and why they fail,
// or nil when they pass or do not apply as a whole.
func replay(ctx context.Context, sys System, steps []Step) ([]Step, error) {
	if len(steps) == 0 || sys.Begin(ctx) != nil {
		return steps, nil
	}
	if err := doAll(ctx, sys, steps); err != nil {
		return steps, err
	}
	if s, ok := ending(sys); ok {
		steps = append(steps[:len(steps):len(steps)], s)
		return steps, doAll(ctx, sys, steps[len(steps)-1:])
	}
	return steps, nil
}

// doAll does steps and checks agreement after each, passing over those that
// no longer apply.
func doAll(ctx context.Context, sys System, steps []Step) error {
	for _, s := range steps {
		err := sys.Do(ctx, s)
		if errors.Is(err, ErrInapplicable) {
			continue
		}
		if err == nil {
			err = sys.Agree(ctx)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	return nil
}

// Plan is how much to explore: Sequences sequences of Steps steps each, the
// first from Seed and each next one from the next seed.
type Plan struct {
	Seed      uint64
	Sequences int
	Steps     int
}

// Over is p with every field o sets: what `accord explore` asks for over
// what a feature file says.
func (p Plan) Over(o Plan) Plan {
	if o.Seed != 0 {
		p.Seed = o.Seed
	}
	if o.Sequences != 0 {
		p.Sequences = o.Sequences
	}
	if o.Steps != 0 {
		p.Steps = o.Steps
	}
	return p
}

// Explore runs the plan's sequences; the first failure ends it.
func Explore(ctx context.Context, sys System, p Plan) error {
	for i := range p.Sequences {
		if _, err := Run(ctx, sys, Options{Seed: p.Seed + uint64(i), Steps: p.Steps}); err != nil {
			return err
		}
	}
	return nil
}
