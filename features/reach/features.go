// Package reach embeds the Reach acceptance features.
package reach

import "embed"

// FS holds the .feature files and requirements.yaml (the runner builds a
// run's requirements table from it; godog reads only the .feature files).
//
//go:embed *.feature requirements.yaml
var FS embed.FS
