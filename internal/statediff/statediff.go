// Package statediff lists every difference between the whole state of the
// two sides of an integration, the platform's and the partner's, as one
// table: item, field, the platform's value, the partner's value. A check
// that looked only at the item its step names would let a bug in every other
// item pass; these checks look at everything and say all they found.
package statediff

import (
	"fmt"
	"sort"
	"strings"
)

// Absent is the value shown for an item one side does not have.
const Absent = "(none)"

// maxRows bounds the rows a failure prints; the count says how many more.
const maxRows = 40

// Row is one difference. Expected is set only in a table with an expected
// column (see Expected).
type Row struct {
	Item, Field, Platform, Partner string
	Expected                       string
}

// Table collects differences between one platform and the partner.
type Table struct {
	platform string
	expected string // the expected column's label, "" when there is none
	rows     []Row
}

// New starts an empty table; platform names the platform's column.
func New(platform string) *Table { return &Table{platform: platform} }

// Expected adds a column, shown first, with what both sides should hold: a
// record the harness keeps of what the run did. Two sides that agree with
// each other but not with the record are still wrong (a partner whose own
// view and feed are wrong the same way). Rows are then added with Against.
func (t *Table) Expected(label string) *Table {
	t.expected = label
	return t
}

// NotShown stands for a field one side does not hold (the partner's views
// carry no slot's insurers, the platform no partner's mapping screen):
// Against then compares only the other side with the expected value.
const NotShown = "(not shown)"

// Against adds a row when the platform's or the partner's value of an
// item's field differs from the expected one (compared as they print).
func (t *Table) Against(item, field string, expected, platform, partner any) {
	e, p, q := show(expected), show(platform), show(partner)
	if (p != e && p != NotShown) || (q != e && q != NotShown) {
		t.rows = append(t.rows, Row{Item: item, Field: field, Platform: p, Partner: q, Expected: e})
	}
}

// Differ adds a row when the two sides' values of an item's field differ
// (compared as they print).
func (t *Table) Differ(item, field string, platform, partner any) {
	p, q := show(platform), show(partner)
	if p != q {
		t.rows = append(t.rows, Row{Item: item, Field: field, Platform: p, Partner: q})
	}
}

// OnlyOnPlatform adds an item the partner does not have; what says what
// the platform has.
func (t *Table) OnlyOnPlatform(item, what string) {
	t.rows = append(t.rows, Row{Item: item, Field: "the whole item", Platform: what, Partner: Absent})
}

// OnlyAtPartner adds an item the platform does not have.
func (t *Table) OnlyAtPartner(item, what string) {
	t.rows = append(t.rows, Row{Item: item, Field: "the whole item", Platform: Absent, Partner: what})
}

// Len is the number of differences found.
func (t *Table) Len() int { return len(t.rows) }

// Rows are the differences, ordered by item and field.
func (t *Table) Rows() []Row {
	out := append([]Row(nil), t.rows...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Item != out[j].Item {
			return out[i].Item < out[j].Item
		}
		return out[i].Field < out[j].Field
	})
	return out
}

// Err is nil when both sides agree; otherwise it names the check (what)
// and lists every difference, aligned in columns.
func (t *Table) Err(what string) error {
	if len(t.rows) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %d %s between %s and the partner:\n%s", what, len(t.rows), plural(len(t.rows), "difference", "differences"), t.platform, t.String())
}

