package kasm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	tUser  = "67d7c4e6f8914900897fce5ed62fecc0"
	tGroup = "87fd617577984033be5bd269b4d170c6"
	tImage = "b483f0a4fb6546f79064f9b6759758cb"
	tKasm  = "116f18170fdc4a1a87146164a880fb93"
)

// methodCalls calls one client method per endpoint with valid arguments.
var methodCalls = map[string]func(ctx context.Context, c *Client) error{
	"create_user": func(ctx context.Context, c *Client) error {
		_, err := c.CreateUser(ctx, CreateUserRequest{Username: "bob", Password: "Pa55-word!"})
		return err
	},
	"get_user": func(ctx context.Context, c *Client) error {
		_, err := c.GetUser(ctx, UserRef{ID: tUser})
		return err
	},
	"get_users": func(ctx context.Context, c *Client) error {
		_, err := c.GetUsers(ctx, GetUsersOptions{})
		return err
	},
	"update_user": func(ctx context.Context, c *Client) error {
		_, err := c.UpdateUser(ctx, UpdateUserRequest{UserID: tUser, Username: "bob"})
		return err
	},
	"delete_user": func(ctx context.Context, c *Client) error { return c.DeleteUser(ctx, tUser, false) },
	"logout_user": func(ctx context.Context, c *Client) error { return c.LogoutUser(ctx, tUser) },
	"get_attributes": func(ctx context.Context, c *Client) error {
		_, err := c.GetAttributes(ctx, tUser)
		return err
	},
	"update_user_attributes": func(ctx context.Context, c *Client) error {
		return c.UpdateUserAttributes(ctx, UpdateUserAttributesRequest{UserID: tUser, ShowTips: Bool(true)})
	},
	"add_user_group":    func(ctx context.Context, c *Client) error { return c.AddUserGroup(ctx, tUser, tGroup) },
	"remove_user_group": func(ctx context.Context, c *Client) error { return c.RemoveUserGroup(ctx, tUser, tGroup) },
	"get_groups": func(ctx context.Context, c *Client) error {
		_, err := c.GetGroups(ctx)
		return err
	},
	"create_group": func(ctx context.Context, c *Client) error {
		_, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "devs", Priority: 10})
		return err
	},
	"update_group": func(ctx context.Context, c *Client) error {
		_, err := c.UpdateGroup(ctx, UpdateGroupRequest{GroupID: tGroup, Name: String("devs")})
		return err
	},
	"delete_group":        func(ctx context.Context, c *Client) error { return c.DeleteGroup(ctx, tGroup, false) },
	"add_images_group":    func(ctx context.Context, c *Client) error { return c.AddImagesGroup(ctx, tGroup, tImage) },
	"remove_images_group": func(ctx context.Context, c *Client) error { return c.RemoveImagesGroup(ctx, tGroup, tImage) },
	"get_images_group": func(ctx context.Context, c *Client) error {
		_, err := c.GetImagesGroup(ctx, tGroup)
		return err
	},
	"get_images": func(ctx context.Context, c *Client) error {
		_, err := c.GetImages(ctx)
		return err
	},
	"request_kasm": func(ctx context.Context, c *Client) error {
		_, err := c.RequestKasm(ctx, RequestKasmRequest{UserID: tUser, ImageID: tImage})
		return err
	},
	"get_kasm_status": func(ctx context.Context, c *Client) error {
		_, err := c.GetKasmStatus(ctx, tKasm, tUser, true)
		return err
	},
	"get_kasms": func(ctx context.Context, c *Client) error {
		_, err := c.GetKasms(ctx)
		return err
	},
	"join_kasm": func(ctx context.Context, c *Client) error {
		_, err := c.JoinKasm(ctx, "30a09d61", tUser)
		return err
	},
	"keepalive": func(ctx context.Context, c *Client) error {
		_, err := c.Keepalive(ctx, tKasm)
		return err
	},
	"destroy_kasm": func(ctx context.Context, c *Client) error { return c.DestroyKasm(ctx, tKasm, tUser) },
	"get_login": func(ctx context.Context, c *Client) error {
		_, err := c.GetLogin(ctx, tUser)
		return err
	},
}

