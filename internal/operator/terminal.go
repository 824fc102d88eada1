// Package operator is the person at the terminal in a joint acceptance
// session (accord session). Staff actions a scenario needs in the partner's
// own system become instructions; the operator does them and confirms,
// answers what the scenario needs to know, says the system refused, or skips
// with a reason, and may write notes for the report at any time. The
// scenarios and their checks are the same as in an automated run.
package operator

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ErrAborted is the operator ending the session (q, or the input closing).
var ErrAborted = errors.New("the operator ended the session")

// Terminal reads the operator's lines and writes instructions and progress.
type Terminal struct {
	out io.Writer
	tty bool
	now func() time.Time

	lines chan string // what the operator typed, notes taken out
	done  chan struct{}

	mu       sync.Mutex
	waiting  bool
	notes    []string
	skip     *skip
	abort    func() // cancels the session's context on q
	progress progress
	closed   bool
}

type skip struct{ action, reason string }

// New reads the operator's lines from in and writes to out; tty means out is
// a terminal, which gets a live status line. abort is called when the
// operator ends the session.
func New(in io.Reader, out io.Writer, tty bool, abort func()) *Terminal {
	t := &Terminal{out: out, tty: tty, now: time.Now, lines: make(chan string, 64), done: make(chan struct{}), abort: abort}
	t.progress.t = t
	go t.read(in)
	if tty {
		go t.tick()
	}
	return t
}

// Close stops the live status line.
func (t *Terminal) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.closed = true
		close(t.done)
		t.clearStatusLocked()
	}
}

// read takes the operator's lines: a note is kept at once, whatever is
// running; anything else goes to the question waiting for it, or is said to
// be ignored when nothing waits.
func (t *Terminal) read(in io.Reader) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 4096), 64*1024)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimRight(sc.Text(), "\r"))
		if text, ok := strings.CutPrefix(line, "n "); ok {
			t.Note(strings.TrimSpace(text))
			continue
		}
		t.mu.Lock()
		waiting := t.waiting
		t.mu.Unlock()
		if !waiting {
			t.printf("  (nothing is waiting for an answer; %q ignored. n <text> adds a note)\n", line)
			continue
		}
		select {
		case t.lines <- line:
		default: // the operator typed far ahead: drop rather than block notes
		}
	}
	close(t.lines)
}

// Note keeps a note for the report, with the time and the scenario it was
// written in.
func (t *Terminal) Note(text string) {
	if text == "" {
		return
	}
	t.mu.Lock()
	where := t.progress.scenario
	if where == "" {
		where = "session"
	}
	t.notes = append(t.notes, fmt.Sprintf("%s · %s · %s", t.now().Format("15:04:05"), where, text))
	again := ""
	if t.waiting {
		again = "> " // the question still stands
	}
	t.mu.Unlock()
	t.printf("  noted.\n%s", again)
}

// Notes are the operator's notes so far.
func (t *Terminal) Notes() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.notes...)
}

// TakeSkip reports an action skipped since the last call, and why.
func (t *Terminal) TakeSkip() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.skip
	t.skip = nil
	if s == nil {
		return "", false
	}
	return s.action + ": " + s.reason, true
}

// ask prints prompt and returns the operator's next line. Lines typed
// before the question was shown are dropped: a stray Enter during the
// automated part must not confirm an instruction nobody has read.
func (t *Terminal) ask(ctx context.Context, prompt string) (string, error) {
drain:
	for {
		select {
		case _, ok := <-t.lines:
			if !ok {
				return "", t.inputEnded()
			}
		default:
			break drain
		}
	}
	t.mu.Lock()
	t.clearStatusLocked()
	t.waiting = true
	fmt.Fprint(t.out, prompt)
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.waiting = false
		t.mu.Unlock()
	}()
	select {
	case line, ok := <-t.lines:
		if !ok {
			return "", t.inputEnded()
		}
		return line, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Ask asks a question until it gets a non-empty answer.
func (t *Terminal) Ask(ctx context.Context, question string) (string, error) {
	for {
		line, err := t.ask(ctx, question+"\n> ")
		if err != nil || line != "" {
			return line, err
		}
	}
}

// Write prints p on the terminal, as the terminal's own lines are: whoever
// else writes the session's console (its banner, its menu) goes through
// here, so that no two writers interleave with the input reader's echo.
func (t *Terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clearStatusLocked()
	return t.out.Write(p)
}

func (t *Terminal) printf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clearStatusLocked()
	fmt.Fprintf(t.out, format, args...)
}

// inputEnded is a question nobody can answer any more: the session ends
// rather than fail every scenario that follows.
func (t *Terminal) inputEnded() error {
	t.printf("\n(the operator's input ended)\n")
	_ = t.end()
	return fmt.Errorf("%w: its input ended", ErrAborted)
}

// end is q: the session stops here.
func (t *Terminal) end() error {
	if t.abort != nil {
		t.abort()
	}
	return ErrAborted
}

// Line shows prompt and returns the operator's next line, empty or not.
func (t *Terminal) Line(ctx context.Context, prompt string) (string, error) {
	return t.ask(ctx, prompt)
}
