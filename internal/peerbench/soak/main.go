// Command soak keeps `accord mock docplanner` under load for a while and
// says, minute by minute, how many getSlots calls it answered a second and
// how much memory it held (resident set), so that a mock left running can be
// seen not to slow down or grow. It starts the binary itself, seeds the
// sandbox client over the mock's API, and drives it from one client:
//
//	go run ./internal/peerbench/soak -bin bin/accord -for 5m
//
// Every argument after -- goes to `accord mock docplanner` (the default is
// --rate-limits off --quiet). Linux only: the resident set is read from
// /proc.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"time"

	docplannerfixture "github.com/accord-harness/accord/fixtures/docplanner"
	"github.com/accord-harness/accord/internal/peerbench"
)

func main() {
	bin := flag.String("bin", "bin/accord", "the accord binary")
	total := flag.Duration("for", 5*time.Minute, "how long to keep the mock under load")
	step := flag.Duration("step", time.Minute, "how often to report")
	workers := flag.Int("workers", 16, "connections at once")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		args = []string{"--rate-limits", "off", "--quiet"}
	}
	if *total <= 0 || *step <= 0 || *workers < 1 {
		fmt.Fprintln(os.Stderr, "soak: -for, -step and -workers must be positive")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *bin, args, *total, *step, *workers, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin string, args []string, total, step time.Duration, workers int, out io.Writer) error {
	cmd := exec.CommandContext(ctx, bin, append([]string{"mock", "docplanner", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	base, err := listening(stdout)
	if err != nil {
		return err
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }() // the console, if any, must not block the mock

	f, err := docplannerfixture.Clinic()
	if err != nil {
		return err
	}
	client := peerbench.NewClient(workers)
	d, err := peerbench.SeedDocplanner(ctx, client, base, "accord-sandbox", "accord-sandbox-secret", f.Location())
	if err != nil {
		return err
	}
	target := peerbench.Target{Name: "mock", Request: d.GetSlots, Status: http.StatusOK}
	fmt.Fprintf(out, "%s %s: getSlots, %d connections\n", bin, strings.Join(args, " "), workers)
	// The mock's CPU time per answer moves far less than its rate when
	// others load the machine: a mock whose work grew with its history
	// would show it there.
	fmt.Fprintln(out, "elapsed\treq/s\tmock CPU µs/req\tRSS MB\tload")
	var first, last struct{ rate, cpu, rss float64 }
	cpu0, err := processCPU(cmd.Process.Pid)
	if err != nil {
		return err
	}
	for elapsed := time.Duration(0); elapsed < total; {
		d := min(step, total-elapsed)
		n, err := peerbench.DriveFor(ctx, client, target, workers, d)
		if err != nil {
			return err
		}
		elapsed += d
		rss, err := residentMB(cmd.Process.Pid)
		if err != nil {
			return err
		}
		cpu1, err := processCPU(cmd.Process.Pid)
		if err != nil {
			return err
		}
		last.rate, last.rss = float64(n)/d.Seconds(), rss
		last.cpu = float64((cpu1 - cpu0).Microseconds()) / float64(max(n, 1))
		cpu0 = cpu1
		fmt.Fprintf(out, "%s\t%.0f\t%.0f\t%.1f\t%s\n", elapsed, last.rate, last.cpu, last.rss, loadavg())
		if elapsed == d {
			first = last
		}
	}
	// The targets: the last step within 10 % of the first, and less than
	// 50 MB more resident after the first step.
	fmt.Fprintf(out, "last/first step: %.2f of the rate, %.2f of the CPU per request, %+.1f MB resident\n",
		last.rate/first.rate, last.cpu/first.cpu, last.rss-first.rss)
	return nil
}

var listenLine = regexp.MustCompile(`listening on (\S+)`)

// listening reads the mock's first line for its address.
func listening(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if m := listenLine.FindStringSubmatch(line); m != nil {
		return "http://" + m[1], nil
	}
	if err == nil {
		err = errors.New("no address")
	}
	return "", fmt.Errorf("the mock did not say where it listens (%q): %w", line, err)
}

// residentMB is a process's resident set, from /proc.
func residentMB(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// processCPU is a process's CPU time so far (user and system, every
// thread), from /proc: clock ticks of 1/100 s, as Linux reports them to
// user space.
func processCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: fields count from its
	// closing parenthesis; utime and stime are fields 14 and 15.
	_, rest, ok := strings.Cut(string(raw), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// loadavg is the machine's one-minute load, for the reader to weigh the
// rate against.
func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	one, _, _ := strings.Cut(string(raw), " ")
	return one
}
