//go:build !race

package docplanner_test

const concurrentPartners = 50

const raceDetector = false
