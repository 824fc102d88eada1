package explore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// diary is a toy integration: visits booked and cancelled on one side must
// show on the other. The partner side may carry a bug.
type diary struct {
	bug      func(slot int) bool // cancellations of these slots are lost
	platform map[string]int      // visit ref → slot, what should be
	partner  map[string]int
	made     int
	begins   int
}

func (d *diary) Begin(context.Context) error {
	d.platform, d.partner, d.made = map[string]int{}, map[string]int{}, 0
	d.begins++
	return nil
}

func (d *diary) Next(r *rand.Rand) Step {
	if len(d.platform) > 0 && r.IntN(3) == 0 {
		refs := make([]string, 0, len(d.platform))
		for ref := range d.platform {
			refs = append(refs, ref)
		}
		// Map order is random: sort so the seed alone decides.
		for i := range refs {
			for j := i + 1; j < len(refs); j++ {
				if refs[j] < refs[i] {
					refs[i], refs[j] = refs[j], refs[i]
				}
			}
		}
		ref := refs[r.IntN(len(refs))]
		return Step{Action: "cancel", Args: map[string]string{"visit": ref}, Text: "the patient cancels " + ref}
	}
	slot := r.IntN(10)
	ref := fmt.Sprintf("visit %d", d.made+1)
	return Step{Action: "book", Args: map[string]string{"visit": ref, "slot": strconv.Itoa(slot)}, Text: fmt.Sprintf("a patient books slot %d as %s", slot, ref)}
}

func (d *diary) Do(_ context.Context, s Step) error {
	ref := s.Args["visit"]
	switch s.Action {
	case "book":
		slot, _ := strconv.Atoi(s.Args["slot"])
		d.made++
		d.platform[ref], d.partner[ref] = slot, slot
	case "cancel":
		slot, ok := d.platform[ref]
		if !ok {
			return ErrInapplicable
		}
		delete(d.platform, ref)
		if d.bug == nil || !d.bug(slot) {
			delete(d.partner, ref)
		}
	}
	return nil
}

func (d *diary) Agree(context.Context) error {
	for ref, slot := range d.partner {
		if _, ok := d.platform[ref]; !ok {
			return fmt.Errorf("%s at slot %d is still booked at the partner", ref, slot)
		}
	}
	return nil
}

func TestACorrectPartnerAgreesAfterEveryStep(t *testing.T) {
	d := &diary{}
	steps, err := Run(context.Background(), d, Options{Seed: 7, Steps: 40})
	require.NoError(t, err)
	assert.Len(t, steps, 40)
}

func TestTheSameSeedGivesTheSameSequence(t *testing.T) {
	a, err := Run(context.Background(), &diary{}, Options{Seed: 42, Steps: 30})
	require.NoError(t, err)
	b, err := Run(context.Background(), &diary{}, Options{Seed: 42, Steps: 30})
	require.NoError(t, err)
	c, err := Run(context.Background(), &diary{}, Options{Seed: 43, Steps: 30})
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
}

// TestAFailureIsShrunkToTheStepsThatMatter: a lost cancellation of a late
// slot needs a booking there and its cancellation, whatever came between.
func TestAFailureIsShrunkToTheStepsThatMatter(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			d := &diary{bug: func(slot int) bool { return slot >= 8 }}
			found, err := Run(context.Background(), d, Options{Seed: seed, Steps: 60})
			var f *Failure
			require.ErrorAs(t, err, &f, "60 steps never cancel a late slot?")
			assert.Equal(t, found, f.Found)
			require.Len(t, f.Shrunk, 2, "shrunk to: %v", f.Shrunk)
			assert.Equal(t, "book", f.Shrunk[0].Action)
			assert.Equal(t, "cancel", f.Shrunk[1].Action)
			assert.Equal(t, f.Shrunk[0].Args["visit"], f.Shrunk[1].Args["visit"])
			assert.LessOrEqual(t, f.Replays, 60)
			assert.Equal(t, d.begins, f.Replays+1, "every replay starts afresh")
			text := f.Error()
			assert.Contains(t, text, "  When a patient books slot")
			assert.Contains(t, text, "  And the patient cancels visit")
			assert.Contains(t, text, "  Then both sides agree on their whole state\n")
			assert.True(t, strings.HasSuffix(text, "is still booked at the partner"), text)
		})
	}
}