func errorBody(msg string) string {
	b, _ := json.Marshal(map[string]string{"error_message": msg})
	return string(b)
}

func TestErrorClassification(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrUnauthorized, ErrAlreadyExists, ErrConflict}
	cases := []struct {
		endpoint string
		status   int
		message  string
		want     error // nil: an *APIError matching no sentinel
	}{
		// Not found, per endpoint (contract.md).
		{"get_user", 400, "Invalid Request", ErrNotFound},
		{"delete_user", 400, "Unknown user (" + tUser + ")", ErrNotFound},
		{"logout_user", 400, "Unknown user (" + tUser + ")", ErrNotFound},
		{"update_user", 400, "Unknown User", ErrNotFound},
		{"get_attributes", 400, "No user found with name/id: (" + tUser + ")", ErrNotFound},
		{"update_user_attributes", 400, "Missing or invalid user", ErrNotFound},
		{"get_login", 400, "No user found with id: (" + tUser + ")", ErrNotFound},
		{"add_user_group", 400, "Invalid User ID (" + tUser + ")", ErrNotFound},
		{"add_user_group", 400, "Invalid Group ID (" + tGroup + ")", ErrNotFound},
		{"remove_user_group", 400, "Invalid User ID (" + tUser + ")", ErrNotFound},
		{"remove_user_group", 400, "Invalid Group ID (" + tGroup + ")", ErrNotFound},
		{"request_kasm", 400, "Invalid user_id (" + tUser + ")", ErrNotFound},
		{"get_kasm_status", 400, "Invalid user_id (" + tUser + ")", ErrNotFound},
		{"join_kasm", 400, "Invalid user_id (" + tUser + ")", ErrNotFound},
		{"destroy_kasm", 400, "Invalid user_id (" + tUser + ")", ErrNotFound},
		{"get_kasm_status", 400, "Invalid kasm_id (" + tKasm + ")", ErrNotFound},
		{"keepalive", 400, "Invalid kasm_id (" + tKasm + ")", ErrNotFound},
		{"destroy_kasm", 400, "Invalid kasm_id (" + tKasm + ")", ErrNotFound},
		{"update_group", 200, "Invalid Request. group does not exit by that id", ErrNotFound},
		{"delete_group", 200, "Group " + tGroup + " does not exist", ErrNotFound},
		{"add_images_group", 200, "Group " + tGroup + " does not exist", ErrNotFound},
		{"remove_images_group", 200, "Group " + tGroup + " does not exist", ErrNotFound},
		{"get_images_group", 200, "Group " + tGroup + " does not exist", ErrNotFound},
		{"add_images_group", 200, "Image " + tImage + " does not exist", ErrNotFound},
		{"remove_images_group", 200, "Image " + tImage + " does not exist", ErrNotFound},
		{"remove_user_group", 400, "User (" + tUser + ") is not a member of group (" + tGroup + ")", ErrNotFound},
		{"remove_images_group", 200, "Image (" + tImage + ") is not assigned to group (" + tGroup + ")", ErrNotFound},

		// Already exists.
		{"create_user", 400, "Error creating user (Bob): (User already exists)", ErrAlreadyExists},
		{"create_group", 200, "Group (devs) already exists", ErrAlreadyExists},
		{"add_user_group", 400, "User (" + tUser + ") is already a member of group (" + tGroup + ")", ErrAlreadyExists},
		{"add_images_group", 200, "Image (" + tImage + ") is already assigned to group (" + tGroup + ")", ErrAlreadyExists},

		// Conflict.
		{"delete_user", 400, "Users contains (2) kasms and 'force' option not set to True", ErrConflict},
		{"delete_group", 200, "Group contains (3) users and 'force' option not set to True", ErrConflict},
		{"delete_group", 200, "Group (All Users) is a protected group and cannot be deleted", ErrConflict},
		{"request_kasm", 200, "Kasm limit exceeded for user: (bob)", ErrConflict},

		// Unauthorized is decided by the status alone.
		{"get_users", 401, "Unauthorized", ErrUnauthorized},
		{"get_images", 403, "Access Denied", ErrUnauthorized},
		{"get_kasms", 403, "Access Denied. This feature is not licensed", ErrUnauthorized},
		{"get_groups", 401, "Access has expired", ErrUnauthorized},
		{"request_kasm", 401, "API Key (automation) is not authorized to impersonate a user.", ErrUnauthorized},
		{"update_group", 401, "User not authorized to modify the target group.", ErrUnauthorized},
		{"create_user", 403, "License limit exceeded. Unable to create user", ErrUnauthorized},

		// The same words on another endpoint, or other errors, match no sentinel.
		{"request_kasm", 200, "Invalid Request", nil},
		{"get_users", 400, "Invalid Request", nil},
		{"create_user", 400, "Invalid Request: Missing required parameters", nil},
		{"get_login", 400, "Unknown user (" + tUser + ")", nil},
		{"create_user", 200, "Group " + tGroup + " does not exist", nil},
		{"create_group", 200, "Invalid priority value (0)", nil},
		{"update_group", 200, "Invalid Request. group_id must be a uuid", nil},
		{"request_kasm", 200, "No resources are available to create the requested Kasm. Please try again later", nil},
		{"request_kasm", 200, "Image Not Authorized", nil},
		{"get_kasm_status", 200, "Kasm is not running", nil},
		{"get_kasm_status", 200, "Access Denied", nil},
		{"keepalive", 200, "Kasm (116f1817) is currently scheduled to be deleted. Can not honor keepalive request", nil},
		{"destroy_kasm", 200, "Unauthorized attempt to delete session", nil},
		{"delete_user", 200, "Invalid Request. 'force' option must be boolean", nil},
		{"add_user_group", 200, "Image (" + tImage + ") is already assigned to group (" + tGroup + ")", nil},
	}
	for _, tc := range cases {
		t.Run(tc.endpoint+"/"+tc.message, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
				reply(w, tc.status, errorBody(tc.message))
			})
			c, _ := newTestClient(t, srv.URL)
			err := methodCalls[tc.endpoint](t.Context(), c)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want an *APIError", err)
			}
			if apiErr.Endpoint != tc.endpoint || apiErr.StatusCode != tc.status || apiErr.Message != tc.message {
				t.Errorf("APIError = %+v", apiErr)
			}
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), tc.want != nil && errors.Is(s, tc.want); got != want {
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
			if errors.Is(err, ErrOutcomeUnknown) {
				t.Errorf("an answered request must not be outcome-unknown")
			}
			if srv.count(tc.endpoint) != 1 {
				t.Errorf("%d requests, want 1 (error answers are final)", srv.count(tc.endpoint))
			}
		})
	}
}

