package kasmsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a simulator. The zero value gives a fresh install with
// real-server behaviour, instant session start and the real clock.
type Options struct {
	// Clock drives session lifecycles, expiry and API key expiry; nil means
	// the real time.
	Clock Clock
	// Seed makes generated ids, keys and tokens reproducible; 0 draws them
	// from crypto/rand.
	Seed uint64
	// SessionTiming sets how long a session spends in each state before the
	// next one; zero durations skip the state.
	SessionTiming SessionTiming
	// Autoscale makes sessions walk requested, provisioning, assigned and
	// starting (as on autoscaled server pools) instead of only starting.
	Autoscale bool
	// WrongSecretHTML500 reproduces the 1.15 defect where a wrong secret (or
	// a disabled key) on a key without an expiry date answers the HTML 500
	// page instead of 403 Access Denied.
	WrongSecretHTML500 bool
	// DocumentedStatusShape makes get_kasm_status answer sessions that are
	// not running yet with top-level operational_status, operational_message
	// and operational_progress, as the public documentation describes,
	// instead of 1.15's {"error_message": "This session is currently ..."}.
	DocumentedStatusShape bool
	// SharingAllowed is the All Users allow_kasm_sharing group setting; nil
	// means true.
	SharingAllowed *bool
	// MaxKasmsPerUser is the All Users max_kasms_per_user group setting; 0
	// means Kasm's default of 2. Use SetGroupSetting to allow none.
	MaxKasmsPerUser int
	// ConcurrentSessionLimit is the licence's concurrent session limit; 0
	// means unlimited (a Community licence allows 5).
	ConcurrentSessionLimit int
	// KeepaliveExpiration is the All Users keepalive_expiration group
	// setting; 0 means 3600 s.
	KeepaliveExpiration time.Duration
	// StrictReadOnly blocks read-only keys from update_user_attributes,
	// add_user_group, remove_user_group and keepalive, which 1.15 lets
	// through because the handlers are wrongly flagged read-only.
	StrictReadOnly bool
	// LenientMalformedIDs answers malformed UUIDs with the endpoint's
	// not-found error. By default the endpoints that hand the value straight
	// to PostgreSQL answer the HTML 500 page, as a real server does.
	LenientMalformedIDs bool
	// KeepaliveUserPermission lets keepalive accept the User permission, as
	// the documentation says, besides the Sessions Modify that 1.15 checks.
	KeepaliveUserPermission bool
	// Unlicensed answers every call with 403 "Access Denied. This feature is
	// not licensed".
	Unlicensed bool
	// Latency delays every answer (in real time, not Clock time).
	Latency time.Duration
	// ControlAPI exposes the test hooks as JSON endpoints under /__sim/ (see
	// the package's control.go); off by default because they need no
	// credentials.
	ControlAPI bool
	// AdminAPIKey and AdminAPIKeySecret fix the credentials of the seeded
	// all-permission key; empty means generated.
	AdminAPIKey       string
	AdminAPIKeySecret string
	// OnChange, when set, is called (outside the simulator's lock) after any
	// request or hook that changed the state, so a caller can persist it.
	OnChange func()
}

// SessionTiming holds how long a session stays in each lifecycle state.
// Requested, Provisioning and Assigned only apply with Options.Autoscale.
type SessionTiming struct {
	Requested    time.Duration
	Provisioning time.Duration
	Assigned     time.Duration
	Starting     time.Duration
	// Deleting is how long a destroyed or expired session stays in the
	// deleting state before it disappears.
	Deleting time.Duration
}

// Server is an in-memory Kasm server. Create one with New.
type Server struct {
	opts  Options
	clock Clock
	rand  *entropy

	mu           sync.Mutex
	rev          uint64 // Bumped by every state change; see touch.
	users        map[string]*UserRecord
	userOrder    []string
	usersByName  map[string]string
	groups       map[string]*GroupRecord
	groupOrder   []string
	images       map[string]*ImageRecord
	imageOrder   []string
	sessions     map[string]*SessionRecord
	sessionOrder []string
	tokens       map[string]*tokenRecord
	keys         map[string]*apiKey
	adminKey     string
	agent        agentServer

	ctlMu  sync.Mutex
	counts map[string]int
	faults map[string][]*faultEntry
}

