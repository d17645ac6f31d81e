package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestAccUsersDataSource_filters(t *testing.T) {
	prefix := acctest.RandomName("tf-list")
	organization := acctest.RandomName("Org")
	config := fmt.Sprintf(`
resource "kasm_user" "a" {
  username     = "%[1]s-a@example.com"
  organization = %[2]q
  locked       = true
}

resource "kasm_user" "b" {
  username     = "%[1]s-b@example.com"
  organization = %[2]q
}

resource "kasm_user" "c" {
  username     = "other-%[1]s@example.com"
  organization = %[2]q
  disabled     = true
}

locals {
  organization = kasm_user.a.organization
  created      = [kasm_user.a.id, kasm_user.b.id, kasm_user.c.id]
}

data "kasm_users" "organization" {
  organization = local.organization
  depends_on   = [kasm_user.b, kasm_user.c]
}

data "kasm_users" "organization_again" {
  organization = local.organization
  depends_on   = [kasm_user.b, kasm_user.c]
}

data "kasm_users" "locked" {
  organization = local.organization
  locked       = true
  depends_on   = [kasm_user.b, kasm_user.c]
}

data "kasm_users" "enabled" {
  organization = local.organization
  disabled     = false
  depends_on   = [kasm_user.b, kasm_user.c]
}

data "kasm_users" "prefix" {
  username_prefix = upper("%[1]s-")
  depends_on      = [kasm_user.a, kasm_user.b, kasm_user.c]
}

data "kasm_users" "all_users_group" {
  organization = local.organization
  group_id     = "68d557ac-4cac-42cc-a9f3-1c7c853de0f3"
  depends_on   = [kasm_user.b, kasm_user.c]
}

data "kasm_users" "administrators_group" {
  organization = local.organization
  group_id     = %[3]q
  depends_on   = [kasm_user.b, kasm_user.c]
}
`, prefix, organization, kasmsim.AdministratorsGroupID)
	users := func(name string) string { return "data.kasm_users." + name }

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(users("organization"), tfjsonpath.New("users"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(users("locked"), tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"username":     knownvalue.StringExact(prefix + "-a@example.com"),
						"organization": knownvalue.StringExact(organization),
						"locked":       knownvalue.Bool(true),
						"disabled":     knownvalue.Bool(false),
						"realm":        knownvalue.StringExact("local"),
						"last_session": knownvalue.Null(),
						"group_ids":    knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact(allUsersGroupID)}),
					}),
				})),
				statecheck.ExpectKnownValue(users("enabled"), tfjsonpath.New("users"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue(users("prefix"), tfjsonpath.New("users"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue(users("all_users_group"), tfjsonpath.New("users"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(users("administrators_group"), tfjsonpath.New("users"), knownvalue.ListSizeExact(0)),
				statecheck.CompareValuePairs(users("organization"), tfjsonpath.New("id"),
					users("organization_again"), tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(users("organization"), tfjsonpath.New("id"),
					users("locked"), tfjsonpath.New("id"), compare.ValuesDiffer()),
			},
		}},
	})
}

func TestAccUsersDataSource_anonymousUsers(t *testing.T) {
	acctest.Simulator(t)
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	session, err := private.Client(t).RequestKasm(t.Context(), kasm.RequestKasmRequest{ImageID: kasmsim.ImageChromeID})
	if err != nil {
		t.Fatalf("requesting an anonymous session: %v", err)
	}
	config := private.ProviderConfig() + `
data "kasm_users" "default" {
  username_prefix = "anon_"
}

data "kasm_users" "anonymous" {
  username_prefix   = "anon_"
  include_anonymous = true
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kasm_users.default", tfjsonpath.New("users"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.kasm_users.anonymous", tfjsonpath.New("users"), knownvalue.ListExact(
					[]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":       knownvalue.StringExact(session.UserID),
						"username": knownvalue.StringExact(session.Username),
					})},
				)),
			},
		}},
	})
}

func TestAccUsersDataSource_withoutGroupsView(t *testing.T) {
	provider := acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Kasm lists users without groups for such a key: group_ids is unknown, not empty.
				Config: provider + `
data "kasm_users" "admin" {
  username_prefix = "admin@kasm.local"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_users.admin", tfjsonpath.New("users"), knownvalue.ListExact(
						[]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"username":  knownvalue.StringExact(kasmsim.AdminUsername),
							"group_ids": knownvalue.Null(),
						})},
					)),
				},
			},
			{
				Config: provider + `
data "kasm_users" "members" {
  group_id = "68d557ac4cac42cca9f31c7c853de0f3"
}
`,
				ExpectError: acctest.ExpectErrorText("Unable to Read Kasm Users", "lacks the Groups View permission"),
			},
		},
	})
}

// TestAccUsersDataSource_allPages lists an estate that spans several pages of get_users, both
// of the provider's page size and of Kasm's default of 100.
func TestAccUsersDataSource_allPages(t *testing.T) {
	testAccUsersDataSourceScale(t, 700)
}

// TestAccUsersDataSource_tenThousandUsers lists an estate of 10,000 users: every page, no silent
// cap. It takes about a minute on two cores, nearly all of it in the Terraform CLI handling
// 10,000 objects per plan; go test -short skips it.
func TestAccUsersDataSource_tenThousandUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: listing 10,000 simulator users takes about a minute")
	}
	testAccUsersDataSourceScale(t, 10000)
}

// testAccUsersDataSourceScale seeds a simulator of the test's own with users and lists them
// all, and a filtered few.
func testAccUsersDataSourceScale(t *testing.T, seeded int) {
	acctest.Simulator(t)
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	prefix := acctest.RandomName("bulk")
	if ids := private.Sim.SeedUsers(seeded, prefix); len(ids) != seeded {
		t.Fatalf("seeded %d users, want %d", len(ids), seeded)
	}
	total := len(private.Sim.Users())
	// <prefix><n/10 - 1> and the ten users <prefix><n/10 - 1>0 to <prefix><n/10 - 1>9.
	filtered := fmt.Sprintf("%s%d", prefix, seeded/10-1)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: private.ProviderConfig() + fmt.Sprintf(`
data "kasm_users" "all" {}

data "kasm_users" "some" {
  username_prefix = %q
}
`, filtered),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kasm_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(total)),
				statecheck.ExpectKnownValue("data.kasm_users.some", tfjsonpath.New("users"), knownvalue.ListSizeExact(11)),
				statecheck.ExpectKnownValue("data.kasm_users.all", tfjsonpath.New("users").AtSliceIndex(total-1).AtMapKey("username"),
					knownvalue.StringExact(fmt.Sprintf("%s%d@example.com", prefix, seeded-1))),
			},
		}},
	})
}
