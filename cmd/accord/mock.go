package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/shutdown"
)

func init() { commands = append(commands, newMockCmd) }

func newMockCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Serve a mock platform alone, to build a partner integration against it",
	}
	for _, e := range registry() {
		cmd.AddCommand(e.mock(stdout, stderr))
	}
	return cmd
}

// onOff reads a flag that is on or off.
func onOff(flag, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, usagef("%s must be on or off, got %q", flag, v)
}

// loadFixture is a mock's bundled fixture, or the one in the file at path
// when one is named.
func loadFixture[F any](path string, bundled func() (F, error), parse func([]byte) (F, error)) (F, error) {
	if path == "" {
		return bundled()
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		var none F
		return none, err
	}
	return parse(raw)
}

// listen opens the mock's listen address; base is its URL.
func (o *mockShared) listen() (ln net.Listener, base string, err error) {
	ln, err = net.Listen("tcp", o.addr)
	if err != nil {
		return nil, "", usagef("cannot listen on %s: %v", o.addr, err)
	}
	return ln, "http://" + ln.Addr().String(), nil
}

// serve serves h on ln until SIGINT or SIGTERM, printing the journal's
// exchanges beside the server, and says at the end what a bounded journal
// let go.
func (o *mockShared) serve(ctx context.Context, h http.Handler, ln net.Listener, j *journal.Journal, stdout io.Writer, line func(journal.Entry) string) error {
	ctx, stop := shutdown.OnSignal(ctx)
	defer stop()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	printed := o.startConsole(ctx, j, stdout, line)
	// Serve returns once the requests in flight have ended (or had their
	// grace): what they changed is to be saved after. A request that
	// outlived the grace does not make the stopping mock fail.
	err, _ := shutdown.Serve(ctx, 5*time.Second, nil, shutdown.Server{Server: srv, Listener: ln})
	stop()
	printed()
	if n := j.Dropped(); n > 0 {
		fmt.Fprintf(stdout, "journal: the %d oldest exchanges were dropped (--journal-limit %d per client)\n", n, j.Limit())
	}
	return err
}

// withJournalCounts tells a reader of the admin API how much of the traffic
// the journal still holds.
func withJournalCounts(h http.Handler, j *journal.Journal) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Accord-Journal-Limit", strconv.Itoa(j.Limit()))
		w.Header().Set("X-Accord-Journal-Dropped", strconv.FormatInt(j.Dropped(), 10))
		h.ServeHTTP(w, r)
	})
}