const (
	publicPrefix    = "/api/public/"
	healthcheckPath = "/api/__healthcheck"
	// HealthcheckEndpoint is the name under which RequestCount and
	// InjectFault know GET /api/__healthcheck.
	HealthcheckEndpoint = "__healthcheck"
	maxBodyBytes        = 1 << 20
)

// New returns a simulator seeded like a fresh Kasm install (see seed.go).
func New(opts Options) *Server {
	s := newEmpty(opts)
	s.mu.Lock()
	s.seedLocked()
	s.mu.Unlock()
	return s
}

func newEmpty(opts Options) *Server {
	clock := opts.Clock
	if clock == nil {
		clock = realClock{}
	}
	return &Server{
		opts:        opts,
		clock:       clock,
		rand:        newEntropy(opts.Seed),
		users:       map[string]*UserRecord{},
		usersByName: map[string]string{},
		groups:      map[string]*GroupRecord{},
		images:      map[string]*ImageRecord{},
		sessions:    map[string]*SessionRecord{},
		tokens:      map[string]*tokenRecord{},
		keys:        map[string]*apiKey{},
		counts:      map[string]int{},
		faults:      map[string][]*faultEntry{},
	}
}

// now returns the clock's time in UTC at the microsecond precision that
// PostgreSQL timestamps keep.
func (s *Server) now() time.Time {
	return s.clock.Now().UTC().Truncate(time.Microsecond)
}

// touch records a state change; callers hold s.mu.
func (s *Server) touch() { s.rev++ }

// ServeHTTP answers Kasm API requests, the health check and, when enabled,
// the /__sim/ control endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.ControlAPI && strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}

	var name string
	switch {
	case r.URL.Path == healthcheckPath:
		name = HealthcheckEndpoint
	case strings.HasPrefix(r.URL.Path, publicPrefix):
		name = strings.TrimPrefix(r.URL.Path, publicPrefix)
	default:
		writeResponse(w, sanitizedError(http.StatusNotFound))
		return
	}
	s.countRequest(name)

	if !sleepContext(r.Context(), s.opts.Latency) {
		return
	}
	fault, faulted := s.takeFault(name)
	if faulted {
		if !sleepContext(r.Context(), fault.Latency) {
			return
		}
		if resp, done := fault.answerBefore(w); done {
			if resp != nil {
				writeResponse(w, *resp)
			}
			return
		}
	}

	var resp response
	if ep, known := endpoints[name]; known {
		resp = s.handle(r, name, ep)
	} else if name == HealthcheckEndpoint {
		resp = response{status: http.StatusOK, contentType: "application/json", body: []byte(`{"ok": true}`)}
	} else {
		resp = sanitizedError(http.StatusNotFound)
	}

	if faulted && fault.Kind == FaultLostAnswer {
		dropConnection(w)
		return
	}
	writeResponse(w, resp)
}

// handle applies the framework's body checks in CherryPy's order, then runs
// the auth pipeline and the endpoint under the state lock.
func (s *Server) handle(r *http.Request, name string, ep endpoint) response {
	if r.Method != http.MethodPost {
		// The handler finds no request.json and fails unhandled.
		return htmlError500()
	}
	_, hasLength := r.Header["Content-Length"]
	if r.ContentLength < 0 || (!hasLength && r.ContentLength == 0) {
		return sanitizedError(http.StatusLengthRequired)
	}
	if r.ContentLength == 0 {
		return htmlError500()
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mediaType != "application/json" && mediaType != "text/javascript") {
		return sanitizedError(http.StatusUnsupportedMediaType)
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return sanitizedError(http.StatusBadRequest)
	}
	if len(raw) > maxBodyBytes {
		return sanitizedError(http.StatusRequestEntityTooLarge)
	}
	body, err := decodeBody(raw)
	if err != nil {
		return sanitizedError(http.StatusBadRequest)
	}
	obj, isObject := body.(map[string]any)
	if !isObject {
		return htmlError500()
	}

	var resp response
	_ = s.withChange(func() error {
		resp = s.dispatch(&call{
			s:         s,
			name:      name,
			body:      obj,
			host:      r.Host,
			hdrKey:    r.Header.Get("api-key"),
			hdrSecret: r.Header.Get("api-key-secret"),
		}, ep)
		return nil
	})
	return resp
}

