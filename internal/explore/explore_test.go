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
