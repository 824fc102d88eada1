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

func newKeygenCmd(stdout, _ io.Writer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen --out PATH",
		Short: "Write an Ed25519 key pair for signing acceptance reports (PATH and PATH.pub)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				return usagef("--out PATH is required")
			}
			if err := signoff.Keygen(out); err != nil {
				return usageError{err}
			}
			fmt.Fprintf(stdout, "wrote %s (private, keep it safe) and %s.pub\n", out, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "path of the private key; the public key goes to PATH.pub")
	return cmd
}

func newSignCmd(stdout, _ io.Writer) *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "sign --key KEY REPORT-DIR",
		Short: "Sign a passing report directory: writes signoff.json",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
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
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "private key written by accord keygen")
	return cmd
}

func newVerifyCmd(stdout, _ io.Writer) *cobra.Command {
	var pubPath string
	cmd := &cobra.Command{
		Use:   "verify [--pub KEY.pub] REPORT-DIR",
		Short: "Check a signed report directory: the signature and every file's hash",
		Long:  "Exit 0 when the sign-off holds, 1 when any byte was edited, added or removed, 2 when there is no sign-off to check.",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
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
		},
	}
	cmd.Flags().StringVar(&pubPath, "pub", "", "require the signature of this public key")
	return cmd
}
