package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/operator"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/shutdown"
)

func init() { commands = append(commands, newSessionCmd) }

func newSessionCmd(stdout, stderr io.Writer) *cobra.Command {
	rf := runFlags{session: true}
	cmd := &cobra.Command{
		Use:   "session [FEATURE[:LINE] ...]",
		Short: "Run a platform's acceptance features with an operator at the terminal (joint session)",
		Long: `Run the same features as 'accord run', with a person at the terminal. Staff actions in the
partner's own system (book a visit, change working hours, add a break, grant access) are shown
as instructions; the run waits until the operator answers:

  Enter                    done (then answer any question, such as the new visit's id)
  a                        let the partner's driver do it instead
  r <what it said>         the partner's system refused it
  s <reason>               skip it: the scenario is marked skipped with the reason
  n <text>                 a note for the report (at any time)
  q                        end the session (the report keeps what ran)

Setup, the partner's views and its jobs (activate, sync) still go through the partner's driver,
so every check is the one an automated run makes. After the run, a failed or skipped scenario
can be re-run by its number without restarting. The report directory is rewritten after
every pass. Progress is live on a terminal, plain lines otherwise.

Arguments name feature files or single scenarios (bookings.feature:24, as the report's
locations say) to run only those.

Exit codes: 0 every scenario passed, 1 a scenario failed or was skipped, or the session was
ended early, 2 usage or configuration error.`,
		RunE: func(cmd *cobra.Command, paths []string) error {
			p, opts, err := rf.config()
			if err != nil {
				return err
			}
			platform := p.Name()
			sig, stop := shutdown.OnSignal(cmd.Context())
			defer stop()
			ctx, end := context.WithCancel(sig)
			defer end()
			term := operator.New(cmd.InOrStdin(), stdout, isTerminal(stdout), end)
			defer term.Close()
			opts.Config.Operator, opts.Progress = term, term
			// From here the terminal's input reader writes the console too.
			stdout := io.Writer(term)
			finishImage, err := rf.image.start(ctx, cmd, platform, &opts.Config, rf.configPath, rf.reportDir)
			if err != nil {
				return err
			}
			var secrets []string
			defer func() { finishImage(secrets) }()
			live, err := runner.Open(ctx, p, opts)
			if err != nil {
				return usageError{fmt.Errorf("%s session could not start: %w", platform, err)}
			}
			defer func() { secrets = live.Secrets(); live.Close() }()
			fmt.Fprintf(stdout, "accord session · %s · report in %s\n"+
				"Steps done in the partner's system are shown as ACTION; n <text> adds a note at any time.\n", platform, rf.reportDir)
			for _, sc := range live.Screens() {
				fmt.Fprintf(stdout, "%s, to show the platform's side in a browser: %s\n  sign in: %s\n", sc.Name, sc.URL, sc.SignIn)
			}
			sum, err := live.Run(ctx, paths...)
			for err == nil && ctx.Err() == nil && !runner.Passed(sum.Verdict) {
				var again string
				if again, err = pickScenario(ctx, term, stdout, sum); err != nil || again == "" {
					break
				}
				sum, err = live.Run(ctx, again)
			}
			if errors.Is(err, runner.ErrNoScenarios) {
				return usageError{err}
			}
			if err != nil && !errors.Is(err, operator.ErrAborted) && ctx.Err() == nil {
				return fmt.Errorf("%s session: %w", platform, err)
			}
			// Notes written after the last pass reach the report too.
			if sum, err = live.Report(); err != nil {
				return fmt.Errorf("%s session: %w", platform, err)
			}
			fmt.Fprintf(stdout, "\n%s: %s against %s — %s; %d notes; report in %s\n",
				platform, sum.Verdict, sum.Partner, countsLine(sum.Counts), len(sum.Notes), rf.reportDir)
			printNotApplicable(stdout, sum)
			if ctx.Err() != nil {
				return failedError{msg: "the session was ended before every scenario ran\n"}
			}
			if !runner.Passed(sum.Verdict) {
				return failedError{msg: ""}
			}
			return nil
		},
	}
	rf.register(cmd.Flags(), "accord-session")
	return cmd
}

// pickScenario lists what did not pass and asks which to run again; "" is
// the operator finishing the session.
func pickScenario(ctx context.Context, term *operator.Terminal, out io.Writer, sum *runner.Summary) (string, error) {
	failed := sum.Failed()
	fmt.Fprintf(out, "\n%d of %d scenarios did not pass:\n", len(failed), sum.Counts.Scenarios)
	for i, f := range failed {
		fmt.Fprintf(out, "  %d. [%s] %s / %s (%s)\n     %s\n", i+1, f.Status, f.Feature, f.Name, f.Location, oneLine(f.Reason, 200))
	}
	for {
		line, err := term.Line(ctx, "Number to run that scenario again · n <text> note · Enter to finish\n> ")
		if err != nil || line == "" {
			return "", err
		}
		if line == "q" {
			return "", nil
		}
		if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(failed) {
			fmt.Fprintf(out, "Running again: %s\n", failed[n-1].Name)
			return failed[n-1].Location, nil
		}
		fmt.Fprintf(out, "  %q: a number from 1 to %d, or Enter to finish\n", line, len(failed))
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
