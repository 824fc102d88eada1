package reach

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
)

func month(s string) Month {
	m, err := reachfixture.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func TestWindowIsAlignedOnTheFiscalYear(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(3 * time.Hour)
	}
	cases := []struct {
		name       string
		fme        int
		books      string
		first      bool
		now        string
		history    int
		from, to   string
		chunkStart []string
	}{
		{"first sync reads from the books' start", 6, "2025-01-01", true, "2026-11-23", 24, "2025-01", "2026-10", []string{"2025-01", "2025-07", "2026-07"}},
		{"later sync: 24 months back, moved to the fiscal year start", 6, "2020-01-01", false, "2026-11-23", 24, "2024-07", "2026-10", []string{"2024-07", "2025-07", "2026-07"}},
		{"later sync never reads before the books", 6, "2025-03-01", false, "2026-11-23", 24, "2025-03", "2026-10", []string{"2025-03", "2025-07", "2026-07"}},
		{"calendar fiscal year", 12, "", false, "2026-02-10", 12, "2025-01", "2026-01", []string{"2025-01", "2026-01"}},
		{"first sync without BooksStartDate is a rolling window", 3, "", true, "2026-05-01", 6, "2025-04", "2026-04", []string{"2025-04", "2026-04"}},
		{"first sync is bounded to ten years", 12, "2001-01-01", true, "2026-01-15", 24, "2016-01", "2025-12", nil},
		{"books that start after the last complete month: no statements", 6, "2026-11-01", true, "2026-11-23", 24, "2026-11", "2026-10", []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ci := reachfixture.CompanyInfo{FiscalMonthEnd: c.fme, BooksStartDate: c.books}
			from, to, chunks := window(ci, c.first, day(c.now), c.history)
			assert.Equal(t, month(c.from), from)
			assert.Equal(t, month(c.to), to)
			if c.chunkStart != nil {
				var starts []string
				for _, ch := range chunks {
					starts = append(starts, ch[0].String())
				}
				assert.Equal(t, len(c.chunkStart), len(starts), "%v", starts)
				for i := range min(len(starts), len(c.chunkStart)) {
					assert.Equal(t, c.chunkStart[i], starts[i])
				}
			}
			for i, ch := range chunks {
				assert.False(t, ch[1].Before(ch[0]), "chunk %d is not empty", i)
				assert.Equal(t, fiscalStart(ch[0], c.fme), fiscalStart(ch[1], c.fme), "chunk %d stays within one fiscal year", i)
				if i > 0 {
					assert.Equal(t, chunks[i-1][1].Add(1), ch[0], "chunks follow each other")
				}
			}
		})
	}
}
