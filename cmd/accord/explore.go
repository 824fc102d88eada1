package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/explore"
	"github.com/accord-harness/accord/internal/runner"
)

func init() { commands = append(commands, newExploreCmd) }

func newExploreCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		rf   runFlags
		plan explore.Plan
	)
	cmd := &cobra.Command{
		Use:   "explore",
		Short: "Explore seeded random sequences of changes on both sides and check the whole state after each",
		Long: `Run a platform's @explore scenarios: seeded random sequences of changes on the platform's
side and in the partner's system (bookings made, cancelled and moved, breaks, working hours,
lost and repeated deliveries, short outages), with both sides' whole state compared after every
step. A failing sequence is shrunk to a short one and shown as Given/When/Then with every
difference, in the console and the report. The same seed gives the same sequence against the
same partner; without --seed, --sequences and --steps the feature file's fixed ones are used.

Exit codes: 0 every sequence kept both sides in agreement, 1 one did not, 2 usage or configuration error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rf.platform == "all" {
				return usagef("explore runs one platform at a time: --platform %s", oneOfThePlatforms())
			}
			if plan.Steps < 0 || plan.Sequences < 0 {
				return usagef("--steps and --sequences must not be negative")
			}
			if rf.tags == "" {
				rf.tags = "@explore"
			} else {
				rf.tags = "@explore && " + rf.tags // && binds loosest in godog's filter
			}
			return rf.run(cmd, stdout, func(cfg *runner.Config) { cfg.Explore = plan })
		},
	}
	f := cmd.Flags()
	rf.register(f, "accord-explore")
	f.Uint64Var(&plan.Seed, "seed", 0, "the first sequence's seed (default: the feature file's)")
	f.IntVar(&plan.Sequences, "sequences", 0, "how many sequences, from consecutive seeds (default: the feature file's)")
	f.IntVar(&plan.Steps, "steps", 0, "steps in each sequence (default: the feature file's)")
	return cmd
}
