// Package reach embeds the Reach acceptance features.
package reach

import "embed"

// FS holds the .feature files.
//
//go:embed *.feature
var FS embed.FS
