package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTagExpressionsGodogCannotReadAreRefused(t *testing.T) {
	for _, ok := range []string{"", "@bookings", "@bookings && ~@pull", "@a,@b && @c", "bookings"} {
		assert.NoError(t, checkTags(ok), ok)
	}
	for _, bad := range []string{"@bookings &&", "&& @a", "@a,,@b", "~", "@a && (@b)", "@a or @b", "@a & @b", "not @a"} {
		assert.Error(t, checkTags(bad), bad)
	}
}
