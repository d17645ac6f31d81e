package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
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

const testAccGroupImageAddress = "kasm_group_image.test"

// testAccGroupImageConfig renders a kasm_group and the assignment of imageID to it.
func testAccGroupImageConfig(groupName, imageID string) string {
	return testAccGroupConfig(groupName, 900) + fmt.Sprintf(`
resource "kasm_group_image" "test" {
  group_id = kasm_group.test.id
  image_id = %[1]q
}
`, imageID)
}

// testAccGroupImageLiteralConfig renders the assignment of an existing image to an existing group.
func testAccGroupImageLiteralConfig(groupID, imageID string) string {
	return fmt.Sprintf(`
resource "kasm_group_image" "test" {
  group_id = %[1]q
  image_id = %[2]q
}
`, groupID, imageID)
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

// testAccCheckGroupImageDestroy accepts only assignments the API no longer lists.
func testAccCheckGroupImageDestroy(t *testing.T) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		for _, attrs := range resourcesOfType(state, "kasm_group_image") {
			assigned, err := testAccIsAssigned(t.Context(), acctest.Client(t), attrs["group_id"], attrs["image_id"])
			if err != nil {
				return err
			}
			if assigned {
				return fmt.Errorf("image %s is still assigned to group %s", attrs["image_id"], attrs["group_id"])
			}
		}
		return testAccCheckGroupDestroy(t)(state)
	}
}

// checkGroupImageInKasm checks the assignment in state against the API, and its composite id.
func checkGroupImageInKasm(t *testing.T) statecheck.StateCheck {
	return checkThroughAPI(testAccGroupImageAddress, func(ctx context.Context, attrs map[string]any) error {
		groupID, imageID := stringAttr(attrs, "group_id"), stringAttr(attrs, "image_id")
		if want := kasmNormalize(groupID) + "/" + kasmNormalize(imageID); stringAttr(attrs, "id") != want {
			return fmt.Errorf("id = %q, want %q", stringAttr(attrs, "id"), want)
		}
		assigned, err := testAccIsAssigned(ctx, acctest.Client(t), groupID, imageID)
		if err != nil {
			return err
		}
		if !assigned {
			return fmt.Errorf("Kasm does not list image %s in group %s", imageID, groupID)
		}
		return nil
	})
}

func TestAccGroupImage_basic(t *testing.T) {
	groupName := acctest.RandomName("tf-acc-group")
	images := acctest.ImageIDs(t, 2)
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupImageDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccGroupImageConfig(groupName, images[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupImageAddress, tfjsonpath.New("image_id"), knownvalue.StringExact(images[0])),
					statecheck.CompareValuePairs(testAccGroupImageAddress, tfjsonpath.New("group_id"),
						testAccGroupAddress, tfjsonpath.New("id"), compare.ValuesSame()),
					checkGroupImageInKasm(t),
					sameID.AddStateValue(testAccGroupImageAddress, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:      testAccGroupImageAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName: testAccGroupImageAddress,
				ImportState:  true,
				ImportStateIdFunc: func(state *terraform.State) (string, error) {
					groupID := state.RootModule().Resources[testAccGroupAddress].Primary.ID
					return acctest.DashedID(groupID) + "/" + acctest.DashedID(images[0]), nil
				},
				ImportStateVerify: true,
			},
			{
				// The same image written dashed is not a different assignment.
				Config: testAccGroupImageConfig(groupName, acctest.DashedID(images[0])),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupImageAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					checkGroupImageInKasm(t),
					sameID.AddStateValue(testAccGroupImageAddress, tfjsonpath.New("id")),
				},
			},
			{
				Config: testAccGroupImageConfig(groupName, images[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupImageAddress, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					checkGroupImageInKasm(t),
					checkThroughAPI(testAccGroupImageAddress, func(ctx context.Context, attrs map[string]any) error {
						assigned, err := testAccIsAssigned(ctx, acctest.Client(t), stringAttr(attrs, "group_id"), images[0])
						if err == nil && assigned {
							err = fmt.Errorf("the replaced image %s is still assigned", images[0])
						}
						return err
					}),
				},
			},
		},
	})
}

