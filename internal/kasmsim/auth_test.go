package kasmsim_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestAuthPipeline(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	userID := h.userID(kasmsim.DefaultUsername)
	future := epoch.Add(time.Hour)
	past := epoch.Add(-time.Hour)

	type key struct{ key, secret string }
	mk := func(spec kasmsim.APIKeySpec) key {
		k, s := h.sim.CreateAPIKey(spec)
		return key{k, s}
	}
	admin := key{h.key, h.secret}
	expiring := mk(kasmsim.APIKeySpec{Name: "expiring", Permissions: kasmsim.AllPermissions(), Expires: &future})
	expired := mk(kasmsim.APIKeySpec{Name: "expired", Permissions: kasmsim.AllPermissions(), Expires: &past})
	disabled := mk(kasmsim.APIKeySpec{Name: "disabled", Permissions: kasmsim.AllPermissions(), Disabled: true})
	readOnly := mk(kasmsim.APIKeySpec{Name: "reader", Permissions: kasmsim.AllPermissions(), ReadOnly: true})
	noUAS := mk(kasmsim.APIKeySpec{Name: "no-uas", Permissions: []kasmsim.Permission{kasmsim.PermUser, kasmsim.PermUsersView}})
	globalAdmin := mk(kasmsim.APIKeySpec{Name: "ga", Permissions: []kasmsim.Permission{kasmsim.PermGlobalAdmin}})
	usersView := mk(kasmsim.APIKeySpec{Name: "users-view", Permissions: []kasmsim.Permission{kasmsim.PermUsersView, kasmsim.PermUsersAuthSession}})

	tests := []struct {
		name       string
		creds      key
		endpoint   string
		body       map[string]any
		wantStatus int
		wantErr    string
	}{
		{name: "no api_key", creds: key{}, endpoint: "get_users", wantStatus: 400, wantErr: "Invalid Request"},
		{name: "key without secret", creds: key{key: h.key}, endpoint: "get_users", wantStatus: 400, wantErr: "Invalid Request"},
		{name: "unknown key", creds: key{"nosuchkey123", "x"}, endpoint: "get_users", wantStatus: 403, wantErr: "Access Denied"},
		{name: "wrong secret", creds: key{h.key, "wrong"}, endpoint: "get_users", wantStatus: 403, wantErr: "Access Denied"},
		{name: "disabled key", creds: disabled, endpoint: "get_users", wantStatus: 403, wantErr: "Access Denied"},
		{name: "wrong secret on a key that expires later", creds: key{expiring.key, "wrong"}, endpoint: "get_users", wantStatus: 403, wantErr: "Access Denied"},
		{name: "expired key", creds: expired, endpoint: "get_users", wantStatus: 401, wantErr: "Access has expired"},
		{name: "expired key with wrong secret", creds: key{expired.key, "wrong"}, endpoint: "get_users", wantStatus: 401, wantErr: "Access has expired"},
		{name: "key before its expiry", creds: expiring, endpoint: "get_users", wantStatus: 200},
		{name: "read-only key reads", creds: readOnly, endpoint: "get_users", wantStatus: 200},
		{name: "read-only key writes", creds: readOnly, endpoint: "create_user", body: map[string]any{"target_user": map[string]any{"username": "ro@example.com"}}, wantStatus: 401, wantErr: "Unauthorized"},
		{name: "read-only key passes the 1.15 bypass", creds: readOnly, endpoint: "update_user_attributes", body: map[string]any{"target_user_attributes": map[string]any{"user_id": userID, "show_tips": true}}, wantStatus: 200},
		{name: "read-only check precedes impersonation", creds: readOnly, endpoint: "request_kasm", body: map[string]any{"user_id": "00000000000000000000000000000000"}, wantStatus: 401, wantErr: "Unauthorized"},
		{name: "impersonation without Users Auth Session", creds: noUAS, endpoint: "get_kasm_status", body: map[string]any{"user_id": userID, "kasm_id": "0000"}, wantStatus: 401, wantErr: "API Key (no-uas) is not authorized to impersonate a user."},
		{name: "unknown user_id", creds: admin, endpoint: "request_kasm", body: map[string]any{"user_id": "0123456789abcdef0123456789abcdef"}, wantStatus: 400, wantErr: "Invalid user_id (0123456789abcdef0123456789abcdef)"},
		{name: "malformed user_id", creds: admin, endpoint: "request_kasm", body: map[string]any{"user_id": "bob"}, wantStatus: 400, wantErr: "Invalid user_id (bob)"},
		{name: "unknown user_id before the permission check", creds: usersView, endpoint: "request_kasm", body: map[string]any{"user_id": "0123456789abcdef0123456789abcdef"}, wantStatus: 400, wantErr: "Invalid user_id (0123456789abcdef0123456789abcdef)"},
		{name: "unknown kasm_id", creds: admin, endpoint: "keepalive", body: map[string]any{"kasm_id": "6d62ec66-3062-4f1d-b861-aeb3f5ca2390"}, wantStatus: 400, wantErr: "Invalid kasm_id (6d62ec66-3062-4f1d-b861-aeb3f5ca2390)"},
		{name: "missing permission", creds: usersView, endpoint: "create_user", body: map[string]any{"target_user": map[string]any{"username": "np@example.com"}}, wantStatus: 401, wantErr: "Unauthorized"},
		{name: "Global Admin implies Users View", creds: globalAdmin, endpoint: "get_users", wantStatus: 200},
		{name: "Global Admin does not imply User", creds: globalAdmin, endpoint: "request_kasm", body: map[string]any{"image_id": kasmsim.ImageChromeID}, wantStatus: 401, wantErr: "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := h.callAs(tt.creds.key, tt.creds.secret, tt.endpoint, tt.body)
			if r.status != tt.wantStatus || r.errorMessage() != tt.wantErr {
				t.Fatalf("got %d %s; want %d %q", r.status, r.raw, tt.wantStatus, tt.wantErr)
			}
		})
	}
}

