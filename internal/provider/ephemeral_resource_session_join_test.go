package provider_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestAccSessionJoinEphemeralResource_basic(t *testing.T) {
	owner := acctest.CreateUser(t, "tf-join-owner")
	viewer := acctest.CreateUser(t, "tf-join-viewer")
	kasmID, shareID := startRunningSharedSession(t, acctest.Client(t), owner.ID, acctest.ImageID(t))

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEchoProvider(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: sessionJoinEphemeralConfig(shareID, acctest.DashedID(viewer.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data"), sessionJoinResultCheck{
						baseURL:  acctest.BaseURL(),
						shareID:  shareID,
						userID:   acctest.DashedID(viewer.ID),
						viewerID: viewer.ID,
						username: viewer.Username,
						kasmID:   kasmID,
					}),
					expectNoStateResourceOfType("kasm_session_join"),
				},
			},
		},
	})
}

func TestAccSessionJoinEphemeralResource_unknownShareID(t *testing.T) {
	viewer := acctest.CreateUser(t, "tf-join-viewer")
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatalf("reading random bytes: %v", err)
	}
	shareID := hex.EncodeToString(suffix)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEchoProvider(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: sessionJoinEphemeralConfig(shareID, viewer.ID),
				ExpectError: acctest.ExpectErrorText("Unable to Open Kasm Session Join",
					"No Kasm found with share_id ("+shareID+")"),
			},
		},
	})
}

func TestAccSessionJoinEphemeralResource_sharingDisabled(t *testing.T) {
	// A simulator of its own, because the setting changed below would affect every test.
	private := acctest.PrivateSimulator(t, kasmsim.Options{})
	owner := private.CreateUser(t, "tf-join-owner")
	viewer := private.CreateUser(t, "tf-join-viewer")
	_, shareID := startRunningSharedSession(t, private.Client(t), owner.ID, kasmsim.ImageChromeID)
	// An administrator turns sharing off after the session was shared.
	if err := private.Sim.SetGroupSetting(kasmsim.AllUsersGroupID, "allow_kasm_sharing", false); err != nil {
		t.Fatalf("turning sharing off: %v", err)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEchoProvider(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config:      private.ProviderConfig() + sessionJoinEphemeralConfig(shareID, viewer.ID),
				ExpectError: acctest.ExpectErrorText("Sharing is not enabled for this Kasm"),
			},
		},
	})
}

func TestAccSessionJoinEphemeralResource_missingPermission(t *testing.T) {
	acctest.Simulator(t)
	viewer := acctest.CreateUser(t, "tf-join-viewer")
	// Users Auth Session alone lets the key act for the viewer, but join_kasm also needs User.
	restricted := acctest.RestrictedProviderConfig(t, kasmsim.PermUsersAuthSession)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEchoProvider(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: restricted +
					sessionJoinEphemeralConfig("30a09d61", viewer.ID),
				ExpectError: acctest.ExpectErrorText("Unable to Open Kasm Session Join", "The Kasm server refused the API key",
					"(User, Users Auth Session)"),
			},
		},
	})
}

func TestAccSessionJoinEphemeralResource_requiredArguments(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEchoProvider(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: `
ephemeral "kasm_session_join" "test" {
  share_id = "30a09d61"
}
`,
				ExpectError: regexp.MustCompile(`The argument "user_id" is required`),
			},
			{
				Config: `
ephemeral "kasm_session_join" "test" {
  share_id = ""
  user_id  = "583035bb58194e5183b921223badc569"
}
`,
				ExpectError: acctest.ExpectErrorText("Attribute share_id string length must be at least 1"),
			},
		},
	})
}

// sessionJoinEphemeralConfig opens kasm_session_join and copies the result into the echo
// resource's state.
func sessionJoinEphemeralConfig(shareID, userID string) string {
	return fmt.Sprintf(`
ephemeral "kasm_session_join" "test" {
  share_id = %[1]q
  user_id  = %[2]q
}

provider "echo" {
  data = ephemeral.kasm_session_join.test
}

resource "echo" "test" {}
`, shareID, userID)
}

// sessionJoinResultCheck checks the whole kasm_session_join result as the echo resource stores
// it, including that join_url is the base URL followed by kasm_url and that the link carries
// the session token.
type sessionJoinResultCheck struct {
	baseURL  string
	shareID  string
	userID   string // as configured
	viewerID string // hex
	username string
	kasmID   string
}

var sessionTokenPattern = regexp.MustCompile(`^` + anyUUIDPattern + `$`)

func (c sessionJoinResultCheck) CheckValue(value any) error {
	data, ok := value.(map[string]any)
	if !ok {
		return fmt.Errorf("expected an object, got %T", value)
	}
	str := func(key string) string {
		s, _ := data[key].(string)
		return s
	}
	var problems []string
	expectEqual := func(key, want string) {
		if got := str(key); got != want {
			problems = append(problems, fmt.Sprintf("%s is %q, want %q", key, got, want))
		}
	}
	expectEqual("share_id", c.shareID)
	expectEqual("user_id", c.userID)
	expectEqual("kasm_id", c.kasmID)
	expectEqual("username", c.username)

	token := str("session_token")
	if !sessionTokenPattern.MatchString(token) {
		problems = append(problems, "session_token is not a UUID")
	}
	wantPath := "/#/connect/join/" + c.shareID + "/" + c.viewerID + "/" + token
	if str("kasm_url") != wantPath {
		problems = append(problems, "kasm_url is not /#/connect/join/<share id>/<viewer id>/<session token>")
	}
	if str("join_url") != strings.TrimRight(c.baseURL, "/")+wantPath {
		problems = append(problems, "join_url is not the base URL followed by kasm_url")
	}
	if len(problems) > 0 {
		// Values that hold the token stay out of the message.
		return fmt.Errorf("unexpected kasm_session_join result: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (c sessionJoinResultCheck) String() string {
	return fmt.Sprintf("kasm_session_join result for share %s and viewer %s", c.shareID, c.viewerID)
}

var _ knownvalue.Check = sessionJoinResultCheck{}
