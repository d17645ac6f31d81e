package provider_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"testing"
	"time"

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
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

const sessionAddress = "kasm_session.test"

var rfc3339UTC = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// TestAccSession_lifecycle runs the whole life of a session: create, no drift, keepalive,
// import, destroy. It runs unchanged against a real server.
func TestAccSession_lifecycle(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-session")
	imageID := acctest.ImageID(t)
	baseURL := acctest.WebRoot(t)

	sameID := statecheck.CompareValue(compare.ValuesSame())
	var expirationAtCreate string

	createChecks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("status"), knownvalue.StringExact("running")),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("user_id"), knownvalue.StringExact(user.ID)),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("username"), knownvalue.StringExact(user.Username)),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("image_id"), knownvalue.StringExact(imageID)),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("enable_sharing"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("share_id"), knownvalue.Null()),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("image_name"), knownvalue.NotNull()),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("start_date"), knownvalue.StringRegexp(rfc3339UTC)),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("expiration_date"),
			capturedString(&expirationAtCreate, rfc3339UTC)),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("kasm_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
		statecheck.CompareValuePairs(sessionAddress, tfjsonpath.New("id"), sessionAddress, tfjsonpath.New("kasm_id"),
			compare.ValuesSame()),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("session_token"), knownvalue.NotNull()),
		statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("kasm_url"),
			knownvalue.StringRegexp(regexp.MustCompile(`^/#/connect/kasm/`))),
		statecheck.CompareValuePairs(sessionAddress, tfjsonpath.New("connect_url"), sessionAddress, tfjsonpath.New("kasm_url"),
			connectURLComparer{baseURL: baseURL}),
		sameID.AddStateValue(sessionAddress, tfjsonpath.New("id")),
	}
	if !acctest.IsRealServer(t) {
		createChecks = append(createChecks, sessionTokenIsCurrent{sim: acctest.Simulator(t)})
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSessionDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config:            testAccSessionConfig(user.ID, imageID, "first"),
				ConfigStateChecks: createChecks,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: testAccSessionConfig(user.ID, imageID, "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(sessionAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(sessionAddress, tfjsonpath.New("expiration_date")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(sessionAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("expiration_date"),
						laterThan(&expirationAtCreate)),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("session_token"), knownvalue.NotNull()),
				},
			},
			{
				ResourceName:      sessionAddress,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{
					// Kasm cannot report the connection details without issuing a new token, which
					// would break the link in use, and keepalive_triggers only exist in the
					// configuration.
					"session_token", "kasm_url", "connect_url", "keepalive_triggers",
				},
			},
			{
				// The dashed form of the id imports the same session.
				ResourceName:      sessionAddress,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return acctest.DashedID(s.RootModule().Resources[sessionAddress].Primary.ID), nil
				},
				ImportStateVerifyIgnore: []string{"session_token", "kasm_url", "connect_url", "keepalive_triggers"},
			},
		},
	})
}

// TestAccSession_anonymousWithLaunchURL starts a session without a user (Kasm creates an
// anonymous one), with the inputs Kasm cannot report back and a dashed image id.
func TestAccSession_anonymousWithLaunchURL(t *testing.T) {
	imageID := acctest.ImageID(t)
	config := func(launchURL string) string {
		return fmt.Sprintf(`
resource "kasm_session" "test" {
  image_id   = %[1]q
  launch_url = %[2]q
  environment = {
    GREETING = "hello"
  }
}
`, acctest.DashedID(imageID), launchURL)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSessionDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config("https://example.com/start"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("user_id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("username"),
						knownvalue.StringRegexp(regexp.MustCompile(`^anon`))),
					// The dashed id in the configuration is kept: it names the same image.
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("image_id"), knownvalue.StringExact(acctest.DashedID(imageID))),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("status"), knownvalue.StringExact("running")),
				},
			},
			{
				ResourceName:      sessionAddress,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{
					// Not readable after an import: the connection details (reading them would issue
					// a new token) and the inputs Kasm does not report. image_id reads back in hex.
					"session_token", "kasm_url", "connect_url", "launch_url", "environment", "image_id",
				},
			},
			{
				// Once known, changing launch_url replaces the session.
				Config: config("https://example.com/other"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(sessionAddress, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("launch_url"),
						knownvalue.StringExact("https://example.com/other")),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("connect_url"), knownvalue.NotNull()),
				},
			},
		},
	})
}

