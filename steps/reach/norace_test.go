//go:build !race

package reach_test

const raceDetector = false
