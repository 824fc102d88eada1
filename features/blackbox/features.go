// Package blackbox embeds the blackbox monitoring's features and their
// requirements catalogue.
package blackbox

import "embed"

// FS holds the .feature files and requirements.yaml.
//
//go:embed *.feature requirements.yaml
var FS embed.FS
