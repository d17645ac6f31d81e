package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
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

const testAccMembershipAddress = "kasm_group_membership.test"

// testAccMembershipConfig renders a kasm_group and a membership of userID in it.
func testAccMembershipConfig(groupName, userID string) string {
	return testAccGroupConfig(groupName, 800) + fmt.Sprintf(`
resource "kasm_group_membership" "test" {
  group_id = kasm_group.test.id
  user_id  = %[1]q
}
`, userID)
}

// testAccMembershipLiteralConfig renders a membership of existing objects.
func testAccMembershipLiteralConfig(groupID, userID string) string {
	return fmt.Sprintf(`
resource "kasm_group_membership" "test" {
  group_id = %[1]q
  user_id  = %[2]q
}
`, groupID, userID)
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

// testAccCheckMembershipDestroy accepts only memberships the API no longer shows.
func testAccCheckMembershipDestroy(t *testing.T) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		for _, attrs := range resourcesOfType(state, "kasm_group_membership") {
			member, err := testAccIsMember(t.Context(), acctest.Client(t), attrs["group_id"], attrs["user_id"])
			if err != nil {
				return err
			}
			if member {
				return fmt.Errorf("user %s is still a member of group %s", attrs["user_id"], attrs["group_id"])
			}
		}
		return testAccCheckGroupDestroy(t)(state)
	}
}

// checkMembershipInKasm checks the membership in state against the API, and its composite id.
func checkMembershipInKasm(t *testing.T) statecheck.StateCheck {
	return checkThroughAPI(testAccMembershipAddress, func(ctx context.Context, attrs map[string]any) error {
		groupID, userID := stringAttr(attrs, "group_id"), stringAttr(attrs, "user_id")
		if want := kasmNormalize(groupID) + "/" + kasmNormalize(userID); stringAttr(attrs, "id") != want {
			return fmt.Errorf("id = %q, want %q", stringAttr(attrs, "id"), want)
		}
		member, err := testAccIsMember(ctx, acctest.Client(t), groupID, userID)
		if err != nil {
			return err
		}
		if !member {
			return fmt.Errorf("Kasm does not list user %s in group %s", userID, groupID)
		}
		return nil
	})
}

// checkNotMember checks through the API that a user is not in the group in state.
func checkNotMember(t *testing.T, userID string) statecheck.StateCheck {
	return checkThroughAPI(testAccMembershipAddress, func(ctx context.Context, attrs map[string]any) error {
		member, err := testAccIsMember(ctx, acctest.Client(t), stringAttr(attrs, "group_id"), userID)
		if err != nil {
			return err
		}
		if member {
			return fmt.Errorf("user %s is still a member", userID)
		}
		return nil
	})
}

func TestAccGroupMembership_basic(t *testing.T) {
	groupName := acctest.RandomName("tf-acc-group")
	first, second := acctest.CreateUser(t, "tf-acc-user"), acctest.CreateUser(t, "tf-acc-user")
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccMembershipConfig(groupName, first.ID),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMembershipAddress, tfjsonpath.New("user_id"), knownvalue.StringExact(first.ID)),
					statecheck.CompareValuePairs(testAccMembershipAddress, tfjsonpath.New("group_id"),
						testAccGroupAddress, tfjsonpath.New("id"), compare.ValuesSame()),
					checkMembershipInKasm(t),
					sameID.AddStateValue(testAccMembershipAddress, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:      testAccMembershipAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName: testAccMembershipAddress,
				ImportState:  true,
				ImportStateIdFunc: func(state *terraform.State) (string, error) {
					groupID := state.RootModule().Resources[testAccGroupAddress].Primary.ID
					return acctest.DashedID(groupID) + "/" + acctest.DashedID(first.ID), nil
				},
				ImportStateVerify: true,
			},
			{
				// The same user written dashed is not a different membership.
				Config: testAccMembershipConfig(groupName, acctest.DashedID(first.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMembershipAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					checkMembershipInKasm(t),
					sameID.AddStateValue(testAccMembershipAddress, tfjsonpath.New("id")),
				},
			},
			{
				Config: testAccMembershipConfig(groupName, second.ID),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMembershipAddress, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					checkMembershipInKasm(t),
					checkNotMember(t, first.ID),
				},
			},
		},
	})
}

