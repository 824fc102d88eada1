package docplanner

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	fixture "github.com/accord-harness/accord/fixtures/docplanner"
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
	f, err := fixture.Clinic()
	if err != nil {
		t.Fatal(err)
	}
	names := staff(f).Names
	for _, l := range f.Partner.Locations {
		assert.Contains(t, names["calendar "+l.ID], " at "+l.Name)
	}
	for _, s := range f.Partner.Services {
		assert.Equal(t, s.Name, names["service "+s.ID])
	}
}
