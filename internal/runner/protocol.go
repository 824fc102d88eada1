package runner

import (
	"fmt"
	"path"
	"time"

	"github.com/accord-harness/accord/internal/requirements"
	"github.com/accord-harness/accord/internal/version"
	"github.com/accord-harness/accord/reports"
)

// Protocol gathers a platform's testing protocol (accord protocol): every
// requirement of its catalogue with the scenarios that trace to it as
// written, what the partner prepares, and what the automated part takes
// with the given latency budget.
func Protocol(p Platform, budget time.Duration) (reports.Protocol, error) {
	out := reports.Protocol{Platform: p.Name(), Title: Title(p), Version: version.Version, Budget: budget,
		Driver: "docs/driver-" + p.Name() + ".md"}
	cat, err := requirements.Load(p.Features(), path.Join("features", p.Name(), requirements.FileName))
	if err != nil {
		return out, err
	}
	if cat == nil {
		return out, fmt.Errorf("%s has no requirements catalogue (features/%s/%s)", p.Name(), p.Name(), requirements.FileName)
	}
	blocks, err := requirements.Blocks(p.Features())
	if err != nil {
		return out, err
	}
	if c, ok := p.(Capable); ok {
		for _, cp := range c.Capabilities() {
			out.Capabilities = append(out.Capabilities, reports.ProtocolCapability{Name: cp.Name, About: cp.About, Default: cp.Values[0], Values: cp.Values})
		}
	}
	for _, b := range blocks {
		out.Scenarios++
		out.Runs += b.Runs
		out.Waits += b.Waits
		out.Limits += b.Limits
	}
	for _, r := range cat.Requirements {
		pr := reports.ProtocolRequirement{ID: r.ID, Text: r.Text, Source: cat.SourceText(r), Manual: r.Manual}
		for _, b := range blocks {
			if contains(requirements.Traces(b.Tags), r.ID) {
				text := b.Text
				if b.Background != "" {
					text = b.Background + "\n\n" + text
				}
				pr.Scenarios = append(pr.Scenarios, reports.ProtocolScenario{Feature: b.Feature, Location: b.Location, Name: b.Name, Text: text})
			}
		}
		out.Requirements = append(out.Requirements, pr)
	}
	return out, nil
}
