package dikidi

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
)

// TestInstructionsNameWhatTheStaffKnowByName: an operator reads "Anna
// Smirnova", not "master 201": every id of something the fixture names goes
// through name or names.
func TestInstructionsNameWhatTheStaffKnowByName(t *testing.T) {
	f, err := dikidifixture.Salon()
	if err != nil {
		t.Fatal(err)
	}
	assert.Empty(t, staff(f).Unnamed("master_id", "service_ids"))
	names := staff(f).Names
	for _, m := range f.Masters {
		assert.Equal(t, m.Name, names[fmt.Sprintf("master %d", m.ID)])
	}
	for _, s := range f.Services {
		assert.Equal(t, s.Name, names[fmt.Sprintf("service %d", s.ID)])
	}
}
