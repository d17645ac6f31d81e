package provider_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// testAccMembership is kasm_group_membership for the helpers its tests share with kasm_group_image.
var testAccMembership = testAccGroupLink{
	resourceType:    "kasm_group_membership",
	memberAttribute: "user_id",
	member:          "user",
	linkedTo:        "a member of",
	groupPriority:   800,
	isLinked:        testAccIsMember,
}

// testAccIsMember asks the API whether the user belongs to the group; a user who is gone
// belongs to none.
func testAccIsMember(ctx context.Context, client *kasm.Client, groupID, userID string) (bool, error) {
	user, err := client.GetUser(ctx, kasm.UserRef{ID: userID})
	if errors.Is(err, kasm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(user.Groups, func(g kasm.GroupRef) bool { return g.ID == kasmNormalize(groupID) }), nil
}

func TestAccGroupMembership_basic(t *testing.T) {
	first, second := acctest.CreateUser(t, "tf-acc-user"), acctest.CreateUser(t, "tf-acc-user")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccMembership.checkDestroy(t),
		Steps:                    testAccMembership.basicSteps(t, acctest.RandomName("tf-acc-group"), first.ID, second.ID),
	})
}

func TestAccGroupMembership_dashedIDs(t *testing.T) {
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)
	user := acctest.CreateUser(t, "tf-acc-user")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccMembership.checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccMembership.literalConfig(acctest.DashedID(group.ID), acctest.DashedID(user.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMembership.address(), tfjsonpath.New("id"), knownvalue.StringExact(group.ID+"/"+user.ID)),
					statecheck.ExpectKnownValue(testAccMembership.address(), tfjsonpath.New("user_id"), knownvalue.StringExact(acctest.DashedID(user.ID))),
					testAccMembership.checkInKasm(t),
				},
			},
		},
	})
}

func TestAccGroupMembership_drift(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")
	removeUser := func(ctx context.Context, client *kasm.Client, groupID string) error {
		return client.RemoveUserGroup(ctx, user.ID, groupID)
	}
	steps := testAccMembership.driftSteps(t, acctest.RandomName("tf-acc-group"), user.ID, removeUser)
	steps = append(steps, resource.TestStep{
		// Its user deleted outside Terraform: the membership leaves the state.
		PreConfig: func() {
			if err := acctest.Client(t).DeleteUser(t.Context(), user.ID, true); err != nil {
				t.Fatalf("deleting the user: %v", err)
			}
		},
		RefreshState:       true,
		ExpectNonEmptyPlan: true,
		RefreshPlanChecks: resource.RefreshPlanChecks{
			PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMembership.address(), plancheck.ResourceActionCreate)},
		},
	})

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccMembership.checkDestroy(t),
		Steps:                    steps,
	})
}

func TestAccGroupMembership_errors(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccMembership.checkDestroy(t),
		Steps: []resource.TestStep{
			{
				// Kasm put the user in All Users itself; the resource refuses to adopt it.
				Config: testAccMembership.literalConfig("68d557ac4cac42cca9f31c7c853de0f3", user.ID),
				ExpectError: acctest.ExpectErrorText("is already a member of the group",
					"Kasm adds every user to the All Users group itself",
					"terraform import <resource address> 68d557ac4cac42cca9f31c7c853de0f3/"+user.ID),
			},
			testAccMembership.unknownMemberStep(group.ID),
			testAccMembership.unknownGroupStep(user.ID),
			{
				Config:      testAccMembership.literalConfig(group.ID, "not-a-user-id"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)user_id must be a Kasm id`),
			},
			{
				Config:        testAccMembership.literalConfig(group.ID, user.ID),
				ResourceName:  testAccMembership.address(),
				ImportState:   true,
				ImportStateId: group.ID,
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<user_id>`),
			},
			{
				Config:        testAccMembership.literalConfig(group.ID, user.ID),
				ResourceName:  testAccMembership.address(),
				ImportState:   true,
				ImportStateId: group.ID + "/" + user.ID + "/" + user.ID,
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<user_id>`),
			},
			{
				Config:        testAccMembership.literalConfig(group.ID, user.ID),
				ResourceName:  testAccMembership.address(),
				ImportState:   true,
				ImportStateId: group.ID + "/someone",
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<user_id>`),
			},
			{
				// Both exist, but the user is not a member.
				Config:        testAccMembership.literalConfig(group.ID, user.ID),
				ResourceName:  testAccMembership.address(),
				ImportState:   true,
				ImportStateId: group.ID + "/" + user.ID,
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

func TestAccGroupMembership_missingPermission(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccMembership.checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView) +
					testAccMembership.literalConfig(group.ID, user.ID),
				ExpectError: acctest.ExpectErrorText("Unable to Create Kasm Group Membership", "(Groups Modify,"),
			},
			{
				// The Administrators group is a system group: Groups Modify is not enough.
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView, kasmsim.PermGroupsModify) +
					testAccMembership.literalConfig(kasmsim.AdministratorsGroupID, user.ID),
				ExpectError: acctest.ExpectErrorText("Unable to Create Kasm Group Membership", "Groups Modify System"),
			},
			{
				// Reading a membership takes Users View.
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermGroupsModify) +
					testAccMembership.literalConfig(group.ID, user.ID),
				ResourceName:  testAccMembership.address(),
				ImportState:   true,
				ImportStateId: group.ID + "/" + user.ID,
				ExpectError:   acctest.ExpectErrorText("Unable to Read Kasm Group Membership", "(Users View)"),
			},
		},
	})
}