func TestGetUserInvalidRequestNotFoundOnlyForWellFormedRefs(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
		reply(w, http.StatusBadRequest, errorBody("Invalid Request"))
	})
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()

	for _, ref := range []UserRef{
		{ID: "67D7C4E6-F891-4900-897F-CE5ED62FECC0"}, {ID: tUser}, {Username: "bob@example.com"},
	} {
		if _, err := c.GetUser(ctx, ref); !errors.Is(err, ErrNotFound) {
			t.Errorf("GetUser(%+v) = %v, want ErrNotFound", ref, err)
		}
	}
	before := srv.count("get_user")
	for _, ref := range []UserRef{{ID: "not-a-uuid"}, {}, {Username: "   "}, {ID: tUser + "0"}} {
		_, err := c.GetUser(ctx, ref)
		if !errors.Is(err, ErrInvalidArgument) || errors.Is(err, ErrNotFound) {
			t.Errorf("GetUser(%+v) = %v, want ErrInvalidArgument", ref, err)
		}
	}
	if srv.count("get_user") != before {
		t.Errorf("malformed references must not be sent")
	}
}

func TestNonJSONAndStatusAnswers(t *testing.T) {
	longHTML := "<html><body><h1>Oops</h1><p>" + strings.Repeat("word   \n\t", 200) + "</p></body></html>"
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantIn      []string
		wantOut     []string
	}{
		{
			name: "500 html", status: 500, contentType: "text/html",
			body:    "<html><body>An unhandled exception occurred check logs for details<body><html>",
			wantIn:  []string{"HTTP 500", "An unhandled exception occurred check logs for details"},
			wantOut: []string{"<html>", "<body>"},
		},
		{
			name: "404 plain", status: 404, contentType: "text/plain",
			body:   "An error has occurred 404 Not Found - see logs for details",
			wantIn: []string{"HTTP 404", "base URL", "An error has occurred 404 Not Found - see logs for details"},
		},
		{
			name: "415 sanitized", status: 415, contentType: "text/plain",
			body:   "An error has occurred 415 Unsupported Media Type - see logs for details",
			wantIn: []string{"HTTP 415", "415 Unsupported Media Type"},
		},
		{
			name: "400 sanitized", status: 400, contentType: "text/plain",
			body:   "An error has occurred 400 Bad Request - see logs for details",
			wantIn: []string{"HTTP 400", "400 Bad Request - see logs"},
		},
		{
			name: "200 html from the web ui", status: 200, contentType: "text/html",
			body:   "<!doctype html><html><head><title>Kasm</title></head><body>app</body></html>",
			wantIn: []string{"HTTP 200", "not a JSON object", "base URL", "Kasm app"},
		},
		{
			name: "200 json that is not an object", status: 200, contentType: "application/json",
			body: "[]", wantIn: []string{"not a JSON object"},
		},
		{
			name: "302 redirect", status: 302, contentType: "text/html",
			body: "", wantIn: []string{"HTTP 302", "redirect"},
		},
		{
			name: "long body", status: 400, contentType: "text/html",
			body: longHTML, wantIn: []string{"Oops word word", "…"}, wantOut: []string{"\n", "\t", "  "},
		},
		{
			name: "body echoing the secret", status: 400, contentType: "text/plain",
			body: "bad request: api_key_secret=" + testAPISecret, wantIn: []string{"[redacted]"}, wantOut: []string{testAPISecret},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
				replyText(w, tc.status, tc.contentType, tc.body)
			})
			c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
			_, err := c.GetImages(t.Context())
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want *APIError", err)
			}
			if apiErr.StatusCode != tc.status {
				t.Errorf("StatusCode = %d", apiErr.StatusCode)
			}
			for _, s := range []error{ErrNotFound, ErrAlreadyExists, ErrConflict, ErrUnauthorized} {
				if errors.Is(err, s) {
					t.Errorf("a %d answer without a known message matched %v", tc.status, s)
				}
			}
			text := err.Error()
			for _, want := range tc.wantIn {
				if !strings.Contains(text, want) {
					t.Errorf("error %q does not contain %q", text, want)
				}
			}
			for _, unwanted := range tc.wantOut {
				if strings.Contains(apiErr.Message, unwanted) {
					t.Errorf("message %q contains %q", apiErr.Message, unwanted)
				}
			}
			if n := utf8.RuneCountInString(apiErr.Message); n > 400 {
				t.Errorf("message is %d runes long", n)
			}
		})
	}
}

