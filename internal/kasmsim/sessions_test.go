package kasmsim_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

const dashedPattern = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`

func TestRequestKasmAnonymous(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	body := h.ok("request_kasm", map[string]any{"image_id": kasmsim.ImageChromeID})

	if !regexp.MustCompile(`^anon_[a-z0-9]{16}$`).MatchString(at[string](t, body, "username")) {
		t.Errorf("anonymous username %q", body["username"])
	}
	if body["status"] != "starting" || !hexID.MatchString(at[string](t, body, "user_id")) {
		t.Errorf("answer %v", body)
	}
	kasmID, token := at[string](t, body, "kasm_id"), at[string](t, body, "session_token")
	if !regexp.MustCompile(`^`+dashedPattern+`$`).MatchString(kasmID) || !regexp.MustCompile(`^`+dashedPattern+`$`).MatchString(token) {
		t.Errorf("kasm_id %q / session_token %q not dashed", kasmID, token)
	}
	if want := "/#/connect/kasm/" + kasmID + "/" + at[string](t, body, "user_id") + "/" + token; body["kasm_url"] != want {
		t.Errorf("kasm_url %q, want %q", body["kasm_url"], want)
	}
	if _, shared := body["share_id"]; shared {
		t.Errorf("share_id without enable_sharing")
	}
	u, exists := h.sim.User(at[string](t, body, "user_id"))
	if !exists || !u.Anonymous {
		t.Fatalf("anonymous user %+v", u)
	}
}

func TestRequestKasm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	uid := h.createUser("ivy@example.com")

	body := h.requestKasm(dashedID(uid), strings.ToUpper(kasmsim.ImageChromeID), map[string]any{
		"kasm_url":        "https://example.com",
		"environment":     map[string]any{"FOO": "bar"},
		"connection_info": map[string]any{"guac": map[string]any{"protocol": "rdp"}},
	})
	if body["user_id"] != uid || body["username"] != "ivy@example.com" {
		t.Fatalf("answer %v", body)
	}
	k, exists := h.sim.Session(at[string](t, body, "kasm_id"))
	if !exists {
		t.Fatalf("session %s not found", body["kasm_id"])
	}
	if k.KasmURL != "https://example.com" || k.Environment["KASM_URL"] != "https://example.com" || k.Environment["FOO"] != "bar" ||
		k.ConnectionInfo["guac"] == nil || k.ImageID != kasmsim.ImageChromeID || k.UserID != uid {
		t.Fatalf("stored session %+v", k)
	}
	if u, _ := h.sim.User(uid); u.LastSession == nil {
		t.Errorf("last_session not set")
	}

	t.Run("per-user limit", func(t *testing.T) {
		h.requestKasm(uid, kasmsim.ImageFirefoxID, nil)
		expectError(t, h.call("request_kasm", map[string]any{"user_id": uid, "image_id": kasmsim.ImageChromeID}), 200,
			"Kasm limit exceeded for user: (ivy@example.com)")
	})

	t.Run("image errors", func(t *testing.T) {
		other := h.createUser("jack@example.com")
		expectError(t, h.call("request_kasm", map[string]any{"user_id": other}), 200, "No Default Image Found")
		expectError(t, h.call("request_kasm", map[string]any{"user_id": other, "image_id": "0123456789abcdef0123456789abcdef"}), 200, "Invalid Request")
		expectHTML500(t, h.call("request_kasm", map[string]any{"user_id": other, "image_id": "chrome"}))
	})

	t.Run("default image from the user attribute", func(t *testing.T) {
		other := h.createUser("kate@example.com")
		h.ok("update_user_attributes", map[string]any{"target_user_attributes": map[string]any{"user_id": other, "default_image": kasmsim.ImageUbuntuID}})
		body := h.ok("request_kasm", map[string]any{"user_id": other})
		if k, _ := h.sim.Session(at[string](t, body, "kasm_id")); k.ImageID != kasmsim.ImageUbuntuID {
			t.Fatalf("image %s, want the default", k.ImageID)
		}
	})

	t.Run("default image from a group setting", func(t *testing.T) {
		other := h.createUser("liam@example.com")
		gid := at[string](t, obj(t, h.ok("create_group", map[string]any{"target_group": map[string]any{"name": "Defaults", "priority": 7}}), "group"), "group_id")
		if err := h.sim.SetGroupSetting(gid, "default_image", kasmsim.ImageTerminalID); err != nil {
			t.Fatal(err)
		}
		h.ok("add_user_group", map[string]any{"target_user": map[string]any{"user_id": other}, "target_group": map[string]any{"group_id": gid}})
		body := h.ok("request_kasm", map[string]any{"user_id": other})
		if k, _ := h.sim.Session(at[string](t, body, "kasm_id")); k.ImageID != kasmsim.ImageTerminalID {
			t.Fatalf("image %s, want the group default", k.ImageID)
		}
	})
}

func TestRequestKasmLimits(t *testing.T) {
	t.Parallel()

	t.Run("max_kasms_per_user 0", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{})
		if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "max_kasms_per_user", 0); err != nil {
			t.Fatal(err)
		}
		expectError(t, h.call("request_kasm", map[string]any{"user_id": h.userID(kasmsim.DefaultUsername), "image_id": kasmsim.ImageChromeID}), 200,
			"Kasm limit exceeded for user: (user@kasm.local)")
	})

	t.Run("MaxKasmsPerUser option", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{MaxKasmsPerUser: 3})
		uid := h.userID(kasmsim.DefaultUsername)
		for range 3 {
			h.requestKasm(uid, kasmsim.ImageChromeID, nil)
		}
		expectError(t, h.call("request_kasm", map[string]any{"user_id": uid, "image_id": kasmsim.ImageChromeID}), 200,
			"Kasm limit exceeded for user: (user@kasm.local)")
	})

	t.Run("licence limit", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{ConcurrentSessionLimit: 1})
		h.requestKasm(h.userID(kasmsim.DefaultUsername), kasmsim.ImageChromeID, nil)
		expectError(t, h.call("request_kasm", map[string]any{"user_id": h.userID(kasmsim.AdminUsername), "image_id": kasmsim.ImageChromeID}), 200,
			"Per concurrent session license limit exceeded. Unable to create session")
	})

	t.Run("usage limit", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{})
		if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "usage_limit_reached", true); err != nil {
			t.Fatal(err)
		}
		expectError(t, h.call("request_kasm", map[string]any{"user_id": h.userID(kasmsim.DefaultUsername), "image_id": kasmsim.ImageChromeID}), 200,
			"Usage limit exceeded for user: (user@kasm.local)")
	})
}

func TestRequestKasmSharing(t *testing.T) {
	t.Parallel()

	h := newHarness(t, kasmsim.Options{})
	body := h.requestKasm(h.userID(kasmsim.DefaultUsername), kasmsim.ImageChromeID, map[string]any{"enable_sharing": true})
	if !regexp.MustCompile(`^[0-9a-f]{8}$`).MatchString(at[string](t, body, "share_id")) || body["error_message"] != nil {
		t.Fatalf("shared answer %v", body)
	}

	for name, opts := range map[string]kasmsim.Options{
		"option":        {SharingAllowed: new(false)},
		"group setting": {},
	} {
		t.Run("sharing not allowed by "+name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, opts)
			if name == "group setting" {
				if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "allow_kasm_sharing", false); err != nil {
					t.Fatal(err)
				}
			}
			r := h.call("request_kasm", map[string]any{"user_id": h.userID(kasmsim.DefaultUsername), "image_id": kasmsim.ImageChromeID, "enable_sharing": true})
			if r.status != http.StatusOK || r.errorMessage() != "Failed to create Share ID" {
				t.Fatalf("answer %d %s", r.status, r.raw)
			}
			if r.body["kasm_id"] == nil || r.body["kasm_url"] == nil || r.body["share_id"] != nil {
				t.Fatalf("success fields missing: %v", r.body)
			}
			if _, exists := h.sim.Session(at[string](t, r.body, "kasm_id")); !exists {
				t.Fatalf("the session was not created")
			}
		})
	}
}

// statusOf calls get_kasm_status for a session of the default user.
func (h *harness) statusOf(kasmID string) result {
	h.t.Helper()
	return h.call("get_kasm_status", map[string]any{"user_id": h.userID(kasmsim.DefaultUsername), "kasm_id": kasmID, "skip_agent_check": true})
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	step := 10 * time.Second
	timing := kasmsim.SessionTiming{Requested: step, Provisioning: step, Assigned: step, Starting: step}

	t.Run("autoscale, 1.15 shape", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{Autoscale: true, SessionTiming: timing})
		body := h.requestKasm(h.userID(kasmsim.DefaultUsername), kasmsim.ImageChromeID, nil)
		if body["status"] != "requested" {
			t.Errorf("request_kasm status %v", body["status"])
		}
		kasmID := at[string](t, body, "kasm_id")
		for _, status := range []string{"requested", "provisioning", "assigned", "starting"} {
			expectError(t, h.statusOf(kasmID), http.StatusOK, "This session is currently "+status+".")
			if k, _ := h.sim.Session(kasmID); k.Status != status {
				t.Errorf("Session().Status = %q, want %q", k.Status, status)
			}
			h.clock.Advance(step)
		}
		r := h.statusOf(kasmID)
		if r.status != http.StatusOK || obj(t, r.body, "kasm")["operational_status"] != "running" {
			t.Fatalf("after start: %d %s", r.status, r.raw)
		}
	})

	t.Run("autoscale, documented shape", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{Autoscale: true, SessionTiming: timing, DocumentedStatusShape: true})
		kasmID := at[string](t, h.requestKasm(h.userID(kasmsim.DefaultUsername), kasmsim.ImageChromeID, nil), "kasm_id")
		lastProgress := 0.0
		for _, status := range []string{"requested", "provisioning", "assigned", "starting"} {
			r := h.statusOf(kasmID)
			progress, _ := r.body["operational_progress"].(float64)
			if r.status != http.StatusOK || r.errorMessage() != "" || r.body["operational_status"] != status ||
				r.body["operational_message"] == "" || progress <= lastProgress {
				t.Fatalf("%s: %d %s", status, r.status, r.raw)
			}
			lastProgress = progress
			h.clock.Advance(step)
		}
	})

	t.Run("container start", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{SessionTiming: kasmsim.SessionTiming{Starting: 5 * time.Second}})
		uid := h.userID(kasmsim.DefaultUsername)
		body := h.requestKasm(uid, kasmsim.ImageChromeID, nil)
		kasmID := at[string](t, body, "kasm_id")
		expectError(t, h.statusOf(kasmID), http.StatusOK, "This session is currently starting.")
		h.clock.Advance(5 * time.Second)

		r := h.statusOf(kasmID)
		kasm := obj(t, r.body, "kasm")
		hexKasm := strings.ReplaceAll(kasmID, "-", "")
		url := at[string](t, r.body, "kasm_url")
		m := regexp.MustCompile(`^/#/connect/kasm/` + hexKasm + `/` + dashedID(uid) + `/(` + dashedPattern + `)$`).FindStringSubmatch(url)
		if m == nil {
			t.Fatalf("kasm_url %q", url)
		}
		if kasm["kasm_id"] != hexKasm || kasm["user_id"] != uid || kasm["container_id"] == "" || kasm["share_id"] != nil ||
			obj(t, kasm, "client_settings")["allow_kasm_sharing"] != true || obj(t, kasm, "image")["image_id"] != kasmsim.ImageChromeID ||
			obj(t, obj(t, kasm, "port_map"), "vnc")["path"] != "desktop/"+kasmID+"/vnc" || r.body["current_time"] != "2024-05-01 12:00:05" {
			t.Fatalf("kasm %v", r.body)
		}
		if !regexp.MustCompile(`"cores":\s*2\.0`).MatchString(r.raw) || !regexp.MustCompile(`"idle_disconnect":\s*20\.0`).MatchString(r.raw) {
			t.Errorf("floats lost their fraction: %s", r.raw)
		}

		// Every call mints a new token and retires the one before.
		first := m[1]
		second := regexp.MustCompile(dashedPattern + `$`).FindString(at[string](t, h.statusOf(kasmID).body, "kasm_url"))
		if first == second || h.sim.SessionTokenValid(first) || !h.sim.SessionTokenValid(second) {
			t.Fatalf("token rotation: first %s (valid %v), second %s (valid %v)", first, h.sim.SessionTokenValid(first), second, h.sim.SessionTokenValid(second))
		}
		if h.sim.SessionTokenValid(at[string](t, body, "session_token")) {
			t.Errorf("request_kasm's token is still valid")
		}
	})
}

