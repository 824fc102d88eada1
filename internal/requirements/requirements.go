// Package requirements reads a platform's requirements catalogue
// (features/<platform>/requirements.yaml): every requirement the platform's
// documents state, in accord's words, with its source, and for what accord
// cannot check by itself what the specialist checks by hand. Scenarios trace
// to requirements with tags (@req:DP-ACT-2); this package also checks that
// tracing and builds the requirements table of a run.
package requirements

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/accord-harness/accord/internal/yamlkeys"
)

// FileName is the catalogue's name beside a platform's features.
const FileName = "requirements.yaml"

// Catalogue is one platform's requirements.
type Catalogue struct {
	// File names the catalogue in errors ("features/docplanner/requirements.yaml").
	File string
	// Platform is the platform's id; Prefix starts every requirement id.
	Platform, Prefix string
	Documents        []Document
	Requirements     []Requirement
}

// Document is a text requirements come from: a seed document of the
// platform's process, the platform's API document, accord's own design.
type Document struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Where the text is: a file name, a repository path or an address.
	Where string `yaml:"where"`
}

// Requirement is one thing a partner's integration must do.
type Requirement struct {
	ID   string
	Text string
	// Sources are where the requirement is stated, "document § section".
	Sources []Source
	// Manual says what the specialist checks by hand, for what accord
	// cannot check by itself; empty when accord checks all of it.
	Manual string
	// Line is the requirement's line in the catalogue.
	Line int
}

// Source is a section of a document.
type Source struct{ Document, Section string }

func (s Source) String() string { return s.Document + " § " + s.Section }

// file is requirements.yaml as written.
type file struct {
	Platform     string        `yaml:"platform"`
	Prefix       string        `yaml:"prefix"`
	Documents    []Document    `yaml:"documents"`
	Requirements []requirement `yaml:"requirements"`
}

type requirement struct {
	ID          string  `yaml:"id"`
	Requirement string  `yaml:"requirement"`
	Source      sources `yaml:"source"`
	Manual      string  `yaml:"manual"`
}

// sources are one "document § section" or a list of them.
type sources []string

func (s *sources) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = sources{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return fmt.Errorf("line %d: source: want \"document § section\" or a list of them", n.Line)
	}
	*s = list
	return nil
}

// prefixForm is a catalogue's prefix: DP, DK, RR, BB.
var prefixForm = regexp.MustCompile(`^[A-Z]{2}$`)

// idForm is PREFIX-AREA-N: DP-ACT-2, DK-KEY-3, RR-AUTH-1, BB-PING-1. A tag
// filter splits on "," and "&&" and drops every "@", so an id holds none.
var idForm = regexp.MustCompile(`^[A-Z]{2}-[A-Z]+-[1-9][0-9]*$`)

// Load reads the catalogue beside the features in fsys; name names it in
// errors. A platform without a catalogue gives (nil, nil).
func Load(fsys fs.FS, name string) (*Catalogue, error) {
	raw, err := fs.ReadFile(fsys, FileName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return Parse(name, raw)
}

// Parse reads and checks a catalogue. Every mistake is an error naming the
// file and line: an unknown key, an id given twice or not of the platform's
// form, a requirement without its text or source, a source naming a
// document the catalogue does not list.
func Parse(name string, raw []byte) (*Catalogue, error) {
	var f file
	lines, err := yamlkeys.DecodeFile(name, raw, &f)
	if err != nil {
		return nil, err
	}
	c := &Catalogue{File: name, Platform: f.Platform, Prefix: f.Prefix, Documents: f.Documents}
	// at names a node's line; a scalar source stands where its list would.
	at := func(path string) string {
		line, ok := lines[path]
		for !ok && strings.HasSuffix(path, "]") {
			path = path[:strings.LastIndex(path, "[")]
			line, ok = lines[path]
		}
		return fmt.Sprintf("%s:%d", name, line)
	}
	switch {
	case f.Platform == "":
		return nil, fmt.Errorf("%s: platform: missing (the platform's id, e.g. docplanner)", at(""))
	case !prefixForm.MatchString(f.Prefix):
		return nil, fmt.Errorf("%s: prefix %q: want two capital letters, the start of every id (DP, DK, RR, BB)", at("prefix"), f.Prefix)
	case len(f.Requirements) == 0:
		return nil, fmt.Errorf("%s: requirements: none listed", at(""))
	}
	docs := map[string]bool{}
	var ids []string
	for i, d := range f.Documents {
		path := fmt.Sprintf("documents[%d]", i)
		if d.ID == "" || d.Title == "" || d.Where == "" {
			return nil, fmt.Errorf("%s: %s: a document needs id, title and where", at(path), path)
		}
		if docs[d.ID] {
			return nil, fmt.Errorf("%s: document %s is listed twice", at(path), d.ID)
		}
		docs[d.ID] = true
		ids = append(ids, d.ID)
	}
	seen := map[string]int{}
	for i, r := range f.Requirements {
		path := fmt.Sprintf("requirements[%d]", i)
		line := lines[path]
		switch {
		case r.ID == "":
			return nil, fmt.Errorf("%s: %s: id missing", at(path), path)
		case !idForm.MatchString(r.ID) || !strings.HasPrefix(r.ID, f.Prefix+"-"):
			return nil, fmt.Errorf("%s: id %q: want %s-AREA-N, e.g. %s-ACT-2", at(path+".id"), r.ID, f.Prefix, f.Prefix)
		case seen[r.ID] != 0:
			return nil, fmt.Errorf("%s: %s is given twice (first at line %d)", at(path+".id"), r.ID, seen[r.ID])
		case strings.TrimSpace(r.Requirement) == "":
			return nil, fmt.Errorf("%s: %s: requirement missing (what the partner must do, in accord's words)", at(path), r.ID)
		case len(r.Source) == 0:
			return nil, fmt.Errorf("%s: %s: source missing (\"document § section\", the document one of %s)", at(path), r.ID, strings.Join(ids, ", "))
		}
		seen[r.ID] = line
		req := Requirement{ID: r.ID, Text: oneLine(r.Requirement), Manual: oneLine(r.Manual), Line: line}
		for j, s := range r.Source {
			d, section, ok := strings.Cut(s, "§")
			d, section = strings.TrimSpace(d), strings.TrimSpace(section)
			if !ok || d == "" || section == "" {
				return nil, fmt.Errorf("%s: %s: source %q: want \"document § section\"", at(fmt.Sprintf("%s.source[%d]", path, j)), r.ID, s)
			}
			if !docs[d] {
				return nil, fmt.Errorf("%s: %s: source %q: no document %s (documents: %s)", at(fmt.Sprintf("%s.source[%d]", path, j)), r.ID, s, d, strings.Join(ids, ", "))
			}
			req.Sources = append(req.Sources, Source{Document: d, Section: section})
		}
		c.Requirements = append(c.Requirements, req)
	}
	return c, nil
}

// oneLine folds a YAML block's lines into one.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Get finds a requirement by id.
func (c *Catalogue) Get(id string) (Requirement, bool) {
	for _, r := range c.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}

// Document finds a document by id.
func (c *Catalogue) Document(id string) (Document, bool) {
	for _, d := range c.Documents {
		if d.ID == id {
			return d, true
		}
	}
	return Document{}, false
}
