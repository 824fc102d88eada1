package dikidi

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
)

// TestInstructionsNameWhatTheStaffKnowByName: an operator reads "Anna
// Smirnova", not "master 201": every id of something the fixture names goes
// through name or names.
func TestInstructionsNameWhatTheStaffKnowByName(t *testing.T) {
	bare := regexp.MustCompile(`\{\{-?\s*(if\s+|with\s+)?\.(master_id|service_ids?|location_id)\s*-?\}\}`)
	for action, text := range instructions {
		for _, m := range bare.FindAllStringSubmatch(text, -1) {
			if m[1] == "" {
				t.Errorf("%s shows %s bare: %q", action, m[2], text)
			}
		}
	}
	f, err := dikidifixture.Salon()
	if err != nil {
		t.Fatal(err)
	}
	names := staff(f).Names
	for _, m := range f.Masters {
		assert.Equal(t, m.Name, names[fmt.Sprintf("master %d", m.ID)])
	}
	for _, s := range f.Services {
		assert.Equal(t, s.Name, names[fmt.Sprintf("service %d", s.ID)])
	}
}
