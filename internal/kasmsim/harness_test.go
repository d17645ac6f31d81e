package kasmsim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// epoch is where every test's ManualClock starts.
var epoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// harness is a simulator behind an httptest server, driven by a manual
// clock and called with the seeded admin key unless a test says otherwise.
type harness struct {
	t      *testing.T
	sim    *kasmsim.Server
	srv    *httptest.Server
	clock  *kasmsim.ManualClock
	key    string
	secret string
}

func newHarness(t *testing.T, opts kasmsim.Options) *harness {
	t.Helper()
	clock := kasmsim.NewManualClock(epoch)
	if opts.Clock == nil {
		opts.Clock = clock
	}
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	sim := kasmsim.New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	key, secret := sim.AdminKey()
	return &harness{t: t, sim: sim, srv: srv, clock: clock, key: key, secret: secret}
}

// result is one decoded answer.
type result struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// errorMessage returns the answer's error_message, or "" without one.
func (r result) errorMessage() string {
	msg, _ := r.body["error_message"].(string)
	return msg
}

// call posts body to endpoint with the admin key.
func (h *harness) call(endpoint string, body map[string]any) result {
	h.t.Helper()
	return h.callAs(h.key, h.secret, endpoint, body)
}

// callAs posts body to endpoint with the given credentials in the body.
func (h *harness) callAs(key, secret, endpoint string, body map[string]any) result {
	h.t.Helper()
	b := map[string]any{}
	for k, v := range body {
		b[k] = v
	}
	if key != "" {
		b["api_key"] = key
	}
	if secret != "" {
		b["api_key_secret"] = secret
	}
	data, err := json.Marshal(b)
	if err != nil {
		h.t.Fatalf("encode body: %v", err)
	}
	req, err := http.NewRequestWithContext(h.t.Context(), http.MethodPost, h.srv.URL+"/api/public/"+endpoint, bytes.NewReader(data))
	if err != nil {
		h.t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return h.do(req)
}

// do sends a prepared request and decodes a JSON object answer when there
// is one.
func (h *harness) do(req *http.Request) result {
	h.t.Helper()
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	raw, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); cerr != nil {
		h.t.Fatalf("close answer: %v", cerr)
	}
	if err != nil {
		h.t.Fatalf("read answer: %v", err)
	}
	r := result{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			h.t.Fatalf("decode answer %q: %v", raw, err)
		}
	}
	return r
}

// ok calls endpoint and fails the test unless the answer is HTTP 200
// without an error_message.
func (h *harness) ok(endpoint string, body map[string]any) map[string]any {
	h.t.Helper()
	r := h.call(endpoint, body)
	if r.status != http.StatusOK || r.errorMessage() != "" {
		h.t.Fatalf("%s: status %d, body %s", endpoint, r.status, r.raw)
	}
	return r.body
}

// expectError checks an answer's status and error_message.
func expectError(t *testing.T, r result, status int, msg string) {
	t.Helper()
	if r.status != status || r.errorMessage() != msg {
		t.Fatalf("got status %d body %s; want status %d error_message %q", r.status, r.raw, status, msg)
	}
}

// expectHTML500 checks for Kasm's unhandled-exception page.
func expectHTML500(t *testing.T, r result) {
	t.Helper()
	if r.status != http.StatusInternalServerError || r.raw != "<html><body>An unhandled exception occurred check logs for details<body><html>" {
		t.Fatalf("got status %d body %q; want the HTML 500 page", r.status, r.raw)
	}
}

// createUser creates a user through the API and returns its hex id.
func (h *harness) createUser(username string) string {
	h.t.Helper()
	body := h.ok("create_user", map[string]any{"target_user": map[string]any{"username": username}})
	return at[string](h.t, body, "user", "user_id")
}

// requestKasm starts a session for userID and returns the answer.
func (h *harness) requestKasm(userID, imageID string, extra map[string]any) map[string]any {
	h.t.Helper()
	body := map[string]any{"user_id": userID, "image_id": imageID}
	for k, v := range extra {
		body[k] = v
	}
	return h.ok("request_kasm", body)
}

// restrictedKey creates an API key with exactly these permissions.
func (h *harness) restrictedKey(name string, perms ...kasmsim.Permission) (string, string) {
	return h.sim.CreateAPIKey(kasmsim.APIKeySpec{Name: name, Permissions: perms})
}

// obj returns body[key] as a JSON object, failing the test otherwise.
func obj(t *testing.T, body map[string]any, key string) map[string]any {
	t.Helper()
	return at[map[string]any](t, body, key)
}

// list returns body[key] as a JSON array, failing the test otherwise.
func list(t *testing.T, body map[string]any, key string) []any {
	t.Helper()
	return at[[]any](t, body, key)
}

// dashedID renders a hex id in the 8-4-4-4-12 form.
func dashedID(id string) string {
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

// userID looks a seeded or created user up by name through the Go API.
func (h *harness) userID(username string) string {
	h.t.Helper()
	u, ok := h.sim.UserByName(username)
	if !ok {
		h.t.Fatalf("no user %q", username)
	}
	return u.ID
}

// at walks a decoded JSON value along path (object keys and array indexes)
// and returns what it finds as T, failing the test when the path or the
// type does not match.
func at[T any](t *testing.T, v any, path ...any) T {
	t.Helper()
	cur := v
	for i, step := range path {
		switch key := step.(type) {
		case string:
			m, isObject := cur.(map[string]any)
			if !isObject {
				t.Fatalf("path %v: %v is not an object at step %d", path, cur, i)
			}
			cur = m[key]
		case int:
			l, isList := cur.([]any)
			if !isList || key >= len(l) {
				t.Fatalf("path %v: %v has no element %d", path, cur, key)
			}
			cur = l[key]
		}
	}
	out, matches := cur.(T)
	if !matches {
		t.Fatalf("path %v: %#v is a %T, want %T", path, cur, cur, out)
	}
	return out
}
