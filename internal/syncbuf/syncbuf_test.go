package syncbuf_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/accord-harness/accord/internal/syncbuf"
)

// TestWritersAndAReaderShareIt: what every writer wrote is there, whole,
// however the writes and reads interleave (run it with -race).
func TestWritersAndAReaderShareIt(t *testing.T) {
	var b syncbuf.Buffer
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 100 {
				fmt.Fprintf(&b, "w%d-%d\n", w, i)
				_ = b.String()
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "w") || !strings.Contains(l, "-") {
			t.Fatalf("a torn write: %q", l)
		}
	}
}
