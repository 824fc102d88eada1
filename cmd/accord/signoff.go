package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/signoff"
)

func init() { commands = append(commands, newKeygenCmd, newSignCmd, newVerifyCmd) }

// keyCmd completes a sign-off command, each of which takes the path of one
// key (or key pair) in its one flag: run gets the flag's value.
func keyCmd(cmd *cobra.Command, flag, usage string, run func(path string, args []string) error) *cobra.Command {
	var path string
	cmd.RunE = func(_ *cobra.Command, args []string) error { return run(path, args) }
	cmd.Flags().StringVar(&path, flag, "", usage)
	return cmd
}

func newKeygenCmd(stdout, _ io.Writer) *cobra.Command {
	return keyCmd(&cobra.Command{
		Use:   "keygen --out PATH",
		Short: "Write an Ed25519 key pair for signing acceptance reports (PATH and PATH.pub)",
		Args:  cobra.NoArgs,
	}, "out", "path of the private key; the public key goes to PATH.pub", func(out string, _ []string) error {
		if out == "" {
			return usagef("--out PATH is required")
		}
		if err := signoff.Keygen(out); err != nil {
			return usageError{err}
		}
		fmt.Fprintf(stdout, "wrote %s (private, keep it safe) and %s.pub\n", out, out)
		return nil
	})
}

func newSignCmd(stdout, _ io.Writer) *cobra.Command {
	return keyCmd(&cobra.Command{
		Use:   "sign --key KEY REPORT-DIR",
		Short: "Sign a passing report directory: writes signoff.json",
		Args:  cobra.ExactArgs(1),
	}, "key", "private key written by accord keygen", func(key string, args []string) error {
		if key == "" {
			return usagef("--key is required (create one with: accord keygen --out accord.key)")
		}
		priv, err := signoff.LoadPrivate(key)
		if err != nil {
			return usageError{err}
		}
		r, err := signoff.Sign(args[0], priv, time.Now())
		if errors.Is(err, signoff.ErrNotPassed) {
			return failedError{msg: "accord: " + err.Error()}
		}
		if err != nil {
			return usageError{err}
		}
		fmt.Fprintf(stdout, "signed %s: %s acceptance of %s, %d scenarios, %d files\n", args[0], r.Platform, r.Partner, len(r.Scenarios), len(r.Files))
		return nil
	})
}

func newVerifyCmd(stdout, _ io.Writer) *cobra.Command {
	return keyCmd(&cobra.Command{
		Use:   "verify [--pub KEY.pub] REPORT-DIR",
		Short: "Check a signed report directory: the signature and every file's hash",
		Long:  "Exit 0 when the sign-off holds, 1 when any byte was edited, added or removed, 2 when there is no sign-off to check.",
		Args:  cobra.ExactArgs(1),
	}, "pub", "require the signature of this public key", func(pubPath string, args []string) error {
		var trusted []byte
		if pubPath != "" {
			pub, err := signoff.LoadPublic(pubPath)
			if err != nil {
				return usageError{err}
			}
			trusted = pub
		}
		r, problems, err := signoff.Verify(args[0], trusted)
		if err != nil {
			return usageError{err}
		}
		if len(problems) > 0 {
			return failedError{msg: "accord: sign-off of " + args[0] + " does not hold:\n  " + strings.Join(problems, "\n  ")}
		}
		fmt.Fprintf(stdout, "sign-off holds: %s acceptance of %s (%s), signed %s, %d files intact\n", r.Platform, r.Partner, r.Verdict, r.SignedAt, len(r.Files))
		return nil
	})
}
