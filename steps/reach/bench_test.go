package reach_test

import (
	"testing"

	"github.com/accord-harness/accord/internal/suitetest"
	reachsteps "github.com/accord-harness/accord/steps/reach"
)

// BenchmarkAcceptanceRun is one full run of every scenario against the
// bundled reference partner, reports included.
func BenchmarkAcceptanceRun(b *testing.B) { suitetest.BenchmarkRun(b, reachsteps.Platform{}) }
