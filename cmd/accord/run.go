package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/shutdown"
	"github.com/accord-harness/accord/internal/waivers"
)

func init() { commands = append(commands, newRunCmd) }

// runFlags are the flags of `accord run`, which `accord explore` and
// `accord session` share, and what they make of them.
type runFlags struct {
	platform, configPath, tags, reportDir string
	waiversPath                           string
	faults, capabilities                  []string
	budget                                time.Duration
	verbose                               bool
	rateLimits                            string
	image                                 partnerImage // --partner-*: partner.go
	// session: an operator's run, one platform at a time, on the
	// platform's limits and its own progress display: no --platform all,
	// --rate-limits or --verbose.
	session bool
}

// register declares the flags; reportDir is --report-dir's default.
func (rf *runFlags) register(f *pflag.FlagSet, reportDir string) {
	platforms, report := strings.Join(platformNames(), ", "), "report directory: report.html, traffic.har, summary.json, junit.xml, cucumber.json"
	if rf.session {
		report = "directory for the session's report"
	} else {
		platforms += ", or all"
		f.StringVar(&rf.rateLimits, "rate-limits", "on", "on: the mock platform's rate limits as published (Docplanner: 40 writes a minute, 8,000 GETs an hour, then 429); off: counted, never refused, as when the platform raises a client's limits, so a partner in real time never waits out a write window")
		f.BoolVar(&rf.verbose, "verbose", false, "print every step with its location (default: a line a scenario, and why one failed)")
	}
	f.StringVar(&rf.platform, "platform", "", "platform to accept against: "+platforms+" (default "+defaultPlatform()+", or the config file's)")
	f.StringVar(&rf.configPath, "config", "", "partner config file (YAML); without it the bundled reference partner runs")
	f.StringSliceVar(&rf.faults, "fault", nil, "start the reference partner with this named fault (list them: accord faults --platform P)")
	f.StringArrayVar(&rf.capabilities, "capability", nil, "a choice the platform leaves to the partner, name=value (e.g. notification_model=pull)")
	f.StringVar(&rf.tags, "tags", "", "run only scenarios matching this tag expression, e.g. '@bookings'")
	f.StringVar(&rf.waiversPath, "waivers", "", "waivers.yaml: failures a specialist accepts for now (scenario or requirement, reason, approved_by, expires)")
	f.StringVar(&rf.reportDir, "report-dir", reportDir, report)
	f.DurationVar(&rf.budget, "latency-budget", 0, "how long a change may take to reach the other side (default 30s)")
	rf.image.register(f)
}

