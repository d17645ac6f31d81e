package kasm_test

import (
	"errors"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// simStart is where every simulator clock in these tests starts. A fixed instant with no
// sub-second part keeps the dates Kasm prints exactly comparable.
var simStart = time.Date(2025, time.March, 3, 9, 30, 0, 0, time.UTC)

var (
	hexIDPattern    = regexp.MustCompile(`^[0-9a-f]{32}$`)
	dashedIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// simEnv is one simulator behind a real HTTP server, with a client holding its admin key.
type simEnv struct {
	sim    *kasmsim.Server
	clock  *kasmsim.ManualClock
	server *httptest.Server
	client *kasm.Client
}

// newSimEnv starts a simulator driven by a manual clock (opts.Clock is replaced) and a client
// that retries quickly, so that retry tests take milliseconds.
func newSimEnv(t *testing.T, opts kasmsim.Options) *simEnv {
	t.Helper()
	clock := kasmsim.NewManualClock(simStart)
	opts.Clock = clock
	sim := kasmsim.New(opts)
	server := httptest.NewServer(sim)
	t.Cleanup(server.Close)
	key, secret := sim.AdminKey()
	return &simEnv{
		sim:    sim,
		clock:  clock,
		server: server,
		client: newSimClient(t, server.URL, key, secret),
	}
}

// newSimClient returns a client for baseURL with four quick retries.
func newSimClient(t *testing.T, baseURL, key, secret string) *kasm.Client {
	t.Helper()
	client, err := kasm.NewClient(kasm.Config{
		BaseURL:        baseURL,
		APIKey:         key,
		APIKeySecret:   secret,
		MaxRetries:     kasm.DefaultMaxRetries,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   5 * time.Millisecond,
		RequestTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return client
}

// createUser creates a user through the client and fails the test on error.
func (e *simEnv) createUser(t *testing.T, username string) *kasm.User {
	t.Helper()
	user, err := e.client.CreateUser(t.Context(), kasm.CreateUserRequest{Username: username})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", username, err)
	}
	return user
}

// createGroup creates a group through the client and fails the test on error.
func (e *simEnv) createGroup(t *testing.T, name string, priority int) *kasm.Group {
	t.Helper()
	group, err := e.client.CreateGroup(t.Context(), kasm.CreateGroupRequest{Name: name, Priority: priority})
	if err != nil {
		t.Fatalf("CreateGroup(%q): %v", name, err)
	}
	return group
}

// requestSession starts a session of the Chrome image for userID and fails the test on error.
func (e *simEnv) requestSession(t *testing.T, userID string) *kasm.RequestKasmResponse {
	t.Helper()
	resp, err := e.client.RequestKasm(t.Context(), kasm.RequestKasmRequest{UserID: userID, ImageID: kasmsim.ImageChromeID})
	if err != nil {
		t.Fatalf("RequestKasm: %v", err)
	}
	return resp
}

// usersNamed counts the simulator's users with this (lower-case) username.
func (e *simEnv) usersNamed(username string) int {
	n := 0
	for _, u := range e.sim.Users() {
		if u.Username == username {
			n++
		}
	}
	return n
}

// dashedID turns 32 hex digits into the 36-character form some Kasm answers use.
func dashedID(t *testing.T, hex string) string {
	t.Helper()
	if !hexIDPattern.MatchString(hex) {
		t.Fatalf("dashedID: %q is not 32 lower-case hex digits", hex)
	}
	return hex[:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:]
}

// lastSegment returns what follows the last slash of a connection path or link: the session
// token in every URL Kasm hands out.
func lastSegment(link string) string {
	return link[strings.LastIndex(link, "/")+1:]
}

// wantHexID fails the test unless id is 32 lower-case hex digits.
func wantHexID(t *testing.T, what, id string) {
	t.Helper()
	if !hexIDPattern.MatchString(id) {
		t.Errorf("%s = %q, want 32 lower-case hex digits", what, id)
	}
}

// wantErrorIs fails the test unless err matches target.
func wantErrorIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want one matching %v", what, err, target)
	}
}

// wantAPIMessage fails the test unless err is an *APIError carrying message.
func wantAPIMessage(t *testing.T, what string, err error, message string) {
	t.Helper()
	var apiErr *kasm.APIError
	if !errors.As(err, &apiErr) {
		t.Errorf("%s: error = %v, want an *APIError", what, err)
		return
	}
	if apiErr.Message != message {
		t.Errorf("%s: message = %q, want %q", what, apiErr.Message, message)
	}
}

// wantCount fails the test unless endpoint received exactly want requests.
func (e *simEnv) wantCount(t *testing.T, endpoint string, want int) {
	t.Helper()
	if got := e.sim.RequestCount(endpoint); got != want {
		t.Errorf("%s request count = %d, want %d", endpoint, got, want)
	}
}

// hasGroup reports whether refs names the group with this id.
func hasGroup(refs []kasm.GroupRef, groupID string) bool {
	for _, g := range refs {
		if g.ID == groupID {
			return true
		}
	}
	return false
}
