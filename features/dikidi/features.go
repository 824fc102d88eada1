// Package dikidi embeds the DIKIDI acceptance features.
package dikidi

import "embed"

// FS holds the .feature files.
//
//go:embed *.feature
var FS embed.FS
