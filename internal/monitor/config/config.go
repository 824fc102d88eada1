// Package config reads the monitor's YAML file: defaults, ${ENV} secrets,
// and validation that names the file, the line, the field and the problem.
//
// Configuration is data (as in blackbox_exporter and Gatus): everything the
// monitor does differently for a deployment is here, nothing in code.
package config

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/accord-harness/accord/internal/yamlkeys"
)

// Defaults the platform's rule prescribes.
const (
	DefaultInterval    = 5 * time.Minute
	DefaultTimeout     = 10 * time.Second
	DefaultThreshold   = 3
	DefaultConcurrency = 5000
	DefaultListen      = "127.0.0.1:9110"
	DefaultSMTPTimeout = 30 * time.Second
)

// Config is a validated monitor configuration, defaults applied.
type Config struct {
	File         string        // path the config was read from, for messages
	Interval     time.Duration // between two checks of one endpoint
	Timeout      time.Duration // of one check
	Threshold    int           // failures in a row before the alert
	Reminder     time.Duration // re-send while down; 0 never
	SendRecovery bool          // one e-mail when alive again
	Concurrency  int           // most checks in flight at once (the monitor keeps as many as it needs)
	Listen       string        // address of /metrics and /status; "" disables
	State        string        // bbolt state file
	AlertTo      []string      // default recipients
	SMTP         SMTP
	Endpoints    []Endpoint
}

// SMTP is the mail relay alerts go through.
type SMTP struct {
	Host     string
	Port     int
	From     string
	Username string
	Password string
	StartTLS bool
	CAFile   string         // extra CA to trust for STARTTLS (a private relay)
	RootCAs  *x509.CertPool // loaded from CAFile; nil: system roots
	Timeout  time.Duration
}

// Endpoint is one partner endpoint to watch.
type Endpoint struct {
	Name        string
	URL         string
	Method      string
	Headers     map[string]string
	BearerToken string
	AlertTo     []string // resolved: the endpoint's own list, else the default
}

// raw mirrors the YAML; pointers tell "absent" from "zero".
type raw struct {
	Interval     *time.Duration `yaml:"interval"`
	Timeout      *time.Duration `yaml:"timeout"`
	Threshold    *int           `yaml:"threshold"`
	Reminder     *time.Duration `yaml:"reminder"`
	SendRecovery *bool          `yaml:"send_recovery"`
	Concurrency  *int           `yaml:"concurrency"`
	Listen       *string        `yaml:"listen"`
	State        string         `yaml:"state"`
	AlertTo      []string       `yaml:"alert_to"`
	SMTP         rawSMTP        `yaml:"smtp"`
	Endpoints    []rawEndpoint  `yaml:"endpoints"`
}

type rawSMTP struct {
	Host     string         `yaml:"host"`
	Port     *int           `yaml:"port"`
	From     string         `yaml:"from"`
	Username string         `yaml:"username"`
	Password string         `yaml:"password"`
	StartTLS *bool          `yaml:"starttls"`
	CAFile   string         `yaml:"ca_file"`
	Timeout  *time.Duration `yaml:"timeout"`
}

type rawEndpoint struct {
	Name        string            `yaml:"name"`
	URL         string            `yaml:"url"`
	Method      string            `yaml:"method"`
	Headers     map[string]string `yaml:"headers"`
	BearerToken string            `yaml:"bearer_token"`
	AlertTo     []string          `yaml:"alert_to"`
}

// Problem is one thing wrong with the file.
type Problem struct {
	Line  int    // 0 when unknown
	Field string // dotted path, e.g. endpoints[2].url
	Msg   string
}

// Error lists every problem found, so one edit fixes them all.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		if p.Field != "" {
			b.WriteString(": " + p.Field)
		}
		b.WriteString(": " + p.Msg)
	}
	return b.String()
}

// Load reads and validates the file at path, taking ${VAR} from the process
// environment. A relative state path is relative to the file's directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Problems: []Problem{{Msg: "cannot read: " + unwrapPathError(err)}}}
	}
	return Parse(path, data, os.LookupEnv)
}

func unwrapPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse validates data as if read from file; lookup resolves ${VAR}.
func Parse(file string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	p := &parser{file: file, lines: map[int]string{}, lookup: lookup}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return nil, p.fail(Problem{Msg: "file is empty; it needs at least smtp and endpoints"})
		}
		return nil, p.fail(p.yamlProblem(err.Error()))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.fail(Problem{Line: root.Line, Msg: "the file must be a mapping (interval:, smtp:, endpoints:, ...)"})
	}
	// Problems found while walking (unknown fields, unset variables) do not
	// stop here: the user gets every problem of the file in one go.
	p.walk(root, reflect.TypeOf(raw{}))
	var r raw
	if err := root.Decode(&r); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				p.problems = append(p.problems, p.yamlProblem(msg))
			}
			return nil, p.err()
		}
		return nil, p.fail(p.yamlProblem(err.Error()))
	}
	cfg := p.build(r)
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	return cfg, nil
}

type parser struct {
	file     string
	lookup   func(string) (string, bool)
	lines    map[int]string // line -> deepest field, to name the field of a yaml type error
	fields   map[string]int // field -> line, to give validation errors a line
	problems []Problem
}

func (p *parser) fail(pr Problem) error { p.problems = append(p.problems, pr); return p.err() }
func (p *parser) err() error {
	// In file order, so the message reads like the file; fields without a
	// line (absent ones) last.
	slices.SortStableFunc(p.problems, func(a, b Problem) int {
		la, lb := a.Line, b.Line
		if la == 0 {
			la = 1 << 30
		}
		if lb == 0 {
			lb = 1 << 30
		}
		return la - lb
	})
	return &Error{File: p.file, Problems: p.problems}
}

