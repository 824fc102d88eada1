package dikidi_test

import (
	"testing"

	"github.com/accord-harness/accord/internal/suitetest"
	dikidisteps "github.com/accord-harness/accord/steps/dikidi"
)

// BenchmarkAcceptanceRun is one full run of every scenario against the
// bundled reference partner, reports included.
func BenchmarkAcceptanceRun(b *testing.B) { suitetest.BenchmarkRun(b, dikidisteps.Platform{}) }
