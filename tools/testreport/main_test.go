package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// stream builds a test2json stream from compact rows of action, package,
// test and output; "-" stands for an empty field.
func stream(t *testing.T, rows ...[4]string) string {
	t.Helper()
	field := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
	var b strings.Builder
	for _, row := range rows {
		line, err := json.Marshal(event{Action: field(row[0]), Package: field(row[1]), Test: field(row[2]), Output: field(row[3])})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestRunCountsOutcomesAndAcceptanceTests(t *testing.T) {
	in := stream(t,
		[4]string{"run", "p", "TestAccUser", "-"},
		[4]string{"output", "p", "TestAccUser", "=== RUN   TestAccUser\n"},
		[4]string{"pass", "p", "TestAccUser/basic", "-"},
		[4]string{"pass", "p", "TestAccUser", "-"},
		[4]string{"output", "p", "TestAccGroup", "    group_test.go:9: needs simulator hooks\n"},
		[4]string{"output", "p", "TestAccGroup", "--- SKIP: TestAccGroup (0.00s)\n"},
		[4]string{"skip", "p", "TestAccGroup", "-"},
		[4]string{"output", "p", "TestParse", "    parse_test.go:3: want 1, got 2\n"},
		[4]string{"fail", "p", "TestParse", "-"},
		[4]string{"output", "p", "-", "FAIL\n"},
		[4]string{"output", "p", "-", "FAIL\tp\t0.1s\n"},
		[4]string{"fail", "p", "-", "-"},
	)
	var out, log bytes.Buffer
	got, err := run(strings.NewReader(in), &out, &log, false)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Passed: 2, Failed: 1, Skipped: 1, AccPassed: 1, AccSkipped: 1}
	if got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	if log.String() != in {
		t.Errorf("log does not hold the raw stream:\n%s", log.String())
	}
	for _, fragment := range []string{
		"want 1, got 2",
		"SKIP p TestAccGroup: group_test.go:9: needs simulator hooks",
		"FAIL\tp\t0.1s",
	} {
		if !strings.Contains(out.String(), fragment) {
			t.Errorf("report lacks %q:\n%s", fragment, out.String())
		}
	}
	if strings.Contains(out.String(), "TestAccUser") {
		t.Errorf("report shows the output of a passing test:\n%s", out.String())
	}
}

func TestRunFailsTestsCutShortByThePackage(t *testing.T) {
	in := stream(t,
		[4]string{"output", "p", "TestSlow", "=== RUN   TestSlow\n"},
		[4]string{"output", "p", "-", "panic: test timed out after 1s\n"},
		[4]string{"fail", "p", "-", "-"},
		[4]string{"output", "q", "TestKilled", "still running\n"},
	)
	var out, log bytes.Buffer
	got, err := run(strings.NewReader(in), &out, &log, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Failed != 2 || got.Passed != 0 {
		t.Errorf("counts = %+v, want the two unfinished tests failed", got)
	}
	for _, fragment := range []string{"=== RUN   TestSlow", "panic: test timed out", "still running"} {
		if !strings.Contains(out.String(), fragment) {
			t.Errorf("report lacks %q:\n%s", fragment, out.String())
		}
	}
}

func TestRunPassesThroughLinesOutsideTheStream(t *testing.T) {
	in := "# example.com/p\n./p.go:3:1: syntax error\n" + stream(t,
		[4]string{"build-output", "-", "-", "./q.go:1:1: undefined: x\n"},
	)
	var out, log bytes.Buffer
	if _, err := run(strings.NewReader(in), &out, &log, false); err != nil {
		t.Fatal(err)
	}
	for _, fragment := range []string{"./p.go:3:1: syntax error", "./q.go:1:1: undefined: x"} {
		if !strings.Contains(out.String(), fragment) {
			t.Errorf("report lacks %q:\n%s", fragment, out.String())
		}
	}
}

func TestRunWithoutTrailingNewline(t *testing.T) {
	in := strings.TrimSuffix(stream(t, [4]string{"pass", "p", "TestLast", "-"}), "\n")
	var out, log bytes.Buffer
	got, err := run(strings.NewReader(in), &out, &log, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Passed != 1 {
		t.Errorf("counts = %+v, want the last event counted", got)
	}
}