// String is the table, aligned, at most maxRows rows.
func (t *Table) String() string {
	rows := t.Rows()
	more := 0
	if len(rows) > maxRows {
		more, rows = len(rows)-maxRows, rows[:maxRows]
	}
	header := Row{Item: "item", Field: "field", Platform: t.platform, Partner: "partner", Expected: t.expected}
	width := make([]int, 5)
	for _, r := range append([]Row{header}, rows...) {
		for i, c := range t.cells(r) {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for _, r := range append([]Row{header}, rows...) {
		cells := t.cells(r)
		b.WriteString("  ")
		for i, c := range cells {
			if i < len(cells)-1 {
				c += strings.Repeat(" ", width[i]-len([]rune(c))) + " | "
			}
			b.WriteString(c)
		}
		b.WriteString("\n")
	}
	if more > 0 {
		fmt.Fprintf(&b, "  … and %d more\n", more)
	}
	if misses := t.nearMisses(); len(misses) > 0 {
		b.WriteString("  near misses (an item one side lacks beside the most alike one the other side has):\n")
		for _, m := range misses {
			fmt.Fprintf(&b, "  - %s: the partner has %s, with %s\n", m.platform.Item, m.partner.Item, strings.Join(m.changes, "; "))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// cells are a row's columns: the expected one only in a table that has it.
func (t *Table) cells(r Row) []string {
	if t.expected == "" {
		return []string{r.Item, r.Field, r.Platform, r.Partner}
	}
	return []string{r.Item, r.Field, r.Expected, r.Platform, r.Partner}
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return Absent
	case string:
		if x == "" {
			return `""`
		}
		return x
	case []string:
		s := append([]string(nil), x...)
		sort.Strings(s)
		return "[" + strings.Join(s, ", ") + "]"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Match pairs the platform's items with the partner's by key; what is left
// on either side has no counterpart. Both sides' order is kept.
func Match[K comparable, P, Q any](platform []P, partner []Q, pkey func(P) K, qkey func(Q) K) (pairs [][2]int, onlyPlatform, onlyPartner []int) {
	byKey := map[K][]int{}
	for j, q := range partner {
		k := qkey(q)
		byKey[k] = append(byKey[k], j)
	}
	used := make([]bool, len(partner))
	for i, p := range platform {
		k := pkey(p)
		if js := byKey[k]; len(js) > 0 {
			pairs = append(pairs, [2]int{i, js[0]})
			used[js[0]] = true
			byKey[k] = js[1:]
			continue
		}
		onlyPlatform = append(onlyPlatform, i)
	}
	for j := range partner {
		if !used[j] {
			onlyPartner = append(onlyPartner, j)
		}
	}
	return pairs, onlyPlatform, onlyPartner
}

// A near miss is an item only one side has beside the most alike item only
// the other side has: the visit the partner booked three hours off, the
// record on the other master. Saying so is what turns "the partner has no
// such record" into the partner's bug.
type nearMiss struct {
	platform, partner Row
	changes           []string
}

// nearMisses pairs each item only the platform has with the most alike item
// only the partner has, each used once: alike is at least half of their
// words in common and at most two changed (an id and a time, a first and a
// last name), so two unrelated visits are not taken for one.
func (t *Table) nearMisses() []nearMiss {
	const minLike, maxChanged = 0.5, 2
	var onPlatform, atPartner []Row
	for _, r := range t.Rows() {
		switch {
		case r.Partner == Absent && r.Platform != Absent:
			onPlatform = append(onPlatform, r)
		case r.Platform == Absent && r.Partner != Absent:
			atPartner = append(atPartner, r)
		}
	}
	used := make([]bool, len(atPartner))
	var out []nearMiss
	for _, p := range onPlatform {
		pw := words(p.Item + " " + p.Platform)
		best, bestLike := -1, minLike
		for j, q := range atPartner {
			if used[j] {
				continue
			}
			qw := words(q.Item + " " + q.Partner)
			if _, a, b := split(pw, qw); len(a) > maxChanged || len(b) > maxChanged {
				continue
			}
			if like := likeness(pw, qw); like >= bestLike {
				best, bestLike = j, like
			}
		}
		if best < 0 {
			continue
		}
		used[best] = true
		q := atPartner[best]
		out = append(out, nearMiss{platform: p, partner: q, changes: changes(pw, words(q.Item+" "+q.Partner))})
	}
	return out
}

func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == '(' || r == ')' || r == ';' || r == '[' || r == ']'
	})
}

// likeness is the share of words two texts have in common, counted on the
// longer one.
func likeness(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	_, onlyA, _ := split(a, b)
	common := len(a) - len(onlyA)
	return float64(common) / float64(max(len(a), len(b)))
}

// split is the words only a has and only b has, in their order.
func split(a, b []string) (common, onlyA, onlyB []string) {
	count := map[string]int{}
	for _, w := range b {
		count[w]++
	}
	for _, w := range a {
		if count[w] > 0 {
			count[w]--
			common = append(common, w)
			continue
		}
		onlyA = append(onlyA, w)
	}
	count = map[string]int{}
	for _, w := range a {
		count[w]++
	}
	for _, w := range b {
		if count[w] > 0 {
			count[w]--
			continue
		}
		onlyB = append(onlyB, w)
	}
	return common, onlyA, onlyB
}

// changes says how the partner's item differs: word for word where both
// changed as many words, with clock times compared ("10:00 → 13:00, 3 h
// later").
func changes(platform, partner []string) []string {
	_, a, b := split(platform, partner)
	if len(a) != len(b) {
		return []string{fmt.Sprintf("%s → %s", strings.Join(a, " "), strings.Join(b, " "))}
	}
	out := make([]string, len(a))
	for i := range a {
		out[i] = a[i] + " → " + b[i]
		if d, ok := minutesApart(a[i], b[i]); ok {
			out[i] += ", " + later(d)
		}
	}
	return out
}

func minutesApart(a, b string) (int, bool) {
	var ah, am, bh, bm int
	if n, err := fmt.Sscanf(a, "%d:%d", &ah, &am); err != nil || n != 2 {
		return 0, false
	}
	if n, err := fmt.Sscanf(b, "%d:%d", &bh, &bm); err != nil || n != 2 {
		return 0, false
	}
	return (bh*60 + bm) - (ah*60 + am), true
}

func later(minutes int) string {
	word := "later"
	if minutes < 0 {
		word, minutes = "earlier", -minutes
	}
	if minutes%60 == 0 {
		return fmt.Sprintf("%d h %s", minutes/60, word)
	}
	return fmt.Sprintf("%d min %s", minutes, word)
}
