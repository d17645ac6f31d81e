package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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

const testAccGroupAddress = "kasm_group.test"

// testAccGroupConfig renders a kasm_group; extra lines go inside the block.
func testAccGroupConfig(name string, priority int, extra ...string) string {
	var body strings.Builder
	for _, line := range extra {
		body.WriteString("  " + line + "\n")
	}
	return fmt.Sprintf(`
resource "kasm_group" "test" {
  name     = %[1]q
  priority = %[2]d
%[3]s}
`, name, priority, body.String())
}

// testAccCheckGroupDestroy accepts only groups the API no longer lists.
func testAccCheckGroupDestroy(t *testing.T) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		client := acctest.Client(t)
		for _, attrs := range resourcesOfType(state, "kasm_group") {
			_, err := testAccGroupByID(t.Context(), client, attrs["id"])
			if err == nil {
				return fmt.Errorf("group %s still exists", attrs["id"])
			}
			if !errors.Is(err, kasm.ErrNotFound) {
				return err
			}
		}
		return nil
	}
}

// checkGroupInKasm compares the group in state with the one the API lists.
func checkGroupInKasm(t *testing.T, want kasm.Group) statecheck.StateCheck {
	return checkThroughAPI(testAccGroupAddress, func(ctx context.Context, attrs map[string]any) error {
		got, err := testAccGroupByID(ctx, acctest.Client(t), stringAttr(attrs, "id"))
		if err != nil {
			return err
		}
		if got.Name != want.Name || got.Description != want.Description || got.Priority != want.Priority || got.IsSystem {
			return fmt.Errorf("Kasm has name %q, description %q, priority %d, system %t; want %q, %q, %d, false",
				got.Name, got.Description, got.Priority, got.IsSystem, want.Name, want.Description, want.Priority)
		}
		return nil
	})
}

func TestAccGroup_basic(t *testing.T) {
	name := acctest.RandomName("tf-acc-group")
	renamed := acctest.RandomName("tf-acc-group-renamed")
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccGroupConfig(name, 100, `description = "Engineering"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("id"), knownvalue.StringRegexp(stateIDPattern)),
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("description"), knownvalue.StringExact("Engineering")),
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("priority"), knownvalue.Int64Exact(100)),
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("is_system"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("force_delete"), knownvalue.Bool(false)),
					checkGroupInKasm(t, kasm.Group{Name: name, Description: "Engineering", Priority: 100}),
					sameID.AddStateValue(testAccGroupAddress, tfjsonpath.New("id")),
				},
			},
			{
				Config: testAccGroupConfig(renamed, 200, `description = "Engineering and operations"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("description"), knownvalue.StringExact("Engineering and operations")),
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("priority"), knownvalue.Int64Exact(200)),
					checkGroupInKasm(t, kasm.Group{Name: renamed, Description: "Engineering and operations", Priority: 200}),
					sameID.AddStateValue(testAccGroupAddress, tfjsonpath.New("id")),
				},
			},
			{
				// Removing the description clears it on the server.
				Config: testAccGroupConfig(renamed, 200),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("description"), knownvalue.Null()),
					checkGroupInKasm(t, kasm.Group{Name: renamed, Priority: 200}),
					sameID.AddStateValue(testAccGroupAddress, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:      testAccGroupAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:      testAccGroupAddress,
				ImportState:       true,
				ImportStateId:     renamed,
				ImportStateVerify: true,
			},
			{
				ResourceName: testAccGroupAddress,
				ImportState:  true,
				ImportStateIdFunc: func(state *terraform.State) (string, error) {
					return acctest.DashedID(state.RootModule().Resources[testAccGroupAddress].Primary.ID), nil
				},
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccGroup_drift(t *testing.T) {
	name := acctest.RandomName("tf-acc-group")
	config := testAccGroupConfig(name, 300, `description = "Support"`)
	recreated := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					recreated.AddStateValue(testAccGroupAddress, tfjsonpath.New("id")),
				},
			},
			{
				// Edited outside Terraform: the plan puts the configured values back.
				PreConfig: func() {
					client := acctest.Client(t)
					group, err := testAccGroupByName(t.Context(), client, name)
					if err != nil {
						t.Fatalf("finding the group: %v", err)
					}
					priority := 301
					if _, err := client.UpdateGroup(t.Context(), kasm.UpdateGroupRequest{
						GroupID: group.ID, Description: kasm.String("Edited outside Terraform"), Priority: &priority,
					}); err != nil {
						t.Fatalf("editing the group: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("priority"), knownvalue.Int64Exact(300)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					checkGroupInKasm(t, kasm.Group{Name: name, Description: "Support", Priority: 300}),
				},
			},
			{
				// Deleted outside Terraform: the group leaves the state and is created again.
				PreConfig: func() {
					client := acctest.Client(t)
					group, err := testAccGroupByName(t.Context(), client, name)
					if err != nil {
						t.Fatalf("finding the group: %v", err)
					}
					if err := client.DeleteGroup(t.Context(), group.ID, true); err != nil {
						t.Fatalf("deleting the group: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					recreated.AddStateValue(testAccGroupAddress, tfjsonpath.New("id")),
					checkGroupInKasm(t, kasm.Group{Name: name, Description: "Support", Priority: 300}),
				},
			},
		},
	})
}