func TestKasmStatusStates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	uid := h.userID(kasmsim.DefaultUsername)
	kasmID := at[string](t, h.requestKasm(uid, kasmsim.ImageChromeID, nil), "kasm_id")

	tests := []struct {
		status  string
		wantErr string
		wantOp  string
	}{
		{status: kasmsim.StatusStopping, wantErr: "This session is currently scheduled to be stopped."},
		{status: kasmsim.StatusPausing, wantErr: "This session is currently scheduled to be paused."},
		{status: kasmsim.StatusDeletePending, wantErr: "Kasm is currently scheduled to be deleted."},
		{status: kasmsim.StatusAdminDeletePending, wantErr: "Kasm is currently scheduled to be deleted."},
		{status: kasmsim.StatusStopped, wantOp: "stopped"},
		{status: kasmsim.StatusPaused, wantOp: "paused"},
		{status: kasmsim.StatusSaving, wantOp: "saving"},
	}
	for _, tt := range tests {
		if err := h.sim.SetSessionStatus(kasmID, tt.status); err != nil {
			t.Fatal(err)
		}
		r := h.statusOf(kasmID)
		if r.status != http.StatusOK || r.errorMessage() != tt.wantErr || (tt.wantOp != "" && r.body["operational_status"] != tt.wantOp) || r.body["kasm"] != nil {
			t.Errorf("%s: %d %s", tt.status, r.status, r.raw)
		}
	}
	if err := h.sim.SetSessionStatus(kasmID, ""); err != nil {
		t.Fatal(err)
	}
	if r := h.statusOf(kasmID); r.body["kasm"] == nil {
		t.Errorf("back to the lifecycle: %s", r.raw)
	}
	if err := h.sim.SetSessionStatus(kasmID, "flying"); err == nil {
		t.Errorf("SetSessionStatus accepted an unknown status")
	}

	expectError(t, h.call("get_kasm_status", map[string]any{"user_id": h.userID(kasmsim.AdminUsername), "kasm_id": kasmID}), 200, "Access Denied")
	expectHTML500(t, h.call("get_kasm_status", map[string]any{"kasm_id": kasmID}))
	expectError(t, h.call("get_kasm_status", map[string]any{"user_id": uid}), 200, "Invalid Request")
	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "usage_limit_reached", true); err != nil {
		t.Fatal(err)
	}
	expectError(t, h.statusOf(kasmID), 200, "Usage limit exceeded for user")
}

