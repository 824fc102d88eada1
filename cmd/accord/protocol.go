package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/reports"
)

func init() { commands = append(commands, newProtocolCmd) }

func newProtocolCmd(stdout, _ io.Writer) *cobra.Command {
	var platform, format, out string
	var budget time.Duration
	cmd := &cobra.Command{
		Use:   "protocol",
		Short: "Write the testing protocol a specialist sends before the joint session",
		Long: `Write a platform's testing protocol, generated from its requirements catalogue and the
features accord runs: each requirement with its source and how it is checked (the scenarios, in
Gherkin), what the partner prepares (driver, fixture, config, its choices), the manual steps of
the joint session, and how long the automated part takes. HTML is one self-contained page (no
script, nothing fetched), as report.html; md is Markdown.

Exit codes: 0 written, 2 usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "html" && format != "md" {
				return usagef("--format %q: want html or md", format)
			}
			if budget <= 0 {
				return usagef("--latency-budget %s: a budget must be positive", budget)
			}
			ps, err := platformsNamed(platform)
			if err != nil {
				return err
			}
			var docs []reports.Protocol
			for _, p := range ps {
				doc, err := runner.Protocol(p, budget)
				if err != nil {
					return fmt.Errorf("%s protocol: %w", p.Name(), err)
				}
				docs = append(docs, doc)
			}
			w := stdout
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return usageError{fmt.Errorf("--out %s: %w", out, err)}
				}
				defer f.Close()
				w = f
			}
			return reports.WriteProtocol(w, format, docs)
		},
	}
	f := cmd.Flags()
	f.StringVar(&platform, "platform", defaultPlatform(), "platform: "+strings.Join(platformNames(), ", ")+", or all")
	f.StringVar(&format, "format", "html", "html or md")
	f.StringVar(&out, "out", "", "file to write (default: standard output)")
	f.DurationVar(&budget, "latency-budget", 30*time.Second, "the latency budget the run will use, for how long the automated part may take")
	return cmd
}