func (p *parser) add(field, format string, args ...any) {
	for _, q := range p.problems {
		if q.Field == field {
			return // one problem per field: an unset ${VAR} also leaves it empty
		}
	}
	p.problems = append(p.problems, Problem{Line: p.fields[field], Field: field, Msg: fmt.Sprintf(format, args...)})
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlWords put yaml.v3's type errors in the user's terms.
var yamlWords = []yamlkeys.Reword{
	yamlkeys.Duration,
	{Suffix: "into int", Say: "%q is not a whole number"},
	{Suffix: "into bool", Say: "%q is not true or false"},
	{Contains: "into []string", Say: "must be a list, e.g. [ops@example.com]"},
	{Contains: "into map[string]string", Say: "must be a mapping of header name to value"},
	{Contains: "into []config.rawEndpoint", Say: "must be a list of endpoints (each starting with '- name: ...')"},
	{Contains: "into config.", Say: "must be a mapping"},
}

// yamlProblem rewrites a yaml.v3 message in the user's terms.
func (p *parser) yamlProblem(msg string) Problem {
	line, text, ok := yamlkeys.Line(yamlLine, msg, yamlWords)
	if !ok {
		return Problem{Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	return Problem{Line: line, Field: p.lines[line], Msg: text}
}

// walk checks every key against the schema (a typo must not silently drop a
// setting), expands ${VAR} in values, and remembers where each field is.
func (p *parser) walk(root *yaml.Node, t reflect.Type) {
	if p.fields == nil {
		p.fields = map[string]int{}
	}
	unknown := yamlkeys.Walk(root, t, func(n *yaml.Node, path string, t reflect.Type) {
		if path != "" {
			p.fields[path] = n.Line
			p.lines[n.Line] = path // the deepest field on a line names it best
		}
		if n.Kind != yaml.ScalarNode {
			return
		}
		p.expand(n, path)
		if t == durationType && n.Value == "0" {
			// YAML reads a bare 0 as an int, which yaml.v3 will not put in a
			// Duration; "reminder: 0" is too natural to refuse.
			n.Value, n.Tag = "0s", "!!str"
		}
	})
	for _, u := range unknown {
		p.problems = append(p.problems, Problem{Line: u.Line, Field: u.Field,
			Msg: "unknown field (known here: " + strings.Join(u.Known, ", ") + ")"})
	}
}

var durationType = reflect.TypeOf(time.Duration(0))

var envRef = regexp.MustCompile(`\$\{([^}]*)\}`)
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expand replaces ${NAME} and ${NAME:-default} in a scalar. Only this form is
// recognised, so a password that merely contains "$" is left alone.
func (p *parser) expand(n *yaml.Node, path string) {
	if !strings.Contains(n.Value, "${") {
		return
	}
	n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
		inner := ref[2 : len(ref)-1]
		name, def, hasDef := strings.Cut(inner, ":-")
		if !envName.MatchString(name) {
			p.problems = append(p.problems, Problem{Line: n.Line, Field: path,
				Msg: fmt.Sprintf("%q is not a valid environment reference (use ${NAME} or ${NAME:-default})", ref)})
			return ref
		}
		if v, ok := p.lookup(name); ok {
			return v
		}
		if hasDef {
			return def
		}
		p.problems = append(p.problems, Problem{Line: n.Line, Field: path,
			Msg: fmt.Sprintf("environment variable %s is not set", name)})
		return ""
	})
	if n.Style == 0 {
		// Let YAML resolve the expanded text again, so ${PORT} can fill an int.
		n.Tag = ""
	}
}

// build applies defaults and validates.
func (p *parser) build(r raw) *Config {
	c := &Config{
		File:         p.file,
		Interval:     deref(r.Interval, DefaultInterval),
		Timeout:      deref(r.Timeout, DefaultTimeout),
		Threshold:    deref(r.Threshold, DefaultThreshold),
		Reminder:     deref(r.Reminder, 0),
		SendRecovery: deref(r.SendRecovery, true),
		Concurrency:  deref(r.Concurrency, DefaultConcurrency),
		Listen:       deref(r.Listen, DefaultListen),
	}
	switch {
	case c.Interval < time.Second:
		p.add("interval", "must be at least 1s, got %s", c.Interval)
	case c.Interval > 24*time.Hour:
		p.add("interval", "must be at most 24h, got %s", c.Interval)
	}
	switch {
	case c.Timeout <= 0:
		p.add("timeout", "must be positive, got %s", c.Timeout)
	case c.Timeout >= c.Interval:
		p.add("timeout", "must be shorter than the interval (%s), got %s", c.Interval, c.Timeout)
	}
	if c.Threshold < 1 || c.Threshold > 100 {
		p.add("threshold", "must be between 1 and 100, got %d", c.Threshold)
	}
	if c.Reminder != 0 && c.Reminder < c.Interval {
		p.add("reminder", "must be 0 (never) or at least the interval (%s), got %s", c.Interval, c.Reminder)
	}
	if c.Concurrency < 1 || c.Concurrency > 10000 {
		p.add("concurrency", "must be between 1 and 10000, got %d", c.Concurrency)
	}
	if c.Listen == "off" {
		c.Listen = ""
	} else if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
		p.add("listen", "must be host:port (e.g. 127.0.0.1:9110) or off, got %q", c.Listen)
	}
	c.State = r.State
	if c.State == "" {
		c.State = strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file)) + ".db"
	}
	if !filepath.IsAbs(c.State) {
		c.State = filepath.Join(filepath.Dir(p.file), c.State)
	}
	c.AlertTo = p.addresses("alert_to", r.AlertTo)
	c.SMTP = p.smtp(r.SMTP)

	if len(r.Endpoints) == 0 {
		p.add("endpoints", "at least one endpoint is needed")
	}
	seen := map[string]int{}
	for i, re := range r.Endpoints {
		at := fmt.Sprintf("endpoints[%d]", i)
		ep := Endpoint{Name: re.Name, URL: re.URL, Method: strings.ToUpper(re.Method), Headers: re.Headers, BearerToken: re.BearerToken}
		switch {
		case ep.Name == "":
			p.add(at+".name", "is required")
		case len(ep.Name) > 128:
			p.add(at+".name", "must be at most 128 characters")
		case strings.IndexFunc(ep.Name, unicode.IsControl) >= 0:
			p.add(at+".name", "must not contain control characters")
		default:
			if j, dup := seen[ep.Name]; dup {
				p.add(at+".name", "%q is already the name of endpoints[%d]; names identify state and must be unique", ep.Name, j)
			}
			seen[ep.Name] = i
		}
		if u, err := url.Parse(ep.URL); ep.URL == "" {
			p.add(at+".url", "is required")
		} else if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add(at+".url", "must be an absolute http:// or https:// URL, got %q", ep.URL)
		}
		if ep.Method == "" {
			ep.Method = "GET"
		} else if !isToken(ep.Method) {
			p.add(at+".method", "%q is not an HTTP method", re.Method)
		}
		for k, v := range ep.Headers {
			if !isToken(k) {
				p.add(at+".headers."+k, "is not a valid header name")
			}
			if strings.ContainsAny(v, "\r\n") {
				p.add(at+".headers."+k, "must be one line")
			}
		}
		if strings.ContainsAny(ep.BearerToken, "\r\n ") {
			p.add(at+".bearer_token", "must be one word without spaces")
		}
		ep.AlertTo = p.addresses(at+".alert_to", re.AlertTo)
		if len(ep.AlertTo) == 0 {
			ep.AlertTo = c.AlertTo
		}
		if len(ep.AlertTo) == 0 && len(re.AlertTo) == 0 {
			p.add(at+".alert_to", "no recipients: set alert_to here or at the top level")
		}
		c.Endpoints = append(c.Endpoints, ep)
	}
	return c
}