// TestAccSession_importRecordsUnreportedInputs imports a session started outside Terraform
// with a configuration that sets launch_url and environment. Kasm cannot report them, so the
// import leaves them null, and the next apply records them without replacing the session.
func TestAccSession_importRecordsUnreportedInputs(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-session")
	imageID := acctest.ImageID(t)
	started, err := acctest.Client(t).RequestKasm(t.Context(), kasm.RequestKasmRequest{
		UserID: user.ID, ImageID: imageID, KasmURL: "https://example.com/start",
		Environment: map[string]string{"GREETING": "hello"},
	})
	if err != nil {
		t.Fatalf("starting the session to import: %v", err)
	}
	config := fmt.Sprintf(`
resource "kasm_session" "test" {
  user_id    = %[1]q
  image_id   = %[2]q
  launch_url = "https://example.com/start"
  environment = {
    GREETING = "hello"
  }
}
`, user.ID, imageID)
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSessionDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       sessionAddress,
				ImportState:        true,
				ImportStateId:      started.KasmID,
				ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(sessionAddress, plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("id"), knownvalue.StringExact(started.KasmID)),
					sameID.AddStateValue(sessionAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("launch_url"),
						knownvalue.StringExact("https://example.com/start")),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("environment"),
						knownvalue.MapExact(map[string]knownvalue.Check{"GREETING": knownvalue.StringExact("hello")})),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("user_id"), knownvalue.StringExact(user.ID)),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("connect_url"), knownvalue.Null()),
				},
			},
		},
	})
}

// TestAccSession_outOfBandChanges changes a session behind Terraform's back: stopped (stays),
// deleting (leaves the state), destroyed (recreated), expired (leaves the state).
func TestAccSession_outOfBandChanges(t *testing.T) {
	sim := acctest.Simulator(t)
	user := acctest.CreateUser(t, "tf-acc-session")
	imageID := acctest.ImageID(t)

	var kasmID string
	firstID := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSessionDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccSessionConfig(user.ID, imageID, "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("id"), capturedString(&kasmID, nil)),
					firstID.AddStateValue(sessionAddress, tfjsonpath.New("id")),
				},
			},
			{
				// A stopped session stays in the state, with its status.
				PreConfig: func() { mustSucceed(t, sim.SetSessionStatus(kasmID, kasmsim.StatusStopped)) },
				Config:    testAccSessionConfig(user.ID, imageID, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("status"), knownvalue.StringExact("stopped")),
				},
			},
			{
				// A session Kasm is deleting leaves the state, and the plan starts a new one.
				PreConfig: func() { mustSucceed(t, sim.SetSessionStatus(kasmID, kasmsim.StatusDeletePending)) },
				Config:    testAccSessionConfig(user.ID, imageID, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sessionAddress, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("status"), knownvalue.StringExact("running")),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("id"), capturedString(&kasmID, nil)),
					firstID.AddStateValue(sessionAddress, tfjsonpath.New("id")),
				},
			},
			{
				// A session destroyed outside Terraform is recreated.
				PreConfig: func() {
					mustSucceed(t, sim.SetSessionStatus(kasmID, ""))
					mustSucceed(t, sim.DestroySessionOutOfBand(kasmID))
				},
				Config: testAccSessionConfig(user.ID, imageID, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sessionAddress, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("status"), knownvalue.StringExact("running")),
					firstID.AddStateValue(sessionAddress, tfjsonpath.New("id")),
					sessionTokenIsCurrent{sim: sim},
				},
			},
			{
				// An expired session leaves the state too.
				PreConfig: func() {
					for _, k := range sim.Sessions() {
						if k.UserID == user.ID && k.Status == kasmsim.StatusRunning {
							mustSucceed(t, sim.ExpireSession(k.KasmID))
						}
					}
				},
				Config:             testAccSessionConfig(user.ID, imageID, "1"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccSession_lostRequestAnswer loses request_kasm's answer after Kasm applied it: the
// provider adopts the session the request started instead of leaking it or starting another.
func TestAccSession_lostRequestAnswer(t *testing.T) {
	sim := acctest.Simulator(t)
	user := acctest.CreateUser(t, "tf-acc-session")
	imageID := acctest.ImageID(t)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSessionDestroyed(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					sim.ResetCounts()
					sim.InjectFault("request_kasm", kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1})
				},
				Config: testAccSessionConfig(user.ID, imageID, "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("status"), knownvalue.StringExact("running")),
					onlySessionOfUser{sim: sim, userID: user.ID},
					sessionTokenIsCurrent{sim: sim},
					requestCount{sim: sim, endpoint: "request_kasm", want: 1},
				},
			},
		},
	})
}

