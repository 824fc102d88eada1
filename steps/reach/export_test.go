package reach

import (
	"context"
	"net/url"
	"time"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
)

// Explored is one sequence of an exploration, as the @explore scenario runs it, on a connection of
// its own: the steps done, how long each took with its check, and the verdict.
type Explored struct {
	Steps []explore.Step
	Took  []time.Duration
	Err   error
}

// timed times each step of a System with its check.
type timed struct {
	explore.System
	took  []time.Duration
	start time.Time
}

func (t *timed) Do(ctx context.Context, s explore.Step) error {
	t.start = time.Now()
	return t.System.Do(ctx, s)
}

func (t *timed) Agree(ctx context.Context) error {
	err := t.System.Agree(ctx)
	t.took = append(t.took, time.Since(t.start))
	return err
}

// ExploreOnce starts the platform with cfg and explores one sequence.
func ExploreOnce(ctx context.Context, pl Platform, cfg runner.Config, seed uint64, steps int) (Explored, error) {
	sess, err := pl.Start(ctx, cfg)
	if err != nil {
		return Explored{}, err
	}
	s := sess.(*stage)
	defer s.Close()
	w := &world{s: s}
	if err := w.begin(ctx, "exploration"); err != nil {
		return Explored{}, err
	}
	defer w.end()
	x, err := w.explorer()
	if err != nil {
		return Explored{}, err
	}
	t := &timed{System: x}
	done, err := explore.Run(ctx, t, explore.Options{Seed: seed, Steps: steps})
	return Explored{Steps: done, Took: t.took, Err: err}, nil
}

// Pressed is what the customer's browser sends from an HTML page at pageURL: the method, the
// action and the form's values; ok false when it presses nothing there.
func Pressed(pageURL string, body string) (method, action string, values url.Values, ok bool) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", "", nil, false
	}
	f := pressable(&page{url: u, body: []byte(body), html: true})
	if f == nil {
		return "", "", nil, false
	}
	return f.method, f.action.String(), f.values, true
}

// Consent is the customer's browser at authorize, on the partner's host: where it was sent off it
// after pressing Allow, "" when a page asks the customer to type.
func Consent(ctx context.Context, authorize string) (string, error) {
	u, err := url.Parse(authorize)
	if err != nil {
		return "", err
	}
	b := newBrowser(u.Host, 5*time.Second)
	defer b.close()
	return b.consent(ctx, u)
}
