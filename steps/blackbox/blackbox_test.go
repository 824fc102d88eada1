package blackbox

import (
	"testing"

	"github.com/cucumber/godog"
)

var featurePaths = []string{"../../features/blackbox"}

// TestFeatures runs features/blackbox against the correct monitor.
func TestFeatures(t *testing.T) {
	suite := godog.TestSuite{
		Name:                "blackbox",
		ScenarioInitializer: func(sc *godog.ScenarioContext) { InitializeScenario(sc, nil) },
		Options: &godog.Options{
			TestingT: t,
			Format:   "pretty",
			Paths:    featurePaths,
			Strict:   true,
		},
	}
	if suite.Run() != 0 {
		t.Fatal("blackbox features failed")
	}
}
