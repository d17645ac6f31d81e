package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// testImages is a small catalogue in the order a server might return it.
func testImages() []kasm.Image {
	return []kasm.Image{
		{ID: "0000000000000000000000000000000c", Name: "kasmweb/terminal:1.16.0", FriendlyName: "Kasm Terminal", Enabled: true},
		{ID: "0000000000000000000000000000000a", Name: "kasmweb/chrome:1.16.0", FriendlyName: "Kasm Chrome", Enabled: true},
		{ID: "0000000000000000000000000000000d", Name: "example/chrome-beta:2.0", FriendlyName: "chrome beta", Enabled: false},
		{ID: "0000000000000000000000000000000b", Name: "kasmweb/firefox:1.16.0", FriendlyName: "Kasm Firefox", Enabled: true},
		{ID: "0000000000000000000000000000000f", Name: "kasmweb/chrome:1.15.0", FriendlyName: "Kasm Chrome", Enabled: false},
	}
}

func imageIDs(images []kasm.Image) []string {
	ids := make([]string, 0, len(images))
	for _, image := range images {
		ids = append(ids, image.ID)
	}
	return ids
}

func TestImageFilterApply(t *testing.T) {
	tests := []struct {
		name    string
		filter  imageFilter
		wantIDs []string
	}{
		{
			name:   "no filter lists all, sorted by friendly name without case, then name, then id",
			filter: imageFilter{},
			wantIDs: []string{
				"0000000000000000000000000000000d", // chrome beta
				"0000000000000000000000000000000f", // Kasm Chrome, kasmweb/chrome:1.15.0
				"0000000000000000000000000000000a", // Kasm Chrome, kasmweb/chrome:1.16.0
				"0000000000000000000000000000000b",
				"0000000000000000000000000000000c",
			},
		},
		{
			name:    "enabled only",
			filter:  imageFilter{enabledOnly: true},
			wantIDs: []string{"0000000000000000000000000000000a", "0000000000000000000000000000000b", "0000000000000000000000000000000c"},
		},
		{
			name:    "name substring without case",
			filter:  imageFilter{name: "CHROME:"},
			wantIDs: []string{"0000000000000000000000000000000f", "0000000000000000000000000000000a"},
		},
		{
			name:    "friendly name substring without case",
			filter:  imageFilter{friendlyName: "chrome"},
			wantIDs: []string{"0000000000000000000000000000000d", "0000000000000000000000000000000f", "0000000000000000000000000000000a"},
		},
		{
			name:    "filters combine",
			filter:  imageFilter{enabledOnly: true, name: "chrome", friendlyName: "kasm"},
			wantIDs: []string{"0000000000000000000000000000000a"},
		},
		{
			name:    "nothing matches",
			filter:  imageFilter{friendlyName: "edge"},
			wantIDs: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := imageIDs(tt.filter.apply(testImages()))
			if !slices.Equal(got, tt.wantIDs) {
				t.Errorf("apply() = %v, want %v", got, tt.wantIDs)
			}
		})
	}
}

func TestImageFilterApply_doesNotReorderInput(t *testing.T) {
	images := testImages()
	before := imageIDs(images)
	imageFilter{}.apply(images)
	if !slices.Equal(imageIDs(images), before) {
		t.Error("apply reordered the caller's slice")
	}
}

func TestImageFilterID(t *testing.T) {
	tests := []struct {
		filter imageFilter
		want   string
	}{
		{imageFilter{}, "images"},
		{imageFilter{enabledOnly: true}, "images?enabled_only=true"},
		{imageFilter{name: "kasmweb/chrome"}, "images?name=kasmweb%2Fchrome"},
		{imageFilter{enabledOnly: true, name: "a b", friendlyName: "Kasm"}, "images?enabled_only=true&friendly_name=Kasm&name=a+b"},
	}
	for _, tt := range tests {
		if got := tt.filter.id(); got != tt.want {
			t.Errorf("%+v.id() = %q, want %q", tt.filter, got, tt.want)
		}
	}
}