func TestAccGroup_forceDelete(t *testing.T) {
	name := acctest.RandomName("tf-acc-group")
	user := acctest.CreateUser(t, "tf-acc-user")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(state *terraform.State) error {
			if err := testAccCheckGroupDestroy(t)(state); err != nil {
				return err
			}
			// Force deletes the group and its memberships, never the members.
			_, err := acctest.Client(t).GetUser(t.Context(), kasm.UserRef{ID: user.ID})
			return err
		},
		Steps: []resource.TestStep{
			{
				Config: testAccGroupConfig(name, 400),
			},
			{
				PreConfig: func() {
					client := acctest.Client(t)
					group, err := testAccGroupByName(t.Context(), client, name)
					if err != nil {
						t.Fatalf("finding the group: %v", err)
					}
					if err := client.AddUserGroup(t.Context(), user.ID, group.ID); err != nil {
						t.Fatalf("adding a member: %v", err)
					}
				},
				Config:      testAccGroupConfig(name, 400),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)still has users.*force_delete = true`),
			},
			{
				Config: testAccGroupConfig(name, 400, "force_delete = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("force_delete"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccGroup_systemGroups(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccGroupConfig("All Users", 10),
				ExpectError: regexp.MustCompile(`(?s)"All Users" is a system group,.*managed by Kasm`),
			},
			{
				Config:      testAccGroupConfig("Administrators", 10),
				ExpectError: regexp.MustCompile(`(?s)"Administrators" is a system group,.*managed by Kasm`),
			},
			{
				Config:        testAccGroupConfig(acctest.RandomName("tf-acc-group"), 10),
				ResourceName:  testAccGroupAddress,
				ImportState:   true,
				ImportStateId: "All Users",
				ExpectError:   acctest.ExpectErrorText(`"All Users" is a system group,`, "cannot create, import or destroy it"),
			},
			{
				Config:        testAccGroupConfig(acctest.RandomName("tf-acc-group"), 10),
				ResourceName:  testAccGroupAddress,
				ImportState:   true,
				ImportStateId: acctest.DashedID("68d557ac4cac42cca9f31c7c853de0f3"),
				ExpectError:   regexp.MustCompile(`(?s)"All Users" is a system group`),
			},
		},
	})
}

// TestAccGroup_protected covers Kasm refusing to delete a group it protects, which happens
// to system groups; the simulator turns an ordinary group into one behind Terraform's back.
func TestAccGroup_protected(t *testing.T) {
	sim := acctest.Simulator(t)
	name := acctest.RandomName("tf-acc-group")
	setSystem := func(system bool) func() {
		return func() {
			group, found := sim.GroupByName(name)
			if !found {
				t.Fatalf("no group %q", name)
			}
			if err := sim.EditGroup(group.ID, func(g *kasmsim.GroupRecord) { g.IsSystem = system }); err != nil {
				t.Fatalf("editing the group: %v", err)
			}
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccGroupConfig(name, 500),
			},
			{
				PreConfig:   setSystem(true),
				Config:      testAccGroupConfig(name, 500),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)is a system group, created and managed by Kasm.*terraform state rm`),
			},
			{
				PreConfig: setSystem(false),
				Config:    testAccGroupConfig(name, 500),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccGroupAddress, tfjsonpath.New("is_system"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccGroup_errors(t *testing.T) {
	taken := testAccAPIGroup(t, acctest.RandomName("tf-acc-group-taken"), 500)
	own := acctest.RandomName("tf-acc-group")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:      testAccGroupConfig(acctest.RandomName("tf-acc-group"), 0),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)priority.*between 1 and 4095, got: 0`),
			},
			{
				Config:      testAccGroupConfig(acctest.RandomName("tf-acc-group"), 4096),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)priority.*between 1 and 4095, got: 4096`),
			},
			{
				Config:      testAccGroupConfig(acctest.RandomName("tf-acc-group"), 10, `description = ""`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)description.*at least 1`),
			},
			{
				Config: testAccGroupConfig(taken.Name, 10),
				ExpectError: regexp.MustCompile(`(?s)named "` + regexp.QuoteMeta(taken.Name) + `" already exists.*` +
					`terraform import <resource address> ` + taken.ID),
			},
			{
				Config:        testAccGroupConfig(acctest.RandomName("tf-acc-group"), 10),
				ResourceName:  testAccGroupAddress,
				ImportState:   true,
				ImportStateId: "00000000000000000000000000000001",
				ExpectError:   acctest.ExpectErrorText(`No Kasm group has the id or name "00000000000000000000000000000001"`),
			},
			{
				Config:        testAccGroupConfig(acctest.RandomName("tf-acc-group"), 10),
				ResourceName:  testAccGroupAddress,
				ImportState:   true,
				ImportStateId: "no such group",
				ExpectError:   regexp.MustCompile(`No Kasm group has the id or name "no such group"`),
			},
			{
				Config:        testAccGroupConfig(acctest.RandomName("tf-acc-group"), 10),
				ResourceName:  testAccGroupAddress,
				ImportState:   true,
				ImportStateId: " ",
				ExpectError:   regexp.MustCompile(`must have the form <group_id> or <group name>`),
			},
			{
				Config: testAccGroupConfig(own, 10),
			},
			{
				Config:      testAccGroupConfig(taken.Name, 10),
				ExpectError: acctest.ExpectErrorText("name", `Another Kasm group is already named "`+taken.Name+`".`),
			},
		},
	})
}

func TestAccGroup_missingPermission(t *testing.T) {
	provider := acctest.RestrictedProviderConfig(t, kasmsim.PermGroupsView)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:      provider + testAccGroupConfig(acctest.RandomName("tf-acc-group"), 10),
				ExpectError: acctest.ExpectErrorText("Unable to Create Kasm Group", "permissions this operation needs (Groups Create)"),
			},
		},
	})
}

// TestAccGroup_lostCreateAnswer loses the answer to a create_group that Kasm applied: the
// provider finds the group by name instead of failing or creating a second one.
func TestAccGroup_lostCreateAnswer(t *testing.T) {
	sim := acctest.Simulator(t)
	name := acctest.RandomName("tf-acc-group")
	t.Cleanup(sim.ClearFaults)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					sim.ResetCounts()
					sim.InjectFault("create_group", kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1})
				},
				Config: testAccGroupConfig(name, 600, `description = "Lost and found"`),
				ConfigStateChecks: []statecheck.StateCheck{
					checkGroupInKasm(t, kasm.Group{Name: name, Description: "Lost and found", Priority: 600}),
					checkThroughAPI(testAccGroupAddress, func(context.Context, map[string]any) error {
						return expectOneGroupNamed(sim, name, 1)
					}),
				},
			},
		},
	})
}

// TestAccGroup_createAnswerLostUnapplied loses the answer to a create_group that never reached
// Kasm (a proxy answered 502): the provider finds no group and sends the request once more.
func TestAccGroup_createAnswerLostUnapplied(t *testing.T) {
	sim := acctest.Simulator(t)
	name := acctest.RandomName("tf-acc-group")
	t.Cleanup(sim.ClearFaults)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					sim.ResetCounts()
					sim.InjectFault("create_group", kasmsim.Fault{Kind: kasmsim.FaultStatus502, Times: 1})
				},
				Config: testAccGroupConfig(name, 601),
				ConfigStateChecks: []statecheck.StateCheck{
					checkGroupInKasm(t, kasm.Group{Name: name, Priority: 601}),
					checkThroughAPI(testAccGroupAddress, func(context.Context, map[string]any) error {
						return expectOneGroupNamed(sim, name, 2)
					}),
				},
			},
		},
	})
}

// expectOneGroupNamed checks that the simulator holds exactly one group with this name and
// received the given number of create_group requests.
func expectOneGroupNamed(sim *kasmsim.Server, name string, createRequests int) error {
	n := 0
	for _, g := range sim.Groups() {
		if g.Name == name {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("the simulator holds %d groups named %q, want 1", n, name)
	}
	if got := sim.RequestCount("create_group"); got != createRequests {
		return fmt.Errorf("create_group was requested %d times, want %d", got, createRequests)
	}
	return nil
}
