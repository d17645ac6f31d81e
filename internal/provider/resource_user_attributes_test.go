package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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

const testAccUserAttributesAddress = "kasm_user_attributes.test"

// testSSHPublicKey is a syntactically valid public key that belongs to nobody.
const testSSHPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv1X3cPqTJ8oZ6kV2nYq8m3r0bWJ3hL8c6tq7mC1d2e tf-acc"

// testAccUserAttributesConfig renders kasm_user_attributes for userID; lines go inside the block.
func testAccUserAttributesConfig(userID string, lines ...string) string {
	body := ""
	for _, line := range lines {
		body += "  " + line + "\n"
	}
	return fmt.Sprintf(`
resource "kasm_user_attributes" "test" {
  user_id = %[1]q
%[2]s}
`, userID, body)
}

// testAccCheckUserAttributesDestroy accepts attributes that are back at Kasm's defaults (the
// SSH key aside, which is compared with wantSSHKey), or whose user is gone.
func testAccCheckUserAttributesDestroy(t *testing.T, wantSSHKey string) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		for _, attrs := range resourcesOfType(state, "kasm_user_attributes") {
			got, err := acctest.Client(t).GetAttributes(t.Context(), attrs["user_id"])
			if errors.Is(err, kasm.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if got.DefaultImage != "" || got.AutoLoginKasm != nil || got.ShowTips || got.ToggleControlPanel ||
				!got.ChatSFX || got.Theme != "Auto" || got.PreferredLanguage != "Auto" || got.PreferredTimezone != "Auto" {
				return fmt.Errorf("attributes of user %s were not reset to the defaults: %+v", attrs["user_id"], got)
			}
			if wantSSHKey != "" && got.SSHPublicKey != wantSSHKey {
				return fmt.Errorf("destroy changed the SSH public key of user %s to %q", attrs["user_id"], got.SSHPublicKey)
			}
		}
		return nil
	}
}

// checkUserAttributesInKasm compares every attribute in state with get_attributes.
func checkUserAttributesInKasm(t *testing.T) statecheck.StateCheck {
	return checkThroughAPI(testAccUserAttributesAddress, func(ctx context.Context, attrs map[string]any) error {
		got, err := acctest.Client(t).GetAttributes(ctx, stringAttr(attrs, "user_id"))
		if err != nil {
			return err
		}
		autoLogin := any(nil)
		if got.AutoLoginKasm != nil {
			autoLogin = *got.AutoLoginKasm
		}
		defaultImage := ""
		if stringAttr(attrs, "default_image") != "" {
			defaultImage = kasmNormalize(stringAttr(attrs, "default_image"))
		}
		want := map[string][2]any{
			"default_image":        {defaultImage, got.DefaultImage},
			"auto_login_kasm":      {attrs["auto_login_kasm"], autoLogin},
			"show_tips":            {attrs["show_tips"], got.ShowTips},
			"toggle_control_panel": {attrs["toggle_control_panel"], got.ToggleControlPanel},
			"chat_sfx":             {attrs["chat_sfx"], got.ChatSFX},
			"theme":                {attrs["theme"], got.Theme},
			"preferred_language":   {attrs["preferred_language"], got.PreferredLanguage},
			"preferred_timezone":   {attrs["preferred_timezone"], got.PreferredTimezone},
			"ssh_public_key":       {attrs["ssh_public_key"], got.SSHPublicKey},
		}
		for name, pair := range want {
			if pair[0] != pair[1] {
				return fmt.Errorf("%s is %v in state but %v in Kasm", name, pair[0], pair[1])
			}
		}
		return nil
	})
}

