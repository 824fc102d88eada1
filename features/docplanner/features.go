// Package docplanner embeds the Docplanner acceptance features.
package docplanner

import "embed"

// FS holds the .feature files.
//
//go:embed *.feature
var FS embed.FS