func TestUnauthorizedWithoutJSON(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
			replyText(w, status, "text/plain", "An error has occurred - see logs for details")
		})
		c, _ := newTestClient(t, srv.URL)
		if _, err := c.GetImages(t.Context()); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("status %d: error = %v, want ErrUnauthorized", status, err)
		}
	}
}

func TestErrorMessageDetectedOnEveryStatus(t *testing.T) {
	for _, status := range []int{200, 201, 400, 409, 422} {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
			reply(w, status, `{"error_message": "Something failed", "users": []}`)
		})
		c, _ := newTestClient(t, srv.URL)
		_, err := c.GetUsers(t.Context(), GetUsersOptions{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Message != "Something failed" || apiErr.StatusCode != status {
			t.Errorf("status %d: error = %v", status, err)
		}
	}
	// A null or empty error_message is not an error.
	for _, body := range []string{`{"error_message": null, "images": []}`, `{"error_message": "", "images": []}`} {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, 200, body) })
		c, _ := newTestClient(t, srv.URL)
		if _, err := c.GetImages(t.Context()); err != nil {
			t.Errorf("%s: error = %v", body, err)
		}
	}
}

func TestRequestKasmShareIDQuirk(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
		reply(w, 200, `{"kasm_id": "6d62ec66-3062-4f1d-b861-aeb3f5ca2390", "status": "starting",
			"user_id": "8affcdbc16fc4910acb8a6dc268cd7ed", "username": "bob", "session_token": "tok-1",
			"kasm_url": "/#/connect/kasm/x/y/tok-1", "error_message": "Failed to create Share ID"}`)
	})
	c, _ := newTestClient(t, srv.URL)
	resp, err := c.RequestKasm(t.Context(), RequestKasmRequest{UserID: tUser, EnableSharing: true})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "Failed to create Share ID" {
		t.Fatalf("error = %v, want the share id APIError", err)
	}
	if resp == nil || resp.KasmID != "6d62ec6630624f1db861aeb3f5ca2390" || resp.SessionToken != "tok-1" {
		t.Fatalf("response = %#v, want the created session", resp)
	}

	// A plain error without a session gives no response.
	srv = newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
		reply(w, 200, errorBody("Image Not Authorized"))
	})
	c, _ = newTestClient(t, srv.URL)
	resp, err = c.RequestKasm(t.Context(), RequestKasmRequest{UserID: tUser})
	if resp != nil || err == nil {
		t.Errorf("RequestKasm = %v, %v; want nil and an error", resp, err)
	}
}

