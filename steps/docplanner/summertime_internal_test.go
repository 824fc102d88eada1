package docplanner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestNextSummerTime(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	assert.NoError(t, err)
	change, ok := nextSummerTime(time.Date(2026, time.November, 23, 21, 0, 0, 0, time.UTC), warsaw)
	assert.True(t, ok)
	assert.Equal(t, "2027-03-28", change.Format("2006-01-02"))
	// On the day of the change itself, the next one is a year on.
	change, ok = nextSummerTime(time.Date(2027, time.March, 28, 12, 0, 0, 0, warsaw), warsaw)
	assert.True(t, ok)
	assert.Equal(t, "2028-03-26", change.Format("2006-01-02"))
	// A zone without summer time has none.
	_, ok = nextSummerTime(time.Now(), time.UTC)
	assert.False(t, ok)
}
