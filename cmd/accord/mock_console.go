package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/spec"
)

// defaultJournalLimit is how many exchanges a standalone mock keeps per
// client: enough to read back a day's development (GET /_accord/journal
// shows the last 100 by default), few enough that a mock left running for
// weeks under load stays within tens of megabytes.
const defaultJournalLimit = 1000

// consoleBuffer is how many exchanges may wait for the console before new
// ones are counted instead of printed.
const consoleBuffer = 4096

// mockShared is what every `accord mock` command shares: where it listens,
// the fixture it loads, its journal and its console.
type mockShared struct {
	addr, fixture string
	journalLimit  int
	quiet         bool
}

func (o *mockShared) flags(f *pflag.FlagSet, addr, fixture string) {
	f.StringVar(&o.addr, "addr", addr, "listen address")
	f.StringVar(&o.fixture, "fixture", "", fixture)
	f.IntVar(&o.journalLimit, "journal-limit", defaultJournalLimit,
		"exchanges kept per tenant (client, access key) in the journal; the oldest are dropped and counted; 0 keeps all, which grows without end")
	f.BoolVar(&o.quiet, "quiet", false, "print no line per exchange (for load tests; the journal still keeps them)")
}

func (o *mockShared) journal() (*journal.Journal, error) {
	if o.journalLimit < 0 {
		return nil, usagef("--journal-limit must be 0 or more, got %d", o.journalLimit)
	}
	return journal.NewBounded(o.journalLimit), nil
}

// startConsole prints one line per exchange the journal takes from now on,
// until ctx ends; wait returns once the last line is out. It runs beside the
// server, never on a request's path: a console that cannot keep up loses
// lines, and says how many.
func (o *mockShared) startConsole(ctx context.Context, j *journal.Journal, out io.Writer, line func(journal.Entry) string) (wait func()) {
	if o.quiet {
		return func() {}
	}
	feed := j.Follow(consoleBuffer)
	printed := make(chan struct{})
	go func() {
		defer close(printed)
		printExchanges(feed, out, line)
	}()
	go func() {
		<-ctx.Done()
		j.Unfollow(feed)
	}()
	return func() { <-printed }
}

// printExchanges writes the feed's entries through a buffer flushed whenever
// the feed runs dry, so a burst costs few writes and a quiet mock shows each
// line at once.
func printExchanges(feed *journal.Feed, out io.Writer, line func(journal.Entry) string) {
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	var missed int64
	for {
		e, ok := <-feed.C()
		if !ok {
			return
		}
		for ok {
			fmt.Fprintln(w, line(e))
			select {
			case e, ok = <-feed.C():
			default:
				ok = false
			}
		}
		if m := feed.Missed(); m > missed {
			fmt.Fprintf(w, "… %d exchanges not printed: the console fell behind (the journal has them; --quiet prints none)\n", m-missed)
			missed = m
		}
		_ = w.Flush()
	}
}

// exchangeLine is an exchange as one console line, with the violations that
// made the mock refuse a request and the warnings it let pass. hideQuery
// leaves the query out where it carries a secret (DIKIDI's ?token=).
func exchangeLine(e journal.Entry, hideQuery bool) string {
	var b strings.Builder
	u := e.URL
	if hideQuery {
		u, _, _ = strings.Cut(u, "?")
	}
	b.WriteString(e.Time.Format(time.TimeOnly))
	b.WriteByte(' ')
	if e.Direction == journal.Outbound {
		b.WriteString("outbound ")
	}
	b.WriteString(e.Method + " " + u + " → ")
	if e.Error != "" {
		b.WriteString(e.Error)
	} else {
		fmt.Fprint(&b, e.Status)
	}
	if e.Operation != "" {
		b.WriteString(" (" + e.Operation + ")")
	}
	if len(e.RequestViolations) > 0 {
		b.WriteString(" violations: " + spec.Summary(e.RequestViolations))
	}
	if len(e.Warnings) > 0 {
		b.WriteString(" warning: " + spec.Summary(e.Warnings))
	}
	return b.String()
}