func TestGetKasms(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{Autoscale: true, SessionTiming: kasmsim.SessionTiming{Requested: time.Minute}})
	if r := h.call("get_kasms", nil); r.status != 200 || r.raw != `{"kasms":[]}` {
		t.Fatalf("no sessions: %d %s", r.status, r.raw)
	}
	body := h.requestKasm(h.userID(kasmsim.DefaultUsername), kasmsim.ImageChromeID, map[string]any{"enable_sharing": true})
	anon := h.ok("request_kasm", map[string]any{"image_id": kasmsim.ImageFirefoxID})

	got := h.ok("get_kasms", nil)
	kasms := list(t, got, "kasms")
	if len(kasms) != 2 || got["current_time"] != "2024-05-01 12:00:00" {
		t.Fatalf("get_kasms %v", got)
	}
	first := at[map[string]any](t, kasms, 0)
	if first["kasm_id"] != strings.ReplaceAll(at[string](t, body, "kasm_id"), "-", "") || obj(t, first, "user")["username"] != kasmsim.DefaultUsername ||
		first["share_id"] != body["share_id"] || obj(t, first, "image")["friendly_name"] != "Kasm Chrome" || first["operational_status"] != "requested" {
		t.Fatalf("first kasm %v", first)
	}
	if server := obj(t, first, "server"); server["hostname"] != nil || server["zone_name"] != "default" {
		t.Errorf("server of a requested session %v", server)
	}
	if obj(t, at[map[string]any](t, kasms, 1), "user")["username"] != anon["username"] {
		t.Errorf("anonymous session %v", kasms[1])
	}

	h.clock.Advance(time.Minute)
	first = at[map[string]any](t, list(t, h.ok("get_kasms", nil), "kasms"), 0)
	if server := obj(t, first, "server"); server["hostname"] != "proxy" || server["port"] != float64(443) || server["provider"] != "hardware" {
		t.Errorf("server of a running session %v", server)
	}

	k, s := h.restrictedKey("user", kasmsim.PermUser)
	expectError(t, h.callAs(k, s, "get_kasms", nil), 401, "Unauthorized")
}

