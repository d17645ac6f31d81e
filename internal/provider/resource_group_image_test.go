package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// testAccGroupImage is kasm_group_image for the helpers its tests share with kasm_group_membership.
var testAccGroupImage = testAccGroupLink{
	resourceType:    "kasm_group_image",
	memberAttribute: "image_id",
	member:          "image",
	linkedTo:        "assigned to",
	groupPriority:   900,
	isLinked:        testAccIsAssigned,
}

// testAccIsAssigned asks the API whether the image is assigned to the group; a group that is
// gone has no images.
func testAccIsAssigned(ctx context.Context, client *kasm.Client, groupID, imageID string) (bool, error) {
	images, err := client.GetImagesGroup(ctx, groupID)
	if errors.Is(err, kasm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(images, func(gi kasm.GroupImage) bool { return gi.ImageID == kasmNormalize(imageID) }), nil
}

func TestAccGroupImage_basic(t *testing.T) {
	images := acctest.ImageIDs(t, 2)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccGroupImage.checkDestroy(t),
		Steps:                    testAccGroupImage.basicSteps(t, acctest.RandomName("tf-acc-group"), images[0], images[1]),
	})
}

func TestAccGroupImage_dashedIDs(t *testing.T) {
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)
	image := acctest.ImageIDs(t, 1)[0]

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccGroupImage.checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccGroupImage.literalConfig(acctest.DashedID(group.ID), acctest.DashedID(image)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupImage.address(), tfjsonpath.New("id"), knownvalue.StringExact(group.ID+"/"+image)),
					testAccGroupImage.checkInKasm(t),
				},
			},
		},
	})
}

func TestAccGroupImage_drift(t *testing.T) {
	image := acctest.ImageIDs(t, 1)[0]
	withdraw := func(ctx context.Context, client *kasm.Client, groupID string) error {
		return client.RemoveImagesGroup(ctx, groupID, image)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccGroupImage.checkDestroy(t),
		Steps:                    testAccGroupImage.driftSteps(t, acctest.RandomName("tf-acc-group"), image, withdraw),
	})
}

// TestAccGroupImage_imageDeleted deletes the image behind Terraform's back, which only the
// simulator can do without harm: the assignment leaves the state.
func TestAccGroupImage_imageDeleted(t *testing.T) {
	sim := acctest.Simulator(t)
	image, err := sim.AddImage(kasmsim.ImageRecord{
		Name: "kasmweb/tf-acc-doomed:1.0", FriendlyName: acctest.RandomName("tf-acc-image"), Enabled: true, Available: true,
	})
	if err != nil {
		t.Fatalf("adding an image: %v", err)
	}
	config := testAccGroupImage.config(acctest.RandomName("tf-acc-group"), image)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccGroupImage.checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{testAccGroupImage.checkInKasm(t)},
			},
			{
				PreConfig: func() {
					if err := sim.DeleteImageOutOfBand(image); err != nil {
						t.Fatalf("deleting the image: %v", err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupImage.address(), plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccGroupImage_errors(t *testing.T) {
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)
	image := acctest.ImageIDs(t, 1)[0]
	assignedGroup := testAccAPIGroup(t, acctest.RandomName("tf-acc-group-assigned"), 500)
	if err := acctest.Client(t).AddImagesGroup(t.Context(), assignedGroup.ID, image); err != nil {
		t.Fatalf("assigning the image: %v", err)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccGroupImage.checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccGroupImage.literalConfig(assignedGroup.ID, image),
				ExpectError: acctest.ExpectErrorText("is already assigned to the group "+assignedGroup.ID,
					"terraform import <resource address> "+assignedGroup.ID+"/"+image),
			},
			testAccGroupImage.unknownMemberStep(group.ID),
			testAccGroupImage.unknownGroupStep(image),
			{
				Config:        testAccGroupImage.literalConfig(group.ID, image),
				ResourceName:  testAccGroupImage.address(),
				ImportState:   true,
				ImportStateId: group.ID + ":" + image,
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<image_id>`),
			},
			{
				// Both exist, but the image is not assigned to the group.
				Config:        testAccGroupImage.literalConfig(group.ID, image),
				ResourceName:  testAccGroupImage.address(),
				ImportState:   true,
				ImportStateId: group.ID + "/" + image,
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

func TestAccGroupImage_missingPermission(t *testing.T) {
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)
	image := acctest.ImageIDs(t, 1)[0]

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccGroupImage.checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermGroupsView, kasmsim.PermImagesView) +
					testAccGroupImage.literalConfig(group.ID, image),
				ExpectError: acctest.ExpectErrorText("Unable to Create Kasm Group Image", "(Groups Modify,"),
			},
		},
	})
}

// TestAccGroupImage_authorizesLaunch shows what the assignment is for: a member of the group may
// start a session with the image only once it is assigned. The image must be one no group of
// the user has yet, which only the simulator can provide without side effects.
func TestAccGroupImage_authorizesLaunch(t *testing.T) {
	sim := acctest.Simulator(t)
	image, err := sim.AddImage(kasmsim.ImageRecord{
		Name: "kasmweb/tf-acc-private:1.0", FriendlyName: acctest.RandomName("tf-acc-image"), Enabled: true, Available: true,
	})
	if err != nil {
		t.Fatalf("adding an image: %v", err)
	}
	user := acctest.CreateUser(t, "tf-acc-user")
	notAuthorized := func() error {
		session, err := acctest.Client(t).RequestKasm(t.Context(), kasm.RequestKasmRequest{UserID: user.ID, ImageID: image})
		switch {
		case err == nil:
			return fmt.Errorf("request_kasm without the assignment started session %s, want Image Not Authorized", session.KasmID)
		case !strings.Contains(err.Error(), "Image Not Authorized"):
			return fmt.Errorf("request_kasm without the assignment: want Image Not Authorized, got: %w", err)
		}
		return nil
	}
	if err := notAuthorized(); err != nil {
		t.Fatal(err)
	}

	config := testAccGroupImage.config(acctest.RandomName("tf-acc-group"), image) + fmt.Sprintf(`
resource "kasm_group_membership" "test" {
  group_id = kasm_group.test.id
  user_id  = %[1]q
}
`, user.ID)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(state *terraform.State) error {
			if err := testAccGroupImage.checkDestroy(t)(state); err != nil {
				return err
			}
			return notAuthorized()
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					checkThroughAPI(testAccGroupImage.address(), func(ctx context.Context, _ map[string]any) error {
						client := acctest.Client(t)
						session, err := client.RequestKasm(ctx, kasm.RequestKasmRequest{UserID: user.ID, ImageID: image})
						if err != nil {
							return fmt.Errorf("request_kasm with the assignment: %w", err)
						}
						if err := client.DestroyKasm(ctx, session.KasmID, user.ID); err != nil {
							return fmt.Errorf("destroying the test session: %w", err)
						}
						return nil
					}),
				},
			},
		},
	})
}
