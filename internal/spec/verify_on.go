//go:build specverify

package spec

const verifyFast = true
