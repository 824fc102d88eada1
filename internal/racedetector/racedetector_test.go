package racedetector

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestOnFollowsTheBuild: a child test binary built with and without -race
// reports its own On, so the constant cannot drift from the build tag.
func TestOnFollowsTheBuild(t *testing.T) {
	if os.Getenv("ACCORD_RACEDETECTOR_CHILD") == "1" {
		if On {
			t.Log("on=true")
		} else {
			t.Log("on=false")
		}
		return
	}
	for _, tt := range []struct {
		flags []string
		want  string
	}{{nil, "on=false"}, {[]string{"-race"}, "on=true"}} {
		args := append([]string{"test", "-count=1", "-v", "-run", "^TestOnFollowsTheBuild$"}, tt.flags...)
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Env = append(os.Environ(), "ACCORD_RACEDETECTOR_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			if len(tt.flags) > 0 && strings.Contains(string(out), "-race requires cgo") {
				t.Skipf("this machine cannot build with -race: %s", out)
			}
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
		if !strings.Contains(string(out), tt.want) {
			t.Errorf("go %v: want %q in:\n%s", args, tt.want, out)
		}
	}
}
