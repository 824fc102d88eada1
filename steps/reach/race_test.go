//go:build race

package reach_test

// Under the race detector every run costs several times as much. The fault catalogue and the full
// table of start hours then run without it (make test runs them so); with it, the starts where the
// nightly sync and a scenario's steps share a connection at once.
const raceDetector = true
