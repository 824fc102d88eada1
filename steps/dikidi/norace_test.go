//go:build !race

package dikidi_test

const raceDetector = false
