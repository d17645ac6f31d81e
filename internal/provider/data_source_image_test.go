package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestAccImageDataSource_byEachKey(t *testing.T) {
	images := listImagesForTest(t)
	target := uniquelyNamedImage(t, images)
	imageObject := func(id string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.kasm_image.test", tfjsonpath.New("id"), knownvalue.StringExact(id)),
			statecheck.ExpectKnownValue("data.kasm_image.test", tfjsonpath.New("name"), knownvalue.StringExact(target.Name)),
			statecheck.ExpectKnownValue("data.kasm_image.test", tfjsonpath.New("friendly_name"),
				knownvalue.StringExact(target.FriendlyName)),
			statecheck.ExpectKnownValue("data.kasm_image.test", tfjsonpath.New("enabled"), knownvalue.Bool(target.Enabled)),
			statecheck.ExpectKnownValue("data.kasm_image.test", tfjsonpath.New("memory"), knownvalue.Int64Exact(target.Memory)),
		}
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            imageDataSourceConfig("id", target.ID),
				ConfigStateChecks: imageObject(target.ID),
			},
			{
				// A dashed id finds the same image and stays as written.
				Config:            imageDataSourceConfig("id", acctest.DashedID(target.ID)),
				ConfigStateChecks: imageObject(acctest.DashedID(target.ID)),
			},
			{
				Config:            imageDataSourceConfig("name", target.Name),
				ConfigStateChecks: imageObject(target.ID),
			},
			{
				Config:            imageDataSourceConfig("friendly_name", target.FriendlyName),
				ConfigStateChecks: imageObject(target.ID),
			},
		},
	})
}

func TestAccImageDataSource_noMatch(t *testing.T) {
	images := listImagesForTest(t)
	target := uniquelyNamedImage(t, images)
	missingName := acctest.RandomName("No Such Image")
	missingID := "0f0e0d0c0b0a49388f7e6d5c4b3a2918"
	if slices.ContainsFunc(images, func(image kasm.Image) bool { return image.ID == missingID }) {
		t.Fatalf("the server unexpectedly has an image with the id %s", missingID)
	}
	// The list of friendly names in the error is sorted; the first is never cut off.
	names := make([]string, 0, len(images))
	for _, image := range images {
		names = append(names, image.FriendlyName)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	listed := acctest.ExpectErrorText(fmt.Sprintf("with these friendly names: %q", names[0]))

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      imageDataSourceConfig("friendly_name", missingName),
				ExpectError: acctest.ExpectErrorText(fmt.Sprintf("No Kasm image has the friendly name %q", missingName)),
			},
			{
				Config:      imageDataSourceConfig("friendly_name", missingName),
				ExpectError: listed,
			},
			{
				// Names compare exactly, case included.
				Config: imageDataSourceConfig("name", strings.ToUpper(target.Name)),
				ExpectError: acctest.ExpectErrorText(fmt.Sprintf("No Kasm image has the name %q (the comparison is exact and case-sensitive)",
					strings.ToUpper(target.Name))),
			},
			{
				Config:      imageDataSourceConfig("id", missingID),
				ExpectError: acctest.ExpectErrorText(fmt.Sprintf("No Kasm image has the id %q", missingID)),
			},
		},
	})
}

func TestAccImageDataSource_severalMatches(t *testing.T) {
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	sim, providerBlock := private.Sim, private.ProviderConfig()
	var ids []string
	for _, image := range []kasmsim.ImageRecord{
		{Name: "example/team-browser:1.0", FriendlyName: "Team Browser", Enabled: true},
		{Name: "example/team-browser:2.0", FriendlyName: "Team Browser", Enabled: true},
		{Name: "example/shared:1.0", FriendlyName: "Shared One", Enabled: true},
		{Name: "example/shared:1.0", FriendlyName: "Shared Two", Enabled: false},
	} {
		id, err := sim.AddImage(image)
		if err != nil {
			t.Fatalf("adding image %s: %v", image.FriendlyName, err)
		}
		ids = append(ids, id)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock + imageDataSourceConfig("friendly_name", "Team Browser"),
				ExpectError: acctest.ExpectErrorText(`2 Kasm images have the friendly name "Team Browser"`),
			},
			{
				Config: providerBlock + imageDataSourceConfig("friendly_name", "Team Browser"),
				ExpectError: acctest.ExpectErrorText(fmt.Sprintf(
					`"Team Browser" (name "example/team-browser:1.0", id %s), "Team Browser" (name "example/team-browser:2.0", id %s)`,
					ids[0], ids[1])),
			},
			{
				Config: providerBlock + imageDataSourceConfig("name", "example/shared:1.0"),
				ExpectError: acctest.ExpectErrorText(fmt.Sprintf(
					`2 Kasm images have the name "example/shared:1.0", but the kasm_image data source needs exactly one: `+
						`"Shared One" (name "example/shared:1.0", id %s), "Shared Two" (name "example/shared:1.0", id %s). `+
						`Choose the image by id instead.`, ids[2], ids[3])),
			},
			{
				// The id still tells them apart.
				Config: providerBlock + imageDataSourceConfig("id", ids[3]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_image.test", tfjsonpath.New("friendly_name"), knownvalue.StringExact("Shared Two")),
					statecheck.ExpectKnownValue("data.kasm_image.test", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccImageDataSource_exactlyOneKey(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `data "kasm_image" "test" {}`,
				ExpectError: acctest.ExpectErrorText("Missing Attribute Configuration", "Exactly one of these attributes must be configured"),
			},
			{
				Config: `
data "kasm_image" "test" {
  name          = "kasmweb/chrome:1.16.0"
  friendly_name = "Kasm Chrome"
}
`,
				ExpectError: acctest.ExpectErrorText("Invalid Attribute Combination", "Exactly one of these attributes must be configured"),
			},
			{
				Config:      imageDataSourceConfig("friendly_name", ""),
				ExpectError: acctest.ExpectErrorText(`Attribute friendly_name string length must be at least 1`),
			},
			{
				Config:      imageDataSourceConfig("id", "not-an-id"),
				ExpectError: acctest.ExpectErrorText(`Invalid Kasm Identifier`),
			},
		},
	})
}

// imageDataSourceConfig is a kasm_image data source that looks an image up by one key.
func imageDataSourceConfig(key, value string) string {
	return fmt.Sprintf(`
data "kasm_image" "test" {
  %[1]s = %[2]q
}
`, key, value)
}

// listImagesForTest lists the images of the server under test.
func listImagesForTest(t *testing.T) []kasm.Image {
	t.Helper()
	images, err := acctest.Client(t).GetImages(t.Context())
	if err != nil {
		t.Fatalf("listing images: %v", err)
	}
	if len(images) == 0 {
		t.Skip("the Kasm server has no images")
	}
	return images
}

// uniquelyNamedImage returns an image that no other image shares a name or friendly name
// with, so that every key finds it alone.
func uniquelyNamedImage(t *testing.T, images []kasm.Image) kasm.Image {
	t.Helper()
	for _, candidate := range images {
		shared := slices.ContainsFunc(images, func(other kasm.Image) bool {
			return other.ID != candidate.ID && (other.Name == candidate.Name || other.FriendlyName == candidate.FriendlyName)
		})
		if !shared && candidate.Name != "" && candidate.FriendlyName != "" {
			return candidate
		}
	}
	t.Skip("every image on the Kasm server shares its name or friendly name with another")
	return kasm.Image{}
}
