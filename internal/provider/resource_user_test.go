package provider_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
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

// allUsersGroupID is the fixed id of Kasm's All Users group, the same on every install.
const allUsersGroupID = "68d557ac4cac42cca9f31c7c853de0f3"

const testUserAddress = "kasm_user.test"

func TestAccUser_basic(t *testing.T) {
	username := acctest.RandomName("tf-user") + "@example.com"
	renamed := acctest.RandomName("tf-renamed") + "@example.com"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccUserConfig(username, `
  first_name   = "Ada"
  last_name    = "Lovelace"
  phone        = "+44 20 7946 0000"
  organization = "Analytical Engines"
  notes        = "created by Terraform"
`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testUserAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("username"), knownvalue.StringExact(username)),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("first_name"), knownvalue.StringExact("Ada")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("last_name"), knownvalue.StringExact("Lovelace")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("phone"), knownvalue.StringExact("+44 20 7946 0000")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("organization"),
						knownvalue.StringExact("Analytical Engines")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("notes"),
						knownvalue.StringExact("created by Terraform")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("locked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("disabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("force_delete"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("realm"), knownvalue.StringExact("local")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("group_ids"),
						knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact(allUsersGroupID)})),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("password"), knownvalue.Null()),
				},
			},
			{
				// The same configuration again: nothing to do.
				Config: testAccUserConfig(username, `
  first_name   = "Ada"
  last_name    = "Lovelace"
  phone        = "+44 20 7946 0000"
  organization = "Analytical Engines"
  notes        = "created by Terraform"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Names change, phone and notes are removed (cleared in Kasm), the user is locked.
				Config: testAccUserConfig(username, `
  first_name   = "Augusta"
  last_name    = "King"
  organization = "Analytical Engines"
  locked       = true
  disabled     = true
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testUserAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testUserAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("first_name"), knownvalue.StringExact("Augusta")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("last_name"), knownvalue.StringExact("King")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("phone"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("notes"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("locked"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("disabled"), knownvalue.Bool(true)),
					testAccCheckUserInKasm(t, func(u *kasm.User) error {
						if u.Phone != "" || u.Notes != "" || !u.Locked || !u.Disabled || u.FirstName != "Augusta" {
							return fmt.Errorf("Kasm holds %+v", *u)
						}
						return nil
					}),
				},
			},
			{
				// A rename happens in place.
				Config: testAccUserConfig(renamed, `
  first_name   = "Augusta"
  last_name    = "King"
  organization = "Analytical Engines"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testUserAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testUserAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("username"), knownvalue.StringExact(renamed)),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("locked"), knownvalue.Bool(false)),
				},
			},
			{
				ResourceName:      testUserAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The username works as an import identifier too.
				ResourceName:      testUserAddress,
				ImportState:       true,
				ImportStateId:     renamed,
				ImportStateVerify: true,
			},
			{
				// So does the dashed form of the id.
				ResourceName: testUserAddress,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					id := s.RootModule().Resources[testUserAddress].Primary.ID
					return id[0:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:], nil
				},
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccUser_drift(t *testing.T) {
	username := acctest.RandomName("tf-drift") + "@example.com"
	config := testAccUserConfig(username, `
  first_name = "Grace"
`)
	var userID string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					testAccCheckUserInKasm(t, func(u *kasm.User) error {
						userID = u.ID
						return nil
					}),
				},
			},
			{
				// Deleted outside Terraform: the refresh drops it and the plan creates it again.
				PreConfig: func() {
					if err := acctest.Client(t).DeleteUser(t.Context(), userID, true); err != nil {
						t.Fatalf("deleting the user out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testUserAddress, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					testAccCheckUserInKasm(t, func(u *kasm.User) error {
						if u.ID == userID {
							return errors.New("the user was not created again")
						}
						userID = u.ID
						return nil
					}),
				},
			},
			{
				// Edited outside Terraform: the plan puts the configured values back.
				PreConfig: func() {
					_, err := acctest.Client(t).UpdateUser(t.Context(), kasm.UpdateUserRequest{
						UserID: userID, Username: username, FirstName: kasm.String("Changed"), Locked: kasm.Bool(true),
					})
					if err != nil {
						t.Fatalf("editing the user out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testUserAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("first_name"), knownvalue.StringExact("Grace")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					testAccCheckUserInKasm(t, func(u *kasm.User) error {
						if u.FirstName != "Grace" || u.Locked {
							return fmt.Errorf("the out-of-band edit was not reverted: %+v", *u)
						}
						return nil
					}),
				},
			},
		},
	})
}

func TestAccUser_duplicateUsernameRefusesToAdopt(t *testing.T) {
	acctest.PreCheck(t)
	username := acctest.RandomName("tf-taken") + "@example.com"
	existing, err := acctest.Client(t).CreateUser(t.Context(), kasm.CreateUserRequest{Username: username})
	if err != nil {
		t.Fatalf("creating the existing user: %v", err)
	}
	t.Cleanup(func() {
		// t.Context() is already cancelled when cleanups run.
		if err := acctest.Client(t).DeleteUser(context.WithoutCancel(t.Context()), existing.ID, true); err != nil {
			t.Errorf("deleting the existing user: %v", err)
		}
	})

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccUserConfig(username, ""),
				ExpectError: regexp.MustCompile(`(?s)already exists.*` + existing.ID +
					`.*terraform import kasm_user.<name>\s+` + regexp.QuoteMeta(username)),
			},
		},
	})
	if _, err := acctest.Client(t).GetUser(t.Context(), kasm.UserRef{ID: existing.ID}); err != nil {
		t.Fatalf("the existing user was touched: %v", err)
	}
}

func TestAccUser_importUnknown(t *testing.T) {
	username := acctest.RandomName("tf-absent") + "@example.com"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        testAccUserConfig(username, ""),
				ResourceName:  testUserAddress,
				ImportState:   true,
				ImportStateId: "0f0e0d0c-0b0a-4908-8706-050403020100",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				Config:        testAccUserConfig(username, ""),
				ResourceName:  testUserAddress,
				ImportState:   true,
				ImportStateId: username,
				ExpectError:   regexp.MustCompile(`No Kasm user has the username`),
			},
		},
	})
}

func TestAccUser_invalidConfiguration(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccUserConfig("Bob@Example.com", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)username must be lower case.*"bob@example.com".*lower\("Bob@Example.com"\)`),
			},
			{
				Config:      testAccUserConfig(" bob@example.com", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`username must be lower case without leading or trailing spaces`),
			},
			{
				Config:      testAccUserConfig("bob@example.com", `first_name = "`+strings.Repeat("x", 65)+`"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)first_name.*character count must be between 1 and 64`),
			},
			{
				Config:      testAccUserConfig("bob@example.com", `organization = "Acme "`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`organization must not start or end with white space`),
			},
			{
				Config: testAccUserConfig("bob@example.com", `
  password            = "one"
  password_wo         = "two"
  password_wo_version = 1
`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config:      testAccUserConfig("bob@example.com", `password_wo = "two"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*password_wo_version`),
			},
			{
				Config:      testAccUserConfig("bob@example.com", `password_wo_version = 1`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*password_wo`),
			},
		},
	})
}

func TestAccUser_wrongCredentials(t *testing.T) {
	acctest.PreCheck(t)
	provider := acctest.ProviderConfig(acctest.BaseURL(), acctest.APIKey(),
		"not-the-secret-0123456789abcdef")
	testAccExpectUserCreateError(t, provider, "tf-creds", acctest.ExpectErrorText("Unable to Create Kasm User", "refused the API key"))
}

func TestAccUser_missingPermission(t *testing.T) {
	provider := acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView)
	testAccExpectUserCreateError(t, provider, "tf-perm",
		acctest.ExpectErrorText("Unable to Create Kasm User", "permissions this operation needs (Users Create)"))
}

func TestAccUser_unreachableServer(t *testing.T) {
	acctest.PreCheck(t)
	listener, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("reserving a port: %v", err)
	}
	closedURL := "http://" + listener.Addr().String()
	if err := listener.Close(); err != nil {
		t.Fatalf("closing the port: %v", err)
	}
	provider := acctest.ProviderConfig(closedURL, "somekey", "somesecret", "max_retries = 0")
	testAccExpectUserCreateError(t, provider, "tf-offline", acctest.ExpectErrorText("Unable to Create Kasm User", "could not be reached"))
}

// testAccExpectUserCreateError creates a user, named from namePrefix, through the provider
// configured by provider, and expects the create to fail with want.
func testAccExpectUserCreateError(t *testing.T, provider, namePrefix string, want *regexp.Regexp) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + testAccUserConfig(acctest.RandomName(namePrefix)+"@example.com", ""),
				ExpectError: want,
			},
		},
	})
}

func TestAccUser_forceDelete(t *testing.T) {
	username := acctest.RandomName("tf-sessions") + "@example.com"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccUserConfig(username, ""),
			},
			{
				// A session makes Kasm refuse to delete the user without force.
				PreConfig:   func() { testAccStartSessionFor(t, username) },
				Config:      testAccUserConfig(username, ""),
				Destroy:     true,
				ExpectError: acctest.ExpectErrorText("still has Kasm sessions", "set force_delete = true on the resource and apply it"),
			},
			{
				// Applying force_delete needs no API call; the final destroy then succeeds.
				Config: testAccUserConfig(username, `force_delete = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testUserAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("force_delete"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccUser_lostCreateAnswerIsReconciled(t *testing.T) {
	acctest.Simulator(t)
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	username := acctest.RandomName("tf-lost") + "@example.com"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return checkUsersDeleted(s, private.Client(t)) },
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					private.Sim.InjectFault("create_user", kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1})
				},
				Config: private.ProviderConfig() + testAccUserConfig(username, `first_name = "Lost"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("first_name"), knownvalue.StringExact("Lost")),
					checkThroughAPI(testUserAddress, func(_ context.Context, attrs map[string]any) error {
						matching := 0
						for _, u := range private.Sim.Users() {
							if u.Username == username {
								matching++
							}
						}
						if matching != 1 || private.Sim.RequestCount("create_user") != 1 {
							return fmt.Errorf("%d users named %s after %d create_user requests, want 1 and 1",
								matching, username, private.Sim.RequestCount("create_user"))
						}
						stored, _ := private.Sim.UserByName(username)
						if got := stringAttr(attrs, "id"); got != stored.ID {
							return fmt.Errorf("state id %s, Kasm id %s", got, stored.ID)
						}
						return nil
					}),
				},
			},
		},
	})
}

func TestAccUser_lostCreateRequestCreatesNothing(t *testing.T) {
	acctest.Simulator(t)
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	username := acctest.RandomName("tf-reset") + "@example.com"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					private.Sim.InjectFault("create_user", kasmsim.Fault{Kind: kasmsim.FaultConnReset, Times: 1})
				},
				Config:      private.ProviderConfig() + testAccUserConfig(username, ""),
				ExpectError: acctest.ExpectErrorText("answer to the create_user request was lost", "so the user was not created"),
			},
		},
	})
	if _, found := private.Sim.UserByName(username); found {
		t.Fatal("a user exists although the create failed")
	}
}

func TestAccUser_password(t *testing.T) {
	sim := acctest.Simulator(t)
	username := acctest.RandomName("tf-password") + "@example.com"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccUserConfig(username, `password = "First-Password-1"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(testUserAddress, tfjsonpath.New("password")),
					testAccCheckSimPassword(sim, "First-Password-1"),
				},
			},
			{
				// Kasm unlocks a user whose password changes; the provider locks them again.
				Config: testAccUserConfig(username, `
  password = "Second-Password-2"
  locked   = true
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testUserAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					testAccCheckSimPassword(sim, "Second-Password-2"),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("locked"), knownvalue.Bool(true)),
					testAccCheckUserInKasm(t, func(u *kasm.User) error {
						if !u.Locked {
							return errors.New("the user is not locked in Kasm")
						}
						return nil
					}),
				},
			},
			{
				ResourceName:      testUserAddress,
				ImportState:       true,
				ImportStateVerify: true,
				// Kasm cannot report passwords; an imported user has none in state.
				ImportStateVerifyIgnore: []string{"password"},
			},
		},
	})
}

func TestAccUser_passwordWriteOnly(t *testing.T) {
	sim := acctest.Simulator(t)
	username := acctest.RandomName("tf-wo") + "@example.com"
	const first, second, ignored = "Write-Only-First-1", "Write-Only-Second-2", "Write-Only-Ignored-3"
	// The password comes from an ephemeral variable, as it would from a secret store, so that
	// not even the configuration section of the plan holds it.
	configText := func(version int) string {
		return `
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + testAccUserConfig(username, fmt.Sprintf(`
  password_wo         = var.password
  password_wo_version = %d
`, version))
	}
	variables := func(password string) config.Variables {
		return config.Variables{"password": config.StringVariable(password)}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:          configText(1),
				ConfigVariables: variables(first),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					testAccExpectPlanLacks(first),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testUserAddress, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
					testAccExpectStateLacks(first),
					testAccCheckSimPassword(sim, first),
				},
			},
			{
				// A new version sends the new password in place.
				Config:          configText(2),
				ConfigVariables: variables(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testUserAddress, plancheck.ResourceActionUpdate),
					testAccExpectPlanLacks(second),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					testAccExpectStateLacks(second),
					testAccCheckSimPassword(sim, second),
				},
			},
			{
				// Without a new version a changed password_wo is not sent.
				Config:           configText(2),
				ConfigVariables:  variables(ignored),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					testAccCheckSimPassword(sim, second),
				},
			},
			{
				Config:            configText(2),
				ConfigVariables:   variables(second),
				ResourceName:      testUserAddress,
				ImportState:       true,
				ImportStateVerify: true,
				// Kasm cannot report passwords, so an imported user has no password version.
				ImportStateVerifyIgnore: []string{"password_wo_version"},
			},
		},
	})
}

