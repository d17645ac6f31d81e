package kasmsim_test

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestOutOfBandChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	uid := h.createUser("olga@example.com")
	gid := at[string](t, obj(t, h.ok("create_group", map[string]any{"target_group": map[string]any{"name": "Drift", "priority": 9}}), "group"), "group_id")
	h.ok("add_user_group", map[string]any{"target_user": map[string]any{"user_id": uid}, "target_group": map[string]any{"group_id": gid}})
	h.ok("add_images_group", map[string]any{"target_group": map[string]any{"group_id": gid}, "target_image": map[string]any{"image_id": kasmsim.ImageChromeID}})

	t.Run("EditUser", func(t *testing.T) {
		err := h.sim.EditUser(dashedID(uid), func(u *kasmsim.UserRecord) {
			u.Username = " Olga.Renamed@Example.com"
			u.FirstName = new("Olga")
			u.ID = "ignored"
		})
		if err != nil {
			t.Fatal(err)
		}
		u := obj(t, h.ok("get_user", map[string]any{"target_user": map[string]any{"user_id": uid}}), "user")
		if u["username"] != "olga.renamed@example.com" || u["first_name"] != "Olga" {
			t.Fatalf("after EditUser: %v", u)
		}
		if err := h.sim.EditUser(uid, func(u *kasmsim.UserRecord) { u.Username = kasmsim.AdminUsername }); !errors.Is(err, kasmsim.ErrInvalidArgument) {
			t.Fatalf("taking another user's name: %v", err)
		}
	})

	t.Run("EditGroup", func(t *testing.T) {
		if err := h.sim.EditGroup(gid, func(g *kasmsim.GroupRecord) { g.Name = "Drifted"; g.Priority = 99 }); err != nil {
			t.Fatal(err)
		}
		g, _ := h.sim.Group(gid)
		if g.Name != "Drifted" || g.Priority != 99 {
			t.Fatalf("after EditGroup: %+v", g)
		}
	})

	t.Run("RemoveGroupImageOutOfBand", func(t *testing.T) {
		if err := h.sim.RemoveGroupImageOutOfBand(gid, kasmsim.ImageChromeID); err != nil {
			t.Fatal(err)
		}
		if images := list(t, h.ok("get_images_group", map[string]any{"target_group": map[string]any{"group_id": gid}}), "images"); len(images) != 0 {
			t.Fatalf("images after removal %v", images)
		}
		if err := h.sim.RemoveGroupImageOutOfBand(gid, kasmsim.ImageChromeID); !errors.Is(err, kasmsim.ErrNotFound) {
			t.Fatalf("second removal: %v", err)
		}
	})

	t.Run("RemoveMembershipOutOfBand", func(t *testing.T) {
		if err := h.sim.RemoveMembershipOutOfBand(uid, gid); err != nil {
			t.Fatal(err)
		}
		expectError(t, h.call("remove_user_group", map[string]any{"target_user": map[string]any{"user_id": uid}, "target_group": map[string]any{"group_id": gid}}),
			400, "User ("+uid+") is not a member of group ("+gid+")")
	})

	t.Run("session hooks", func(t *testing.T) {
		kasmID := at[string](t, h.requestKasm(uid, kasmsim.ImageChromeID, nil), "kasm_id")
		if got := h.sim.Sessions(); len(got) != 1 || got[0].Status != kasmsim.StatusRunning {
			t.Fatalf("Sessions() = %+v", got)
		}
		if err := h.sim.DestroySessionOutOfBand(kasmID); err != nil {
			t.Fatal(err)
		}
		expectError(t, h.call("keepalive", map[string]any{"kasm_id": kasmID}), 400, "Invalid kasm_id ("+kasmID+")")
		for name, fn := range map[string]func() error{
			"DestroySessionOutOfBand": func() error { return h.sim.DestroySessionOutOfBand(kasmID) },
			"SetSessionStatus":        func() error { return h.sim.SetSessionStatus(kasmID, kasmsim.StatusRunning) },
			"ExpireSession":           func() error { return h.sim.ExpireSession(kasmID) },
		} {
			if err := fn(); !errors.Is(err, kasmsim.ErrNotFound) {
				t.Errorf("%s on a gone session: %v", name, err)
			}
		}
	})

	t.Run("SetSessionStatus deleting", func(t *testing.T) {
		kasmID := at[string](t, h.requestKasm(uid, kasmsim.ImageChromeID, nil), "kasm_id")
		if err := h.sim.SetSessionStatus(kasmID, kasmsim.StatusDeleting); err != nil {
			t.Fatal(err)
		}
		if _, exists := h.sim.Session(kasmID); exists {
			t.Fatalf("with instant deletion the session should be gone")
		}
	})

	t.Run("DeleteGroupOutOfBand and DeleteUserOutOfBand", func(t *testing.T) {
		if err := h.sim.DeleteGroupOutOfBand(gid); err != nil {
			t.Fatal(err)
		}
		expectError(t, h.call("update_group", map[string]any{"target_group": map[string]any{"group_id": gid}}), 200, "Invalid Request. group does not exit by that id")
		if err := h.sim.DeleteUserOutOfBand(uid); err != nil {
			t.Fatal(err)
		}
		expectError(t, h.call("get_user", map[string]any{"target_user": map[string]any{"user_id": uid}}), 400, "Invalid Request")
		if err := h.sim.DeleteUserOutOfBand(uid); !errors.Is(err, kasmsim.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})

	t.Run("SetGroupSetting validation", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			value any
		}{
			{"allow_kasm_sharing", "yes"},
			{"max_kasms_per_user", -1},
			{"default_image", "0123456789abcdef0123456789abcdef"},
			{"no_such_setting", true},
		} {
			if err := h.sim.SetGroupSetting(kasmsim.AllUsersGroupID, tc.name, tc.value); !errors.Is(err, kasmsim.ErrInvalidArgument) {
				t.Errorf("SetGroupSetting(%s, %v) = %v, want ErrInvalidArgument", tc.name, tc.value, err)
			}
		}
		if err := h.sim.SetGroupSetting("0123456789abcdef0123456789abcdef", "allow_kasm_sharing", true); !errors.Is(err, kasmsim.ErrNotFound) {
			t.Errorf("unknown group: %v", err)
		}
	})

	t.Run("AddImage", func(t *testing.T) {
		id, err := h.sim.AddImage(kasmsim.ImageRecord{Name: "kasmweb/vs-code:1.16.0", FriendlyName: "VS Code", Enabled: true, Cores: 1, Memory: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		images := list(t, h.ok("get_images", nil), "images")
		if last := at[map[string]any](t, images, len(images)-1); last["image_id"] != id || last["image_type"] != "Container" {
			t.Fatalf("added image %v", last)
		}
		if _, err := h.sim.AddImage(kasmsim.ImageRecord{ID: id}); !errors.Is(err, kasmsim.ErrInvalidArgument) {
			t.Fatalf("duplicate image id: %v", err)
		}
	})
}

func TestLookupsReturnCopies(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	u, _ := h.sim.UserByName("ADMIN@kasm.local")
	u.Groups[0] = "mutated"
	again, _ := h.sim.User(u.ID)
	if again.Groups[0] != kasmsim.AllUsersGroupID {
		t.Fatalf("a lookup result aliased the state: %+v", again)
	}
	g, _ := h.sim.GroupByName("All Users")
	g.Images[0].ImageID = "mutated"
	if g2, _ := h.sim.Group(kasmsim.AllUsersGroupID); g2.Images[0].ImageID != kasmsim.ImageChromeID {
		t.Fatalf("group images aliased: %v", g2.Images)
	}
	if n := len(h.sim.Users()); n != 2 {
		t.Errorf("Users() has %d", n)
	}
	if n := len(h.sim.Groups()); n != 2 {
		t.Errorf("Groups() has %d", n)
	}
	if n := len(h.sim.Images()); n != 5 {
		t.Errorf("Images() has %d", n)
	}
}

func TestSeedUsersScale(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	start := time.Now()
	ids := h.sim.SeedUsers(10_000, "load")
	elapsed := time.Since(start)
	t.Logf("SeedUsers(10000) took %v", elapsed)
	if len(ids) != 10_000 {
		t.Fatalf("got %d ids", len(ids))
	}
	// Generous because the race detector slows everything several times.
	if elapsed > 5*time.Second {
		t.Fatalf("SeedUsers(10000) took %v", elapsed)
	}

	seen := 0
	for page := 0; ; page++ {
		body := h.ok("get_users", map[string]any{"page": page, "page_size": 1000})
		users := list(t, body, "users")
		if body["total"] != float64(10_002) {
			t.Fatalf("total %v", body["total"])
		}
		seen += len(users)
		if len(users) < 1000 {
			break
		}
	}
	if seen != 10_002 {
		t.Fatalf("paged through %d users, want 10002", seen)
	}
	if u, ok := h.sim.UserByName("load9999@example.com"); !ok || u.ID != ids[9999] {
		t.Fatalf("last seeded user %+v", u)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{MaxKasmsPerUser: 100})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 10 {
				name := fmt.Sprintf("c%d-%d@example.com", i, j)
				r := h.call("create_user", map[string]any{"target_user": map[string]any{"username": name}})
				if r.status != http.StatusOK {
					t.Errorf("create %s: %d %s", name, r.status, r.raw)
					return
				}
				id := at[string](t, r.body, "user", "user_id")
				h.call("request_kasm", map[string]any{"user_id": id, "image_id": kasmsim.ImageChromeID})
				h.call("get_users", nil)
				h.call("get_kasms", nil)
				h.sim.Sessions()
				h.clock.Advance(time.Millisecond)
			}
		})
	}
	wg.Wait()
	if n := len(h.sim.Users()); n != 82 {
		t.Fatalf("%d users after concurrent creation, want 82", n)
	}
	if n := len(h.sim.Sessions()); n != 80 {
		t.Fatalf("%d sessions, want 80", n)
	}
}
