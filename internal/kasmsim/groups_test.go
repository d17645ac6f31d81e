package kasmsim_test

import (
	"net/http"
	"testing"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestGroupMembership(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	uid := h.createUser("gina@example.com")
	gid := at[string](t, obj(t, h.ok("create_group", map[string]any{"target_group": map[string]any{"name": "Engineers", "priority": 10}}), "group"), "group_id")
	body := func(u, g any) map[string]any {
		return map[string]any{"target_user": map[string]any{"user_id": u}, "target_group": map[string]any{"group_id": g}}
	}

	if r := h.call("add_user_group", body(dashedID(uid), gid)); r.status != 200 || r.raw != "{}" {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	if u, _ := h.sim.User(uid); len(u.Groups) != 2 || u.Groups[1] != gid {
		t.Fatalf("groups after add: %v", u.Groups)
	}
	groups := at[[]any](t, obj(t, h.ok("get_user", map[string]any{"target_user": map[string]any{"user_id": uid}}), "user"), "groups")
	if len(groups) != 2 || at[map[string]any](t, groups, 1)["name"] != "Engineers" {
		t.Fatalf("get_user groups %v", groups)
	}

	const unknown = "0123456789abcdef0123456789abcdef"
	errs := []struct {
		name     string
		endpoint string
		body     map[string]any
		status   int
		want     string
	}{
		{"already a member", "add_user_group", body(uid, gid), 400, "User (" + uid + ") is already a member of group (" + gid + ")"},
		{"unknown user", "add_user_group", body(unknown, gid), 400, "Invalid User ID (" + unknown + ")"},
		{"unknown group", "add_user_group", body(uid, unknown), 400, "Invalid Group ID (" + unknown + ")"},
		{"missing group", "add_user_group", map[string]any{"target_user": map[string]any{"user_id": uid}}, 400, "Invalid Request: Missing required parameters"},
		{"unknown user on remove", "remove_user_group", body(unknown, gid), 400, "Invalid User ID (" + unknown + ")"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			expectError(t, h.call(tt.endpoint, tt.body), tt.status, tt.want)
		})
	}
	expectHTML500(t, h.call("add_user_group", body("gina", gid)))

	h.ok("remove_user_group", body(uid, dashedID(gid)))
	expectError(t, h.call("remove_user_group", body(uid, gid)), 400, "User ("+uid+") is not a member of group ("+gid+")")

	t.Run("system groups need Groups Modify System", func(t *testing.T) {
		k, s := h.restrictedKey("gm", kasmsim.PermGroupsModify)
		expectError(t, h.callAs(k, s, "add_user_group", body(uid, kasmsim.AdministratorsGroupID)), 401, "Unauthorized")
		if r := h.callAs(k, s, "add_user_group", body(uid, gid)); r.status != 200 {
			t.Fatalf("custom group with Groups Modify: %d %s", r.status, r.raw)
		}
		k2, s2 := h.restrictedKey("gms", kasmsim.PermGroupsModify, kasmsim.PermGroupsModifySystem)
		if r := h.callAs(k2, s2, "add_user_group", body(uid, kasmsim.AdministratorsGroupID)); r.status != 200 {
			t.Fatalf("system group with Groups Modify System: %d %s", r.status, r.raw)
		}
	})
}

func TestGetGroupsVisibility(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	h.ok("create_group", map[string]any{"target_group": map[string]any{"name": "Custom", "priority": 20}})

	names := func(r result) []string {
		var out []string
		for _, g := range list(t, r.body, "groups") {
			out = append(out, at[string](t, g, "name"))
		}
		return out
	}
	k, s := h.restrictedKey("gv", kasmsim.PermGroupsView)
	if got := names(h.callAs(k, s, "get_groups", nil)); len(got) != 1 || got[0] != "Custom" {
		t.Errorf("Groups View sees %v, want only Custom", got)
	}
	k, s = h.restrictedKey("gvs", kasmsim.PermGroupsView, kasmsim.PermGroupsViewSystem)
	if got := names(h.callAs(k, s, "get_groups", nil)); len(got) != 3 {
		t.Errorf("Groups View System sees %v, want all three", got)
	}
	k, s = h.restrictedKey("ga", kasmsim.PermGlobalAdmin)
	if got := names(h.callAs(k, s, "get_groups", nil)); len(got) != 3 {
		t.Errorf("Global Admin sees %v, want all three", got)
	}
	g := at[map[string]any](t, list(t, h.ok("get_groups", nil), "groups"), 2)
	for _, field := range []string{"group_id", "name", "description", "priority", "is_system", "group_metadata", "group_mappings"} {
		if _, present := g[field]; !present {
			t.Errorf("group lacks %s: %v", field, g)
		}
	}
}

func TestGroupCRUD(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})

	created := h.ok("create_group", map[string]any{"target_group": map[string]any{
		"name": "Designers", "priority": 42, "description": "Pixels", "group_metadata": map[string]any{"team": "ux"},
	}})
	g := obj(t, created, "group")
	gid := at[string](t, g, "group_id")
	if !hexID.MatchString(gid) || g["is_system"] != false || g["priority"] != float64(42) || g["description"] != "Pixels" ||
		obj(t, g, "group_metadata")["team"] != "ux" || len(list(t, created, "group_mappings")) != 0 {
		t.Fatalf("create_group answer %v", created)
	}

	updated := obj(t, h.ok("update_group", map[string]any{"target_group": map[string]any{
		"group_id": dashedID(gid), "name": "Design", "priority": nil,
	}}), "group")
	if updated["name"] != "Design" || updated["priority"] != float64(42) || updated["description"] != "Pixels" {
		t.Fatalf("update_group answer %v", updated)
	}

	errs := []struct {
		name     string
		endpoint string
		target   map[string]any
		extra    map[string]any
		status   int
		want     string
	}{
		{"create without priority", "create_group", map[string]any{"name": "X"}, nil, 200, "Invalid Request. Missing required parameters"},
		{"create without name", "create_group", map[string]any{"priority": 5}, nil, 200, "Invalid Request. Missing required parameters"},
		{"create duplicate", "create_group", map[string]any{"name": "Design", "priority": 5}, nil, 200, "Group (Design) already exists"},
		{"create priority too high", "create_group", map[string]any{"name": "X", "priority": 4096}, nil, 200, "Invalid priority value (4096)"},
		{"create priority zero", "create_group", map[string]any{"name": "X", "priority": 0}, nil, 200, "Invalid priority value (0)"},
		{"update malformed id", "update_group", map[string]any{"group_id": "design"}, nil, 200, "Invalid Request. group_id must be a uuid"},
		{"update unknown id", "update_group", map[string]any{"group_id": "0123456789abcdef0123456789abcdef"}, nil, 200, "Invalid Request. group does not exit by that id"},
		{"update to a taken name", "update_group", map[string]any{"group_id": gid, "name": "All Users"}, nil, 200, "Group (All Users) already exists"},
		{"update bad priority", "update_group", map[string]any{"group_id": gid, "priority": -1}, nil, 200, "Invalid priority value (-1)"},
		{"delete system group", "delete_group", map[string]any{"group_id": kasmsim.AllUsersGroupID}, nil, 200, "Group (All Users) is a protected group and cannot be deleted"},
		{"delete unknown group", "delete_group", map[string]any{"group_id": "0123456789abcdef0123456789abcdef"}, nil, 200, "Group 0123456789abcdef0123456789abcdef does not exist"},
		{"delete without id", "delete_group", map[string]any{}, nil, 200, "Invalid Request: Missing required parameters"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{"target_group": tt.target}
			for k, v := range tt.extra {
				body[k] = v
			}
			expectError(t, h.call(tt.endpoint, body), tt.status, tt.want)
		})
	}

	t.Run("system groups need Groups Modify System to update", func(t *testing.T) {
		k, s := h.restrictedKey("gm", kasmsim.PermGroupsModify)
		expectError(t, h.callAs(k, s, "update_group", map[string]any{"target_group": map[string]any{"group_id": kasmsim.AllUsersGroupID, "description": "x"}}),
			401, "User not authorized to modify the target group.")
	})

	t.Run("delete with members needs force", func(t *testing.T) {
		uid := h.createUser("member@example.com")
		h.ok("add_user_group", map[string]any{"target_user": map[string]any{"user_id": uid}, "target_group": map[string]any{"group_id": gid}})
		expectError(t, h.call("delete_group", map[string]any{"target_group": map[string]any{"group_id": gid}}), 200,
			"Group contains (1) users and 'force' option not set to True")
		if r := h.call("delete_group", map[string]any{"target_group": map[string]any{"group_id": gid}, "force": true}); r.status != 200 || r.raw != "{}" {
			t.Fatalf("forced delete: %d %s", r.status, r.raw)
		}
		if u, _ := h.sim.User(uid); len(u.Groups) != 1 {
			t.Fatalf("membership survived the group: %v", u.Groups)
		}
		if _, exists := h.sim.Group(gid); exists {
			t.Fatalf("group still exists")
		}
	})
}

