package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
)

func TestAccUserDataSource_byIDAndByUsername(t *testing.T) {
	username := acctest.RandomName("tf-ds-user") + "@example.com"
	config := testAccUserConfig(username, `
  first_name   = "Katherine"
  last_name    = "Johnson"
  organization = "NACA"
  locked       = true
`) + `
data "kasm_user" "by_id" {
  id = kasm_user.test.id
}

data "kasm_user" "by_username" {
  username = kasm_user.test.username
}
`
	var checks []statecheck.StateCheck
	for _, address := range []string{"data.kasm_user.by_id", "data.kasm_user.by_username"} {
		for _, attribute := range []string{"id", "username", "first_name", "last_name", "organization", "locked", "disabled", "realm", "group_ids"} {
			checks = append(checks, statecheck.CompareValuePairs(
				testUserAddress, tfjsonpath.New(attribute), address, tfjsonpath.New(attribute), compare.ValuesSame()))
		}
		checks = append(checks,
			statecheck.ExpectKnownValue(address, tfjsonpath.New("phone"), knownvalue.Null()),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("notes"), knownvalue.Null()),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("last_session"), knownvalue.Null()),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("created"),
				knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("group_ids"),
				knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact(allUsersGroupID)})),
		)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestAccUserDataSource_dashedID(t *testing.T) {
	username := acctest.RandomName("tf-ds-dashed") + "@example.com"
	config := testAccUserConfig(username, "") + `
locals {
  hex    = kasm_user.test.id
  dashed = "${substr(local.hex, 0, 8)}-${substr(local.hex, 8, 4)}-${substr(local.hex, 12, 4)}-${substr(local.hex, 16, 4)}-${substr(local.hex, 20, 12)}"
}

data "kasm_user" "dashed" {
  id = local.dashed
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kasm_user.dashed", tfjsonpath.New("username"), knownvalue.StringExact(username)),
				statecheck.ExpectKnownValue("data.kasm_user.dashed", tfjsonpath.New("id"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-`))),
			},
		}},
	})
}

func TestAccUserDataSource_errors(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "kasm_user" "test" {
  id       = "68d557ac4cac42cca9f31c7c853de0f3"
  username = "someone@example.com"
}
`,
				PlanOnly:    true,
				ExpectError: acctest.ExpectErrorText("Invalid Attribute Combination", "Exactly one of these attributes must be configured"),
			},
			{
				Config:      `data "kasm_user" "test" {}`,
				PlanOnly:    true,
				ExpectError: acctest.ExpectErrorText("Missing Attribute Configuration", "Exactly one of these attributes must be configured"),
			},
			{
				Config:      `data "kasm_user" "test" { id = "not-an-id" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Kasm Identifier`),
			},
			{
				Config:      `data "kasm_user" "test" { id = "0f0e0d0c0b0a49088706050403020100" }`,
				ExpectError: acctest.ExpectErrorText("Unable to Read Kasm User", "No Kasm user has the id 0f0e0d0c0b0a49088706050403020100"),
			},
			{
				Config: fmt.Sprintf(`data "kasm_user" "test" { username = %q }`,
					acctest.RandomName("tf-nobody")+"@example.com"),
				ExpectError: acctest.ExpectErrorText("Unable to Read Kasm User", "No Kasm user has the username"),
			},
		},
	})
}
