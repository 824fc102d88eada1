package operator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/cucumber/godog"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/runner"
)

// Manual is the partner's driver with the operator in front of it: the
// actions that have an instruction are the operator's to do in the partner's
// own system; setup, views and the partner's jobs (activate, sync) still go
// to the driver, so every check reads the same partner state as in an
// automated run.
type Manual struct {
	driver.Driver
	t            *Terminal
	instructions map[string]*template.Template
	questions    map[string]string // "action.field" → question
	checks       map[string]string // "action.field" → "view.key"
}

var _ runner.Operator = (*Terminal)(nil)

// Manual implements runner.Operator: it wraps d with the operator for the
// actions the staff's instructions name.
func (t *Terminal) Manual(d driver.Driver, staff runner.Staff) driver.Driver {
	m := &Manual{Driver: d, t: t, instructions: map[string]*template.Template{}, questions: map[string]string{}, checks: staff.Checks}
	name := func(kind string, id any) string {
		key := fmt.Sprintf("%s %v", kind, id)
		if n, ok := staff.Names[key]; ok {
			return n + " (" + key + ")"
		}
		return key
	}
	fs := template.FuncMap{"name": name, "names": func(kind string, ids any) string {
		xs, ok := ids.([]any)
		if !ok {
			return name(kind, ids)
		}
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = name(kind, x)
		}
		return strings.Join(parts, " and ")
	}}
	for k, v := range funcs {
		fs[k] = v
	}
	for k, text := range staff.Instructions {
		if strings.Contains(k, ".") {
			m.questions[k] = text
			continue
		}
		// The texts are accord's own: a broken one is a bug to see at once.
		m.instructions[k] = template.Must(template.New(k).Funcs(fs).Option("missingkey=zero").Parse(text))
	}
	return m
}

var funcs = template.FuncMap{
	// when shows an RFC 3339 time as a person reads it, offset included.
	"when": func(v any) string {
		s := fmt.Sprint(v)
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return ts.Format("Mon 2 Jan 2006 15:04 (UTC-07:00)")
	},
	"list": func(v any) string {
		xs, ok := v.([]any)
		if !ok {
			return fmt.Sprint(v)
		}
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	},
}

const keys = "Enter when done · a let the driver do it · r <what your system said> if it refused · s <reason> to skip · n <text> note · q end the session"

// Act shows the instruction for an action the operator does, and waits.
func (m *Manual) Act(ctx context.Context, action string, params any, result any) error {
	tpl, ok := m.instructions[action]
	if !ok {
		return m.Driver.Act(ctx, action, params, result)
	}
	text, form, err := render(tpl, action, params)
	if err != nil {
		return err
	}
	m.t.printf("\n%s\n  %s\n  %s\n  %s\n",
		m.t.color(amber, "┃ ACTION in the partner's system — "+m.t.scenario()),
		strings.ReplaceAll(text, "\n", "\n  "),
		m.t.color("\033[2m", "as a driver call: POST "+m.Base()+"/actions "+form), keys)
	for {
		line, err := m.t.ask(ctx, "> ")
		if err != nil {
			return err
		}
		cmd, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		switch {
		case line == "":
			return m.answers(ctx, action, result)
		case cmd == "a":
			return m.Driver.Act(ctx, action, params, result)
		case cmd == "q":
			return m.t.end()
		case cmd == "s" && arg != "":
			m.t.mu.Lock()
			m.t.skip = &skip{action: action, reason: arg}
			m.t.mu.Unlock()
			// Wrapped so that a step passing the error on is skipped by godog.
			return fmt.Errorf("%w: %w", godog.ErrSkip, &driver.Skipped{Action: action, Reason: arg})
		case cmd == "r" && arg != "":
			return fmt.Errorf("the operator reports the partner's system refused %s: %s", action, arg)
		default:
			m.t.printf("  %q: say it again. %s\n", line, keys)
		}
	}
}

// answers asks for each field of the action's result (what later steps need,
// such as the id the partner's system gave a booking).
func (m *Manual) answers(ctx context.Context, action string, result any) error {
	fields := resultFields(result)
	if len(fields) == 0 {
		return nil
	}
	obj := map[string]any{}
	for _, f := range fields {
		q := m.questions[action+"."+f.name]
		if q == "" {
			q = f.name
		}
		for {
			ans, err := m.t.Ask(ctx, fmt.Sprintf("  %s (%s)?", q, f.name))
			if err != nil {
				return err
			}
			if problem := m.check(ctx, action+"."+f.name, ans); problem != "" {
				m.t.printf("  %s: check it and type it again\n", problem)
				continue
			}
			if !f.number {
				obj[f.name] = ans
				break
			}
			n, err := strconv.ParseInt(ans, 10, 64)
			if err == nil {
				obj[f.name] = n
				break
			}
			m.t.printf("  %q is not a whole number\n", ans)
		}
	}
	raw, _ := json.Marshal(obj)
	return json.Unmarshal(raw, result)
}

// check looks an answer up in the partner's view the staff's checks name,
// so a mistyped id is said at once, not when a later step fails.
func (m *Manual) check(ctx context.Context, question, answer string) string {
	where, ok := m.checks[question]
	if !ok {
		return ""
	}
	view, key, _ := strings.Cut(where, ".")
	var items []map[string]any
	if err := m.View(ctx, view, &items); err != nil {
		return fmt.Sprintf("cannot read the partner's %s view to check %q (%v)", view, answer, err)
	}
	for _, it := range items {
		if fmt.Sprint(it[key]) == answer {
			return ""
		}
	}
	return fmt.Sprintf("the partner's %s view has no %s %q (%d items there)", view, key, answer, len(items))
}

type field struct {
	name   string
	number bool
}

// resultFields are the JSON fields of the struct result points to.
func resultFields(result any) []field {
	v := reflect.ValueOf(result)
	if result == nil || v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	var out []field
	ty := v.Elem().Type()
	for i := range ty.NumField() {
		f := ty.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		k := f.Type.Kind()
		out = append(out, field{name: name, number: k >= reflect.Int && k <= reflect.Uint64})
	}
	return out
}

// render fills an instruction from the action's params, seen as JSON the way
// the driver would receive them.
func render(tpl *template.Template, action string, params any) (text, form string, err error) {
	raw, err := json.Marshal(map[string]any{"action": action, "params": params})
	if err != nil {
		return "", "", fmt.Errorf("operator: the params of %s: %w", action, err)
	}
	var p struct {
		Params map[string]any `json:"params"`
	}
	_ = json.Unmarshal(raw, &p)
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, p.Params); err != nil {
		return "", "", fmt.Errorf("operator: the instruction for %s: %w", action, err)
	}
	return buf.String(), string(raw), nil
}

func (t *Terminal) scenario() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.progress.scenario
}