func TestAccUser_refreshUsesDirectory(t *testing.T) {
	acctest.Simulator(t)
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	const users = 30
	prefix := acctest.RandomName("tf-refresh")
	config := private.ProviderConfig() + fmt.Sprintf(`
resource "kasm_user" "many" {
  count    = %d
  username = "%s-${count.index}@example.com"
}
`, users, prefix)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return checkUsersDeleted(s, private.Client(t)) },
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: private.Sim.ResetCounts,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					planCheckFunc(func(*tfjson.Plan) error {
						// The 16th read loads one listing that serves the rest; reads arriving
						// while it loads wait for it. Without the directory the refresh takes
						// one get_user per user.
						getUser, getUsers := private.Sim.RequestCount("get_user"), private.Sim.RequestCount("get_users")
						if getUsers != 1 || getUser >= 16 {
							return fmt.Errorf("refreshing %d users took %d get_user and %d get_users calls", users, getUser, getUsers)
						}
						return nil
					}),
				}},
			},
		},
	})
}

// testAccUserConfig is a kasm_user "test" resource with the given username and extra
// attribute lines.
func testAccUserConfig(username, attributes string) string {
	return fmt.Sprintf(`
resource "kasm_user" "test" {
  username = %[1]q
  %[2]s
}
`, username, attributes)
}