// TestAccSession_lostRequestAnswerAnonymous loses the answer to an anonymous request: the new
// session cannot be identified, and the error says what may exist and how to find it.
func TestAccSession_lostRequestAnswerAnonymous(t *testing.T) {
	sim := acctest.Simulator(t)
	imageID := acctest.ImageID(t)
	before := anonymousSessions(sim)
	t.Cleanup(func() {
		for _, k := range anonymousSessions(sim) {
			if !slices.Contains(before, k) {
				_ = sim.DestroySessionOutOfBand(k)
			}
		}
	})

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					sim.InjectFault("request_kasm", kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1})
				},
				Config: fmt.Sprintf(`
resource "kasm_session" "test" {
  image_id = %[1]q
}
`, imageID),
				ExpectError: acctest.ExpectErrorText("new anonymous user may have been started at about", "Without user_id"),
			},
		},
	})
	if created := len(anonymousSessions(sim)) - len(before); created != 1 {
		t.Errorf("the lost request should have started exactly one anonymous session, found %d", created)
	}
}

// TestAccSession_createTimeoutCleansUp gives a session that takes an hour to start a create
// timeout of two seconds, on a simulator of its own: the create fails and leaves nothing behind.
func TestAccSession_createTimeoutCleansUp(t *testing.T) {
	acctest.Simulator(t)
	private := acctest.PrivateSimulator(t, kasmsim.Options{SessionTiming: kasmsim.SessionTiming{Starting: time.Hour}})
	sim := private.Sim

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: private.ProviderConfig() + fmt.Sprintf(`
resource "kasm_session" "test" {
  image_id = %[1]q

  timeouts = {
    create = "2s"
  }
}
`, kasmsim.ImageChromeID),
				ExpectError: acctest.ExpectErrorText("did not start within the create timeout (2s). The provider destroyed the session again, so nothing is left behind"),
			},
		},
	})

	// The failed create leaves an empty state, so the checks run here rather than in CheckDestroy.
	if n := len(sim.Sessions()); n != 0 {
		t.Errorf("the timed-out create left %d sessions on the server", n)
	}
	if n := sim.RequestCount("request_kasm"); n != 1 {
		t.Errorf("request_kasm was called %d times, want 1", n)
	}
	if sim.RequestCount("destroy_kasm") == 0 {
		t.Error("the timed-out session was not destroyed through destroy_kasm")
	}
}

// TestAccSession_documentedStatusShape starts an autoscaled session on a simulator that reports
// the start-up states the way the API documentation describes (a top-level operational_status)
// instead of Kasm 1.15's "This session is currently ..." messages.
func TestAccSession_documentedStatusShape(t *testing.T) {
	acctest.Simulator(t)
	const stage = 100 * time.Millisecond
	private := acctest.PrivateSimulator(t, kasmsim.Options{
		Autoscale:             true,
		DocumentedStatusShape: true,
		SessionTiming:         kasmsim.SessionTiming{Requested: stage, Provisioning: stage, Assigned: stage, Starting: stage},
	})
	sim := private.Sim

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(sim.Sessions()); n != 0 {
				return fmt.Errorf("%d sessions left after destroy", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: private.ProviderConfig() + fmt.Sprintf(`
resource "kasm_session" "test" {
  image_id = %[1]q
}
`, kasmsim.ImageFirefoxID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("status"), knownvalue.StringExact("running")),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("image_name"), knownvalue.StringExact("Kasm Firefox")),
					sessionTokenIsCurrent{sim: sim},
				},
			},
		},
	})
}