func TestAccGroupImage_dashedIDs(t *testing.T) {
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)
	image := acctest.ImageIDs(t, 1)[0]

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupImageDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccGroupImageLiteralConfig(acctest.DashedID(group.ID), acctest.DashedID(image)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupImageAddress, tfjsonpath.New("id"), knownvalue.StringExact(group.ID+"/"+image)),
					checkGroupImageInKasm(t),
				},
			},
		},
	})
}

func TestAccGroupImage_drift(t *testing.T) {
	groupName := acctest.RandomName("tf-acc-group")
	image := acctest.ImageIDs(t, 1)[0]
	config := testAccGroupImageConfig(groupName, image)
	groupID := func() string {
		group, err := testAccGroupByName(t.Context(), acctest.Client(t), groupName)
		if err != nil {
			t.Fatalf("finding the group: %v", err)
		}
		return group.ID
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupImageDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config,
			},
			{
				// Withdrawn outside Terraform: assigned again.
				PreConfig: func() {
					if err := acctest.Client(t).RemoveImagesGroup(t.Context(), groupID(), image); err != nil {
						t.Fatalf("withdrawing the image: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupImageAddress, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{checkGroupImageInKasm(t)},
			},
			{
				// Its group deleted outside Terraform: both are created again.
				PreConfig: func() {
					if err := acctest.Client(t).DeleteGroup(t.Context(), groupID(), true); err != nil {
						t.Fatalf("deleting the group: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(testAccGroupImageAddress, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{checkGroupImageInKasm(t)},
			},
		},
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
	config := testAccGroupImageConfig(acctest.RandomName("tf-acc-group"), image)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupImageDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{checkGroupImageInKasm(t)},
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
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupImageAddress, plancheck.ResourceActionCreate)},
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
	const unknownID = "0000000000000000000000000000abcd"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupImageDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccGroupImageLiteralConfig(assignedGroup.ID, image),
				ExpectError: acctest.ExpectErrorText("is already assigned to the group "+assignedGroup.ID,
					"terraform import <resource address> "+assignedGroup.ID+"/"+image),
			},
			{
				Config:      testAccGroupImageLiteralConfig(group.ID, unknownID),
				ExpectError: acctest.ExpectErrorText("image_id", "No Kasm image has the id "+unknownID+"."),
			},
			{
				Config:      testAccGroupImageLiteralConfig(unknownID, image),
				ExpectError: acctest.ExpectErrorText("group_id", "No Kasm group has the id "+unknownID+"."),
			},
			{
				Config:        testAccGroupImageLiteralConfig(group.ID, image),
				ResourceName:  testAccGroupImageAddress,
				ImportState:   true,
				ImportStateId: group.ID + ":" + image,
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<image_id>`),
			},
			{
				// Both exist, but the image is not assigned to the group.
				Config:        testAccGroupImageLiteralConfig(group.ID, image),
				ResourceName:  testAccGroupImageAddress,
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
		CheckDestroy:             testAccCheckGroupImageDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermGroupsView, kasmsim.PermImagesView) +
					testAccGroupImageLiteralConfig(group.ID, image),
				ExpectError: regexp.MustCompile(`(?s)Unable to Create Kasm Group Image.*\(Groups\s+Modify,`),
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

	config := testAccGroupImageConfig(acctest.RandomName("tf-acc-group"), image) + fmt.Sprintf(`
resource "kasm_group_membership" "test" {
  group_id = kasm_group.test.id
  user_id  = %[1]q
}
`, user.ID)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(state *terraform.State) error {
			if err := testAccCheckGroupImageDestroy(t)(state); err != nil {
				return err
			}
			return notAuthorized()
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					checkThroughAPI(testAccGroupImageAddress, func(ctx context.Context, _ map[string]any) error {
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
