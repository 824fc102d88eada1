package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/runner"
)

func init() { commands = append(commands, newRunCmd) }

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		platform, configPath, tags, reportDir string
		faults, capabilities                  []string
		budget                                time.Duration
		image                                 partnerImage // --partner-*: partner.go
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run a platform's acceptance features against a partner",
		Long: `Run a platform's acceptance features against a partner and write the report directory
(cucumber.json, junit.xml, summary.json). Without --config the bundled reference partner is
the partner under test; --fault starts it with a named integration bug.

Exit codes: 0 every scenario passed, 1 a scenario failed, 2 usage or configuration error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, platform, err := partnerConfig(platform, configPath, faults, capabilities, budget)
			if err != nil {
				return err
			}
			if platform == "all" {
				if configPath != "" || len(faults) > 0 || len(capabilities) > 0 || image.image != "" {
					return usagef("--platform all runs the bundled reference partners; --config, --fault, --capability and --partner-image name one platform's partner")
				}
				return runAll(cmd, stdout, runner.Options{Config: cfg, Tags: tags, ReportDir: reportDir, Console: stdout, NoColors: !isTerminal(stdout)})
			}
			p, err := lookupPlatform(platform)
			if err != nil {
				return err
			}
			if err := checkFaults(p, faults); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// --partner-image: start the partner's container and point cfg at it;
			// its log goes to the report directory and it is removed at the end.
			finishImage, err := image.start(ctx, cmd, platform, &cfg, configPath, reportDir)
			if err != nil {
				return err
			}
			var secrets []string
			defer func() { finishImage(secrets) }()
			opts := runner.Options{Config: cfg, Tags: tags, ReportDir: reportDir, Console: stdout, NoColors: !isTerminal(stdout)}
			sum, err := runOnce(ctx, p, opts, &secrets)
			if err != nil {
				if errors.Is(err, runner.ErrNoScenarios) {
					return usageError{err}
				}
				return usageError{fmt.Errorf("%s run could not start: %w", platform, err)}
			}
			fmt.Fprintf(stdout, "\n%s: %s against %s — %s (%.1fs); report in %s\n",
				platform, sum.Verdict, sum.Partner, countsLine(sum.Counts), sum.DurationSeconds, reportDir)
			printNotApplicable(stdout, sum)
			if sum.Verdict != "passed" {
				msg := ""
				for _, f := range sum.Failed() {
					msg += fmt.Sprintf("FAILED %s / %s\n  at: %s\n  why: %s\n", f.Feature, f.Name, f.FailedStep, f.Reason)
				}
				return failedError{msg: msg}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&platform, "platform", "", "platform to accept against, or all (default docplanner, or the config file's)")
	f.StringVar(&configPath, "config", "", "partner config file (YAML); without it the bundled reference partner runs")
	f.StringSliceVar(&faults, "fault", nil, "start the reference partner with this named fault (see `accord faults`)")
	f.StringArrayVar(&capabilities, "capability", nil, "a choice the platform leaves to the partner, name=value (e.g. notification_model=pull); see `accord faults --platform P`")
	f.StringVar(&tags, "tags", "", "run only scenarios matching this tag expression, e.g. '@bookings'")
	f.StringVar(&reportDir, "report-dir", "accord-report", "directory for cucumber.json, junit.xml and summary.json")
	f.DurationVar(&budget, "latency-budget", 0, "how long a change may take to reach the other side (default 30s)")
	image.register(f)
	return cmd
}

// runOnce is runner.Run, keeping the run's secrets for what is written
// after it (a partner container's log).
func runOnce(ctx context.Context, p runner.Platform, opts runner.Options, secrets *[]string) (*runner.Summary, error) {
	live, err := runner.Open(ctx, p, opts)
	if err != nil {
		return nil, err
	}
	defer live.Close()
	sum, err := live.Run(ctx)
	*secrets = live.Secrets()
	return sum, err
}

// partnerConfig reads --config (when given) into a run's config; the
// platform comes from --platform, else the file, else docplanner.
func partnerConfig(platform, configPath string, faults, capabilities []string, budget time.Duration) (runner.Config, string, error) {
	caps, err := runner.ParseCapabilities(capabilities)
	if err != nil {
		return runner.Config{}, "", usageError{fmt.Errorf("--capability: %w", err)}
	}
	cfg := runner.Config{Faults: faults, LatencyBudget: budget, Capabilities: caps}
	if configPath != "" {
		file, err := runner.LoadFile(configPath)
		if err != nil {
			return cfg, "", usageError{err}
		}
		if platform == "" {
			platform = file.Platform
		}
		if file.Platform != "" && file.Platform != platform {
			return cfg, "", usagef("config %s is for platform %q but --platform says %q", configPath, file.Platform, platform)
		}
		cfg.Partner = &file.Partner
		if cfg.LatencyBudget == 0 {
			cfg.LatencyBudget = file.Checks.LatencyBudget
		}
	}
	if platform == "" {
		platform = "docplanner"
	}
	return cfg, platform, nil
}

func checkFaults(p runner.Platform, faults []string) error {
	known := map[string]bool{}
	for _, f := range p.Faults() {
		known[f.Name] = true
	}
	for _, f := range faults {
		if !known[f] {
			return usagef("unknown fault %q for %s; list them with: accord faults --platform %s", f, p.Name(), p.Name())
		}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// countsLine is a run's counts in words, naming only the outcomes it had
// besides passed and failed.
func countsLine(c runner.Counts) string {
	s := fmt.Sprintf("%d scenarios, %d passed, %d failed", c.Scenarios, c.Passed, c.Failed)
	if c.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", c.Skipped)
	}
	if c.NotApplicable > 0 {
		s += fmt.Sprintf(", %d not applicable", c.NotApplicable)
	}
	return s
}

// printNotApplicable names every scenario that did not apply to the
// partner, and why, and what the verdict rests on.
func printNotApplicable(w io.Writer, sum *runner.Summary) {
	for _, r := range sum.NotApplicable() {
		fmt.Fprintf(w, "NOT APPLICABLE %s / %s\n  why: %s\n", r.Feature, r.Name, strings.TrimPrefix(r.Reason, "not applicable: "))
	}
	if sum.VerdictNote != "" {
		fmt.Fprintf(w, "verdict %s: %s\n", sum.Verdict, sum.VerdictNote)
	}
}
