//go:build race

package docplanner_test

const concurrentPartners = 10

// Under the race detector every run costs several times as much: the fault
// catalogue and all but one start hour then run without it (make test runs
// them so, and make faults scores the catalogue).
const raceDetector = true
