// Command testreport condenses the `go test -json` stream read from stdin
// into what a person needs to see: package results, the full output of
// failing tests and one line per skipped top-level test. It saves the raw
// stream to a log file and writes the counts the test script checks.
//
// Usage:
//
//	go test -json ./... 2>&1 | testreport -log run.jsonl -counts run.counts
//
// The counts file holds one line of six integers: passed, failed and
// skipped tests (subtests included), then passed, failed and skipped
// top-level tests whose names start with TestAcc.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// acceptancePrefix marks the tests that drive a real Terraform CLI.
const acceptancePrefix = "TestAcc"

// event is one record of the test2json stream.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// Counts tallies test outcomes; the Acc fields cover top-level acceptance
// tests only, so that a suite where every acceptance test skipped is visible.
type Counts struct {
	Passed, Failed, Skipped          int
	AccPassed, AccFailed, AccSkipped int
}

// reporter turns events into the condensed report written to out.
type reporter struct {
	out     io.Writer
	verbose bool
	counts  Counts
	// pending holds the output of tests that have not finished yet, keyed by
	// package and test name, so it can be shown if the test fails.
	pending map[testKey]*bytes.Buffer
}

type testKey struct{ pkg, test string }

func newReporter(out io.Writer, verbose bool) *reporter {
	return &reporter{out: out, verbose: verbose, pending: make(map[testKey]*bytes.Buffer)}
}

// line handles one line of input, which is a JSON event unless the go
// command printed something outside the stream.
func (r *reporter) line(raw []byte) {
	var ev event
	if len(bytes.TrimSpace(raw)) == 0 {
		return
	}
	if err := json.Unmarshal(raw, &ev); err != nil || ev.Action == "" {
		r.print(string(raw))
		return
	}
	if r.verbose && ev.Output != "" {
		r.print(ev.Output)
	}
	if ev.Test == "" {
		r.packageEvent(ev)
		return
	}
	key := testKey{ev.Package, ev.Test}
	switch ev.Action {
	case "output":
		buf := r.pending[key]
		if buf == nil {
			buf = new(bytes.Buffer)
			r.pending[key] = buf
		}
		buf.WriteString(ev.Output)
	case "pass":
		r.counts.Passed++
		if isAcceptance(ev.Test) {
			r.counts.AccPassed++
		}
		delete(r.pending, key)
	case "skip":
		r.counts.Skipped++
		if isAcceptance(ev.Test) {
			r.counts.AccSkipped++
		}
		if !r.verbose && !strings.Contains(ev.Test, "/") {
			r.print(fmt.Sprintf("SKIP %s %s: %s\n", ev.Package, ev.Test, skipReason(r.pending[key])))
		}
		delete(r.pending, key)
	case "fail":
		r.fail(key)
	}
}

// packageEvent handles events that belong to a whole package: its result
// line and any build errors.
func (r *reporter) packageEvent(ev event) {
	switch ev.Action {
	case "build-output":
		if !r.verbose {
			r.print(ev.Output)
		}
	case "output":
		if r.verbose || ev.Output == "PASS\n" || ev.Output == "FAIL\n" || strings.HasPrefix(ev.Output, "=== ") {
			return
		}
		r.print(ev.Output)
	case "fail":
		// A package that fails while tests are still running (timeout,
		// panic, os.Exit) never reports them; show what they printed.
		for _, key := range r.unfinished(ev.Package) {
			r.fail(key)
		}
	}
}

// fail counts a failed test and shows everything it printed.
func (r *reporter) fail(key testKey) {
	r.counts.Failed++
	if isAcceptance(key.test) {
		r.counts.AccFailed++
	}
	if buf := r.pending[key]; buf != nil && !r.verbose {
		r.print(buf.String())
	}
	delete(r.pending, key)
}

// unfinished lists, in a stable order, the tests of pkg that started but
// never reported a result.
func (r *reporter) unfinished(pkg string) []testKey {
	var keys []testKey
	for key := range r.pending {
		if key.pkg == pkg {
			keys = append(keys, key)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].test < keys[j].test })
	return keys
}

// finish fails tests still pending at the end of the stream, which happens
// when the go command itself was killed.
func (r *reporter) finish() Counts {
	pkgs := make(map[string]bool)
	for key := range r.pending {
		pkgs[key.pkg] = true
	}
	names := make([]string, 0, len(pkgs))
	for pkg := range pkgs {
		names = append(names, pkg)
	}
	sort.Strings(names)
	for _, pkg := range names {
		for _, key := range r.unfinished(pkg) {
			r.fail(key)
		}
	}
	return r.counts
}

func (r *reporter) print(s string) {
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	// A write error to the terminal cannot be reported anywhere better.
	_, _ = io.WriteString(r.out, s)
}

// isAcceptance reports whether name is a top-level acceptance test.
func isAcceptance(name string) bool {
	return strings.HasPrefix(name, acceptancePrefix) && !strings.Contains(name, "/")
}

// skipReason picks the message a skipped test logged, which is the last
// line of its output that is not test framework bookkeeping.
func skipReason(buf *bytes.Buffer) string {
	if buf == nil {
		return "no reason given"
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- ") {
			continue
		}
		return line
	}
	return "no reason given"
}

// run copies in to the log, reports to out and returns the counts.
func run(in io.Reader, out, log io.Writer, verbose bool) (Counts, error) {
	rep := newReporter(out, verbose)
	reader := bufio.NewReader(in)
	for {
		raw, err := reader.ReadBytes('\n')
		if len(raw) > 0 {
			if _, werr := log.Write(raw); werr != nil {
				return Counts{}, fmt.Errorf("writing the log: %w", werr)
			}
			rep.line(raw)
		}
		if errors.Is(err, io.EOF) {
			return rep.finish(), nil
		}
		if err != nil {
			return Counts{}, fmt.Errorf("reading the test stream: %w", err)
		}
	}
}

func main() {
	logPath := flag.String("log", "", "file that receives the raw go test -json stream (required)")
	countsPath := flag.String("counts", "", "file that receives the six counts (required)")
	verbose := flag.Bool("v", false, "print the output of every test, not only failing ones")
	flag.Parse()
	if *logPath == "" || *countsPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := report(*logPath, *countsPath, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
}

func report(logPath, countsPath string, verbose bool) (err error) {
	// The path comes from the test script, not from untrusted input.
	log, err := os.Create(filepath.Clean(logPath))
	if err != nil {
		return fmt.Errorf("creating the log: %w", err)
	}
	defer func() {
		if cerr := log.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the log: %w", cerr)
		}
	}()
	counts, err := run(os.Stdin, os.Stdout, log, verbose)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%d %d %d %d %d %d\n",
		counts.Passed, counts.Failed, counts.Skipped,
		counts.AccPassed, counts.AccFailed, counts.AccSkipped)
	if err := os.WriteFile(countsPath, []byte(line), 0o600); err != nil {
		return fmt.Errorf("writing the counts: %w", err)
	}
	return nil
}