func TestJoinKasm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{SessionTiming: kasmsim.SessionTiming{Starting: time.Second}})
	owner := h.userID(kasmsim.DefaultUsername)
	body := h.requestKasm(owner, kasmsim.ImageChromeID, map[string]any{"enable_sharing": true})
	shareID := at[string](t, body, "share_id")
	kasmID := at[string](t, body, "kasm_id")

	expectError(t, h.call("join_kasm", map[string]any{"share_id": shareID}), 200, "This session is currently starting.")
	h.clock.Advance(time.Second)

	joined := h.ok("join_kasm", map[string]any{"share_id": strings.ToUpper(shareID)})
	viewer := at[string](t, joined, "user_id")
	if !strings.HasPrefix(at[string](t, joined, "username"), "anon_") || viewer == owner {
		t.Fatalf("viewer %v", joined)
	}
	want := regexp.MustCompile(`^/#/connect/join/` + shareID + `/` + viewer + `/` + dashedPattern + `$`)
	if url := at[string](t, joined, "kasm_url"); !want.MatchString(url) || !strings.HasSuffix(url, at[string](t, joined, "session_token")) {
		t.Fatalf("kasm_url %v / session_token %v", joined["kasm_url"], joined["session_token"])
	}
	kasm := obj(t, joined, "kasm")
	ports := obj(t, kasm, "port_map")
	if kasm["kasm_id"] != strings.ReplaceAll(kasmID, "-", "") || obj(t, kasm, "user")["username"] != kasmsim.DefaultUsername ||
		ports["uploads"] != nil || ports["vnc"] == nil || kasm["share_id"] != shareID {
		t.Fatalf("joined kasm %v", kasm)
	}

	named := h.ok("join_kasm", map[string]any{"share_id": shareID, "user_id": h.userID(kasmsim.AdminUsername)})
	if named["username"] != kasmsim.AdminUsername {
		t.Errorf("named viewer %v", named["username"])
	}

	expectError(t, h.call("join_kasm", map[string]any{}), 200, "Missing Parameters: share_id is missing")
	expectError(t, h.call("join_kasm", map[string]any{"share_id": "ffffffff"}), 200, "No Kasm found with share_id (ffffffff)")
	if err := h.sim.SetSessionStatus(kasmID, kasmsim.StatusStopped); err != nil {
		t.Fatal(err)
	}
	expectError(t, h.call("join_kasm", map[string]any{"share_id": shareID}), 200, "Kasm ("+strings.ReplaceAll(kasmID, "-", "")+") is not running")
	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "allow_kasm_sharing", false); err != nil {
		t.Fatal(err)
	}
	expectError(t, h.call("join_kasm", map[string]any{"share_id": shareID}), 200, "Sharing is not enabled for this Kasm")
}

