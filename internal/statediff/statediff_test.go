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
	assertTable(t, d, "bookings", "bookings: 4 differences between Docplanner and the partner:", []string{
		"  item    | field          | Docplanner   | partner",
		"  break 9 | the whole item | (none)       | 09:00–09:30",
		"  visit 1 | patient phone  | +48 1        | \"\"",
		"  visit 2 | start          | 10:00        | 10:30",
		"  visit 3 | the whole item | booked 11:00 | (none)",
	})
}

// assertTable wants the error d gives about what to be head and the rows of
// its table.
func assertTable(t *testing.T, d *Table, what, head string, rows []string) {
	t.Helper()
	err := d.Err(what)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	assert.Equal(t, head, lines[0])
	assert.Equal(t, rows, lines[1:])
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
	assertTable(t, d, "whole state", "whole state: 2 differences between Docplanner and the partner:", []string{
		"  item    | field    | expected | Docplanner | partner",
		"  slot 1  | insurers | [51, 52] | [51]       | (not shown)",
		"  visit 2 | end      | 11:30    | 11:15      | 11:15",
	})
}

func TestNearMissesSayWhatThePartnerHasInstead(t *testing.T) {
	for _, tc := range []struct {
		name              string
		platform, partner [2]string // item, what
		want              string
	}{
		{"three hours off", [2]string{"record 17 (Anna Smirnova, Tue 8 Dec 10:00)", "record active"},
			[2]string{"record p-3 (Anna Smirnova, Tue 8 Dec 13:00)", "record active"},
			"  - record 17 (Anna Smirnova, Tue 8 Dec 10:00): the partner has record p-3 (Anna Smirnova, Tue 8 Dec 13:00), with 17 → p-3; 10:00 → 13:00, 3 h later"},
		{"another master", [2]string{"visit 4 (Anna Smirnova, Mon 9:30)", "booked"},
			[2]string{"visit 4 (Olga Petrova, Mon 9:30)", "booked"},
			"  - visit 4 (Anna Smirnova, Mon 9:30): the partner has visit 4 (Olga Petrova, Mon 9:30), with Anna → Olga; Smirnova → Petrova"},
		{"half an hour early", [2]string{"break (Mon 12:00)", "12:00–12:30"},
			[2]string{"break (Mon 11:30)", "11:30–12:00"},
			"  - break (Mon 12:00): the partner has break (Mon 11:30), with 12:00 → 11:30, 30 min earlier; 12:00–12:30 → 11:30–12:00, 30 min earlier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New("DIKIDI")
			d.OnlyOnPlatform(tc.platform[0], tc.platform[1])
			d.OnlyAtPartner(tc.partner[0], tc.partner[1])
			assert.Contains(t, d.String(), "near misses")
			assert.Contains(t, strings.Split(d.String(), "\n"), tc.want)
		})
	}
}

func TestUnlikeItemsAreNoNearMiss(t *testing.T) {
	d := New("Docplanner")
	d.OnlyOnPlatform("visit 3 (Piotr, Tue 11:00)", "booked")
	d.OnlyAtPartner("break 9 (Anna, Fri 15:00)", "09:00–09:30")
	assert.NotContains(t, d.String(), "near misses")
}

func TestTwoUnrelatedVisitsAreNoNearMiss(t *testing.T) {
	d := New("Docplanner")
	d.OnlyOnPlatform("visit 3 (Piotr, Tue 11:00)", "booked")
	d.OnlyAtPartner("visit 5 (Anna, Tue 14:00)", "booked")
	assert.NotContains(t, d.String(), "near misses")
}
