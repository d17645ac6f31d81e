package kasm

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseBaseURL(t *testing.T) {
	valid := map[string]string{
		"https://kasm.example.com":          "https://kasm.example.com",
		"https://kasm.example.com/":         "https://kasm.example.com",
		"https://kasm.example.com///":       "https://kasm.example.com",
		"  https://kasm.example.com/  ":     "https://kasm.example.com",
		"HTTPS://kasm.example.com:8443":     "https://kasm.example.com:8443",
		"https://example.com/kasm":          "https://example.com/kasm",
		"https://example.com/kasm/":         "https://example.com/kasm",
		"http://10.0.0.5:8080":              "http://10.0.0.5:8080",
		"https://example.com/apis/":         "https://example.com/apis",
		"https://example.com/api-gw/kasm/":  "https://example.com/api-gw/kasm",
		"https://[2001:db8::1]:443/kasm":    "https://[2001:db8::1]:443/kasm",
		"https://example.com/public/api-ui": "https://example.com/public/api-ui",
	}
	for raw, want := range valid {
		u, err := ParseBaseURL(raw)
		if err != nil {
			t.Errorf("ParseBaseURL(%q): %v", raw, err)
			continue
		}
		if u.String() != want {
			t.Errorf("ParseBaseURL(%q) = %q, want %q", raw, u, want)
		}
	}

	apiPaths := map[string]string{
		"https://kasm.example.com/api/public":            `"https://kasm.example.com"`,
		"https://kasm.example.com/api/public/":           `"https://kasm.example.com"`,
		"https://kasm.example.com/api/public/get_users":  `"https://kasm.example.com"`,
		"https://kasm.example.com/api":                   `"https://kasm.example.com"`,
		"https://example.com/kasm/api/":                  `"https://example.com/kasm"`,
		"https://example.com/kasm/API/Public":            `"https://example.com/kasm"`,
		"https://example.com:9443/kasm/api/public/x/y/z": `"https://example.com:9443/kasm"`,
	}
	for raw, suggestion := range apiPaths {
		_, err := ParseBaseURL(raw)
		if err == nil {
			t.Errorf("ParseBaseURL(%q) accepted an API path", raw)
			continue
		}
		if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "web root") ||
			!strings.Contains(err.Error(), suggestion) {
			t.Errorf("ParseBaseURL(%q) = %v, want guidance naming %s", raw, err, suggestion)
		}
	}

	for _, raw := range []string{
		"", "   ", "kasm.example.com", "ftp://kasm.example.com", "https://", "https:///path", "//kasm.example.com",
		"https://user:pass@kasm.example.com", "https://kasm.example.com/?x=1", "https://kasm.example.com/?",
		"https://kasm.example.com/#/login", "https://kasm.example.com/#", "https://kasm example.com", "::",
	} {
		if _, err := ParseBaseURL(raw); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ParseBaseURL(%q) = %v, want ErrInvalidArgument", raw, err)
		}
	}
	_, err := ParseBaseURL("https://admin:hunter2@kasm.example.com")
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error echoes the credentials: %v", err)
	}
}

func TestRequestsUnderSubPath(t *testing.T) {
	for _, suffix := range []string{"/kasm", "/kasm/"} {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, 200, `{"images": []}`) })
		c, _ := newTestClient(t, srv.URL+suffix)
		if _, err := c.GetImages(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := srv.last("get_images").Path; got != "/kasm/api/public/get_images" {
			t.Errorf("base %q: request path = %q", suffix, got)
		}
	}
}

func TestAbsoluteURL(t *testing.T) {
	c, _ := newTestClient(t, "https://example.com/kasm/")
	for in, want := range map[string]string{
		"/#/connect/kasm/a/b/c":                   "https://example.com/kasm/#/connect/kasm/a/b/c",
		"#/connect/join/a/b/c":                    "https://example.com/kasm/#/connect/join/a/b/c",
		"https://kasm.server/#/connect/login/a/b": "https://kasm.server/#/connect/login/a/b",
	} {
		if got := c.AbsoluteURL(in); got != want {
			t.Errorf("AbsoluteURL(%q) = %q, want %q", in, got, want)
		}
	}
	if c.BaseURL().String() != "https://example.com/kasm" {
		t.Errorf("BaseURL = %v", c.BaseURL())
	}
}

