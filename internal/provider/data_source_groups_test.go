package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestAccGroupsDataSource(t *testing.T) {
	name := acctest.RandomName("tf-acc-group")
	config := testAccGroupConfig(name, 700, `description = "Listed"`) + `
data "kasm_groups" "named" {
  name = kasm_group.test.name
}

data "kasm_groups" "all" {
  depends_on = [kasm_group.test]
}

data "kasm_groups" "none" {
  name = "tf-acc-no-such-group"
}

data "kasm_groups" "all_users" {
  name = "All Users"
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckGroupDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_groups.named", tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue("data.kasm_groups.named", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":          knownvalue.StringRegexp(stateIDPattern),
							"name":        knownvalue.StringExact(name),
							"description": knownvalue.StringExact("Listed"),
							"priority":    knownvalue.Int64Exact(700),
							"is_system":   knownvalue.Bool(false),
						}),
					})),
					statecheck.CompareValuePairs(
						"data.kasm_groups.named", tfjsonpath.New("groups").AtSliceIndex(0).AtMapKey("id"),
						testAccGroupAddress, tfjsonpath.New("id"), compare.ValuesSame()),

					statecheck.ExpectKnownValue("data.kasm_groups.all", tfjsonpath.New("id"), knownvalue.StringExact("all")),
					statecheck.CompareValueCollection(
						"data.kasm_groups.all", []tfjsonpath.Path{tfjsonpath.New("groups"), tfjsonpath.New("id")},
						testAccGroupAddress, tfjsonpath.New("id"), compare.ValuesSame()),
					// The key under test may see system groups; All Users is on every install.
					statecheck.CompareValueCollection(
						"data.kasm_groups.all", []tfjsonpath.Path{tfjsonpath.New("groups"), tfjsonpath.New("id")},
						"data.kasm_groups.all_users", tfjsonpath.New("groups").AtSliceIndex(0).AtMapKey("id"), compare.ValuesSame()),

					statecheck.ExpectKnownValue("data.kasm_groups.none", tfjsonpath.New("groups"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.kasm_groups.all_users", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":        knownvalue.StringExact("68d557ac4cac42cca9f31c7c853de0f3"),
							"name":      knownvalue.StringExact("All Users"),
							"is_system": knownvalue.Bool(true),
						}),
					})),
				},
			},
		},
	})
}

// TestAccGroupsDataSource_restrictedKey checks that a key without Groups View System does not
// see the system groups, and that a key without Groups View is told what it lacks.
func TestAccGroupsDataSource_restrictedKey(t *testing.T) {
	config := `
data "kasm_groups" "all_users" {
  name = "All Users"
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermGroupsView) + config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_groups.all_users", tfjsonpath.New("groups"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView) + config,
				ExpectError: acctest.ExpectErrorText("Unable to Read Kasm Groups", "(Groups View)"),
			},
		},
	})
}
