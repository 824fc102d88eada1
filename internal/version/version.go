// Package version is accord's version, stamped into reports and sign-offs.
package version

// Version is set at build time with
// -ldflags "-X github.com/accord-harness/accord/internal/version.Version=1.2.3".
var Version = "0.1.0-dev"