func TestGroupImages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	uid := h.createUser("hank@example.com")
	gid := at[string](t, obj(t, h.ok("create_group", map[string]any{"target_group": map[string]any{"name": "Terminals", "priority": 30}}), "group"), "group_id")
	body := func(g, i any) map[string]any {
		return map[string]any{"target_group": map[string]any{"group_id": g}, "target_image": map[string]any{"image_id": i}}
	}

	// Withdraw the terminal from All Users: hank may no longer launch it.
	h.ok("remove_images_group", body(kasmsim.AllUsersGroupID, kasmsim.ImageTerminalID))
	expectError(t, h.call("request_kasm", map[string]any{"user_id": uid, "image_id": kasmsim.ImageTerminalID}), 200, "Image Not Authorized")

	// Give it to a group hank joins: he may again.
	h.ok("add_images_group", body(dashedID(gid), kasmsim.ImageTerminalID))
	h.ok("add_user_group", map[string]any{"target_user": map[string]any{"user_id": uid}, "target_group": map[string]any{"group_id": gid}})
	h.requestKasm(uid, kasmsim.ImageTerminalID, nil)

	images := list(t, h.ok("get_images_group", map[string]any{"target_group": map[string]any{"group_id": gid}}), "images")
	if len(images) != 1 {
		t.Fatalf("group images %v", images)
	}
	img := at[map[string]any](t, images, 0)
	if img["image_id"] != kasmsim.ImageTerminalID || img["group_id"] != gid || !hexID.MatchString(at[string](t, img, "group_image_id")) ||
		img["friendly_name"] != "Kasm Terminal" || img["name"] == nil || img["image_src"] == nil {
		t.Fatalf("group image %v", img)
	}

	const unknown = "0123456789abcdef0123456789abcdef"
	errs := []struct {
		name     string
		endpoint string
		body     map[string]any
		want     string
	}{
		{"already assigned", "add_images_group", body(gid, dashedID(kasmsim.ImageTerminalID)), "Image (" + kasmsim.ImageTerminalID + ") is already assigned to group (" + gid + ")"},
		{"not assigned", "remove_images_group", body(gid, kasmsim.ImageChromeID), "Image (" + kasmsim.ImageChromeID + ") is not assigned to group (" + gid + ")"},
		{"unknown group", "add_images_group", body(unknown, kasmsim.ImageChromeID), "Group " + unknown + " does not exist"},
		{"unknown image", "add_images_group", body(gid, unknown), "Image " + unknown + " does not exist"},
		{"missing image", "remove_images_group", map[string]any{"target_group": map[string]any{"group_id": gid}}, "Invalid Request: Missing required parameters"},
		{"get for unknown group", "get_images_group", map[string]any{"target_group": map[string]any{"group_id": unknown}}, "Group " + unknown + " does not exist"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			expectError(t, h.call(tt.endpoint, tt.body), http.StatusOK, tt.want)
		})
	}

	t.Run("system groups need the System permissions", func(t *testing.T) {
		k, s := h.restrictedKey("gm", kasmsim.PermGroupsModify, kasmsim.PermGroupsView)
		expectError(t, h.callAs(k, s, "add_images_group", body(kasmsim.AllUsersGroupID, kasmsim.ImageTerminalID)), 401, "Unauthorized")
		expectError(t, h.callAs(k, s, "get_images_group", map[string]any{"target_group": map[string]any{"group_id": kasmsim.AllUsersGroupID}}), 401, "Unauthorized")
	})
}

func TestGetUsersGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	body := h.ok("get_users_group", map[string]any{"target_group": map[string]any{"group_id": kasmsim.AdministratorsGroupID}})
	users := list(t, body, "users")
	if len(users) != 1 || at[map[string]any](t, users, 0)["name"] != kasmsim.AdminUsername || body["total"] != float64(1) {
		t.Fatalf("Administrators members %v", body)
	}
}
