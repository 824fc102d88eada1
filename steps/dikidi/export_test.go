package dikidi

import (
	"context"
	"net/http"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
)

// WholeStateStep is the text every scenario that changes anything ends with.
const WholeStateStep = wholeState

// ExploredStep is the text every @explore scenario ends with.
const ExploredStep = explored

// WithPartnerWrapper stands wrap in front of the bundled partner's driver.
func WithPartnerWrapper(p Platform, wrap func(http.Handler) http.Handler) Platform {
	p.wrap = wrap
	return p
}

// DecodeView checks a view's JSON against the driver contract, as a run does.
func DecodeView(name string, raw []byte) error {
	var out any
	return decodeView(name, raw, &out)
}

// ExploreOnce starts a session of p as a run would, and runs one sequence
// of an exploration on a salon of its own, as the @explore scenario does.
func ExploreOnce(ctx context.Context, p Platform, cfg runner.Config, opts explore.Options) ([]explore.Step, error) {
	st, err := p.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	w := &world{s: st.(*stage)}
	if err := w.begin(ctx, "exploring"); err != nil {
		return nil, err
	}
	defer w.end()
	x, err := w.explorer()
	if err != nil {
		return nil, err
	}
	return explore.Run(ctx, x, opts)
}