// TestAccSession_sharingRefused asks for sharing where the user's group forbids it: Kasm starts
// the session and reports "Failed to create Share ID"; the provider destroys it and fails.
func TestAccSession_sharingRefused(t *testing.T) {
	sim := acctest.Simulator(t)
	user := acctest.CreateUser(t, "tf-acc-session")
	group := testAccSessionGroup(t, user.ID)
	mustSucceed(t, sim.SetGroupSetting(group, "allow_kasm_sharing", false))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "kasm_session" "test" {
  user_id        = %[1]q
  image_id       = %[2]q
  enable_sharing = true
}
`, user.ID, acctest.ImageID(t)),
				ExpectError: acctest.ExpectErrorText("could not enable sharing: sharing is disabled for the user's groups (group setting allow_kasm_sharing)",
					"The provider destroyed the session again"),
			},
		},
	})

	// The session Kasm started despite the error must be gone, not merely deleting.
	mustSucceed(t, noSessionsOfUser(sim, user.ID))
}

// TestAccSession_sharing starts a shared session where sharing is allowed.
func TestAccSession_sharing(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-session")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSessionDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "kasm_session" "test" {
  user_id        = %[1]q
  image_id       = %[2]q
  enable_sharing = true
}
`, user.ID, acctest.ImageID(t)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("share_id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}$`))),
				},
			},
			{
				ResourceName:            sessionAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"session_token", "kasm_url", "connect_url"}, // Not readable, see lifecycle.
			},
		},
	})
}

// TestAccSession_keepaliveDeclined sends a keepalive Kasm does not honour (usage limit reached):
// the apply succeeds, and the expiry stays where it was.
func TestAccSession_keepaliveDeclined(t *testing.T) {
	sim := acctest.Simulator(t)
	user := acctest.CreateUser(t, "tf-acc-session")
	group := testAccSessionGroup(t, user.ID)
	imageID := acctest.ImageID(t)
	sameExpiration := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSessionDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccSessionConfig(user.ID, imageID, "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameExpiration.AddStateValue(sessionAddress, tfjsonpath.New("expiration_date")),
				},
			},
			{
				PreConfig: func() { mustSucceed(t, sim.SetGroupSetting(group, "usage_limit_reached", true)) },
				Config:    testAccSessionConfig(user.ID, imageID, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sessionAddress, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameExpiration.AddStateValue(sessionAddress, tfjsonpath.New("expiration_date")),
					statecheck.ExpectKnownValue(sessionAddress, tfjsonpath.New("keepalive_triggers"),
						knownvalue.MapExact(map[string]knownvalue.Check{"round": knownvalue.StringExact("2")})),
				},
			},
		},
	})
}

// TestAccSession_errors covers the requests Kasm refuses.
func TestAccSession_errors(t *testing.T) {
	user := acctest.CreateUser(t, "tf-acc-session")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccSessionConfig(user.ID, randomID(t), "1"),
				ExpectError: acctest.ExpectErrorText("Kasm does not know the image"),
			},
			{
				Config:      testAccSessionConfig(randomID(t), acctest.ImageID(t), "1"),
				ExpectError: acctest.ExpectErrorText("No Kasm user has this id"),
			},
			{
				Config: `
resource "kasm_session" "test" {
  image_id = "not-an-id"
}
`,
				ExpectError: acctest.ExpectErrorText("image_id must be a Kasm id"),
			},
			{
				Config: `
resource "kasm_session" "test" {
  environment = {
    "1BAD" = "x"
  }
}
`,
				ExpectError: acctest.ExpectErrorText("must be an environment variable name"),
			},
		},
	})
}

