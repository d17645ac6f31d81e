package kasmsim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	var changes atomic.Int32
	h := newHarness(t, kasmsim.Options{OnChange: func() { changes.Add(1) }})
	uid := h.createUser("pat@example.com")
	gid := at[string](t, obj(t, h.ok("create_group", map[string]any{"target_group": map[string]any{"name": "Saved", "priority": 3}}), "group"), "group_id")
	if err := h.sim.SetGroupSetting(gid, "max_kasms_per_user", 1); err != nil {
		t.Fatal(err)
	}
	h.ok("add_user_group", map[string]any{"target_user": map[string]any{"user_id": uid}, "target_group": map[string]any{"group_id": gid}})
	kasm := h.requestKasm(uid, kasmsim.ImageChromeID, map[string]any{"enable_sharing": true})
	extraKey, extraSecret := h.restrictedKey("extra", kasmsim.PermUsersView)
	if changes.Load() == 0 {
		t.Fatalf("OnChange was never called")
	}
	before := changes.Load()
	h.ok("get_users", nil)
	if changes.Load() != before {
		t.Errorf("a read-only call reported a change")
	}

	data, err := h.sim.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored, err := kasmsim.NewFromSnapshot(kasmsim.Options{Clock: h.clock}, data)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(restored)
	t.Cleanup(srv.Close)
	r2 := &harness{t: t, sim: restored, srv: srv, clock: h.clock, key: h.key, secret: h.secret}

	if u := obj(t, r2.ok("get_user", map[string]any{"target_user": map[string]any{"user_id": uid}}), "user"); len(at[[]any](t, u, "groups")) != 2 || len(at[[]any](t, u, "kasms")) != 1 {
		t.Fatalf("restored user %v", u)
	}
	if r := r2.callAs(extraKey, extraSecret, "get_users", nil); r.status != http.StatusOK {
		t.Fatalf("restored extra key: %d %s", r.status, r.raw)
	}
	// The group setting survived with its type: a second session is refused.
	expectError(t, r2.call("request_kasm", map[string]any{"user_id": uid, "image_id": kasmsim.ImageChromeID}), 200, "Kasm limit exceeded for user: (pat@example.com)")
	if r := r2.call("join_kasm", map[string]any{"share_id": kasm["share_id"]}); r.status != 200 || r.errorMessage() != "" {
		t.Fatalf("join after restore: %s", r.raw)
	}
	h.clock.Advance(2 * time.Hour)
	if r := r2.call("get_kasms", nil); r.raw != `{"kasms":[]}` {
		t.Fatalf("restored session did not expire: %s", r.raw)
	}

	again, err := restored.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	if err := errors.Join(json.Unmarshal(data, &a), json.Unmarshal(again, &b)); err != nil {
		t.Fatal(err)
	}
	if len(at[[]any](t, a, "users")) != len(at[[]any](t, b, "users"))-1 { // join_kasm added an anonymous viewer
		t.Errorf("users %d before, %d after", len(at[[]any](t, a, "users")), len(at[[]any](t, b, "users")))
	}
}

func TestSnapshotAdminKeyOverride(t *testing.T) {
	t.Parallel()
	data, err := kasmsim.New(kasmsim.Options{}).Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	s, err := kasmsim.NewFromSnapshot(kasmsim.Options{AdminAPIKey: "demo00000001", AdminAPIKeySecret: "demosecret"}, data)
	if err != nil {
		t.Fatal(err)
	}
	if k, sec := s.AdminKey(); k != "demo00000001" || sec != "demosecret" {
		t.Fatalf("admin key %q/%q", k, sec)
	}
	for _, bad := range [][]byte{[]byte("{"), []byte(`{"version": 99}`), bytes.Replace(data, []byte(`"admin_key"`), []byte(`"other"`), 1)} {
		if _, err := kasmsim.NewFromSnapshot(kasmsim.Options{}, bad); err == nil {
			t.Errorf("NewFromSnapshot accepted %.40q", bad)
		}
	}
}
