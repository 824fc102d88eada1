package reports

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"
)

// Charts are inline SVG written here from numbers and escaped text: the
// page's CSP allows no script and no external image, and an SVG element
// needs neither.

const (
	chartWidth  = 760
	labelWidth  = 330
	barHeight   = 16
	rowGap      = 4
	maxBars     = 25
	labelLength = 48
)

// bar is one row of a bar chart.
type bar struct {
	label string
	value float64
	limit float64 // 0: none
	bad   bool
	text  string // the value as shown beside the bar
	from  float64
}

// chart draws a list of objects when its columns say what to draw: first
// and last times make a timeline, a time (against its limit or the run's
// budget) a bar per row, calls per operation a bar per operation.
func chart(keys []string, rows []object, budget float64) (template.HTML, string) {
	has := func(k string) bool {
		for _, key := range keys {
			if key == k {
				return true
			}
		}
		return false
	}
	switch {
	case has("first") && has("last"):
		return timeline(keys, rows)
	case timeKey(keys) != "":
		return timings(keys, rows, timeKey(keys), budget)
	case has("calls"):
		return counts(keys, rows)
	}
	return "", ""
}

func timeKey(keys []string) string {
	for _, pref := range []string{"seconds", "max_seconds"} {
		for _, k := range keys {
			if k == pref {
				return k
			}
		}
	}
	return ""
}

// rowLabel is a row's text columns, the first ones, as its name.
func rowLabel(keys []string, r object) string {
	var parts []string
	for _, k := range keys {
		if k == "first" || k == "last" || strings.HasSuffix(k, "_call") {
			continue
		}
		if v, ok := r.get(k); ok {
			if s, ok := v.(string); ok && s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) == 2 {
			break
		}
	}
	return strings.Join(parts, " · ")
}

func number(r object, k string) float64 {
	v, _ := r.get(k)
	f, _ := v.(float64)
	return f
}

func timings(keys []string, rows []object, key string, budget float64) (template.HTML, string) {
	var bars []bar
	over := 0
	for _, r := range rows {
		v := number(r, key)
		limit := number(r, "limit_seconds")
		if limit == 0 {
			limit = budget
		}
		b := bar{label: rowLabel(keys, r), value: v, limit: limit, bad: limit > 0 && v > limit,
			text: formatDuration(time.Duration(v * float64(time.Second)))}
		if limit > 0 && limit != budget {
			b.text += " (own limit " + formatDuration(time.Duration(limit*float64(time.Second))) + ")"
		}
		if b.bad {
			over++
		}
		bars = append(bars, b)
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].value > bars[j].value })
	note := fmt.Sprintf("%s per row, longest first", label(key))
	if budget > 0 {
		note += fmt.Sprintf("; the line is the run's latency budget (%s), a tick a row's own limit", formatDuration(time.Duration(budget*float64(time.Second))))
	}
	if over > 0 {
		note += fmt.Sprintf("; %d over their limit (red)", over)
	}
	return bars2svg(bars, budget), clipNote(note, len(bars))
}

func counts(keys []string, rows []object) (template.HTML, string) {
	var bars []bar
	missing := 0
	for _, r := range rows {
		v := number(r, "calls")
		req, _ := r.get("required")
		b := bar{label: rowLabel(keys, r), value: v, text: formatNumber(v)}
		if req == true && v == 0 {
			b.bad, b.text = true, "0: required, never called"
			missing++
		}
		bars = append(bars, b)
	}
	note := "calls per row"
	if missing > 0 {
		note += fmt.Sprintf("; %d required and never called (red)", missing)
	}
	if len(bars) > maxBars {
		// The required ones never called are what a reader looks for.
		sort.SliceStable(bars, func(i, j int) bool { return bars[i].bad && !bars[j].bad })
	}
	return bars2svg(bars, 0), clipNote(note, len(bars))
}

func timeline(keys []string, rows []object) (template.HTML, string) {
	parse := func(r object, k string) (time.Time, bool) {
		v, _ := r.get(k)
		s, _ := v.(string)
		for _, layout := range []string{"15:04:05.000", time.RFC3339Nano} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	var start time.Time
	var bars []bar
	for _, r := range rows {
		first, ok1 := parse(r, "first")
		last, ok2 := parse(r, "last")
		if !ok1 || !ok2 {
			continue
		}
		if start.IsZero() || first.Before(start) {
			start = first
		}
		bars = append(bars, bar{label: rowLabel(keys, r), from: float64(first.UnixNano()), value: float64(last.UnixNano())})
	}
	if len(bars) == 0 {
		return "", ""
	}
	for i := range bars {
		from := time.Duration(bars[i].from - float64(start.UnixNano()))
		to := time.Duration(bars[i].value - float64(start.UnixNano()))
		bars[i].from, bars[i].value = from.Seconds(), to.Seconds()
		bars[i].text = "+" + formatDuration(from) + " to +" + formatDuration(to)
	}
	return bars2svg(bars, 0), "each step from its first call to its last, from the first call of the activation"
}

func clipNote(note string, n int) string {
	if n > maxBars {
		return fmt.Sprintf("%s; the first %d of %d rows (all are in the table)", note, maxBars, n)
	}
	return note
}

// bars2svg draws horizontal bars from from to value, a tick at each limit
// and a line at budget.
func bars2svg(bars []bar, budget float64) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	if len(bars) > maxBars {
		bars = bars[:maxBars]
	}
	top := budget
	for _, b := range bars {
		top = max(top, b.value, b.limit)
	}
	if top <= 0 {
		top = 1
	}
	plot := float64(chartWidth - labelWidth - 150)
	x := func(v float64) float64 { return float64(labelWidth) + v/top*plot }
	height := len(bars)*(barHeight+rowGap) + rowGap
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-size="11" font-family="system-ui,sans-serif">`, chartWidth, height, chartWidth, height)
	for i, b := range bars {
		y := rowGap + i*(barHeight+rowGap)
		name := b.label
		if r := []rune(name); len(r) > labelLength {
			name = string(r[:labelLength-1]) + "…"
		}
		colour := "#1a7f37"
		if b.bad {
			colour = "#c62828"
		}
		w := max(x(b.value)-x(b.from), 1)
		fmt.Fprintf(&sb, `<g class="bar"><title>%s: %s</title><text x="%d" y="%d" text-anchor="end" fill="#1d2430">%s</text><rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/><text x="%.1f" y="%d" fill="#5b6472">%s</text>`,
			esc(b.label), esc(b.text), labelWidth-6, y+12, esc(name), x(b.from), y, w, barHeight, colour, x(b.from)+w+4, y+12, esc(b.text))
		if b.limit > 0 && b.limit != budget {
			fmt.Fprintf(&sb, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#1d2430" stroke-width="2"/>`, x(b.limit), x(b.limit), y-1, y+barHeight+1)
		}
		sb.WriteString(`</g>`)
	}
	if budget > 0 {
		fmt.Fprintf(&sb, `<line class="budget" x1="%.1f" x2="%.1f" y1="0" y2="%d" stroke="#8a6d00" stroke-dasharray="4 3"/>`, x(budget), x(budget), height)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // #nosec: every text above went through esc
}

func esc(s string) string { return template.HTMLEscapeString(s) }