func TestImageModelFromAPI(t *testing.T) {
	full := kasm.Image{
		ID:                    "b483f0a4fb6546f79064f9b6759758cb",
		Name:                  "kasmweb/chrome:1.8.0",
		FriendlyName:          "Kasm Chrome",
		Description:           "Single-Application : Chrome",
		Enabled:               true,
		Available:             true,
		Hidden:                true,
		Cores:                 1.5,
		Memory:                768000000,
		GPUCount:              1,
		RequireGPU:            true,
		XRes:                  800,
		YRes:                  600,
		ImageSrc:              "img/thumbnails/chrome.png",
		ImageType:             "Container",
		Categories:            []string{"Browser", "Privacy"},
		DefaultCategory:       "Browser",
		DockerRegistry:        "https://index.docker.io/v1/",
		RestrictToZone:        true,
		ZoneID:                "e12266d0f5f44bf5afb80b6c41fabce2",
		ZoneName:              "default",
		RestrictToServer:      true,
		ServerID:              "8270f8f0acfd4a34a56cc9a9cb7a67d9",
		ServerPoolID:          "116f18170fdc4a1a87146164a880fb93",
		SessionTimeLimit:      7200,
		PersistentProfilePath: "/profiles/{username}",
		LinkURL:               "https://example.com",
	}
	got := imageModelFromAPI(full)
	want := imageModel{
		ID:                    kasmtypes.NewIDValue("b483f0a4fb6546f79064f9b6759758cb"),
		Name:                  types.StringValue("kasmweb/chrome:1.8.0"),
		FriendlyName:          types.StringValue("Kasm Chrome"),
		Description:           types.StringValue("Single-Application : Chrome"),
		Enabled:               types.BoolValue(true),
		Available:             types.BoolValue(true),
		Hidden:                types.BoolValue(true),
		Cores:                 types.Float64Value(1.5),
		Memory:                types.Int64Value(768000000),
		GPUCount:              types.Int64Value(1),
		RequireGPU:            types.BoolValue(true),
		XRes:                  types.Int64Value(800),
		YRes:                  types.Int64Value(600),
		ImageSrc:              types.StringValue("img/thumbnails/chrome.png"),
		ImageType:             types.StringValue("Container"),
		Categories:            []types.String{types.StringValue("Browser"), types.StringValue("Privacy")},
		DefaultCategory:       types.StringValue("Browser"),
		DockerRegistry:        types.StringValue("https://index.docker.io/v1/"),
		RestrictToZone:        types.BoolValue(true),
		ZoneID:                kasmtypes.NewIDValue("e12266d0f5f44bf5afb80b6c41fabce2"),
		ZoneName:              types.StringValue("default"),
		RestrictToServer:      types.BoolValue(true),
		ServerID:              kasmtypes.NewIDValue("8270f8f0acfd4a34a56cc9a9cb7a67d9"),
		ServerPoolID:          kasmtypes.NewIDValue("116f18170fdc4a1a87146164a880fb93"),
		SessionTimeLimit:      types.Int64Value(7200),
		PersistentProfilePath: types.StringValue("/profiles/{username}"),
		LinkURL:               types.StringValue("https://example.com"),
	}
	if !imageModelsEqual(got, want) {
		t.Errorf("imageModelFromAPI(full)\n got  %+v\n want %+v", got, want)
	}

	// What Kasm sends as null arrives as "" or 0 and becomes null; an image without categories
	// gets an empty list, not null.
	sparse := imageModelFromAPI(kasm.Image{ID: "b483f0a4fb6546f79064f9b6759758cb", Name: "x", FriendlyName: "X"})
	for name, value := range map[string]interface{ IsNull() bool }{
		"default_category":        sparse.DefaultCategory,
		"docker_registry":         sparse.DockerRegistry,
		"zone_id":                 sparse.ZoneID,
		"zone_name":               sparse.ZoneName,
		"server_id":               sparse.ServerID,
		"server_pool_id":          sparse.ServerPoolID,
		"session_time_limit":      sparse.SessionTimeLimit,
		"persistent_profile_path": sparse.PersistentProfilePath,
		"link_url":                sparse.LinkURL,
	} {
		if !value.IsNull() {
			t.Errorf("%s = %v, want null", name, value)
		}
	}
	if sparse.Categories == nil || len(sparse.Categories) != 0 {
		t.Errorf("categories = %#v, want an empty list", sparse.Categories)
	}
	if sparse.Description.IsNull() || sparse.Description.ValueString() != "" {
		t.Errorf("description = %v, want the empty string", sparse.Description)
	}
}

// imageModelsEqual compares models value by value (the framework types are not comparable
// with == because of the categories slice).
func imageModelsEqual(a, b imageModel) bool {
	return a.ID.Equal(b.ID) && a.Name.Equal(b.Name) && a.FriendlyName.Equal(b.FriendlyName) &&
		a.Description.Equal(b.Description) && a.Enabled.Equal(b.Enabled) && a.Available.Equal(b.Available) &&
		a.Hidden.Equal(b.Hidden) && a.Cores.Equal(b.Cores) && a.Memory.Equal(b.Memory) &&
		a.GPUCount.Equal(b.GPUCount) && a.RequireGPU.Equal(b.RequireGPU) && a.XRes.Equal(b.XRes) &&
		a.YRes.Equal(b.YRes) && a.ImageSrc.Equal(b.ImageSrc) && a.ImageType.Equal(b.ImageType) &&
		slices.EqualFunc(a.Categories, b.Categories, func(x, y types.String) bool { return x.Equal(y) }) &&
		a.DefaultCategory.Equal(b.DefaultCategory) && a.DockerRegistry.Equal(b.DockerRegistry) &&
		a.RestrictToZone.Equal(b.RestrictToZone) && a.ZoneID.Equal(b.ZoneID) && a.ZoneName.Equal(b.ZoneName) &&
		a.RestrictToServer.Equal(b.RestrictToServer) && a.ServerID.Equal(b.ServerID) &&
		a.ServerPoolID.Equal(b.ServerPoolID) && a.SessionTimeLimit.Equal(b.SessionTimeLimit) &&
		a.PersistentProfilePath.Equal(b.PersistentProfilePath) && a.LinkURL.Equal(b.LinkURL)
}
