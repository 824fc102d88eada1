package docplanner

import (
	"testing"

	"github.com/stretchr/testify/assert"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
)

// TestInstructionsNameWhatTheStaffKnowByName: an operator reads "Anna
// Smirnova", not "master 201": every id of something the fixture names goes
// through name or names.
func TestInstructionsNameWhatTheStaffKnowByName(t *testing.T) {
	f, err := docplannerfixture.Clinic()
	if err != nil {
		t.Fatal(err)
	}
	assert.Empty(t, staff(f).Unnamed("location_id", "service_id"))
	names := staff(f).Names
	for _, l := range f.Partner.Locations {
		assert.Contains(t, names["calendar "+l.ID], " at "+l.Name)
	}
	for _, s := range f.Partner.Services {
		assert.Equal(t, s.Name, names["service "+s.ID])
	}
}
