//go:build !specverify

package spec

// verifyFast is on in builds tagged specverify (make verify-fast): every
// answer of the compiled checks is then checked against kin-openapi's, and a
// disagreement panics.
const verifyFast = false