// TestAccSession_refusedBySimulator covers refusals that need simulator set-up: an image not
// assigned to the user's groups, the per-user session limit, and a key without the User
// permission.
func TestAccSession_refusedBySimulator(t *testing.T) {
	sim := acctest.Simulator(t)
	user := acctest.CreateUser(t, "tf-acc-session")
	limited := acctest.CreateUser(t, "tf-acc-session")
	group := testAccSessionGroup(t, limited.ID)
	mustSucceed(t, sim.SetGroupSetting(group, "max_kasms_per_user", 0))
	unassigned, err := sim.AddImage(kasmsim.ImageRecord{
		Name: "example/unassigned:1.0", FriendlyName: acctest.RandomName("Unassigned"), Enabled: true, Available: true,
	})
	mustSucceed(t, err)

	permissions := slices.DeleteFunc(kasmsim.AllPermissions(), func(p kasmsim.Permission) bool { return p == kasmsim.PermUser })
	restricted := acctest.RestrictedProviderConfig(t, permissions...)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccSessionConfig(user.ID, unassigned, "1"),
				ExpectError: acctest.ExpectErrorText("The image is not assigned to any group of the session's user"),
			},
			{
				Config:      testAccSessionConfig(limited.ID, acctest.ImageID(t), "1"),
				ExpectError: acctest.ExpectErrorText("as many sessions as the group setting max_kasms_per_user allows"),
			},
			{
				Config: restricted +
					testAccSessionConfig(user.ID, acctest.ImageID(t), "1"),
				ExpectError: acctest.ExpectErrorText("permissions this operation needs (User, Users Auth Session)"),
			},
		},
	})

	mustSucceed(t, errors.Join(noSessionsOfUser(sim, user.ID), noSessionsOfUser(sim, limited.ID)))
}

// testAccSessionConfig is a session of userID on imageID with one keepalive trigger.
func testAccSessionConfig(userID, imageID, round string) string {
	return fmt.Sprintf(`
resource "kasm_session" "test" {
  user_id  = %[1]q
  image_id = %[2]q

  keepalive_triggers = {
    round = %[3]q
  }
}
`, userID, imageID, round)
}

// testAccSessionGroup creates a group with the user in it that wins over All Users, so that the
// test can change group settings for this user alone. It returns the group id.
func testAccSessionGroup(t *testing.T, userID string) string {
	t.Helper()
	priority, err := rand.Int(rand.Reader, big.NewInt(800))
	mustSucceed(t, err)
	group := testAccAPIGroup(t, acctest.RandomName("tf-acc-session"), 100+int(priority.Int64()))
	mustSucceed(t, acctest.Client(t).AddUserGroup(t.Context(), userID, group.ID))
	return group.ID
}

// testAccCheckSessionDestroyed checks through the API that every session in the state is gone:
// get_kasm_status answers not found, and get_kasms no longer lists it.
func testAccCheckSessionDestroyed(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		client := acctest.Client(t)
		ctx := t.Context()
		kasms, err := client.GetKasms(ctx)
		if err != nil {
			return fmt.Errorf("listing sessions: %w", err)
		}
		for _, attrs := range resourcesOfType(s, "kasm_session") {
			id := attrs["id"]
			_, err := client.GetKasmStatus(ctx, id, attrs["user_id"], true)
			switch {
			case err == nil:
				return fmt.Errorf("session %s: get_kasm_status still answers for it", id)
			case !errors.Is(err, kasm.ErrNotFound):
				return fmt.Errorf("session %s: get_kasm_status should answer not found: %w", id, err)
			}
			for _, k := range kasms {
				if kasmtypes.SameID(k.ID, id) {
					return fmt.Errorf("session %s is still listed (status %s)", id, k.OperationalStatus)
				}
			}
		}
		return nil
	}
}

// noSessionsOfUser fails when the simulator still holds a session of the user.
func noSessionsOfUser(sim *kasmsim.Server, userID string) error {
	for _, k := range sim.Sessions() {
		if k.UserID == userID {
			return fmt.Errorf("session %s of user %s was left behind (status %s)", k.KasmID, userID, k.Status)
		}
	}
	return nil
}

// anonymousSessions lists the ids of the simulator's sessions that belong to anonymous users.
func anonymousSessions(sim *kasmsim.Server) []string {
	var ids []string
	for _, k := range sim.Sessions() {
		if u, ok := sim.User(k.UserID); ok && u.Anonymous {
			ids = append(ids, k.KasmID)
		}
	}
	return ids
}

func mustSucceed(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// randomID returns a random Kasm id that names nothing.
func randomID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
