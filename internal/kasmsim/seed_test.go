package kasmsim_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestFreshInstall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})

	users := list(t, h.ok("get_users", nil), "users")
	if len(users) != 2 {
		t.Fatalf("got %d users, want admin and user", len(users))
	}
	groupsOf := map[string][]string{}
	for _, u := range users {
		um := at[map[string]any](t, u)
		for _, g := range at[[]any](t, um, "groups") {
			name := at[string](t, um, "username")
			groupsOf[name] = append(groupsOf[name], at[string](t, g, "group_id"))
		}
	}
	if want := []string{kasmsim.AllUsersGroupID, kasmsim.AdministratorsGroupID}; !slices.Equal(groupsOf[kasmsim.AdminUsername], want) {
		t.Errorf("admin groups %v, want %v", groupsOf[kasmsim.AdminUsername], want)
	}
	if want := []string{kasmsim.AllUsersGroupID}; !slices.Equal(groupsOf[kasmsim.DefaultUsername], want) {
		t.Errorf("user groups %v, want %v", groupsOf[kasmsim.DefaultUsername], want)
	}

	groups := list(t, h.ok("get_groups", nil), "groups")
	want := map[string]struct {
		name     string
		priority float64
	}{
		kasmsim.AllUsersGroupID:       {"All Users", 1000},
		kasmsim.AdministratorsGroupID: {"Administrators", 1},
	}
	for _, g := range groups {
		gm := at[map[string]any](t, g)
		w, known := want[at[string](t, gm, "group_id")]
		if !known || gm["name"] != w.name || gm["priority"] != w.priority || gm["is_system"] != true {
			t.Errorf("unexpected group %v", gm)
		}
		delete(want, at[string](t, gm, "group_id"))
	}
	if len(want) != 0 {
		t.Errorf("missing groups %v", want)
	}

	images := list(t, h.ok("get_images", nil), "images")
	friendly := map[string]map[string]any{}
	for _, img := range images {
		im := at[map[string]any](t, img)
		friendly[at[string](t, im, "friendly_name")] = im
	}
	for _, name := range []string{"Kasm Chrome", "Kasm Firefox", "Ubuntu Jammy", "Kasm Terminal", "Tor Browser"} {
		if friendly[name] == nil {
			t.Errorf("no image %q among %v", name, friendly)
		}
	}
	chrome := friendly["Kasm Chrome"]
	if chrome["image_id"] != kasmsim.ImageChromeID || !strings.HasPrefix(at[string](t, chrome, "name"), "kasmweb/chrome:") ||
		chrome["image_type"] != "Container" || chrome["enabled"] != true || len(at[[]any](t, chrome, "imageAttributes")) == 0 {
		t.Errorf("chrome image %v", chrome)
	}
	// cores is a Python float on the wire.
	r := h.call("get_images", nil)
	if !regexp.MustCompile(`"cores":\s*2\.0`).MatchString(r.raw) {
		t.Errorf("cores not rendered as a float: %s", r.raw[:200])
	}

	assigned := list(t, h.ok("get_images_group", map[string]any{"target_group": map[string]any{"group_id": kasmsim.AllUsersGroupID}}), "images")
	if len(assigned) != len(images) {
		t.Errorf("All Users has %d images, want all %d", len(assigned), len(images))
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	a := kasmsim.New(kasmsim.Options{Seed: 99})
	b := kasmsim.New(kasmsim.Options{Seed: 99})
	c := kasmsim.New(kasmsim.Options{Seed: 100})
	ua, _ := a.UserByName(kasmsim.AdminUsername)
	ub, _ := b.UserByName(kasmsim.AdminUsername)
	uc, _ := c.UserByName(kasmsim.AdminUsername)
	if ua.ID != ub.ID || ua.Attributes.SSHPublicKey != ub.Attributes.SSHPublicKey {
		t.Fatalf("same seed, different ids: %s vs %s", ua.ID, ub.ID)
	}
	if ua.ID == uc.ID {
		t.Fatalf("different seeds, same id %s", ua.ID)
	}
	ka, _ := a.AdminKey()
	kb, _ := b.AdminKey()
	if ka != kb || len(ka) != 12 {
		t.Fatalf("admin keys %q %q", ka, kb)
	}
	fixed := kasmsim.New(kasmsim.Options{AdminAPIKey: "fixedkey0001", AdminAPIKeySecret: "fixedsecret"})
	if k, s := fixed.AdminKey(); k != "fixedkey0001" || s != "fixedsecret" {
		t.Fatalf("fixed admin key %q/%q", k, s)
	}
}