func TestKeepalive(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{SessionTiming: kasmsim.SessionTiming{Deleting: time.Minute}})
	uid := h.userID(kasmsim.DefaultUsername)
	kasmID := at[string](t, h.requestKasm(uid, kasmsim.ImageChromeID, nil), "kasm_id")
	if k, _ := h.sim.Session(kasmID); !k.ExpirationDate.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("initial expiration %v, want now + 3600 s", k.ExpirationDate)
	}

	h.clock.Advance(30 * time.Minute)
	if r := h.call("keepalive", map[string]any{"kasm_id": kasmID}); r.status != 200 || r.body["usage_reached"] != false {
		t.Fatalf("keepalive: %d %s", r.status, r.raw)
	}
	if k, _ := h.sim.Session(kasmID); !k.ExpirationDate.Equal(epoch.Add(90*time.Minute)) || !k.KeepaliveDate.Equal(epoch.Add(30*time.Minute)) {
		t.Fatalf("after keepalive: expiration %v keepalive %v", k.ExpirationDate, k.KeepaliveDate)
	}

	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "keepalive_expiration", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	h.ok("keepalive", map[string]any{"kasm_id": kasmID})
	if k, _ := h.sim.Session(kasmID); !k.ExpirationDate.Equal(epoch.Add(40 * time.Minute)) {
		t.Fatalf("keepalive_expiration 600: expiration %v", k.ExpirationDate)
	}

	h.clock.Advance(time.Minute)
	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "session_time_limit", 7200); err != nil {
		t.Fatal(err)
	}
	if r := h.call("keepalive", map[string]any{"kasm_id": kasmID}); r.status != 200 || r.raw != "{}" {
		t.Fatalf("with a session time limit: %d %s", r.status, r.raw)
	}
	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "session_time_limit", nil); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "usage_limit_reached", true); err != nil {
		t.Fatal(err)
	}
	if r := h.call("keepalive", map[string]any{"kasm_id": kasmID}); r.body["usage_reached"] != true {
		t.Fatalf("usage reached: %s", r.raw)
	}
	if k, _ := h.sim.Session(kasmID); !k.ExpirationDate.Equal(epoch.Add(40 * time.Minute)) {
		t.Fatalf("expiration moved without an extension: %v", k.ExpirationDate)
	}

	expectError(t, h.call("keepalive", map[string]any{}), 400, "Invalid Request: Missing required parameters")
	h.ok("destroy_kasm", map[string]any{"kasm_id": kasmID, "user_id": uid})
	expectError(t, h.call("keepalive", map[string]any{"kasm_id": kasmID}), 200,
		"Kasm ("+strings.ReplaceAll(kasmID, "-", "")[:8]+") is currently scheduled to be deleted. Can not honor keepalive request")
}

