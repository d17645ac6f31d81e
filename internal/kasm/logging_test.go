package kasm

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// Secret values the tests put into requests or that the recorded answers contain.
//
//nolint:gosec // Made-up values whose only purpose is to be searched for in logs.
const (
	secretPassword   = "3UPKGg7g!a9g2@39v6"
	secretSSHKey     = "-----BEGIN OPENSSH PRIVATE KEY-----b3BlbnNzaC1rZXktdjEAAAAA"
	secretPassphrase = "correct horse battery staple"
	secretLaunchURL  = "https://intranet.example.com/start?token=launch-secret-77"
	secretEnvValue   = "env-secret-value-42"
	secretConnInfo   = "rdp-password-99"

	// Tokens in the recorded answers of the Kasm API document.
	docSessionToken  = "b03bf84a-53fc-4934-85e4-c434461f1178"
	docJoinToken     = "c9ade890-7693-44bc-a1d4-797bbddf6771"
	docStatusToken   = "2d110a49-4c6a-48b9-8cfb-398d6f543d5b"
	docLoginToken    = "930d6a5d-082e-438a-b5cf-98ae7ca5b67c"
	docKasmToken     = "43ab8a765e1e42fe9ee637783731f577"
	docViewOnlyToken = "6f756f76e8704772bd8e32eb4d7bb835"
)

// leakCandidates lists every value that must never appear in logs or error text.
var leakCandidates = []string{
	testAPISecret, secretPassword, secretSSHKey, secretPassphrase, secretLaunchURL, secretEnvValue, secretConnInfo,
	// Session tokens and connection paths from the recorded answers.
	docSessionToken, docJoinToken, docStatusToken, docLoginToken, docKasmToken, docViewOnlyToken,
	"/#/connect/", "connect/login/dash",
}

func assertNoLeak(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range leakCandidates {
		if strings.Contains(text, secret) {
			t.Errorf("%s contains the secret value %q", where, secret)
		}
	}
}

// TestNoSecretsInLogsOrErrors runs every method through successes, retries and failures with
// a capturing logger and checks that no secret reaches the log or an error.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	answers := recordedAnswers(t)
	var mu sync.Mutex
	mode := map[string]string{}
	setMode := func(m string, endpoints ...string) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range endpoints {
			mode[e] = m
		}
	}
	srv := newFakeServer(t, func(w http.ResponseWriter, req recordedRequest) {
		mu.Lock()
		m := mode[req.Endpoint]
		mu.Unlock()
		switch m {
		case "flaky":
			if req.Attempted%2 == 1 {
				status(http.StatusBadGateway, "Retry-After", "1")(w, req)
				return
			}
		case "refused":
			if req.Attempted%2 == 1 {
				status(http.StatusTooManyRequests)(w, req)
				return
			}
		case "drop":
			dropConnection(t, w)
			return
		case "unauthorized":
			reply(w, http.StatusForbidden, `{"error_message": "Access Denied"}`)
			return
		case "echo":
			// A misbehaving proxy that echoes the request body into an error page.
			replyText(w, http.StatusBadRequest, "text/html", "<pre>"+string(req.RawBody)+"</pre>")
			return
		case "share":
			reply(w, http.StatusOK, `{"kasm_id": "6d62ec66-3062-4f1d-b861-aeb3f5ca2390",
				"session_token": "`+docSessionToken+`",
				"kasm_url": "/#/connect/kasm/6d62ec66/8affcdbc/`+docSessionToken+`",
				"error_message": "Failed to create Share ID"}`)
			return
		}
		serveRecorded(w, answers, req.Endpoint)
	})
	setMode("flaky", "get_users", "get_kasm_status", "get_kasms", "update_user", "keepalive")
	setMode("refused", "request_kasm", "get_login", "create_user", "join_kasm")
	logger := &recordingLogger{}
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = logger })
	ctx := t.Context()
	var errs []error
	var results []any
	record := func(result any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
		if result != nil {
			results = append(results, result)
		}
	}

	// Successes, some after retries.
	record(c.CreateUser(ctx, CreateUserRequest{Username: "test_user1@example.com", Password: secretPassword}))
	record(c.UpdateUser(ctx, UpdateUserRequest{UserID: tUser, Username: "bob", Password: secretPassword}))
	record(c.GetUsers(ctx, GetUsersOptions{}))
	record(nil, c.UpdateUserAttributes(ctx, UpdateUserAttributesRequest{
		UserID: tUser, SSHPrivateKey: String(secretSSHKey), SSHPassphrase: String(secretPassphrase),
	}))
	record(c.RequestKasm(ctx, RequestKasmRequest{
		UserID: tUser, ImageID: tImage, KasmURL: secretLaunchURL, Environment: map[string]string{"TOKEN": secretEnvValue},
		ConnectionInfo: []byte(`{"password": "` + secretConnInfo + `"}`),
	}))
	record(c.GetKasmStatus(ctx, tKasm, tUser, true))
	record(c.GetKasms(ctx))
	record(c.JoinKasm(ctx, "30a09d61", tUser))
	record(c.Keepalive(ctx, tKasm))
	login, err := c.GetLogin(ctx, tUser) // The link itself is the secret result; only errors are checked.
	record(nil, err)
	if login == "" {
		t.Errorf("GetLogin returned no link")
	}
	for _, endpoint := range []string{
		"get_user", "delete_user", "logout_user", "get_attributes", "add_user_group", "remove_user_group",
		"get_groups", "create_group", "update_group", "delete_group", "add_images_group", "remove_images_group",
		"get_images_group", "get_images", "destroy_kasm",
	} {
		record(nil, methodCalls[endpoint](ctx, c))
	}

	// Failures: lost answers, refusals, echoed bodies, the share id quirk.
	setMode("drop", "create_user", "get_login", "get_user")
	record(c.CreateUser(ctx, CreateUserRequest{Username: "bob", Password: secretPassword}))
	_, err = c.GetLogin(ctx, tUser)
	record(nil, err)
	record(c.GetUser(ctx, UserRef{ID: tUser}))
	setMode("echo", "update_user", "update_user_attributes", "request_kasm")
	record(c.UpdateUser(ctx, UpdateUserRequest{UserID: tUser, Username: "bob", Password: secretPassword}))
	record(nil, c.UpdateUserAttributes(ctx, UpdateUserAttributesRequest{UserID: tUser, SSHPrivateKey: String(secretSSHKey)}))
	record(c.RequestKasm(ctx, RequestKasmRequest{KasmURL: secretLaunchURL, Environment: map[string]string{"T": secretEnvValue}}))
	setMode("share", "request_kasm")
	record(c.RequestKasm(ctx, RequestKasmRequest{UserID: tUser, EnableSharing: true}))
	setMode("unauthorized", "get_images")
	record(c.GetImages(ctx))

	if len(errs) < 8 {
		t.Fatalf("only %d failures were exercised: %v", len(errs), errs)
	}
	for _, err := range errs {
		assertNoLeak(t, "error "+fmt.Sprintf("%q", err.Error()), err.Error())
	}
	for _, r := range results {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			assertNoLeak(t, fmt.Sprintf("%T formatted with %s", r, verb), fmt.Sprintf(verb, r))
		}
	}
	logText := logger.text()
	assertNoLeak(t, "the log", logText)

	// The log must still say what happened, or the test above proves nothing.
	var responses, retries int
	endpoints := map[string]bool{}
	for _, rec := range logger.all() {
		switch rec.Msg {
		case "Kasm API response":
			responses++
			for _, key := range []string{"endpoint", "attempt", "status", "duration_ms"} {
				if _, ok := rec.Fields[key]; !ok {
					t.Errorf("response log without %s: %v", key, rec.Fields)
				}
			}
			endpoints[rec.Fields["endpoint"].(string)] = true //nolint:forcetypeassert // Set by the client.
		case "Retrying Kasm API request":
			retries++
			if _, ok := rec.Fields["retry_wait_ms"]; !ok || rec.Fields["error_class"] == "" || rec.Level != "warn" {
				t.Errorf("retry log incomplete: %+v", rec)
			}
		}
	}
	if len(endpoints) != len(endpointTable) || responses < 40 || retries < 8 {
		t.Errorf("log covered %d endpoints, %d responses, %d retries", len(endpoints), responses, retries)
	}
}