// withChange runs fn under the lock and notifies Options.OnChange when it
// changed the state.
func (s *Server) withChange(fn func() error) error {
	s.mu.Lock()
	before := s.rev
	err := fn()
	changed := s.rev != before
	s.mu.Unlock()
	if changed {
		s.notifyChange()
	}
	return err
}

func (s *Server) notifyChange() {
	if s.opts.OnChange != nil {
		s.opts.OnChange()
	}
}

// decodeBody parses one JSON value, keeping numbers as json.Number so that
// integers and floats stay distinguishable, and rejects trailing data.
func decodeBody(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode request body: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode request body: trailing data")
	}
	return v, nil
}

// response is a fully formed answer, built under the lock and written after
// it is released (or thrown away when a fault loses it).
type response struct {
	status      int
	contentType string
	body        []byte
	retryAfter  string
}

func writeResponse(w http.ResponseWriter, resp response) {
	h := w.Header()
	h.Set("Content-Type", resp.contentType)
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	if resp.retryAfter != "" {
		h.Set("Retry-After", resp.retryAfter)
	}
	w.WriteHeader(resp.status)
	// A failed write means the client went away; there is nobody to tell.
	_, _ = w.Write(resp.body)
}

// jsonResponse encodes v the way the Kasm API does: no HTML escaping.
func jsonResponse(status int, v any) response {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return htmlError500()
	}
	return response{status: status, contentType: "application/json", body: bytes.TrimRight(buf.Bytes(), "\n")}
}

// answer is a successful (HTTP 200) JSON answer.
func answer(v any) response { return jsonResponse(http.StatusOK, v) }

func empty() response { return answer(map[string]any{}) }

// errorResponse is Kasm's {"error_message": ...} answer.
func errorResponse(status int, msg string) response {
	return jsonResponse(status, map[string]any{"error_message": msg})
}

// errorf is errorResponse with formatting.
func errorf(status int, format string, args ...any) response {
	return errorResponse(status, fmt.Sprintf(format, args...))
}

// missingParameters is the answer to a request without a parameter the
// endpoint needs; endpoints differ in the status they send it with.
func missingParameters(status int) response {
	return errorResponse(status, "Invalid Request: Missing required parameters")
}

// unauthorized is the answer to a key without the permission an action
// needs.
func unauthorized() response {
	return errorResponse(http.StatusUnauthorized, "Unauthorized")
}

// htmlError500Body is what Kasm shows for an unhandled exception.
const htmlError500Body = "<html><body>An unhandled exception occurred check logs for details<body><html>"

func htmlError500() response {
	return response{
		status:      http.StatusInternalServerError,
		contentType: "text/html;charset=utf-8",
		body:        []byte(htmlError500Body),
	}
}

// sanitizedError is the plain-text body the Kasm proxy shows for framework
// errors (404, 411, 415, 400 on malformed JSON).
func sanitizedError(status int) response {
	return response{
		status:      status,
		contentType: "text/plain;charset=utf-8",
		body:        fmt.Appendf(nil, "An error has occurred %d %s - see logs for details", status, http.StatusText(status)),
	}
}

// sleepContext waits d unless ctx ends first; it reports whether the wait
// completed.
func sleepContext(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dropConnection closes the client's connection without an answer. The
// linger of zero turns the close into a TCP reset where possible. HTTP/2
// connections cannot be hijacked; aborting the handler resets the stream.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if tc, isTLS := conn.(interface{ NetConn() net.Conn }); isTLS {
		raw = tc.NetConn()
	}
	if tcp, isTCP := raw.(*net.TCPConn); isTCP {
		_ = tcp.SetLinger(0) // Best effort: a plain close is still a lost answer.
	}
	// Closing the raw connection skips TLS's close_notify, like a crash would.
	_ = raw.Close()
}