// testAccCheckUserDestroy accepts only "not found" from Kasm for every kasm_user in state.
func testAccCheckUserDestroy(t *testing.T) resource.TestCheckFunc {
	t.Helper()
	return func(s *terraform.State) error {
		return checkUsersDeleted(s, acctest.Client(t))
	}
}

// checkUsersDeleted accepts only "not found" from the client's server for every kasm_user in state.
func checkUsersDeleted(s *terraform.State, client *kasm.Client) error {
	for _, attrs := range resourcesOfType(s, "kasm_user") {
		id := attrs["id"]
		_, err := client.GetUser(context.Background(), kasm.UserRef{ID: id})
		if err == nil {
			return fmt.Errorf("kasm_user %s still exists", id)
		}
		if !errors.Is(err, kasm.ErrNotFound) {
			return fmt.Errorf("checking kasm_user %s: %w", id, err)
		}
	}
	return nil
}

// testAccCheckUserInKasm reads the user of the kasm_user "test" resource back through the API.
func testAccCheckUserInKasm(t *testing.T, check func(*kasm.User) error) statecheck.StateCheck {
	t.Helper()
	return checkThroughAPI(testUserAddress, func(ctx context.Context, attrs map[string]any) error {
		id := stringAttr(attrs, "id")
		if id == "" {
			return errors.New("no id in state")
		}
		user, err := acctest.Client(t).GetUser(ctx, kasm.UserRef{ID: id})
		if err != nil {
			return fmt.Errorf("reading it back: %w", err)
		}
		return check(user)
	})
}