func TestGetKasmStatusPendingForms(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string // "" means an error is expected
	}{
		{200, errorBody("This session is currently starting."), "starting"},
		{200, errorBody("This session is currently requested."), "requested"},
		{200, errorBody("This session is currently provisioning."), "provisioning"},
		{200, errorBody("This session is currently assigned."), "assigned"},
		{200, errorBody("This session is currently scheduled to be paused."), "pausing"},
		{200, errorBody("This session is currently scheduled to be stopped."), "stopping"},
		{200, errorBody("Kasm is currently scheduled to be deleted."), "deleting"},
		{200, `{"operational_status": "stopped"}`, "stopped"},
		{200, `{"operational_status": "provisioning", "operational_message": "Creating Resources", "operational_progress": 45}`, "provisioning"},
		{200, errorBody("Kasm is not running"), ""},
		{200, errorBody("This session is currently a mystery to everyone."), ""},
		{400, errorBody("This session is currently starting."), ""},
		{200, `{}`, ""},
	}
	for _, tc := range cases {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, tc.status, tc.body) })
		c, _ := newTestClient(t, srv.URL)
		st, err := c.GetKasmStatus(t.Context(), tKasm, tUser, true)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: status %+v, want an error", tc.body, st)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: error %v", tc.body, err)
			continue
		}
		if !st.Pending || st.Kasm != nil || st.OperationalStatus != tc.want {
			t.Errorf("%s: status = %+v, want pending %q", tc.body, st, tc.want)
		}
		if strings.Contains(tc.body, "Creating Resources") && (st.OperationalProgress != 45 || st.OperationalMessage != "Creating Resources") {
			t.Errorf("operational fields lost: %+v", st)
		}
	}
}

func TestKeepaliveForms(t *testing.T) {
	cases := []struct {
		body     string
		reached  *bool
		extended bool
	}{
		{`{"usage_reached": false}`, Bool(false), true},
		{`{"usage_reached": true}`, Bool(true), false},
		{`{}`, nil, false},
		{`{"usage_reached": null}`, nil, false},
	}
	for _, tc := range cases {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, 200, tc.body) })
		c, _ := newTestClient(t, srv.URL)
		got, err := c.Keepalive(t.Context(), tKasm)
		if err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if (got.UsageReached == nil) != (tc.reached == nil) || (got.UsageReached != nil && *got.UsageReached != *tc.reached) ||
			got.Extended != tc.extended {
			t.Errorf("%s: Keepalive = %+v", tc.body, got)
		}
	}
}

func TestOutcomeUnknownErrorText(t *testing.T) {
	cause := &APIError{Endpoint: "create_user", StatusCode: 502, Message: "Bad Gateway"}
	err := outcomeUnknown("create_user", cause)
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("does not match ErrOutcomeUnknown")
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr != cause {
		t.Errorf("cause not reachable through errors.As")
	}
	if !strings.Contains(err.Error(), "may have been applied") {
		t.Errorf("text %q does not say the request may have been applied", err)
	}
}
