// Package apispec embeds the OpenAPI 3.0.3 document of the mock DIKIDI Business platform: the partner
// API that a company's access key opens, the owner-panel (admin) API the harness drives, and the events
// DIKIDI POSTs to a key's Path (callbacks of createAccessKey).
package apispec

import _ "embed"

//go:embed openapi.yaml
var document []byte

// Document returns a copy of the embedded openapi.yaml.
func Document() []byte {
	out := make([]byte, len(document))
	copy(out, document)
	return out
}
