package kasmsim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// control posts a JSON body to a /__sim/ endpoint.
func (h *harness) control(name, body string) result {
	h.t.Helper()
	req, err := http.NewRequestWithContext(h.t.Context(), http.MethodPost, h.srv.URL+"/__sim/"+name, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return h.do(req)
}

func TestControlAPI(t *testing.T) {
	t.Parallel()

	t.Run("off by default", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{})
		if r := h.control("counts", ""); r.status != http.StatusNotFound {
			t.Fatalf("control API reachable: %d", r.status)
		}
	})

	h := newHarness(t, kasmsim.Options{ControlAPI: true})
	uid := h.createUser("quinn@example.com")
	kasmID := at[string](t, h.requestKasm(uid, kasmsim.ImageChromeID, nil), "kasm_id")

	steps := []struct {
		name   string
		body   string
		status int
		check  func(t *testing.T, r result)
	}{
		{name: "counts", status: 200, check: func(t *testing.T, r result) {
			if obj(t, r.body, "counts")["create_user"] != float64(1) {
				t.Errorf("counts %v", r.body)
			}
		}},
		{name: "reset_counts", status: 200, check: func(t *testing.T, _ result) {
			if n := len(h.sim.RequestCounts()); n != 0 {
				t.Errorf("%d counts left", n)
			}
		}},
		{name: "fault", body: `{"endpoint": "get_images", "kind": "503", "times": 1}`, status: 200, check: func(t *testing.T, _ result) {
			if r := h.call("get_images", nil); r.status != 503 {
				t.Errorf("fault not injected: %d", r.status)
			}
		}},
		{name: "fault", body: `{"endpoint": "get_images", "kind": "teapot"}`, status: 400},
		{name: "clear_faults", status: 200},
		{name: "api_key", body: `{"name": "ctl", "permissions": [300]}`, status: 200, check: func(t *testing.T, r result) {
			k, s := at[string](t, r.body, "api_key"), at[string](t, r.body, "api_key_secret")
			if r := h.callAs(k, s, "get_users", nil); r.status != 200 {
				t.Errorf("control key cannot read users: %d", r.status)
			}
			expectError(t, h.callAs(k, s, "get_images", nil), 401, "Unauthorized")
		}},
		{name: "edit_user", body: `{"user_id": "` + uid + `", "first_name": "Q", "locked": true}`, status: 200, check: func(t *testing.T, _ result) {
			if u, _ := h.sim.User(uid); u.FirstName == nil || *u.FirstName != "Q" || !u.Locked {
				t.Errorf("edit_user: %+v", u)
			}
		}},
		{name: "group_setting", body: `{"group_id": "` + kasmsim.AllUsersGroupID + `", "name": "max_kasms_per_user", "value": 5}`, status: 200, check: func(t *testing.T, _ result) {
			if g, _ := h.sim.Group(kasmsim.AllUsersGroupID); g.Settings["max_kasms_per_user"] != 5 {
				t.Errorf("setting %v", g.Settings)
			}
		}},
		{name: "session_status", body: `{"kasm_id": "` + kasmID + `", "status": "paused"}`, status: 200, check: func(t *testing.T, _ result) {
			if k, _ := h.sim.Session(kasmID); k.Status != kasmsim.StatusPaused {
				t.Errorf("status %s", k.Status)
			}
		}},
		{name: "advance", body: `{"seconds": 30}`, status: 200, check: func(t *testing.T, r result) {
			if r.body["now"] != "2024-05-01T12:00:30Z" {
				t.Errorf("now %v", r.body["now"])
			}
		}},
		{name: "expire_session", body: `{"kasm_id": "` + kasmID + `"}`, status: 200},
		{name: "destroy_session", body: `{"kasm_id": "` + kasmID + `"}`, status: 404},
		{name: "seed_users", body: `{"n": 3, "prefix": "ctl"}`, status: 200, check: func(t *testing.T, r result) {
			if ids := list(t, r.body, "user_ids"); len(ids) != 3 {
				t.Errorf("ids %v", ids)
			}
		}},
		{name: "remove_group_image", body: `{"group_id": "` + kasmsim.AllUsersGroupID + `", "image_id": "` + kasmsim.ImageTorBrowserID + `"}`, status: 200},
		{name: "remove_membership", body: `{"user_id": "` + uid + `", "group_id": "` + kasmsim.AllUsersGroupID + `"}`, status: 200},
		{name: "delete_user", body: `{"user_id": "` + uid + `"}`, status: 200},
		{name: "delete_user", body: `{"user_id": "` + uid + `"}`, status: 404},
		{name: "delete_group", body: `{"group_id": "` + kasmsim.AdministratorsGroupID + `"}`, status: 200},
		{name: "snapshot", status: 200, check: func(t *testing.T, r result) {
			var snap map[string]any
			if err := json.Unmarshal([]byte(r.raw), &snap); err != nil || snap["version"] != float64(1) {
				t.Errorf("snapshot %v (%v)", snap["version"], err)
			}
		}},
		{name: "nonsense", status: 404},
	}
	for _, st := range steps {
		r := h.control(st.name, st.body)
		if r.status != st.status {
			t.Fatalf("%s %s: %d %s, want %d", st.name, st.body, r.status, r.raw, st.status)
		}
		if st.check != nil {
			st.check(t, r)
		}
	}
}
