// Package apispec embeds the example platform's OpenAPI document.
package apispec

import _ "embed"

//go:embed openapi.yaml
var document []byte

// Document returns a copy of the embedded openapi.yaml.
func Document() []byte { return append([]byte(nil), document...) }
