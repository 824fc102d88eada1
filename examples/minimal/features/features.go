// Package features embeds the example platform's feature files.
package features

import "embed"

// FS holds the .feature files.
//
//go:embed *.feature
var FS embed.FS