func TestAuthOptions(t *testing.T) {
	t.Parallel()

	t.Run("wrong secret answers the HTML 500 page", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{WrongSecretHTML500: true})
		expectHTML500(t, h.callAs(h.key, "wrong", "get_users", nil))
		// A key with an expiry date does not hit the defect.
		future := epoch.Add(time.Hour)
		k, _ := h.sim.CreateAPIKey(kasmsim.APIKeySpec{Name: "e", Expires: &future})
		expectError(t, h.callAs(k, "wrong", "get_users", nil), 403, "Access Denied")
	})

	t.Run("strict read-only", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{StrictReadOnly: true})
		k, s := h.sim.CreateAPIKey(kasmsim.APIKeySpec{Name: "r", Permissions: kasmsim.AllPermissions(), ReadOnly: true})
		r := h.callAs(k, s, "update_user_attributes", map[string]any{
			"target_user_attributes": map[string]any{"user_id": h.userID(kasmsim.DefaultUsername)},
		})
		expectError(t, r, 401, "Unauthorized")
	})

	t.Run("unlicensed", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{Unlicensed: true})
		expectError(t, h.call("get_users", nil), 403, "Access Denied. This feature is not licensed")
	})

	t.Run("key expires as the clock moves", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{})
		expires := epoch.Add(time.Minute)
		k, s := h.sim.CreateAPIKey(kasmsim.APIKeySpec{Name: "m", Permissions: kasmsim.AllPermissions(), Expires: &expires})
		if r := h.callAs(k, s, "get_users", nil); r.status != http.StatusOK {
			t.Fatalf("before expiry: %d %s", r.status, r.raw)
		}
		h.clock.Advance(time.Minute)
		expectError(t, h.callAs(k, s, "get_users", nil), 401, "Access has expired")
	})

	t.Run("malformed kasm_id", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, kasmsim.Options{})
		expectHTML500(t, h.call("keepalive", map[string]any{"kasm_id": "not-a-uuid"}))
		lenient := newHarness(t, kasmsim.Options{LenientMalformedIDs: true})
		expectError(t, lenient.call("keepalive", map[string]any{"kasm_id": "not-a-uuid"}), 400, "Invalid kasm_id (not-a-uuid)")
	})

	t.Run("keepalive permission", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			opt  bool
			want int
		}{{false, 401}, {true, 200}} {
			h := newHarness(t, kasmsim.Options{KeepaliveUserPermission: tc.opt})
			kasm := h.requestKasm(h.userID(kasmsim.DefaultUsername), kasmsim.ImageChromeID, nil)
			k, s := h.restrictedKey("user-only", kasmsim.PermUser)
			if r := h.callAs(k, s, "keepalive", map[string]any{"kasm_id": kasm["kasm_id"]}); r.status != tc.want {
				t.Fatalf("KeepaliveUserPermission=%v: status %d, want %d (%s)", tc.opt, r.status, tc.want, r.raw)
			}
		}
	})
}

func TestPermissionNames(t *testing.T) {
	t.Parallel()
	tests := map[kasmsim.Permission]string{
		kasmsim.PermUser:             "User",
		kasmsim.PermGlobalAdmin:      "Global Admin",
		kasmsim.PermUsersAuthSession: "Users Auth Session",
		kasmsim.Permission(12345):    "Permission(12345)",
	}
	for p, want := range tests {
		if got := p.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(p), got, want)
		}
	}
	all := kasmsim.AllPermissions()
	if all[0] != kasmsim.PermUser || len(all) < 20 {
		t.Fatalf("AllPermissions() = %v", all)
	}
}