// testAccCheckSimPassword checks through the simulator that the test user's password is want.
func testAccCheckSimPassword(sim *kasmsim.Server, want string) statecheck.StateCheck {
	return checkThroughAPI(testUserAddress, func(_ context.Context, attrs map[string]any) error {
		id := stringAttr(attrs, "id")
		if !sim.PasswordMatches(id, want) {
			return fmt.Errorf("the password of user %s is not the one configured last", id)
		}
		return nil
	})
}

// testAccExpectStateLacks fails when secret appears anywhere in the state.
func testAccExpectStateLacks(secret string) statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error { return expectLacksPassword(state, secret, "state") })
}

// testAccExpectPlanLacks fails when secret appears anywhere in the plan.
func testAccExpectPlanLacks(secret string) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error { return expectLacksPassword(plan, secret, "plan") })
}

// expectLacksPassword fails when the write-only password appears anywhere in the JSON form of
// document, which is the state or the plan that where names.
func expectLacksPassword(document any, password, where string) error {
	raw, err := json.Marshal(document)
	if err != nil {
		return err
	}
	if strings.Contains(string(raw), password) {
		return fmt.Errorf("the write-only password is in the %s", where)
	}
	return nil
}

// testAccStartSessionFor requests a session for the named user on the image the tests launch.
func testAccStartSessionFor(t *testing.T, username string) {
	t.Helper()
	ctx := t.Context()
	client := acctest.Client(t)
	user, err := client.GetUser(ctx, kasm.UserRef{Username: username})
	if err != nil {
		t.Fatalf("looking up %s: %v", username, err)
	}
	if _, err := client.RequestKasm(ctx, kasm.RequestKasmRequest{UserID: user.ID, ImageID: acctest.ImageID(t)}); err != nil {
		t.Fatalf("requesting a session for %s: %v", username, err)
	}
}

