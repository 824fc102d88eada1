package statediff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAgreementIsNoError(t *testing.T) {
	d := New("Docplanner")
	d.Differ("visit 1", "start", "10:00", "10:00")
	d.Differ("visit 1", "services", []string{"b", "a"}, []string{"a", "b"})
	assert.NoError(t, d.Err("whole state"))
	assert.Zero(t, d.Len())
}

func TestEveryDifferenceIsListedInColumns(t *testing.T) {
	d := New("Docplanner")
	d.Differ("visit 2", "start", "10:00", "10:30")
	d.Differ("visit 1", "patient phone", "+48 1", "")
	d.OnlyOnPlatform("visit 3", "booked 11:00")
	d.OnlyAtPartner("break 9", "09:00–09:30")
	err := d.Err("bookings")
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	assert.Equal(t, "bookings: 4 differences between Docplanner and the partner:", lines[0])
	assert.Equal(t, []string{
		"  item    | field          | Docplanner   | partner",
		"  break 9 | the whole item | (none)       | 09:00–09:30",
		"  visit 1 | patient phone  | +48 1        | \"\"",
		"  visit 2 | start          | 10:00        | 10:30",
		"  visit 3 | the whole item | booked 11:00 | (none)",
	}, lines[1:])
}

func TestLongTablesSayHowManyMore(t *testing.T) {
	d := New("DIKIDI")
	for i := range maxRows + 3 {
		d.Differ(fmt.Sprintf("record %03d", i), "start", "a", "b")
	}
	assert.True(t, strings.HasSuffix(d.Err("records").Error(), "… and 3 more"))
	assert.Equal(t, maxRows+3, d.Len())
}

func TestMatchPairsByKeyAndKeepsTheRest(t *testing.T) {
	platform := []string{"a", "b", "b", "c"}
	partner := []string{"b", "d", "a"}
	id := func(s string) string { return s }
	pairs, onlyP, onlyQ := Match(platform, partner, id, id)
	assert.Equal(t, [][2]int{{0, 2}, {1, 0}}, pairs)
	assert.Equal(t, []int{2, 3}, onlyP, "a second b has no counterpart")
	assert.Equal(t, []int{1}, onlyQ)
}

func TestTwoSidesAgreeingOnAWrongValueStillDiffer(t *testing.T) {
	d := New("Docplanner").Expected("expected")
	d.Against("visit 1", "start", "10:00", "10:00", "10:00")
	d.Against("visit 2", "end", "11:30", "11:15", "11:15")
	d.Against("slot 1", "insurers", []string{"52", "51"}, []string{"51"}, NotShown)
	d.Against("slot 2", "insurers", []string{"51"}, []string{"51"}, NotShown)
	err := d.Err("whole state")
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	assert.Equal(t, "whole state: 2 differences between Docplanner and the partner:", lines[0])
	assert.Equal(t, []string{
		"  item    | field    | expected | Docplanner | partner",
		"  slot 1  | insurers | [51, 52] | [51]       | (not shown)",
		"  visit 2 | end      | 11:30    | 11:15      | 11:15",
	}, lines[1:])
}
