// Command accord runs acceptance and blackbox conformance checks of partner
// integrations against mock booking platforms.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/version"
)

// Exit codes are part of accord's contract with CI gates.
const (
	exitOK     = 0
	exitFailed = 1 // a scenario, a probe or a check failed
	exitUsage  = 2 // bad flags, a broken config file, an unknown platform or fault
)

// usageError marks errors caused by the caller's input, so main can exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// failedError marks a verdict of "failed": the run worked, the partner did not pass.
type failedError struct{ msg string }

func (e failedError) Error() string { return e.msg }

// commands holds the constructors of the subcommands; each subcommand's file
// appends to it in init, so subcommands never share a file.
var commands []func(stdout, stderr io.Writer) *cobra.Command

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "accord",
		Short:         "Acceptance and blackbox conformance harness for booking-platform partner integrations",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.Version,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	for _, c := range commands {
		root.AddCommand(c(stdout, stderr))
	}
	root.AddCommand(&cobra.Command{
		Use: "version", Short: "Print accord's version", Args: cobra.NoArgs,
		Run: func(*cobra.Command, []string) { fmt.Fprintf(stdout, "accord version %s\n", version.Version) },
	})
	return root
}

func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var fe failedError
	if errors.As(err, &fe) {
		if fe.msg != "" {
			fmt.Fprintln(stderr, fe.msg)
		}
		return exitFailed
	}
	// Everything else is something the caller can fix: a flag, a config
	// file, an unreachable partner named in the config.
	fmt.Fprintln(stderr, "accord:", err)
	return exitUsage
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