func TestRequestShape(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, 200, `{"images": []}`) })
	for _, tc := range []struct{ configured, want string }{
		{"", "terraform-provider-kasm"},
		{"terraform-provider-kasm/1.2.3", "terraform-provider-kasm/1.2.3"},
	} {
		c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.UserAgent = tc.configured })
		if _, err := c.GetImages(t.Context()); err != nil {
			t.Fatal(err)
		}
		req := srv.last("get_images")
		if got := req.Header.Get("User-Agent"); got != tc.want {
			t.Errorf("User-Agent = %q, want %q", got, tc.want)
		}
		if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("method %s, content type %q", req.Method, req.Header.Get("Content-Type"))
		}
		want := map[string]any{"api_key": testAPIKey, "api_key_secret": testAPISecret}
		if !reflect.DeepEqual(req.Body, want) {
			t.Errorf("body = %s, want only the credentials", req.RawBody)
		}
	}
}

func TestNewClientValidation(t *testing.T) {
	base := Config{BaseURL: "https://kasm.example.com", APIKey: testAPIKey, APIKeySecret: testAPISecret}
	cases := map[string]func(*Config){
		"empty key":              func(c *Config) { c.APIKey = "" },
		"empty secret":           func(c *Config) { c.APIKeySecret = "" },
		"blank secret":           func(c *Config) { c.APIKeySecret = "   " },
		"negative retries":       func(c *Config) { c.MaxRetries = -1 },
		"negative timeout":       func(c *Config) { c.RequestTimeout = -time.Second },
		"api path":               func(c *Config) { c.BaseURL = "https://kasm.example.com/api/public" },
		"bad url":                func(c *Config) { c.BaseURL = "kasm.example.com" },
		"bundle without a cert":  func(c *Config) { c.CACertPEM = "not a certificate" },
		"bundle with a key":      func(c *Config) { c.CACertPEM = string(pemBlock("PRIVATE KEY", []byte(testAPISecret))) },
		"bundle with bad der":    func(c *Config) { c.CACertPEM = string(pemBlock("CERTIFICATE", []byte("garbage"))) },
		"secret in the base url": func(c *Config) { c.BaseURL = "https://x:" + testAPISecret + "@kasm.example.com" },
	}
	for name, mutate := range cases {
		cfg := base
		mutate(&cfg)
		_, err := NewClient(cfg)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: error = %v, want ErrInvalidArgument", name, err)
			continue
		}
		if strings.Contains(err.Error(), testAPISecret) {
			t.Errorf("%s: error text contains the secret: %v", name, err)
		}
	}

	c, err := NewClient(base)
	if err != nil {
		t.Fatal(err)
	}
	if c.requestTimeout != DefaultRequestTimeout || c.retryWaitMin != DefaultMinRetryWait ||
		c.retryWaitMax != DefaultMaxRetryWait || c.maxRetries != 0 || c.userAgent != DefaultUserAgent {
		t.Errorf("defaults not applied: %+v", c)
	}
	cfg := base
	cfg.RetryWaitMin, cfg.RetryWaitMax = 5*time.Second, time.Second
	if c, err := NewClient(cfg); err != nil || c.retryWaitMax != 5*time.Second {
		t.Errorf("RetryWaitMax below RetryWaitMin should be raised to it: %v", err)
	}
}

func pemBlock(kind string, data []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: data})
}

func TestTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, `{"images": []}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // The failed handshakes below are expected.
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caPEM := string(pemBlock("CERTIFICATE", srv.Certificate().Raw))

	t.Run("extra CA bundle", func(t *testing.T) {
		c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.CACertPEM = "\n" + caPEM + "\n" })
		if _, err := c.GetImages(t.Context()); err != nil {
			t.Errorf("GetImages with the server's CA: %v", err)
		}
	})
	t.Run("system roots only", func(t *testing.T) {
		c, sleeper := newTestClient(t, srv.URL)
		_, err := c.GetImages(t.Context())
		if err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("error = %v, want a certificate error", err)
		}
		if len(sleeper.recorded()) != 0 {
			t.Errorf("a certificate failure was retried: %v", sleeper.recorded())
		}
	})
	t.Run("certificate failure on a create is not outcome-unknown", func(t *testing.T) {
		c, _ := newTestClient(t, srv.URL)
		_, err := c.CreateUser(t.Context(), CreateUserRequest{Username: "bob"})
		if err == nil || errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("error = %v; a failed handshake proves nothing was sent", err)
		}
	})
	t.Run("insecure", func(t *testing.T) {
		c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.InsecureSkipVerify = true })
		if _, err := c.GetImages(t.Context()); err != nil {
			t.Errorf("GetImages with verification off: %v", err)
		}
	})
}

// methodEndpoints names the endpoint each method of API calls.
var methodEndpoints = map[string]string{
	"CreateUser": "create_user", "GetUser": "get_user", "GetUsers": "get_users", "GetUsersPage": "get_users",
	"UpdateUser": "update_user", "DeleteUser": "delete_user", "LogoutUser": "logout_user",
	"GetAttributes": "get_attributes", "UpdateUserAttributes": "update_user_attributes",
	"AddUserGroup": "add_user_group", "RemoveUserGroup": "remove_user_group", "GetGroups": "get_groups",
	"CreateGroup": "create_group", "UpdateGroup": "update_group", "DeleteGroup": "delete_group",
	"AddImagesGroup": "add_images_group", "RemoveImagesGroup": "remove_images_group",
	"GetImagesGroup": "get_images_group", "GetImages": "get_images", "RequestKasm": "request_kasm",
	"GetKasmStatus": "get_kasm_status", "GetKasms": "get_kasms", "JoinKasm": "join_kasm",
	"Keepalive": "keepalive", "DestroyKasm": "destroy_kasm", "GetLogin": "get_login",
}

func TestEveryMethodEndpointIsInTheTable(t *testing.T) {
	apiType := reflect.TypeFor[API]()
	var methods []string
	for i := range apiType.NumMethod() {
		methods = append(methods, apiType.Method(i).Name)
	}
	var mapped []string
	for m := range methodEndpoints {
		mapped = append(mapped, m)
	}
	slices.Sort(methods)
	slices.Sort(mapped)
	if !slices.Equal(methods, mapped) {
		t.Fatalf("API methods %v\ndiffer from the mapped methods %v", methods, mapped)
	}

	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, 200, `{}`) })
	c, _ := newTestClient(t, srv.URL)
	used := map[string]bool{}
	for method, endpoint := range methodEndpoints {
		before := len(srv.all())
		call := methodCalls[endpoint]
		if method == "GetUsersPage" {
			call = func(ctx context.Context, c *Client) error {
				_, _, err := c.GetUsersPage(ctx, 0, 10, GetUsersOptions{})
				return err
			}
		}
		_ = call(t.Context(), c) // Some decoders reject {}; only the request matters here.
		if seen := srv.all(); len(seen) != before+1 || seen[before].Endpoint != endpoint {
			t.Errorf("%s did not call %s exactly once", method, endpoint)
		}
		if _, ok := endpointTable[endpoint]; !ok {
			t.Errorf("%s calls %s, which is missing from the endpoint table", method, endpoint)
		}
		used[endpoint] = true
	}
	for _, info := range Endpoints() {
		if !used[info.Name] {
			t.Errorf("table entry %s is called by no method", info.Name)
		}
	}
}

func TestEndpointClasses(t *testing.T) {
	want := map[RetryClass][]string{
		RetryRead: {"get_attributes", "get_groups", "get_images", "get_images_group", "get_kasm_status",
			"get_kasms", "get_user", "get_users"},
		RetryNever: {"create_group", "create_user", "get_login", "join_kasm", "request_kasm"},
		RetryIdempotent: {"add_images_group", "add_user_group", "delete_group", "delete_user", "destroy_kasm",
			"keepalive", "logout_user", "remove_images_group", "remove_user_group", "update_group", "update_user",
			"update_user_attributes"},
	}
	got := map[RetryClass][]string{}
	infos := Endpoints()
	for _, info := range infos {
		got[info.Class] = append(got[info.Class], info.Name)
		if RetryClassOf(info.Name) != info.Class {
			t.Errorf("RetryClassOf(%s) disagrees with Endpoints", info.Name)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("classes = %v\nwant %v", got, want)
	}
	if !slices.IsSortedFunc(infos, func(a, b EndpointInfo) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("Endpoints() is not sorted")
	}
	for _, name := range []string{"add_user_group", "remove_user_group", "delete_user", "destroy_kasm"} {
		if RetryClassOf(name) != RetryIdempotent || endpointTable[name].repeatAnswer == "" {
			t.Errorf("%s has no repeat answer", name)
		}
	}
	if RetryClassOf("exec_command_kasm") != RetryNever {
		t.Errorf("an unknown endpoint must be treated as never re-sendable")
	}
	if RetryRead.String() != "read" || RetryNever.String() != "never" || RetryIdempotent.String() != "idempotent" ||
		RetryClass(0).String() != "unknown" {
		t.Errorf("RetryClass names are wrong")
	}
}

func TestGetUsersPaging(t *testing.T) {
	usersServer := func(t *testing.T, count int, ignorePage bool) *fakeServer {
		return newFakeServer(t, func(w http.ResponseWriter, req recordedRequest) {
			page, _ := req.Body["page"].(float64)
			size, _ := req.Body["page_size"].(float64)
			if ignorePage {
				page = 0
			}
			var users []map[string]any
			for i := int(page * size); i < count && i < int((page+1)*size); i++ {
				users = append(users, map[string]any{
					"user_id":  fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
					"username": fmt.Sprintf("user%03d", i), "last_session": "None",
				})
			}
			if len(users) == 0 && count == 0 {
				reply(w, 200, `{}`)
				return
			}
			body, _ := json.Marshal(map[string]any{"users": users, "total": count, "page": page})
			reply(w, 200, string(body))
		})
	}
	ctx := t.Context()

	srv := usersServer(t, 250, false)
	c, _ := newTestClient(t, srv.URL)
	users, err := c.GetUsers(ctx, GetUsersOptions{Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 250 || users[0].Username != "user000" || users[249].Username != "user249" ||
		users[17].ID != "00000000000040008000000000000017" || users[17].LastSession != nil {
		t.Errorf("GetUsers returned %d users, first %+v", len(users), users[0])
	}
	if n := srv.count("get_users"); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if last := srv.last("get_users").Body; last["page"] != float64(2) || last["page_size"] != float64(100) ||
		last["anonymous"] != true {
		t.Errorf("last request = %v", last)
	}

	srv = usersServer(t, 20, false)
	c, _ = newTestClient(t, srv.URL)
	if users, err := c.GetUsers(ctx, GetUsersOptions{PageSize: 7}); err != nil || len(users) != 20 || srv.count("get_users") != 3 {
		t.Errorf("page size 7: %d users, %d requests, %v", len(users), srv.count("get_users"), err)
	}

	page, total, err := c.GetUsersPage(ctx, 1, 7, GetUsersOptions{AnonymousOnly: true})
	if err != nil || total != 20 || len(page) != 7 || page[0].Username != "user007" {
		t.Errorf("GetUsersPage = %d users, total %d, %v", len(page), total, err)
	}
	if srv.last("get_users").Body["anonymous_only"] != true {
		t.Errorf("anonymous_only not sent")
	}

	srv = usersServer(t, 0, false)
	c, _ = newTestClient(t, srv.URL)
	if users, err := c.GetUsers(ctx, GetUsersOptions{}); err != nil || len(users) != 0 {
		t.Errorf("empty listing: %v, %v", users, err)
	}

	srv = usersServer(t, 250, true)
	c, _ = newTestClient(t, srv.URL)
	if _, err := c.GetUsers(ctx, GetUsersOptions{}); err == nil || srv.count("get_users") != 2 {
		t.Errorf("a server repeating page 0 must give an error after 2 requests, got %v after %d", err, srv.count("get_users"))
	}

	if _, _, err := c.GetUsersPage(ctx, -1, 10, GetUsersOptions{}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("negative page: %v", err)
	}
}

func TestArgumentValidation(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, 200, `{}`) })
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()
	calls := map[string]func() error{
		"CreateUser without username": func() error { _, err := c.CreateUser(ctx, CreateUserRequest{Password: "x"}); return err },
		"UpdateUser without username": func() error {
			_, err := c.UpdateUser(ctx, UpdateUserRequest{UserID: tUser})
			return err
		},
		"UpdateUser with a bad id": func() error {
			_, err := c.UpdateUser(ctx, UpdateUserRequest{UserID: "bob", Username: "bob"})
			return err
		},
		"DeleteUser with a bad id":    func() error { return c.DeleteUser(ctx, "1234", true) },
		"LogoutUser without id":       func() error { return c.LogoutUser(ctx, "") },
		"AddUserGroup with bad group": func() error { return c.AddUserGroup(ctx, tUser, "all-users") },
		"UpdateUserAttributes bad default image": func() error {
			return c.UpdateUserAttributes(ctx, UpdateUserAttributesRequest{UserID: tUser, DefaultImage: String("chrome")})
		},
		"CreateGroup without name": func() error { _, err := c.CreateGroup(ctx, CreateGroupRequest{Priority: 3}); return err },
		"CreateGroup with list metadata": func() error {
			_, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "x", Priority: 3, GroupMetadata: json.RawMessage(`[1]`)})
			return err
		},
		"RequestKasm with a bad image": func() error {
			_, err := c.RequestKasm(ctx, RequestKasmRequest{ImageID: "kasmweb/chrome"})
			return err
		},
		"GetKasmStatus without user":  func() error { _, err := c.GetKasmStatus(ctx, tKasm, "", false); return err },
		"JoinKasm without share id":   func() error { _, err := c.JoinKasm(ctx, "", tUser); return err },
		"Keepalive with a bad id":     func() error { _, err := c.Keepalive(ctx, "x"); return err },
		"DestroyKasm with a bad user": func() error { return c.DestroyKasm(ctx, tKasm, "root") },
		"GetLogin with a bad id":      func() error { _, err := c.GetLogin(ctx, "admin@kasm.local"); return err },
		"GetImagesGroup without id":   func() error { _, err := c.GetImagesGroup(ctx, ""); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: error = %v, want ErrInvalidArgument", name, err)
		}
	}
	if len(srv.all()) != 0 {
		t.Errorf("invalid arguments reached the server: %d requests", len(srv.all()))
	}
}

func TestOptionalFieldsSent(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, req recordedRequest) {
		switch req.Endpoint {
		case "update_user":
			reply(w, 200, `{"user": {"user_id": "`+tUser+`"}}`)
		default:
			reply(w, 200, `{}`)
		}
	})
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()

	_, err := c.UpdateUser(ctx, UpdateUserRequest{
		UserID: tUser, Username: "bob", FirstName: String(""), Locked: Bool(false), Password: "n3w-Passw0rd",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"user_id": tUser, "username": "bob", "first_name": "", "locked": false, "password": "n3w-Passw0rd"}
	if got := srv.last("update_user").Body["target_user"]; !reflect.DeepEqual(got, want) {
		t.Errorf("target_user = %v, want %v", got, want)
	}

	err = c.UpdateUserAttributes(ctx, UpdateUserAttributesRequest{UserID: tUser, DefaultImage: String(""), Theme: String("Dark")})
	if err != nil {
		t.Fatal(err)
	}
	wantAttrs := map[string]any{"user_id": tUser, "default_image": nil, "theme": "Dark"}
	if got := srv.last("update_user_attributes").Body["target_user_attributes"]; !reflect.DeepEqual(got, wantAttrs) {
		t.Errorf("target_user_attributes = %v, want %v", got, wantAttrs)
	}

	_, err = c.RequestKasm(ctx, RequestKasmRequest{
		KasmURL: "https://example.com", Environment: map[string]string{"A": "1"}, XRes: 1280,
	})
	if err == nil {
		t.Errorf("an answer without kasm_id must be an error")
	}
	want = map[string]any{
		"api_key": testAPIKey, "api_key_secret": testAPISecret,
		"kasm_url": "https://example.com", "environment": map[string]any{"A": "1"}, "x_res": float64(1280),
	}
	if got := srv.last("request_kasm").Body; !reflect.DeepEqual(got, want) {
		t.Errorf("request_kasm body = %v, want %v", got, want)
	}
}