func TestDestroyKasm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{SessionTiming: kasmsim.SessionTiming{Deleting: 5 * time.Second}})
	uid := h.userID(kasmsim.DefaultUsername)
	kasmID := at[string](t, h.requestKasm(uid, kasmsim.ImageChromeID, nil), "kasm_id")

	k, s := h.sim.CreateAPIKey(kasmsim.APIKeySpec{Name: "owner", Permissions: []kasmsim.Permission{kasmsim.PermUser, kasmsim.PermUsersAuthSession}})
	expectError(t, h.callAs(k, s, "destroy_kasm", map[string]any{"kasm_id": kasmID, "user_id": h.userID(kasmsim.AdminUsername)}), 200,
		"Unauthorized attempt to delete session")
	expectHTML500(t, h.callAs(k, s, "destroy_kasm", map[string]any{"kasm_id": kasmID}))
	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "allow_kasm_delete", false); err != nil {
		t.Fatal(err)
	}
	expectError(t, h.callAs(k, s, "destroy_kasm", map[string]any{"kasm_id": kasmID, "user_id": uid}), 200,
		"User is not authorized to issue a delete request")
	if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "allow_kasm_delete", nil); err != nil {
		t.Fatal(err)
	}

	if r := h.callAs(k, s, "destroy_kasm", map[string]any{"kasm_id": kasmID, "user_id": uid}); r.status != 200 || r.raw != "{}" {
		t.Fatalf("destroy: %d %s", r.status, r.raw)
	}
	expectError(t, h.statusOf(kasmID), 200, "Kasm is currently scheduled to be deleted.")
	expectError(t, h.call("destroy_kasm", map[string]any{"kasm_id": kasmID, "user_id": uid}), 200, "Session is not in a valid state to be deleted")

	h.clock.Advance(5 * time.Second)
	expectError(t, h.statusOf(kasmID), 400, "Invalid kasm_id ("+kasmID+")")
	expectError(t, h.call("destroy_kasm", map[string]any{"kasm_id": kasmID, "user_id": uid}), 400, "Invalid kasm_id ("+kasmID+")")
	if _, exists := h.sim.Session(kasmID); exists {
		t.Fatalf("session still listed")
	}

	t.Run("instant deletion, by an admin key without user_id", func(t *testing.T) {
		h := newHarness(t, kasmsim.Options{})
		kasmID := at[string](t, h.requestKasm(h.userID(kasmsim.DefaultUsername), kasmsim.ImageChromeID, nil), "kasm_id")
		h.ok("destroy_kasm", map[string]any{"kasm_id": kasmID})
		expectError(t, h.call("keepalive", map[string]any{"kasm_id": kasmID}), 400, "Invalid kasm_id ("+kasmID+")")
	})
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	uid := h.userID(kasmsim.DefaultUsername)
	kept := at[string](t, h.requestKasm(uid, kasmsim.ImageChromeID, nil), "kasm_id")
	idle := at[string](t, h.requestKasm(uid, kasmsim.ImageFirefoxID, nil), "kasm_id")

	h.clock.Advance(50 * time.Minute)
	h.ok("keepalive", map[string]any{"kasm_id": kept})
	h.clock.Advance(10*time.Minute + time.Second)

	expectError(t, h.call("keepalive", map[string]any{"kasm_id": idle}), 400, "Invalid kasm_id ("+idle+")")
	kasms := list(t, h.ok("get_kasms", nil), "kasms")
	if len(kasms) != 1 || at[map[string]any](t, kasms, 0)["kasm_id"] != strings.ReplaceAll(kept, "-", "") {
		t.Fatalf("after expiry: %v", kasms)
	}

	if err := h.sim.ExpireSession(kept); err != nil {
		t.Fatal(err)
	}
	if r := h.call("get_kasms", nil); r.raw != `{"kasms":[]}` {
		t.Fatalf("after ExpireSession: %s", r.raw)
	}
}
