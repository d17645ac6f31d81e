package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
)

func TestAccLoginURLEphemeralResource_basic(t *testing.T) {
	user := acctest.CreateUser(t, "tf-login-url-eph")
	loginURL := loginURLPattern(t, user.ID)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEchoProvider(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: loginURLEphemeralConfig(acctest.DashedID(user.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("url"), knownvalue.StringRegexp(loginURL)),
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("user_id"),
						knownvalue.StringExact(acctest.DashedID(user.ID))),
					expectNoStateResourceOfType("kasm_login_url"),
				},
			},
		},
	})
}

func TestAccLoginURLEphemeralResource_unknownUser(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEchoProvider(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config:      loginURLEphemeralConfig("5d1c0e2f3a4b4c6d8e9f0a1b2c3d4e5f"),
				ExpectError: acctest.ExpectErrorText("Unable to Open Kasm Login URL", "No user found with id"),
			},
		},
	})
}

// loginURLEphemeralConfig opens kasm_login_url for the user and copies the result into the
// echo resource's state.
func loginURLEphemeralConfig(userID string) string {
	return fmt.Sprintf(`
ephemeral "kasm_login_url" "test" {
  user_id = %[1]q
}

provider "echo" {
  data = ephemeral.kasm_login_url.test
}

resource "echo" "test" {}
`, userID)
}