func (p *parser) smtp(r rawSMTP) SMTP {
	s := SMTP{
		Host: r.Host, From: r.From, Username: r.Username, Password: r.Password,
		StartTLS: deref(r.StartTLS, true), CAFile: r.CAFile, Timeout: deref(r.Timeout, DefaultSMTPTimeout),
	}
	s.Port = deref(r.Port, 587)
	if r.Port == nil && !s.StartTLS {
		s.Port = 25
	}
	if s.Host == "" {
		p.add("smtp.host", "is required (the mail relay alerts go through)")
	}
	if s.Port < 1 || s.Port > 65535 {
		p.add("smtp.port", "must be between 1 and 65535, got %d", s.Port)
	}
	if s.From == "" {
		p.add("smtp.from", "is required (the sender of alert e-mails)")
	} else if _, err := mail.ParseAddress(s.From); err != nil {
		p.add("smtp.from", "%q is not an e-mail address", s.From)
	}
	if s.Password != "" && s.Username == "" {
		p.add("smtp.password", "is set but smtp.username is not")
	}
	if s.Username != "" && !s.StartTLS && !isLoopback(s.Host) {
		p.add("smtp.starttls", "is false but smtp.username is set: the password would cross the network in clear; enable starttls")
	}
	if s.Timeout <= 0 {
		p.add("smtp.timeout", "must be positive, got %s", s.Timeout)
	}
	if s.CAFile != "" {
		if !filepath.IsAbs(s.CAFile) {
			s.CAFile = filepath.Join(filepath.Dir(p.file), s.CAFile)
		}
		pem, err := os.ReadFile(s.CAFile)
		switch {
		case err != nil:
			p.add("smtp.ca_file", "cannot read: %s", unwrapPathError(err))
		default:
			s.RootCAs = x509.NewCertPool()
			if !s.RootCAs.AppendCertsFromPEM(pem) {
				p.add("smtp.ca_file", "%s holds no PEM certificate", s.CAFile)
			}
		}
	}
	return s
}

func (p *parser) addresses(field string, in []string) []string {
	var out []string
	for i, a := range in {
		if _, err := mail.ParseAddress(a); err != nil {
			p.add(fmt.Sprintf("%s[%d]", field, i), "%q is not an e-mail address", a)
			continue
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return true
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
