package kasmsim_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

var hexID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	long := strings.Repeat("x", 70)

	body := h.ok("create_user", map[string]any{"target_user": map[string]any{
		"username":     "  Bob@Example.COM ",
		"first_name":   "  Bob  ",
		"last_name":    long,
		"phone":        "123-456-7890",
		"organization": long + "   ",
		"notes":        "  kept as sent  ",
		"locked":       true,
	}})
	u := obj(t, body, "user")
	checks := map[string]any{
		"username":     "bob@example.com",
		"first_name":   "Bob",
		"last_name":    strings.Repeat("x", 64),
		"organization": strings.Repeat("x", 64),
		"notes":        "  kept as sent  ",
		"realm":        "local",
		"locked":       true,
		"disabled":     false,
		"last_session": nil,
	}
	for k, want := range checks {
		if u[k] != want {
			t.Errorf("user[%q] = %#v, want %#v", k, u[k], want)
		}
	}
	if !hexID.MatchString(at[string](t, u, "user_id")) {
		t.Errorf("user_id %q is not 32 hex", u["user_id"])
	}
	groups := at[[]any](t, u, "groups")
	if len(groups) != 1 || at[string](t, groups, 0, "group_id") != kasmsim.AllUsersGroupID || at[string](t, groups, 0, "name") != "All Users" {
		t.Errorf("groups %v, want All Users only", groups)
	}
	rec, _ := h.sim.User(at[string](t, u, "user_id"))
	if rec.PasswordHash == "" || rec.PasswordSetDate == nil {
		t.Errorf("no random password was set: %+v", rec)
	}
	attrs := obj(t, h.ok("get_attributes", map[string]any{"target_user": map[string]any{"user_id": u["user_id"]}}), "user_attributes")
	if !strings.HasPrefix(at[string](t, attrs, "ssh_public_key"), "ssh-rsa AAAA") {
		t.Errorf("ssh_public_key %q", attrs["ssh_public_key"])
	}

	errs := []struct {
		name string
		body map[string]any
		want string
	}{
		{"duplicate differs in case", map[string]any{"target_user": map[string]any{"username": "BOB@example.com"}}, "Error creating user (BOB@example.com): (User already exists)"},
		{"duplicate with spaces", map[string]any{"target_user": map[string]any{"username": " bob@example.com"}}, "Error creating user ( bob@example.com): (User already exists)"},
		{"no username", map[string]any{"target_user": map[string]any{"first_name": "x"}}, "Invalid Request: Missing required parameters"},
		{"no target_user", map[string]any{}, "Invalid Request: Missing required parameters"},
		{"unknown company", map[string]any{"target_user": map[string]any{"username": "c@example.com", "company_id": "0123456789abcdef0123456789abcdef"}}, "Invalid Request: Company does not exist"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			expectError(t, h.call("create_user", tt.body), http.StatusBadRequest, tt.want)
		})
	}
	expectHTML500(t, h.call("create_user", map[string]any{"target_user": map[string]any{"username": "n@example.com", "first_name": 5}}))
}

func TestCreateUserAutoAddGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	g := obj(t, h.ok("create_group", map[string]any{"target_group": map[string]any{"name": "Auto", "priority": 50}}), "group")
	if err := h.sim.SetGroupSetting(at[string](t, g, "group_id"), "auto_add_local_users", true); err != nil {
		t.Fatal(err)
	}
	id := h.createUser("auto@example.com")
	u, _ := h.sim.User(id)
	if len(u.Groups) != 2 || u.Groups[1] != g["group_id"] {
		t.Fatalf("groups %v, want All Users and Auto", u.Groups)
	}
}

func TestGetUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	id := h.createUser("Carol@example.com")
	h.requestKasm(id, kasmsim.ImageChromeID, nil)

	lookups := map[string]map[string]any{
		"hex id":            {"user_id": id},
		"dashed id":         {"user_id": dashedID(id)},
		"upper-case id":     {"user_id": strings.ToUpper(dashedID(id))},
		"username":          {"username": "carol@example.com"},
		"username any case": {"username": "CAROL@Example.com"},
		"user_id wins":      {"user_id": id, "username": "admin@kasm.local"},
	}
	for name, target := range lookups {
		t.Run(name, func(t *testing.T) {
			u := obj(t, h.ok("get_user", map[string]any{"target_user": target}), "user")
			if u["user_id"] != id || u["username"] != "carol@example.com" {
				t.Fatalf("got %v", u)
			}
			for _, k := range []string{"created", "password_set_date", "last_session"} {
				if _, isString := u[k].(string); !isString {
					t.Errorf("%s = %#v, want a date string", k, u[k])
				}
			}
			for _, k := range []string{"two_factor", "program_id", "city", "email", "custom_attribute_1", "groups"} {
				if _, present := u[k]; !present {
					t.Errorf("missing %s", k)
				}
			}
			kasms := at[[]any](t, u, "kasms")
			if len(kasms) != 1 || obj(t, at[map[string]any](t, kasms, 0), "server")["hostname"] == nil {
				t.Errorf("kasms %v, want the one session with its server", kasms)
			}
		})
	}

	t.Run("kasms need Sessions View", func(t *testing.T) {
		k, s := h.restrictedKey("uv", kasmsim.PermUsersView)
		r := h.callAs(k, s, "get_user", map[string]any{"target_user": map[string]any{"user_id": id}})
		if kasms := at[[]any](t, obj(t, r.body, "user"), "kasms"); len(kasms) != 0 {
			t.Fatalf("kasms visible without Sessions View: %v", kasms)
		}
	})

	for name, target := range map[string]any{
		"unknown id":       map[string]any{"user_id": "0123456789abcdef0123456789abcdef"},
		"malformed id":     map[string]any{"user_id": "carol"},
		"unknown username": map[string]any{"username": "nobody@example.com"},
		"empty target":     map[string]any{},
		"no target":        nil,
	} {
		t.Run(name, func(t *testing.T) {
			body := map[string]any{}
			if target != nil {
				body["target_user"] = target
			}
			expectError(t, h.call("get_user", body), http.StatusBadRequest, "Invalid Request")
		})
	}
}

func TestGetUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	for i := range 5 {
		h.createUser(fmt.Sprintf("page%d@example.com", i))
	}
	busy := h.createUser("busy@example.com")
	h.requestKasm(busy, kasmsim.ImageChromeID, nil)
	h.ok("request_kasm", map[string]any{"image_id": kasmsim.ImageChromeID}) // An anonymous user.

	t.Run("default page holds everyone but anonymous users", func(t *testing.T) {
		body := h.ok("get_users", nil)
		users := list(t, body, "users")
		if len(users) != 8 || body["total"] != float64(8) {
			t.Fatalf("got %d users, total %v; want 8", len(users), body["total"])
		}
		if _, echoed := body["page"]; echoed {
			t.Errorf("page echoed although not sent")
		}
		first := at[map[string]any](t, users, 0)
		if first["username"] != kasmsim.AdminUsername || first["last_session"] != "None" {
			t.Errorf("first user %v, want admin in creation order with last_session \"None\"", first)
		}
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(at[string](t, first, "user_id")) {
			t.Errorf("get_users user_id %q is not dashed", first["user_id"])
		}
		var busyItem map[string]any
		for _, u := range users {
			if at[map[string]any](t, u)["username"] == "busy@example.com" {
				busyItem = at[map[string]any](t, u)
			}
		}
		if len(at[[]any](t, busyItem, "kasms")) != 1 || busyItem["last_session"] == "None" {
			t.Errorf("busy user %v, want one kasm and a last_session", busyItem)
		}
	})

	t.Run("paging", func(t *testing.T) {
		body := h.ok("get_users", map[string]any{"page": 1, "page_size": 3})
		users := list(t, body, "users")
		if len(users) != 3 || body["total"] != float64(8) || body["page"] != float64(1) {
			t.Fatalf("page 1: %v", body)
		}
		if at[map[string]any](t, users, 0)["username"] != "page1@example.com" {
			t.Errorf("page 1 starts with %v", users[0])
		}
		if body := h.ok("get_users", map[string]any{"page": 5, "page_size": 3}); len(list(t, body, "users")) != 0 || body["total"] != float64(8) {
			t.Errorf("past the end: %v", body)
		}
	})

	t.Run("anonymous users", func(t *testing.T) {
		if got := list(t, h.ok("get_users", map[string]any{"anonymous": true}), "users"); len(got) != 9 {
			t.Errorf("anonymous=true: %d users, want 9", len(got))
		}
		only := list(t, h.ok("get_users", map[string]any{"anonymous_only": true}), "users")
		if len(only) != 1 || !strings.HasPrefix(at[string](t, only, 0, "username"), "anon_") {
			t.Errorf("anonymous_only: %v", only)
		}
	})

	t.Run("filters, sorting and the empty answer", func(t *testing.T) {
		got := list(t, h.ok("get_users", map[string]any{"filters": []any{map[string]any{"id": "username", "value": "PAGE"}}}), "users")
		if len(got) != 5 {
			t.Errorf("username filter: %d users, want 5", len(got))
		}
		sorted := list(t, h.ok("get_users", map[string]any{"sort_by": "username", "sort_direction": "asc"}), "users")
		if at[map[string]any](t, sorted, 0)["username"] != kasmsim.AdminUsername {
			t.Errorf("ascending by username starts with %v", sorted[0])
		}
		r := h.call("get_users", map[string]any{"filters": []any{map[string]any{"id": "username", "value": "nobody"}}})
		if r.status != http.StatusOK || r.raw != "{}" {
			t.Errorf("empty result: %d %s, want {}", r.status, r.raw)
		}
	})

	t.Run("groups need Groups View, kasms Sessions View", func(t *testing.T) {
		k, s := h.restrictedKey("uv", kasmsim.PermUsersView)
		r := h.callAs(k, s, "get_users", nil)
		for _, u := range list(t, r.body, "users") {
			um := at[map[string]any](t, u)
			if len(at[[]any](t, um, "groups")) != 0 || len(at[[]any](t, um, "kasms")) != 0 {
				t.Fatalf("user %v shows groups or kasms", um)
			}
		}
	})
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	id := h.createUser("dave@example.com")
	h.ok("update_user", map[string]any{"target_user": map[string]any{"user_id": id, "username": "dave@example.com", "first_name": "Dave", "phone": "1"}})

	u := obj(t, h.ok("update_user", map[string]any{"target_user": map[string]any{
		"user_id":    dashedID(id),
		"username":   " Dave.New@Example.com",
		"last_name":  strings.Repeat("y", 80),
		"first_name": nil,
		"status":     "inactive",
	}}), "user")
	want := map[string]any{
		"user_id":    id,
		"username":   "dave.new@example.com",
		"first_name": "Dave",
		"phone":      "1",
		"last_name":  strings.Repeat("y", 64),
		"locked":     true,
	}
	for k, w := range want {
		if u[k] != w {
			t.Errorf("user[%q] = %#v, want %#v", k, u[k], w)
		}
	}

	login := at[string](t, h.ok("get_login", map[string]any{"target_user": map[string]any{"user_id": id}}), "url")
	token := login[strings.LastIndex(login, "/")+1:]
	h.ok("update_user", map[string]any{"target_user": map[string]any{"user_id": id, "username": "dave.new@example.com", "password": "N3w!password"}})
	if h.sim.SessionTokenValid(token) {
		t.Errorf("login token survived a password change")
	}
	if rec, _ := h.sim.User(id); rec.Locked {
		t.Errorf("a password change did not unlock the user")
	}

	errs := []struct {
		name   string
		target map[string]any
		status int
		want   string
	}{
		{"no username", map[string]any{"user_id": id, "first_name": "x"}, 400, "Username is not present"},
		{"no user_id", map[string]any{"username": "x@example.com"}, 400, "Invalid Request"},
		{"unknown user", map[string]any{"user_id": "0123456789abcdef0123456789abcdef", "username": "x@example.com"}, 400, "Unknown User"},
		{"bad status", map[string]any{"user_id": id, "username": "dave.new@example.com", "status": "gone"}, 400, "Invalid Status (gone)"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			expectError(t, h.call("update_user", map[string]any{"target_user": tt.target}), tt.status, tt.want)
		})
	}

	t.Run("rename to an existing username", func(t *testing.T) {
		expectHTML500(t, h.call("update_user", map[string]any{"target_user": map[string]any{"user_id": id, "username": "USER@kasm.local"}}))
		if rec, _ := h.sim.User(id); rec.Username != "dave.new@example.com" {
			t.Fatalf("username changed to %q", rec.Username)
		}
	})

	t.Run("malformed id", func(t *testing.T) {
		expectHTML500(t, h.call("update_user", map[string]any{"target_user": map[string]any{"user_id": "dave", "username": "x"}}))
	})

	t.Run("admin target needs Users Modify Admin", func(t *testing.T) {
		k, s := h.restrictedKey("um", kasmsim.PermUsersModify)
		r := h.callAs(k, s, "update_user", map[string]any{"target_user": map[string]any{"user_id": h.userID(kasmsim.AdminUsername), "username": kasmsim.AdminUsername}})
		expectError(t, r, 401, "Unauthorized")
		if r := h.callAs(k, s, "update_user", map[string]any{"target_user": map[string]any{"user_id": id, "username": "dave.new@example.com"}}); r.status != 200 {
			t.Fatalf("non-admin target: %d %s", r.status, r.raw)
		}
	})
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	plain := h.createUser("plain@example.com")
	busy := h.createUser("busy@example.com")
	kasm := h.requestKasm(busy, kasmsim.ImageChromeID, nil)

	target := func(id any) map[string]any { return map[string]any{"target_user": map[string]any{"user_id": id}} }
	with := func(m map[string]any, k string, v any) map[string]any { m[k] = v; return m }

	expectError(t, h.call("delete_user", with(target(busy), "force", "yes")), 200, "Invalid Request. 'force' option must be boolean")
	expectError(t, h.call("delete_user", target(busy)), 400, "Users contains (1) kasms and 'force' option not set to True")
	expectError(t, h.call("delete_user", with(target(busy), "force", false)), 400, "Users contains (1) kasms and 'force' option not set to True")
	expectError(t, h.call("delete_user", target("0123456789abcdef0123456789abcdef")), 400, "Unknown user (0123456789abcdef0123456789abcdef)")
	expectError(t, h.call("delete_user", map[string]any{}), 400, "Invalid Request: Missing required parameters")
	expectHTML500(t, h.call("delete_user", target("plain")))

	k, s := h.restrictedKey("deleter", kasmsim.PermUsersDelete)
	expectError(t, h.callAs(k, s, "delete_user", with(target(busy), "force", true)), 401,
		"API Key (deleter) unauthorized for deleting the requested user (busy@example.com) sessions.")
	expectError(t, h.callAs(k, s, "delete_user", target(h.userID(kasmsim.AdminUsername))), 401,
		"API Key (deleter) unauthorized for deleting the requested user (admin@kasm.local).")

	if r := h.callAs(k, s, "delete_user", target(dashedID(plain))); r.status != 200 || r.raw != "{}" {
		t.Fatalf("delete plain user: %d %s", r.status, r.raw)
	}
	expectError(t, h.call("get_user", target(plain)), 400, "Invalid Request")

	h.ok("delete_user", with(target(busy), "force", true))
	if _, exists := h.sim.Session(at[string](t, kasm, "kasm_id")); exists {
		t.Fatalf("forced delete left the session behind")
	}
	expectError(t, h.call("keepalive", map[string]any{"kasm_id": kasm["kasm_id"]}), 400, fmt.Sprintf("Invalid kasm_id (%s)", kasm["kasm_id"]))
}

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	id := h.createUser("erin@example.com")

	url := at[string](t, h.ok("get_login", map[string]any{"target_user": map[string]any{"user_id": dashedID(id)}}), "url")
	host := strings.TrimPrefix(h.srv.URL, "http://")
	re := regexp.MustCompile(`^https://` + regexp.QuoteMeta(host) + `/#/connect/login/dash/` + id + `/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	m := re.FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("login url %q does not match %s", url, re)
	}
	if !h.sim.SessionTokenValid(m[1]) {
		t.Fatalf("login token is not valid")
	}

	h.ok("logout_user", map[string]any{"target_user": map[string]any{"user_id": id}})
	if h.sim.SessionTokenValid(m[1]) {
		t.Fatalf("login token survived logout_user")
	}

	expectError(t, h.call("get_login", map[string]any{"target_user": map[string]any{"user_id": "0123456789abcdef0123456789abcdef"}}), 400, "No user found with id: (0123456789abcdef0123456789abcdef)")
	expectError(t, h.call("get_login", map[string]any{}), 400, "Invalid Request: Missing required parameters")
	expectError(t, h.call("logout_user", map[string]any{"target_user": map[string]any{"user_id": "nope"}}), 400, "Unknown user (nope)")
	expectError(t, h.call("logout_user", map[string]any{}), 400, "Invalid Request: Missing required target_user")
	expectError(t, h.call("logout_user", map[string]any{"target_user": map[string]any{}}), 400, "Invalid Request: Missing required user_id")
}

func TestUserAttributes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	id := h.createUser("frank@example.com")
	get := func() map[string]any {
		return obj(t, h.ok("get_attributes", map[string]any{"target_user": map[string]any{"username": "frank@example.com"}}), "user_attributes")
	}

	defaults := map[string]any{
		"user_id": id, "default_image": nil, "show_tips": false, "auto_login_kasm": nil,
		"toggle_control_panel": false, "theme": "Auto", "chat_sfx": true,
		"preferred_language": "Auto", "preferred_timezone": "Auto",
	}
	a := get()
	for k, want := range defaults {
		if a[k] != want {
			t.Errorf("default %s = %#v, want %#v", k, a[k], want)
		}
	}
	if !hexID.MatchString(at[string](t, a, "user_attributes_id")) {
		t.Errorf("user_attributes_id %v", a["user_attributes_id"])
	}

	r := h.call("update_user_attributes", map[string]any{"target_user_attributes": map[string]any{
		"user_id": dashedID(id), "default_image": strings.ToUpper(kasmsim.ImageFirefoxID), "theme": "Dark", "auto_login_kasm": true,
	}})
	if r.status != 200 || r.raw != "{}" {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	a = get()
	if a["default_image"] != kasmsim.ImageFirefoxID || a["theme"] != "Dark" || a["auto_login_kasm"] != true || a["chat_sfx"] != true {
		t.Fatalf("after partial update: %v", a)
	}
	h.ok("update_user_attributes", map[string]any{"target_user_attributes": map[string]any{"user_id": id, "default_image": nil}})
	if a = get(); a["default_image"] != nil || a["theme"] != "Dark" {
		t.Fatalf("after clearing default_image: %v", a)
	}

	expectHTML500(t, h.call("update_user_attributes", map[string]any{"target_user_attributes": map[string]any{"user_id": id, "default_image": "0123456789abcdef0123456789abcdef", "theme": "Light"}}))
	if get()["theme"] != "Dark" {
		t.Errorf("a failed update changed the theme")
	}
	expectError(t, h.call("update_user_attributes", map[string]any{}), 400, "No target user attribute in request")
	expectError(t, h.call("update_user_attributes", map[string]any{"target_user_attributes": map[string]any{"theme": "x"}}), 400, "Missing required parameters")
	expectError(t, h.call("update_user_attributes", map[string]any{"target_user_attributes": map[string]any{"user_id": "0123456789abcdef0123456789abcdef"}}), 400, "Missing or invalid user")
	expectError(t, h.call("get_attributes", map[string]any{"target_user": map[string]any{"user_id": "0123456789abcdef0123456789abcdef"}}), 400, "No user found with name/id: (0123456789abcdef0123456789abcdef)")
	expectError(t, h.call("get_attributes", map[string]any{"target_user": map[string]any{"username": "ghost"}}), 400, "No user found with name/id: (ghost)")
	expectError(t, h.call("get_attributes", map[string]any{}), 400, "Invalid Request: Missing required parameters")
}

func TestPasswordMatches(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	body := h.ok("create_user", map[string]any{"target_user": map[string]any{
		"username": "pw@example.com",
		"password": "first-Secret-1",
	}})
	id := at[string](t, body, "user", "user_id")
	if !h.sim.PasswordMatches(id, "first-Secret-1") {
		t.Fatal("the password sent to create_user does not match")
	}
	if h.sim.PasswordMatches(dashedID(id), "other") {
		t.Fatal("a wrong password matches")
	}

	h.ok("update_user", map[string]any{"target_user": map[string]any{
		"user_id": id, "username": "pw@example.com", "password": "second-Secret-2",
	}})
	if !h.sim.PasswordMatches(dashedID(id), "second-Secret-2") || h.sim.PasswordMatches(id, "first-Secret-1") {
		t.Fatal("update_user did not replace the password")
	}
	if h.sim.PasswordMatches("00000000000000000000000000000000", "second-Secret-2") {
		t.Fatal("an unknown user matches")
	}
}

func TestUserColumnsOfTheWrongType(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	id := h.createUser("typed@example.com")
	update := func(column string, v any) result {
		return h.call("update_user", map[string]any{"target_user": map[string]any{
			"user_id": id, "username": "typed@example.com", "first_name": "Changed", column: v,
		}})
	}
	for column, v := range map[string]any{"locked": "yes", "disabled": 1, "realm": true, "password": 7} {
		expectHTML500(t, update(column, v))
		expectHTML500(t, h.call("create_user", map[string]any{"target_user": map[string]any{"username": "new-" + column + "@example.com", column: v}}))
	}
	if u, _ := h.sim.User(id); u.FirstName != nil || u.Locked || u.Realm != "local" {
		t.Fatalf("a refused update changed the user: %+v", u)
	}
	if _, found := h.sim.UserByName("new-locked@example.com"); found {
		t.Fatal("a refused create_user created the user")
	}

	// Null counts as not sent.
	h.ok("update_user", map[string]any{"target_user": map[string]any{
		"user_id": id, "username": "typed@example.com", "locked": true, "realm": nil, "disabled": nil, "password": nil,
	}})
	if u, _ := h.sim.User(id); !u.Locked || u.Disabled || u.Realm != "local" {
		t.Fatalf("after an update with nulls: %+v", u)
	}

	for column, v := range map[string]any{"show_tips": "yes", "chat_sfx": 0, "theme": 1, "ssh_public_key": false} {
		expectHTML500(t, h.call("update_user_attributes", map[string]any{"target_user_attributes": map[string]any{
			"user_id": id, "theme": "Changed", column: v,
		}}))
	}
	if u, _ := h.sim.User(id); u.Attributes.Theme == "Changed" {
		t.Fatalf("a refused attribute update changed the theme")
	}
}
