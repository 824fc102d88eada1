package runner

import (
	"bytes"
	"fmt"
	"testing"
)

func TestTurnsKeepEachWritersOutputWholeAndInOrder(t *testing.T) {
	tests := []struct {
		name   string
		finish []int // the order the three writers finish in
	}{
		{"in order", []int{0, 1, 2}},
		{"backwards", []int{2, 1, 0}},
		{"the middle first", []int{1, 0, 2}},
		{"the last before the first", []int{0, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			ts := newTurns(&out, 3)
			for line := range 2 { // the writers' lines interleave
				for i := range 3 {
					fmt.Fprintf(ts.writer(i), "%d.%d ", i, line)
				}
			}
			for _, i := range tt.finish {
				fmt.Fprintf(ts.writer(i), "%d.end ", i)
				ts.finish(i)
			}
			if want := "0.0 0.1 0.end 1.0 1.1 1.end 2.0 2.1 2.end "; out.String() != want {
				t.Errorf("got %q, want %q", out.String(), want)
			}
		})
	}
}

func TestTurnsWithNoOutputWriteNothing(t *testing.T) {
	ts := newTurns(nil, 2)
	if w := ts.writer(0); w != nil {
		t.Fatalf("a run with no console got a writer %T", w)
	}
	ts.finish(1)
	ts.finish(0)
}