func TestAccGroupMembership_dashedIDs(t *testing.T) {
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)
	user := acctest.CreateUser(t, "tf-acc-user")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccMembershipLiteralConfig(acctest.DashedID(group.ID), acctest.DashedID(user.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMembershipAddress, tfjsonpath.New("id"), knownvalue.StringExact(group.ID+"/"+user.ID)),
					statecheck.ExpectKnownValue(testAccMembershipAddress, tfjsonpath.New("user_id"), knownvalue.StringExact(acctest.DashedID(user.ID))),
					checkMembershipInKasm(t),
				},
			},
		},
	})
}

func TestAccGroupMembership_drift(t *testing.T) {
	groupName := acctest.RandomName("tf-acc-group")
	user := acctest.CreateUser(t, "tf-acc-user")
	config := testAccMembershipConfig(groupName, user.ID)
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
		CheckDestroy:             testAccCheckMembershipDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config,
			},
			{
				// Removed outside Terraform: created again.
				PreConfig: func() {
					if err := acctest.Client(t).RemoveUserGroup(t.Context(), user.ID, groupID()); err != nil {
						t.Fatalf("removing the membership: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMembershipAddress, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{checkMembershipInKasm(t)},
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
						plancheck.ExpectResourceAction(testAccMembershipAddress, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{checkMembershipInKasm(t)},
			},
			{
				// Its user deleted outside Terraform: the membership leaves the state.
				PreConfig: func() {
					if err := acctest.Client(t).DeleteUser(t.Context(), user.ID, true); err != nil {
						t.Fatalf("deleting the user: %v", err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMembershipAddress, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccGroupMembership_errors(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-group"), 500)
	const unknownID = "0000000000000000000000000000abcd"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t),
		Steps: []resource.TestStep{
			{
				// Kasm put the user in All Users itself; the resource refuses to adopt it.
				Config: testAccMembershipLiteralConfig("68d557ac4cac42cca9f31c7c853de0f3", user.ID),
				ExpectError: acctest.ExpectErrorText("is already a member of the group",
					"Kasm adds every user to the All Users group itself",
					"terraform import <resource address> 68d557ac4cac42cca9f31c7c853de0f3/"+user.ID),
			},
			{
				Config:      testAccMembershipLiteralConfig(group.ID, unknownID),
				ExpectError: acctest.ExpectErrorText("user_id", "No Kasm user has the id "+unknownID+"."),
			},
			{
				Config:      testAccMembershipLiteralConfig(unknownID, user.ID),
				ExpectError: acctest.ExpectErrorText("group_id", "No Kasm group has the id "+unknownID+"."),
			},
			{
				Config:      testAccMembershipLiteralConfig(group.ID, "not-a-user-id"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)user_id must be a Kasm id`),
			},
			{
				Config:        testAccMembershipLiteralConfig(group.ID, user.ID),
				ResourceName:  testAccMembershipAddress,
				ImportState:   true,
				ImportStateId: group.ID,
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<user_id>`),
			},
			{
				Config:        testAccMembershipLiteralConfig(group.ID, user.ID),
				ResourceName:  testAccMembershipAddress,
				ImportState:   true,
				ImportStateId: group.ID + "/" + user.ID + "/" + user.ID,
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<user_id>`),
			},
			{
				Config:        testAccMembershipLiteralConfig(group.ID, user.ID),
				ResourceName:  testAccMembershipAddress,
				ImportState:   true,
				ImportStateId: group.ID + "/someone",
				ExpectError:   regexp.MustCompile(`must have the form <group_id>/<user_id>`),
			},
			{
				// Both exist, but the user is not a member.
				Config:        testAccMembershipLiteralConfig(group.ID, user.ID),
				ResourceName:  testAccMembershipAddress,
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
		CheckDestroy:             testAccCheckMembershipDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView) +
					testAccMembershipLiteralConfig(group.ID, user.ID),
				ExpectError: regexp.MustCompile(`(?s)Unable to Create Kasm Group Membership.*\(Groups\s+Modify,`),
			},
			{
				// The Administrators group is a system group: Groups Modify is not enough.
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView, kasmsim.PermGroupsModify) +
					testAccMembershipLiteralConfig(kasmsim.AdministratorsGroupID, user.ID),
				ExpectError: regexp.MustCompile(`(?s)Unable to Create Kasm Group Membership.*Groups\s+Modify\s+System`),
			},
			{
				// Reading a membership takes Users View.
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermGroupsModify) +
					testAccMembershipLiteralConfig(group.ID, user.ID),
				ResourceName:  testAccMembershipAddress,
				ImportState:   true,
				ImportStateId: group.ID + "/" + user.ID,
				ExpectError:   regexp.MustCompile(`(?s)Unable to Read Kasm Group Membership.*\(Users\s+View\)`),
			},
		},
	})
}