func TestAModelThatProposesNonsenseIsNotBlamedOnThePartner(t *testing.T) {
	_, err := Run(context.Background(), nonsense{&diary{}}, Options{Seed: 1, Steps: 3})
	require.Error(t, err)
	var f *Failure
	assert.False(t, errors.As(err, &f))
	assert.Contains(t, err.Error(), "a fault of the platform's model")
}

type nonsense struct{ *diary }

func (nonsense) Next(*rand.Rand) Step {
	return Step{Action: "cancel", Args: map[string]string{"visit": "visit 99"}, Text: "the patient cancels visit 99"}
}

func TestShrinkingStaysWithinItsBudget(t *testing.T) {
	d := &diary{}
	d.bug = func(int) bool { return d.made > 30 } // only a long sequence fails
	_, err := Run(context.Background(), d, Options{Seed: 9, Steps: 200, Replays: 5})
	var f *Failure
	require.ErrorAs(t, err, &f)
	assert.Equal(t, 5, f.Replays)
}

func TestAnOutcomeSaysWhetherTheSidesAgreed(t *testing.T) {
	failure := &Failure{Seed: 3, Err: errors.New("record 1 differs")}
	for _, tc := range []struct {
		name string
		set  bool
		err  error
		want string // "" for agreement
	}{
		{"nothing explored", false, nil, "explore: nothing was explored in this scenario"},
		{"agreed", true, nil, ""},
		{"a shrunk failure", true, failure, "explore: seed 3: after 0 steps the two sides disagree"},
		{"already said as an exploration's", true, errors.New("explore: the exploration could not go on: boom"), "explore: the exploration could not go on: boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o Outcome
			if tc.set {
				o.Set(tc.err)
			}
			err := o.Agreed("explore")
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want agreement, got %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("want %q…, got %v", tc.want, err)
			}
		})
	}
}

// outage is a toy integration whose partner can be cut off: the platform's
// cancellations made meanwhile wait, the sides cannot be compared, and once
// it is back they must arrive. The buggy partner drops what waited.
type outage struct {
	plan          []Step // what Next proposes, in order
	at            int
	cut, bug      bool
	waiting, lost int
}

func (o *outage) Begin(context.Context) error {
	o.at, o.cut, o.waiting, o.lost = 0, false, 0, 0
	return nil
}

func (o *outage) Next(*rand.Rand) Step {
	o.at++
	return o.plan[o.at-1]
}

func (o *outage) Do(_ context.Context, s Step) error {
	switch s.Action {
	case "cut", "back":
		if o.cut == (s.Action == "cut") {
			return ErrInapplicable
		}
		o.cut = s.Action == "cut"
		if !o.cut && o.bug {
			o.lost += o.waiting
		}
		if !o.cut {
			o.waiting = 0
		}
	case "cancel":
		if o.cut {
			o.waiting++
		}
	}
	return nil
}

func (o *outage) Agree(context.Context) error {
	if o.lost > 0 {
		return fmt.Errorf("%d cancellations made during the outage never arrived", o.lost)
	}
	return nil
}

// ended is an outage that says how to end what a sequence left on.
type ended struct{ *outage }

func (e ended) Ending() (Step, bool) {
	return Step{Action: "back", Text: "the partner is back"}, e.cut
}

func TestASequenceEndingInAnOutageIsStillChecked(t *testing.T) {
	plan := []Step{
		{Action: "cancel", Text: "a patient cancels"},
		{Action: "cut", Text: "the partner is cut off"},
		{Action: "cancel", Text: "a patient cancels"},
	}
	tests := []struct {
		name     string
		sys      func(*outage) System
		bug      bool
		failed   bool
		lastStep string
	}{
		{"a correct partner", func(o *outage) System { return ended{o} }, false, false, "the partner is back"},
		{"a partner that drops what waited", func(o *outage) System { return ended{o} }, true, true, "the partner is back"},
		{"without an ending the loss goes unseen", func(o *outage) System { return o }, true, false, "a patient cancels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, err := Run(context.Background(), tt.sys(&outage{plan: plan, bug: tt.bug}), Options{Seed: 1, Steps: len(plan)})
			var f *Failure
			require.Equal(t, tt.failed, errors.As(err, &f), "%v", err)
			assert.Equal(t, tt.lastStep, done[len(done)-1].Text)
			if f != nil {
				assert.Equal(t, []string{"the partner is cut off", "a patient cancels", "the partner is back"}, texts(f.Shrunk), "shrunk to the outage, ended")
			}
		})
	}
}

func texts(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Text)
	}
	return out
}
