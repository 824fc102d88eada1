package requirements

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// Block is one scenario as written (an outline once, with its examples),
// for a document a person reads: the testing protocol.
type Block struct {
	Feature string
	// Location is the file and the scenario's line ("mapping.feature:11").
	Location string
	Name     string
	// Tags are the feature's, the scenario's and all its examples'.
	Tags []string
	// Background is the feature's background as written, if any.
	Background string
	// Text is the scenario as written, its tags and comments left out.
	Text string
	// Runs is how many scenarios godog makes of it (an outline's rows).
	Runs int
	// Waits counts the steps that may wait up to the latency budget, over
	// every run; Limits adds up the waits with a limit of their own
	// ("within 2 minutes").
	Waits  int
	Limits time.Duration
}

// ownLimit is a step that waits up to a time of its own.
var ownLimit = regexp.MustCompile(`^within (\d+) (second|minute)s? `)

// Blocks reads every scenario of the .feature files of fsys as written.
func Blocks(fsys fs.FS) ([]Block, error) {
	var out []Block
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".feature" {
			return err
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		var ids messages.Incrementing
		doc, err := gherkin.ParseGherkinDocument(strings.NewReader(string(raw)), ids.NewId)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if doc.Feature == nil {
			return nil
		}
		lines := strings.Split(string(raw), "\n")
		// A child's text runs from its keyword to the line before the next
		// child's first line (its tags), blank and comment lines trimmed.
		var starts []int
		for _, c := range doc.Feature.Children {
			switch {
			case c.Background != nil:
				starts = append(starts, int(c.Background.Location.Line))
			case c.Scenario != nil:
				first := int(c.Scenario.Location.Line)
				for _, t := range c.Scenario.Tags {
					first = min(first, int(t.Location.Line))
				}
				starts = append(starts, first)
			}
		}
		text := func(from, i int) string {
			end := len(lines)
			if i+1 < len(starts) {
				end = starts[i+1] - 1
			}
			var keep []string
			for _, l := range lines[from-1 : end] {
				keep = append(keep, strings.TrimRight(l, " \t"))
			}
			for len(keep) > 0 {
				last := strings.TrimSpace(keep[len(keep)-1])
				if last != "" && !strings.HasPrefix(last, "#") {
					break
				}
				keep = keep[:len(keep)-1]
			}
			return dedent(keep)
		}
		pickles := gherkin.Pickles(*doc, name, ids.NewId)
		var background string
		for i, c := range doc.Feature.Children {
			if c.Background != nil {
				background = text(int(c.Background.Location.Line), i)
				continue
			}
			if c.Scenario == nil {
				continue
			}
			b := Block{Feature: doc.Feature.Name, Location: fmt.Sprintf("%s:%d", name, c.Scenario.Location.Line), Name: c.Scenario.Name,
				Background: background, Text: text(int(c.Scenario.Location.Line), i)}
			for _, p := range pickles {
				if p.AstNodeIds[0] != c.Scenario.Id {
					continue
				}
				b.Runs++
				for _, t := range p.Tags {
					if !contains(b.Tags, t.Name) {
						b.Tags = append(b.Tags, t.Name)
					}
				}
				for _, st := range p.Steps {
					if strings.HasPrefix(st.Text, "within the latency budget ") {
						b.Waits++
					}
					if m := ownLimit.FindStringSubmatch(st.Text); m != nil {
						n, _ := strconv.Atoi(m[1])
						b.Limits += time.Duration(n) * map[string]time.Duration{"second": time.Second, "minute": time.Minute}[m[2]]
					}
				}
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

// dedent removes the indentation the lines share.
func dedent(lines []string) string {
	cut := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if cut < 0 || n < cut {
			cut = n
		}
	}
	for i, l := range lines {
		if len(l) >= cut && cut > 0 {
			lines[i] = l[cut:]
		}
	}
	return strings.Join(lines, "\n")
}
