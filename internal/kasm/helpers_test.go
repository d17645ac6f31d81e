package kasm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

//nolint:gosec // The example credentials of the public Kasm API document, not real ones.
const (
	testAPIKey    = "bMjMwTT0JKUQ"
	testAPISecret = "KUNAvRw4KLHGmldBxhRUD5sAhWkvJVzS"
)

// recordedRequest is what a fake server saw.
type recordedRequest struct {
	Endpoint  string
	Method    string
	Path      string
	Header    http.Header
	Body      map[string]any
	RawBody   []byte
	Attempted int // 1-based count of requests to this endpoint, this one included
	// Context is the server side request context; it ends when the client gives up.
	Context context.Context
}

// fakeServer is an httptest server whose answers come from a function and which records every
// request.
type fakeServer struct {
	*httptest.Server

	mu       sync.Mutex
	requests []recordedRequest
	answer   func(w http.ResponseWriter, req recordedRequest)
}

func newFakeServer(t *testing.T, answer func(w http.ResponseWriter, req recordedRequest)) *fakeServer {
	t.Helper()
	fs := &fakeServer{answer: answer}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	endpoint := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]

	fs.mu.Lock()
	n := 1
	for _, prev := range fs.requests {
		if prev.Endpoint == endpoint {
			n++
		}
	}
	req := recordedRequest{
		Endpoint: endpoint, Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(),
		Body: body, RawBody: raw, Attempted: n, Context: r.Context(),
	}
	fs.requests = append(fs.requests, req)
	answer := fs.answer
	fs.mu.Unlock()

	answer(w, req)
}

func (fs *fakeServer) count(endpoint string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := 0
	for _, r := range fs.requests {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}

// all returns every request seen so far.
func (fs *fakeServer) all() []recordedRequest {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]recordedRequest(nil), fs.requests...)
}

func (fs *fakeServer) last(endpoint string) recordedRequest {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := len(fs.requests) - 1; i >= 0; i-- {
		if fs.requests[i].Endpoint == endpoint {
			return fs.requests[i]
		}
	}
	return recordedRequest{}
}

// reply writes a JSON answer.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// replyText writes a non-JSON answer.
func replyText(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// dropConnection closes the connection without an answer, as a crashed proxy would.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Errorf("response writer cannot be hijacked")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// fakeSleeper replaces real waiting between attempts and records the waits.
type fakeSleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *fakeSleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *fakeSleeper) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// logRecord is one captured log line.
type logRecord struct {
	Level  string
	Msg    string
	Fields map[string]any
}

// recordingLogger captures everything the client logs.
type recordingLogger struct {
	mu      sync.Mutex
	records []logRecord
	onWarn  func()
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	l.records = append(l.records, logRecord{Level: level, Msg: msg, Fields: fields})
	hook := l.onWarn
	l.mu.Unlock()
	if level == "warn" && hook != nil {
		hook()
	}
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("debug", msg, fields)
}

func (l *recordingLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	l.add("trace", msg, fields)
}

func (l *recordingLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("warn", msg, fields)
}

func (l *recordingLogger) all() []logRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logRecord(nil), l.records...)
}

// text renders every record, fields included, as one string to search for leaks.
func (l *recordingLogger) text() string {
	var b strings.Builder
	for _, r := range l.all() {
		fmt.Fprintf(&b, "%s %s %v %#v\n", r.Level, r.Msg, r.Fields, r.Fields)
	}
	return b.String()
}

// newTestClient returns a client for baseURL whose retries do not really wait.
func newTestClient(t *testing.T, baseURL string, configure ...func(*Config)) (*Client, *fakeSleeper) {
	t.Helper()
	cfg := Config{
		BaseURL:      baseURL,
		APIKey:       testAPIKey,
		APIKeySecret: testAPISecret,
		MaxRetries:   DefaultMaxRetries,
	}
	for _, fn := range configure {
		fn(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	sleeper := &fakeSleeper{}
	c.sleep = sleeper.sleep
	return c, sleeper
}

// lookup follows a dotted path through decoded JSON.
func lookup(v any, path string) any {
	for _, key := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return tm
}

func timeEqual(got *time.Time, want time.Time) bool {
	return got != nil && got.Equal(want) && got.Location() == time.UTC
}
