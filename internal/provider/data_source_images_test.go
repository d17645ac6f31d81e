package provider_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestAccImagesDataSource_listsEveryImage(t *testing.T) {
	expected := expectedImageList(t)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `data "kasm_images" "all" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_images.all", tfjsonpath.New("id"), knownvalue.StringExact("images")),
					statecheck.ExpectKnownValue("data.kasm_images.all", tfjsonpath.New("images"), expected),
				},
			},
		},
	})
}

// expectedImageList is what kasm_images without filters must hold: on the simulator every
// image it has (the seeded ones and any a test added), attribute by attribute and in the
// documented order; on a real server one entry per image, each with an id and a name.
func expectedImageList(t *testing.T) knownvalue.Check {
	t.Helper()
	if acctest.IsRealServer(t) {
		images, err := acctest.Client(t).GetImages(t.Context())
		if err != nil {
			t.Fatalf("listing images: %v", err)
		}
		if len(images) == 0 {
			t.Fatal("the Kasm server has no images; kasm_images needs at least one to be tested")
		}
		checks := make([]knownvalue.Check, 0, len(images))
		for range images {
			checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"id":   knownvalue.StringRegexp(stateIDPattern),
				"name": knownvalue.StringRegexp(nonEmptyPattern),
			}))
		}
		return knownvalue.ListExact(checks)
	}

	records := acctest.Simulator(t).Images()
	seeded := []string{
		kasmsim.ImageChromeID, kasmsim.ImageFirefoxID, kasmsim.ImageUbuntuID,
		kasmsim.ImageTerminalID, kasmsim.ImageTorBrowserID,
	}
	for _, id := range seeded {
		if !slices.ContainsFunc(records, func(r kasmsim.ImageRecord) bool { return r.ID == id }) {
			t.Fatalf("the shared simulator lacks the seeded image %s", id)
		}
	}
	return imageRecordsCheck(records)
}

// imageRecordsCheck expects exactly the given simulator images, sorted as the data source
// documents (friendly name without regard to case, then name, then id).
func imageRecordsCheck(records []kasmsim.ImageRecord) knownvalue.Check {
	sorted := slices.Clone(records)
	slices.SortFunc(sorted, func(a, b kasmsim.ImageRecord) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(a.FriendlyName), strings.ToLower(b.FriendlyName)),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.ID, b.ID),
		)
	})
	checks := make([]knownvalue.Check, 0, len(sorted))
	for _, record := range sorted {
		checks = append(checks, imageRecordCheck(record))
	}
	return knownvalue.ListExact(checks)
}

// imageRecordCheck expects the attributes the simulator stores for an image.
func imageRecordCheck(record kasmsim.ImageRecord) knownvalue.Check {
	categories := make([]knownvalue.Check, 0, len(record.Categories))
	for _, category := range record.Categories {
		categories = append(categories, knownvalue.StringExact(category))
	}
	var sessionTimeLimit knownvalue.Check = knownvalue.Null()
	if record.SessionTimeLimit != nil {
		sessionTimeLimit = knownvalue.Int64Exact(int64(*record.SessionTimeLimit))
	}
	var dockerRegistry knownvalue.Check = knownvalue.Null()
	if record.DockerRegistry != "" {
		dockerRegistry = knownvalue.StringExact(record.DockerRegistry)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                      knownvalue.StringExact(record.ID),
		"name":                    knownvalue.StringExact(record.Name),
		"friendly_name":           knownvalue.StringExact(record.FriendlyName),
		"description":             knownvalue.StringExact(record.Description),
		"enabled":                 knownvalue.Bool(record.Enabled),
		"available":               knownvalue.Bool(record.Available),
		"hidden":                  knownvalue.Bool(record.Hidden),
		"cores":                   knownvalue.Float64Exact(record.Cores),
		"memory":                  knownvalue.Int64Exact(record.Memory),
		"gpu_count":               knownvalue.Int64Exact(int64(record.GPUCount)),
		"require_gpu":             knownvalue.Bool(false),
		"x_res":                   knownvalue.Int64Exact(int64(record.XRes)),
		"y_res":                   knownvalue.Int64Exact(int64(record.YRes)),
		"image_src":               knownvalue.StringExact(record.ImageSrc),
		"image_type":              knownvalue.StringExact(record.ImageType),
		"categories":              knownvalue.ListExact(categories),
		"default_category":        knownvalue.Null(),
		"docker_registry":         dockerRegistry,
		"restrict_to_zone":        knownvalue.Bool(false),
		"zone_id":                 knownvalue.Null(),
		"zone_name":               knownvalue.Null(),
		"restrict_to_server":      knownvalue.Bool(false),
		"server_id":               knownvalue.Null(),
		"server_pool_id":          knownvalue.Null(),
		"session_time_limit":      sessionTimeLimit,
		"persistent_profile_path": knownvalue.Null(),
		"link_url":                knownvalue.Null(),
	})
}

func TestAccImagesDataSource_filters(t *testing.T) {
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	sim, providerBlock := private.Sim, private.ProviderConfig()
	limit := 3600
	disabledID, err := sim.AddImage(kasmsim.ImageRecord{
		Name:             "example/chrome-beta:2.0",
		FriendlyName:     "Chrome Beta",
		Description:      "Disabled preview build",
		Enabled:          false,
		Hidden:           true,
		Cores:            1.5,
		Memory:           1024000000,
		GPUCount:         1,
		ImageSrc:         "img/thumbnails/chrome.png",
		SessionTimeLimit: &limit,
	})
	if err != nil {
		t.Fatalf("adding a disabled image: %v", err)
	}
	disabled, _ := imageRecordByID(sim.Images(), disabledID)

	// Sorted by friendly name: Chrome Beta, Kasm Chrome, Kasm Firefox, Kasm Terminal, Tor
	// Browser, Ubuntu Jammy.
	enabled := knownvalue.ListExact([]knownvalue.Check{
		imageIDCheck(kasmsim.ImageChromeID),
		imageIDCheck(kasmsim.ImageFirefoxID),
		imageIDCheck(kasmsim.ImageTerminalID),
		imageIDCheck(kasmsim.ImageTorBrowserID),
		imageIDCheck(kasmsim.ImageUbuntuID),
	})

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock + `data "kasm_images" "empty" { name = "" }`,
				ExpectError: acctest.ExpectErrorText(`Attribute name string length must be at least 1`),
			},
			{
				Config: providerBlock + `
data "kasm_images" "enabled" {
  enabled_only = true
}

data "kasm_images" "by_name" {
  name = "CHROME"
}

data "kasm_images" "by_friendly_name" {
  friendly_name = "browser"
}

data "kasm_images" "combined" {
  enabled_only = true
  name         = "chrome"
}

data "kasm_images" "none" {
  friendly_name = "no such workspace"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_images.enabled", tfjsonpath.New("id"),
						knownvalue.StringExact("images?enabled_only=true")),
					statecheck.ExpectKnownValue("data.kasm_images.enabled", tfjsonpath.New("images"), enabled),

					// Substring matches ignore case; the disabled image sorts first.
					statecheck.ExpectKnownValue("data.kasm_images.by_name", tfjsonpath.New("id"),
						knownvalue.StringExact("images?name=CHROME")),
					statecheck.ExpectKnownValue("data.kasm_images.by_name", tfjsonpath.New("images"),
						knownvalue.ListExact([]knownvalue.Check{imageRecordCheck(disabled), imageIDCheck(kasmsim.ImageChromeID)})),

					statecheck.ExpectKnownValue("data.kasm_images.by_friendly_name", tfjsonpath.New("images"),
						knownvalue.ListExact([]knownvalue.Check{imageIDCheck(kasmsim.ImageTorBrowserID)})),

					statecheck.ExpectKnownValue("data.kasm_images.combined", tfjsonpath.New("id"),
						knownvalue.StringExact("images?enabled_only=true&name=chrome")),
					statecheck.ExpectKnownValue("data.kasm_images.combined", tfjsonpath.New("images"),
						knownvalue.ListExact([]knownvalue.Check{imageIDCheck(kasmsim.ImageChromeID)})),

					statecheck.ExpectKnownValue("data.kasm_images.none", tfjsonpath.New("images"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// imageIDCheck expects an image entry with the given id.
func imageIDCheck(id string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
}

// imageRecordByID finds a simulator image by id.
func imageRecordByID(records []kasmsim.ImageRecord, id string) (kasmsim.ImageRecord, bool) {
	for _, record := range records {
		if record.ID == id {
			return record, true
		}
	}
	return kasmsim.ImageRecord{}, false
}
