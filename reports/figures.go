package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A platform's figures (Run.Extras) are data, not markup: each platform
// names them as it likes. They are shown by what their names and shapes say:
// a name ending in _seconds or _ns is a duration, shown in one unit with
// sensible rounding; a list of objects is a table, and a chart where its
// columns say what to draw (a time against its limit, calls per operation,
// first and last of a timeline). No platform is named here.

// figure is one of the platform's figures as the page shows it.
type figure struct {
	Name, ID string
	// Facts are name/value rows: every single value, or one object's fields.
	Facts [][2]string
	// Columns and Rows are a list of objects.
	Columns []string
	Rows    [][]string
	// Link is a file beside the report (a dashboard), relative to it.
	Link string
	// Chart is an inline SVG, built here from numbers and escaped text.
	Chart template.HTML
	Note  string
}

// field is one key of a decoded object, in the order it was written.
type field struct {
	Key   string
	Value any
}

type object []field

func (o object) get(key string) (any, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// figures renders the extras: single values together in one facts table,
// then every list or object in the order of its name.
func figures(m map[string]any, dir string) []figure {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	values := map[string]any{}
	for _, k := range keys {
		raw, err := json.Marshal(m[k])
		if err != nil {
			continue
		}
		v, err := decodeOrdered(raw)
		if err != nil {
			continue
		}
		values[k] = v
	}
	var facts [][2]string
	var out []figure
	for _, k := range keys {
		v, ok := values[k]
		if !ok {
			continue
		}
		switch v := v.(type) {
		case []any:
			if rows := objects(v); len(rows) > 0 {
				out = append(out, tableFigure(k, rows, values))
				continue
			}
			facts = append(facts, [2]string{label(k), formatValue(k, v)})
		case object:
			f := figure{Name: humanName(k), ID: "extra-" + anchor(k)}
			for _, fl := range v {
				f.Facts = append(f.Facts, [2]string{label(fl.Key), formatValue(fl.Key, fl.Value)})
			}
			out = append(out, f)
		case string:
			if link := besideReport(v, dir); link != "" {
				out = append(out, figure{Name: humanName(k), ID: "extra-" + anchor(k), Link: link})
				continue
			}
			facts = append(facts, [2]string{label(k), formatValue(k, v)})
		default:
			facts = append(facts, [2]string{label(k), formatValue(k, v)})
		}
	}
	if len(facts) > 0 {
		out = append([]figure{{Name: "figures of the run", ID: "extra-facts", Facts: facts}}, out...)
	}
	return out
}

func objects(list []any) []object {
	var rows []object
	for _, v := range list {
		o, ok := v.(object)
		if !ok {
			return nil
		}
		rows = append(rows, o)
	}
	return rows
}

func tableFigure(key string, rows []object, all map[string]any) figure {
	f := figure{Name: humanName(key), ID: "extra-" + anchor(key)}
	seen := map[string]bool{}
	var keys []string
	for _, r := range rows {
		for _, fl := range r {
			if !seen[fl.Key] {
				seen[fl.Key] = true
				keys = append(keys, fl.Key)
			}
		}
	}
	for _, k := range keys {
		f.Columns = append(f.Columns, label(k))
	}
	for _, r := range rows {
		cells := make([]string, len(keys))
		for i, k := range keys {
			v, ok := r.get(k)
			if !ok {
				cells[i] = "—"
				continue
			}
			cells[i] = formatValue(k, v)
		}
		f.Rows = append(f.Rows, cells)
	}
	// The run's latency budget bounds latencies, not every time there is
	// (a sync's length is not a latency).
	var budget float64
	if strings.Contains(key, "latenc") {
		budget, _ = all["latency_budget_seconds"].(float64)
	}
	f.Chart, f.Note = chart(keys, rows, budget)
	return f
}

// decodeOrdered decodes JSON keeping each object's keys in written order.
func decodeOrdered(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return decodeValue(dec)
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var o object
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, field{Key: kt.(string), Value: v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		f, err := t.Float64()
		return f, err
	default:
		return t, nil
	}
}

// durationKey says whether a figure's name makes it a duration, and its unit.
func durationKey(key string) (time.Duration, bool) {
	switch {
	case key == "seconds" || strings.HasSuffix(key, "_seconds"):
		return time.Second, true
	case key == "ns" || strings.HasSuffix(key, "_ns"):
		return time.Nanosecond, true
	}
	return 0, false
}

// label is a column's or fact's name as people read it: the unit is in the
// value, so it leaves the name.
func label(key string) string {
	if key == "seconds" || key == "ns" {
		return "time"
	}
	k := strings.TrimSuffix(strings.TrimSuffix(key, "_seconds"), "_ns")
	return strings.ReplaceAll(k, "_", " ")
}

func humanName(key string) string { return strings.ReplaceAll(key, "_", " ") }

func formatValue(key string, v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case float64:
		if unit, ok := durationKey(key); ok {
			return formatDuration(time.Duration(v * float64(unit)))
		}
		return formatNumber(v)
	case string:
		return v
	case []any:
		if len(v) == 0 {
			return "none"
		}
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = formatValue(key, e)
		}
		return strings.Join(parts, "; ")
	case object:
		parts := make([]string, len(v))
		for i, f := range v {
			parts[i] = label(f.Key) + ": " + formatValue(f.Key, f.Value)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// formatDuration shows a duration in the unit its size calls for, with
// three significant figures at most.
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0 ms"
	case d < 100*time.Microsecond:
		return "< 0.1 ms"
	case d < time.Second:
		return trimFloat(float64(d)/float64(time.Millisecond), 3) + " ms"
	default:
		return trimFloat(d.Seconds(), 3) + " s"
	}
}

func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return trimFloat(f, 4)
}

// trimFloat rounds to sig significant figures, never to an exponent.
func trimFloat(f float64, sig int) string {
	if f == 0 {
		return "0"
	}
	digits := sig - 1 - int(math.Floor(math.Log10(math.Abs(f))))
	s := strconv.FormatFloat(f, 'f', max(digits, 0), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// besideReport is a file path as a link relative to the report directory,
// when the file is there or below it.
func besideReport(v, dir string) string {
	if dir == "" || !strings.HasSuffix(v, ".html") {
		return ""
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		return ""
	}
	base, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	if _, err := os.Stat(abs); err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}
