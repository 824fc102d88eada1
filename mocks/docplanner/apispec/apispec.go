// Package apispec holds accord's OpenAPI document of the Docplanner Integrations API v3.
package apispec

import _ "embed"

//go:embed openapi.yaml
var document []byte

// Document returns the YAML bytes of the document.
func Document() []byte { return document }