func TestFormattingHidesSecrets(t *testing.T) {
	values := []any{
		CreateUserRequest{Username: "bob", Password: secretPassword},
		UpdateUserRequest{UserID: tUser, Username: "bob", Password: secretPassword},
		UpdateUserAttributesRequest{UserID: tUser, SSHPrivateKey: String(secretSSHKey), SSHPassphrase: String(secretPassphrase)},
		RequestKasmRequest{
			KasmURL: secretLaunchURL, Environment: map[string]string{"K": secretEnvValue},
			ConnectionInfo: []byte(`"` + secretConnInfo + `"`),
		},
		RequestKasmResponse{KasmID: tKasm, SessionToken: docSessionToken, KasmURL: "/#/connect/kasm/x"},
		JoinKasmResponse{SessionToken: docJoinToken, KasmURL: "/#/connect/join/x"},
		KasmStatus{KasmURL: "/#/connect/kasm/y", Kasm: &Kasm{Token: docKasmToken}},
		Kasm{
			Token: docKasmToken, ViewOnlyToken: docViewOnlyToken,
			ConnectionInfo: []byte(`"` + secretConnInfo + `"`), ConnectionCredential: []byte(`"` + secretPassword + `"`),
		},
		[]Kasm{{Token: docKasmToken}},
		Image{ID: tImage, DockerToken: secretPassword},
	}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			text := fmt.Sprintf(verb, v)
			assertNoLeak(t, fmt.Sprintf("%T with %s", v, verb), text)
			if !strings.Contains(text, redacted) {
				t.Errorf("%T with %s does not show that a secret was hidden: %s", v, verb, text)
			}
			ptr := reflect.New(reflect.TypeOf(v))
			ptr.Elem().Set(reflect.ValueOf(v))
			pointerText := fmt.Sprintf(verb, ptr.Interface())
			assertNoLeak(t, fmt.Sprintf("*%T with %s", v, verb), pointerText)
		}
	}
	// The redacted copies must not change the values themselves.
	req := CreateUserRequest{Username: "bob", Password: secretPassword}
	_ = req.String()
	if req.Password != secretPassword {
		t.Errorf("String changed the request")
	}
}
