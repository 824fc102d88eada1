package docplanner_test

import (
	"testing"

	"github.com/accord-harness/accord/internal/suitetest"
	docplannersteps "github.com/accord-harness/accord/steps/docplanner"
)

// BenchmarkAcceptanceRun is one full run of every scenario against the
// bundled reference partner, reports included.
func BenchmarkAcceptanceRun(b *testing.B) { suitetest.BenchmarkRun(b, docplannersteps.Platform{}) }