func TestAccUserAttributes_basic(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")
	images := acctest.ImageIDs(t, 2)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// The configuration set the SSH key last; destroy leaves it.
		CheckDestroy: testAccCheckUserAttributesDestroy(t, testSSHPublicKey),
		Steps: []resource.TestStep{
			{
				Config: testAccUserAttributesConfig(user.ID,
					fmt.Sprintf("default_image = %q", images[0]),
					`theme = "Dark"`,
					"show_tips = true",
					"auto_login_kasm = true",
					`preferred_language = "en-US"`,
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("id"), knownvalue.StringExact(user.ID)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("default_image"), knownvalue.StringExact(images[0])),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("theme"), knownvalue.StringExact("Dark")),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("show_tips"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("auto_login_kasm"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("preferred_language"), knownvalue.StringExact("en-US")),
					// Left out of the configuration: the server's values.
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("chat_sfx"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("toggle_control_panel"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("preferred_timezone"), knownvalue.StringExact("Auto")),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("ssh_public_key"), knownvalue.StringRegexp(regexp.MustCompile(`^ssh-`))),
					checkUserAttributesInKasm(t),
				},
			},
			{
				Config: testAccUserAttributesConfig(user.ID,
					fmt.Sprintf("default_image = %q", images[1]),
					`theme = "Light"`,
					"show_tips = false",
					"auto_login_kasm = false",
					`preferred_language = "en-US"`,
					"chat_sfx = false",
					"toggle_control_panel = true",
					`preferred_timezone = "Europe/Berlin"`,
					fmt.Sprintf("ssh_public_key = %q", testSSHPublicKey),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccUserAttributesAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("default_image"), knownvalue.StringExact(images[1])),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("theme"), knownvalue.StringExact("Light")),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("auto_login_kasm"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("chat_sfx"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("ssh_public_key"), knownvalue.StringExact(testSSHPublicKey)),
					checkUserAttributesInKasm(t),
				},
			},
			{
				// Left out again: no longer managed, and not changed.
				Config: testAccUserAttributesConfig(user.ID, `theme = "Light"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("preferred_timezone"), knownvalue.StringExact("Europe/Berlin")),
					checkUserAttributesInKasm(t),
				},
			},
			{
				ResourceName:      testAccUserAttributesAddress,
				ImportState:       true,
				ImportStateId:     user.ID,
				ImportStateVerify: true,
			},
			{
				ResourceName:      testAccUserAttributesAddress,
				ImportState:       true,
				ImportStateId:     acctest.DashedID(user.ID),
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccUserAttributes_dashedIDs(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")
	image := acctest.ImageIDs(t, 1)[0]

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserAttributesDestroy(t, ""),
		Steps: []resource.TestStep{
			{
				Config: testAccUserAttributesConfig(acctest.DashedID(user.ID), fmt.Sprintf("default_image = %q", acctest.DashedID(image))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("id"), knownvalue.StringExact(user.ID)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("default_image"), knownvalue.StringExact(acctest.DashedID(image))),
					checkUserAttributesInKasm(t),
				},
			},
		},
	})
}

func TestAccUserAttributes_drift(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")
	original, err := acctest.Client(t).GetAttributes(t.Context(), user.ID)
	if err != nil {
		t.Fatalf("reading the new user's attributes: %v", err)
	}
	config := testAccUserAttributesConfig(user.ID, `theme = "Dark"`, "show_tips = true")
	editOutside := func(req kasm.UpdateUserAttributesRequest) func() {
		return func() {
			req.UserID = user.ID
			if err := acctest.Client(t).UpdateUserAttributes(t.Context(), req); err != nil {
				t.Fatalf("editing the attributes: %v", err)
			}
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserAttributesDestroy(t, original.SSHPublicKey),
		Steps: []resource.TestStep{
			{
				Config: config,
			},
			{
				// An enforced attribute changed outside Terraform: the plan changes it back.
				PreConfig: editOutside(kasm.UpdateUserAttributesRequest{Theme: kasm.String("Light")}),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccUserAttributesAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("theme"), knownvalue.StringExact("Dark")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{checkUserAttributesInKasm(t)},
			},
			{
				// Attributes left out of the configuration follow the server without a diff.
				PreConfig: editOutside(kasm.UpdateUserAttributesRequest{
					ChatSFX: kasm.Bool(false), PreferredLanguage: kasm.String("de-DE"),
				}),
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("chat_sfx"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccUserAttributesAddress, tfjsonpath.New("preferred_language"), knownvalue.StringExact("de-DE")),
					checkUserAttributesInKasm(t),
				},
			},
			{
				// The user deleted outside Terraform: the attributes leave the state.
				PreConfig: func() {
					if err := acctest.Client(t).DeleteUser(t.Context(), user.ID, true); err != nil {
						t.Fatalf("deleting the user: %v", err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccUserAttributesAddress, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccUserAttributes_errors(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserAttributesDestroy(t, ""),
		Steps: []resource.TestStep{
			{
				Config:      testAccUserAttributesConfig(testAccUnknownID, `theme = "Dark"`),
				ExpectError: acctest.ExpectErrorText("user_id", "No Kasm user has the id "+testAccUnknownID+"."),
			},
			{
				Config:      testAccUserAttributesConfig(user.ID, `default_image = "chrome"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`default_image must be a Kasm id`),
			},
			{
				Config:        testAccUserAttributesConfig(user.ID),
				ResourceName:  testAccUserAttributesAddress,
				ImportState:   true,
				ImportStateId: "user@kasm.local",
				ExpectError:   regexp.MustCompile(`must have the form <user_id>`),
			},
			{
				Config:        testAccUserAttributesConfig(user.ID),
				ResourceName:  testAccUserAttributesAddress,
				ImportState:   true,
				ImportStateId: testAccUnknownID,
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

func TestAccUserAttributes_missingPermission(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-user")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserAttributesDestroy(t, ""),
		Steps: []resource.TestStep{
			{
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView) +
					testAccUserAttributesConfig(user.ID, `theme = "Dark"`),
				ExpectError: acctest.ExpectErrorText("Unable to Create Kasm User Attributes", "(Users Modify, Users View)"),
			},
			{
				Config: acctest.RestrictedProviderConfig(t, kasmsim.PermUsersModify) +
					testAccUserAttributesConfig(user.ID),
				ResourceName:  testAccUserAttributesAddress,
				ImportState:   true,
				ImportStateId: user.ID,
				ExpectError:   acctest.ExpectErrorText("Unable to Read Kasm User Attributes", "(Users View)"),
			},
		},
	})
}