// config reads the flags into the platform to run and the run's options,
// with every check of the flags but --partner-*'s (rf.image.start checks
// those). The platform is nil for --platform all (accord run only), which
// runs the bundled reference partners.
func (rf *runFlags) config() (runner.Platform, runner.Options, error) {
	cfg, platform, err := partnerConfig(rf.platform, rf.configPath, rf.faults, rf.capabilities, rf.budget)
	if err != nil {
		return nil, runner.Options{}, err
	}
	if rf.session && platform == "all" {
		return nil, runner.Options{}, usagef("a session runs one platform at a time: --platform %s", oneOfThePlatforms())
	}
	if !rf.session {
		limitsOn, err := onOff("--rate-limits", rf.rateLimits)
		if err != nil {
			return nil, runner.Options{}, err
		}
		cfg.RateLimitsOff = !limitsOn
	}
	opts := runner.Options{Config: cfg, Tags: rf.tags, ReportDir: rf.reportDir, Verbose: rf.verbose}
	if opts.Waivers, err = loadWaivers(rf.waiversPath); err != nil {
		return nil, opts, err
	}
	if platform == "all" {
		if rf.configPath != "" || len(rf.faults) > 0 || len(rf.capabilities) > 0 || rf.image.image != "" || opts.Waivers != nil {
			return nil, opts, usagef("--platform all runs the bundled reference partners; --config, --fault, --capability, --partner-image and --waivers name one platform's partner")
		}
		return nil, opts, nil
	}
	p, err := lookupPlatform(platform)
	if err != nil {
		return nil, opts, err
	}
	return p, opts, checkFaults(p, rf.faults)
}

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var rf runFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run a platform's acceptance features against a partner",
		Long: `Run a platform's acceptance features against a partner and write the report directory
(cucumber.json, junit.xml, summary.json). Without --config the bundled reference partner is
the partner under test; --fault starts it with a named integration bug.

Exit codes: 0 every scenario passed, 1 a scenario failed, 2 usage or configuration error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return rf.run(cmd, stdout, nil) },
	}
	rf.register(cmd.Flags(), "accord-report")
	return cmd
}

// run runs one platform (or all) as the flags say; edit adjusts the run's
// config once it is read (accord explore sets its plan there).
func (rf *runFlags) run(cmd *cobra.Command, stdout io.Writer, edit func(*runner.Config)) error {
	p, opts, err := rf.config()
	if err != nil {
		return err
	}
	if edit != nil {
		edit(&opts.Config)
	}
	paceCollectorForARun()
	opts.Console, opts.NoColors = stdout, !isTerminal(stdout)
	if p == nil {
		return runAll(cmd, stdout, opts)
	}
	ctx, stop := shutdown.OnSignal(cmd.Context())
	defer stop()
	// --partner-image: start the partner's container and point the config
	// at it; its log goes to the report directory and it is removed at the end.
	finishImage, err := rf.image.start(ctx, cmd, p.Name(), &opts.Config, rf.configPath, rf.reportDir)
	if err != nil {
		return err
	}
	var secrets []string
	defer func() { finishImage(secrets) }()
	sum, err := runOnce(ctx, p, opts, &secrets)
	if err != nil {
		if errors.Is(err, runner.ErrNoScenarios) {
			return usageError{err}
		}
		return usageError{fmt.Errorf("%s run could not start: %w", p.Name(), err)}
	}
	fmt.Fprintf(stdout, "\n%s: %s against %s — %s (%.1fs)\n",
		p.Name(), sum.Verdict, sum.Partner, countsLine(sum.Counts), sum.DurationSeconds)
	return verdict(stdout, sum, rf.reportDir)
}

// verdict ends a run's console: what did not apply, what failed and why,
// and last the report to open.
func verdict(stdout io.Writer, sum *runner.Summary, dir string) error {
	printNotApplicable(stdout, sum)
	report := "report: " + filepath.Join(dir, "report.html") + "\n"
	if !runner.Passed(sum.Verdict) {
		msg := ""
		for _, f := range sum.Failed() {
			msg += fmt.Sprintf("FAILED %s / %s\n  at: %s\n  why: %s\n", f.Feature, f.Name, f.FailedStep, f.Reason)
		}
		return failedError{msg: msg + report}
	}
	fmt.Fprint(stdout, report)
	return nil
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
// platform comes from --platform, else the file, else the default.
func partnerConfig(platform, configPath string, faults, capabilities []string, budget time.Duration) (runner.Config, string, error) {
	caps, err := runner.ParseCapabilities(capabilities)
	if err != nil {
		return runner.Config{}, "", usageError{fmt.Errorf("--capability: %w", err)}
	}
	if budget < 0 {
		return runner.Config{}, "", usagef("--latency-budget %s: a budget must be positive", budget)
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
		platform = defaultPlatform()
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
	if c.NotRun > 0 {
		s += fmt.Sprintf(", %d not run", c.NotRun)
	}
	if c.Waived > 0 {
		s += fmt.Sprintf(", %d failed but waived", c.Waived)
	}
	return s
}

// printNotApplicable names every scenario that did not apply to the
// partner, and why, every warning, and what the verdict rests on.
func printNotApplicable(w io.Writer, sum *runner.Summary) {
	for _, r := range sum.Waived() {
		fmt.Fprintf(w, "WAIVED %s / %s\n  why: %s\n", r.Feature, r.Name, r.Reason)
	}
	for _, x := range sum.Waivers {
		if x.Status != runner.WaiverApplied {
			fmt.Fprintf(w, "WAIVER %s: %s for %s (waivers file line %d, expires %s)\n", strings.ToUpper(x.Status), x.Reason, x.Target(), x.Line, x.Expires)
		}
	}
	for _, r := range sum.NotApplicable() {
		fmt.Fprintf(w, "NOT APPLICABLE %s / %s\n  why: %s\n", r.Feature, r.Name, strings.TrimPrefix(r.Reason, "not applicable: "))
	}
	for _, x := range sum.Warnings {
		fmt.Fprintf(w, "WARNING %s %s: %s (%d times)\n", x.Operation, x.Field, x.Message, x.Count)
	}
	if sum.VerdictNote != "" {
		fmt.Fprintf(w, "verdict %s: %s\n", sum.Verdict, sum.VerdictNote)
	}
}

// loadWaivers reads --waivers; a file that cannot be read or is malformed
// is a usage error naming it.
func loadWaivers(path string) (*waivers.Set, error) {
	if path == "" {
		return nil, nil
	}
	set, err := waivers.Load(path)
	if err != nil {
		return nil, usageError{err}
	}
	return set, nil
}
