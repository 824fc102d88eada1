// Package racedetector tells a test whether it runs under the race detector,
// so that make test can run every package twice and stay in its budget:
//
//   - with -race, every test that exercises concurrency (each platform's
//     suite against its reference partner, in process and over HTTP, the
//     mocks, the monitor, the session's terminal) runs; a test that only
//     repeats a whole suite to judge a verdict (another partner build, another
//     start hour, the fault catalogue, every platform's output scrubbed of
//     secrets) steps aside with SkipRepeat, since it runs the same code paths
//     several times over at several times the cost;
//   - without -race, every test runs, and every benchmark once.
//
// So nothing is skipped by make test as a whole: a test SkipRepeat skips in
// the first pass runs in the second.
package racedetector

import "testing"

// SkipRepeat skips t under the race detector, saying why it may: what the
// test repeats that another test already runs under the detector.
func SkipRepeat(t testing.TB, repeats string) {
	t.Helper()
	if On {
		t.Skipf("under the race detector %s already runs; make test runs this without it", repeats)
	}
}
