package operator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/runner"
	"github.com/accord-harness/accord/internal/syncbuf"
)

// fakeDriver records the actions it was asked to do.
type fakeDriver struct {
	driver.Driver
	acted []string
	views map[string]string // name → JSON
}

func (f *fakeDriver) View(_ context.Context, name string, out any) error {
	return json.Unmarshal([]byte(f.views[name]), out)
}

func (f *fakeDriver) Base() string { return "http://127.0.0.1:7070" }

func (f *fakeDriver) Act(_ context.Context, action string, _ any, result any) error {
	f.acted = append(f.acted, action)
	if r, ok := result.(*bookResult); ok {
		r.BookingID, r.Seq = "by-driver", 7
	}
	return nil
}

type bookResult struct {
	BookingID string `json:"booking_id"`
	Seq       int64  `json:"seq"`
}

// operatorTypes answers each prompt (a line starting "> ") with the next line, as a person
// would: only once the prompt is on screen.
func operatorTypes(t *testing.T, screen *syncbuf.Buffer, in io.Writer, lines ...string) {
	t.Helper()
	go func() {
		for i, line := range lines {
			deadline := time.Now().Add(10 * time.Second)
			for strings.Count(screen.String(), "\n> ") <= i && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond) // waiting for the prompt to be drawn
			}
			_, _ = io.WriteString(in, line+"\n")
		}
	}()
}

var book = map[string]string{
	"book-visit":            `Book {{.service_id}} at {{when .start}}.`,
	"book-visit.booking_id": "The visit's id",
}

func TestManualAction(t *testing.T) {
	params := map[string]any{"service_id": "svc-consult", "start": "2026-11-30T11:00:00+01:00"}
	tests := []struct {
		name    string
		lines   []string
		want    bookResult
		acted   int
		err     string
		skipped string
		aborted bool
		screen  []string
	}{
		{name: "done by hand, the id answered", lines: []string{"", "visit-9", "x", "12"}, want: bookResult{BookingID: "visit-9", Seq: 12},
			screen: []string{"Book svc-consult at Mon 30 Nov 2026 11:00 (UTC+01:00).", `POST http://127.0.0.1:7070/actions {"action":"book-visit"`, "The visit's id (booking_id)?", "seq (seq)?", `"x" is not a whole number`}},
		{name: "left to the driver", lines: []string{"a"}, want: bookResult{BookingID: "by-driver", Seq: 7}, acted: 1},
		{name: "refused by the partner's system", lines: []string{"r slot is taken"}, err: "the operator reports the partner's system refused book-visit: slot is taken"},
		{name: "skipped with a reason", lines: []string{"s", "s no receptionist today"}, skipped: "book-visit: no receptionist today",
			err: "skipped: the operator skipped book-visit: no receptionist today", screen: []string{`"s": say it again`}},
		{name: "the session ended", lines: []string{"q"}, aborted: true, err: ErrAborted.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, w := io.Pipe()
			defer w.Close()
			screen := &syncbuf.Buffer{}
			aborted := false
			term := New(in, screen, false, func() { aborted = true })
			defer term.Close()
			fd := &fakeDriver{}
			d := term.Manual(fd, runner.Staff{Instructions: book})
			operatorTypes(t, screen, w, tt.lines...)
			var got bookResult
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := d.Act(ctx, "book-visit", params, &got)
			require.NotErrorIs(t, err, context.DeadlineExceeded, screen.String())
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
			} else {
				require.NoError(t, err, screen.String())
				assert.Equal(t, tt.want, got)
			}
			assert.Len(t, fd.acted, tt.acted)
			reason, ok := term.TakeSkip()
			assert.Equal(t, tt.skipped != "", ok)
			assert.Equal(t, tt.skipped, reason)
			if tt.skipped != "" {
				assert.True(t, errors.Is(err, godog.ErrSkip), "a step passing the error on is skipped")
				var sk *driver.Skipped
				assert.True(t, errors.As(err, &sk))
			}
			assert.Equal(t, tt.aborted, aborted)
			for _, s := range tt.screen {
				assert.Contains(t, screen.String(), s)
			}
		})
	}
}

// TestActionsWithoutInstructionGoToTheDriver: jobs such as activate are the
// partner's own, in a joint session as in an automated run.
func TestActionsWithoutInstructionGoToTheDriver(t *testing.T) {
	term := New(strings.NewReader(""), io.Discard, false, nil)
	defer term.Close()
	fd := &fakeDriver{}
	require.NoError(t, term.Manual(fd, runner.Staff{Instructions: book}).Act(context.Background(), "activate", nil, nil))
	assert.Equal(t, []string{"activate"}, fd.acted)
}

// TestTypedAheadLinesDoNotAnswer: an Enter pressed while the automated part
// ran must not confirm an instruction nobody has read; notes count at any time.
func TestTypedAheadLinesDoNotAnswer(t *testing.T) {
	in, w := io.Pipe()
	defer w.Close()
	screen := &syncbuf.Buffer{}
	term := New(in, screen, false, nil)
	defer term.Close()
	term.ScenarioStarted("bookings.feature", "A visit")
	_, _ = io.WriteString(w, "\n")
	_, _ = io.WriteString(w, "n the UI was slow\n")
	require.Eventually(t, func() bool { return len(term.Notes()) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Contains(t, screen.String(), "nothing is waiting for an answer")
	assert.Contains(t, term.Notes()[0], "A visit · the UI was slow")

	operatorTypes(t, screen, w, "the answer")
	got, err := term.Ask(context.Background(), "Question?")
	require.NoError(t, err)
	assert.Equal(t, "the answer", got)
}

// TestInputEnding ends the session at the next question.
func TestInputEnding(t *testing.T) {
	aborted := false
	term := New(strings.NewReader(""), io.Discard, false, func() { aborted = true })
	defer term.Close()
	_, err := term.Ask(context.Background(), "Question?")
	assert.ErrorIs(t, err, ErrAborted)
	assert.True(t, aborted)
}

// TestStaffInstructionsNameThingsAndTypedIdsAreCheckedAtOnce: the operator
// reads the names the staff use, and an id typed wrong is asked again at
// once, saying what the partner's view holds.
func TestStaffInstructionsNameThingsAndTypedIdsAreCheckedAtOnce(t *testing.T) {
	staff := runner.Staff{
		Instructions: map[string]string{
			"add-record":            `Book {{name "master" .master_id}} for {{name "service" .service_id}} ({{name "room" 4}}).`,
			"add-record.booking_id": "The record's id",
		},
		Names:  map[string]string{"master 201": "Anna Smirnova", "service 301": "Women's haircut"},
		Checks: map[string]string{"add-record.booking_id": "records.id"},
	}
	in, w := io.Pipe()
	defer w.Close()
	screen := &syncbuf.Buffer{}
	term := New(in, screen, false, func() {})
	defer term.Close()
	fd := &fakeDriver{views: map[string]string{"records": `[{"id":"r-1"},{"id":"r-22"}]`}}
	d := term.Manual(fd, staff)
	operatorTypes(t, screen, w, "", "r-2", "r-22", "5")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got bookResult
	require.NoError(t, d.Act(ctx, "add-record", map[string]any{"master_id": 201, "service_id": 301}, &got), screen.String())
	assert.Equal(t, bookResult{BookingID: "r-22", Seq: 5}, got)
	assert.Contains(t, screen.String(), "Book Anna Smirnova (master 201) for Women's haircut (service 301) (room 4).")
	assert.Contains(t, screen.String(), `the partner's records view has no id "r-2" (2 items there): check it and type it again`)
}
