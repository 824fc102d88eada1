package faults

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	c := New("Example", [][2]string{{"b-fault", "breaks b"}, {"a-fault", "breaks a"}})
	assert.Equal(t, []Fault{{Name: "a-fault", Breaks: "breaks a"}, {Name: "b-fault", Breaks: "breaks b"}}, c.List())
	set, err := c.Parse([]string{" a-fault ", ""})
	require.NoError(t, err)
	assert.Equal(t, Set{"a-fault": true}, set)
	_, err = c.Parse([]string{"c-fault"})
	assert.EqualError(t, err, `unknown fault "c-fault"; the Example reference partner knows: a-fault, b-fault`)
}

func TestLabel(t *testing.T) {
	tests := []struct {
		set  Set
		want string
	}{
		{nil, "Partner"},
		{Set{"b-fault": true}, "Partner with fault b-fault"},
		{Set{"b-fault": true, "a-fault": true}, "Partner with fault a-fault,b-fault"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.set.Label("Partner"))
	}
}

func TestUnderMarksOneFaultAndLeavesTheCatalogue(t *testing.T) {
	c := New("P", [][2]string{{"a", "breaks a"}, {"b", "breaks b"}})
	u := c.Under("b", map[string]string{"model": "pull"})
	assert.Equal(t, []Fault{{Name: "a", Breaks: "breaks a"}, {Name: "b", Breaks: "breaks b", Under: map[string]string{"model": "pull"}}}, u.List())
	assert.Nil(t, c.List()[1].Under, "the catalogue it was made from is unchanged")
	assert.PanicsWithValue(t, `faults: P has no fault "c"`, func() { c.Under("c", nil) })
}
