//go:build race

package racedetector

// On is whether the race detector is compiled in.
const On = true