// TestAccUser_secretsStayOutOfLogs runs creates and password changes with TRACE logging sent
// to a file and checks that neither the API key secret nor any password reaches it.
//
// terraform-plugin-testing serves the provider in-process, with a tfsdklog test sink that reads
// TF_LOG and TF_LOG_PATH when a step starts the provider; TF_ACC_LOG_PATH takes precedence
// over TF_LOG_PATH there and also receives the Terraform CLI's log and the test harness's own
// lines (which include the step configuration, hence the passwords come from variables).
// Both ways are run, and each file must hold the provider's client lines, or finding no
// secret in it would prove nothing.
func TestAccUser_secretsStayOutOfLogs(t *testing.T) {
	for _, env := range []string{"TF_LOG_PATH", "TF_ACC_LOG_PATH"} {
		t.Run(env, func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "trace.log")
			t.Setenv("TF_LOG", "TRACE")
			t.Setenv(env, logFile)
			testAccUserSecretsStayOutOf(t, logFile)
		})
	}
}

func testAccUserSecretsStayOutOf(t *testing.T, logFile string) {
	acctest.PreCheck(t)
	const plainFirst, plainSecond, writeOnly = "Plain-Secret-One-1", "Plain-Secret-Two-2", "Write-Only-Secret-3"
	configText := fmt.Sprintf(`
variable "plain_password" {
  type      = string
  sensitive = true
}

variable "write_only_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "kasm_user" "plain" {
  username = %[1]q
  password = var.plain_password
}

resource "kasm_user" "write_only" {
  username            = %[2]q
  password_wo         = var.write_only_password
  password_wo_version = 1
}
`, acctest.RandomName("tf-logs-a")+"@example.com", acctest.RandomName("tf-logs-b")+"@example.com")
	variables := func(plain string) config.Variables {
		return config.Variables{
			"plain_password":      config.StringVariable(plain),
			"write_only_password": config.StringVariable(writeOnly),
		}
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy(t),
		Steps: []resource.TestStep{
			{Config: configText, ConfigVariables: variables(plainFirst)},
			{Config: configText, ConfigVariables: variables(plainSecond)},
		},
	})

	raw, err := os.ReadFile(filepath.Clean(logFile))
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	text := string(raw)
	for _, endpoint := range []string{"endpoint=create_user", "endpoint=update_user", "endpoint=get_user"} {
		if !strings.Contains(text, endpoint) {
			t.Errorf("the log has no %q line: the provider's logs were not captured", endpoint)
		}
	}
	secrets := map[string]string{
		"the API key secret":      acctest.APIKeySecret(),
		"the first password":      plainFirst,
		"the second password":     plainSecond,
		"the write-only password": writeOnly,
	}
	for what, secret := range secrets {
		if secret == "" {
			t.Fatalf("%s is empty", what)
		}
		if strings.Contains(text, secret) {
			t.Errorf("%s appears in the log", what)
		}
	}
}
