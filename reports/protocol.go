package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"
	"time"
)

// Protocol is one platform's testing protocol: what a specialist sends a
// partner before the joint session (accord protocol).
type Protocol struct {
	Platform, Title, Version string
	// Driver names the partner driver's document for the platform.
	Driver       string
	Capabilities []ProtocolCapability
	Requirements []ProtocolRequirement
	// Scenarios and Runs count the automated part (an outline's rows are
	// runs); Waits are the steps that may wait up to the latency budget.
	Scenarios, Runs, Waits int
	Budget                 time.Duration
	// Limits adds up the waits with a limit of their own.
	Limits time.Duration
}

// ProtocolCapability is a choice the platform leaves to the partner.
type ProtocolCapability struct {
	Name, About, Default string
	Values               []string
}

// ProtocolRequirement is a requirement and how it is checked.
type ProtocolRequirement struct {
	ID, Text, Source string
	// Manual is what the specialist checks by hand in the session.
	Manual    string
	Scenarios []ProtocolScenario
}

// ProtocolScenario is a scenario as written.
type ProtocolScenario struct {
	Feature, Location, Name, Background, Text string
}

// Manual lists the requirements the specialist checks by hand.
func (p Protocol) Manual() []ProtocolRequirement {
	var out []ProtocolRequirement
	for _, r := range p.Requirements {
		if r.Manual != "" {
			out = append(out, r)
		}
	}
	return out
}

// Automated counts the requirements scenarios check.
func (p Protocol) Automated() int {
	n := 0
	for _, r := range p.Requirements {
		if len(r.Scenarios) > 0 {
			n++
		}
	}
	return n
}

// MaxWait is the longest the automated part can wait on the partner: every
// wait used up to the budget. A partner that answers at once takes seconds.
func (p Protocol) MaxWait() string {
	d := time.Duration(p.Waits)*p.Budget + p.Limits
	if d < time.Minute {
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f min", d.Minutes())
}

//go:embed protocol.html.tmpl
var protocolHTML string

//go:embed protocol.md.tmpl
var protocolMD string

var protocolFuncs = map[string]any{
	"secs":   func(d time.Duration) string { return fmt.Sprintf("%.0f s", d.Seconds()) },
	"anchor": anchor,
	"join":   strings.Join,
	"indent": indent,
}

var (
	protocolPage = htmltemplate.Must(htmltemplate.New("protocol").Funcs(protocolFuncs).Parse(protocolHTML))
	protocolText = texttemplate.Must(texttemplate.New("protocol").Funcs(protocolFuncs).Parse(protocolMD))
)

// ProtocolFormats are the formats WriteProtocol writes.
var ProtocolFormats = []string{"html", "md"}

// WriteProtocol writes the testing protocol of one or more platforms, as a
// self-contained HTML page (no script, nothing fetched) or as Markdown.
func WriteProtocol(w io.Writer, format string, ps []Protocol) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "html":
		err = protocolPage.Execute(&buf, ps)
	case "md":
		err = protocolText.Execute(&buf, ps)
	default:
		return fmt.Errorf("format %q: want %s", format, strings.Join(ProtocolFormats, " or "))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// indent makes Markdown code of text: four spaces before every line with
// anything on it.
func indent(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}
