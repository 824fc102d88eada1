// Package apispec holds accord's OpenAPI document of the Reach API 1.0.3: the financial data source API
// that a partner hosts and Reach (Reach Reporting) pulls from. accord's Reach mock plays the client and
// validates the partner's answers against it; the reference partner serves it.
package apispec

import _ "embed"

//go:embed openapi.yaml
var document []byte

// Document returns the YAML bytes of the document.
func Document() []byte { return document }
