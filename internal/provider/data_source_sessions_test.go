package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// TestAccSessionsDataSource lists sessions started through the API, unfiltered and filtered by
// user and by user and image; the exact attribute set shows that no token or link is listed.
// It runs unchanged against a real server.
func TestAccSessionsDataSource(t *testing.T) {
	alice := acctest.CreateUser(t, "tf-acc-session")
	bob := acctest.CreateUser(t, "tf-acc-session")
	imageID := acctest.ImageID(t)
	client := acctest.Client(t)
	var sessions []*kasm.RequestKasmResponse
	for _, user := range []*kasm.User{alice, bob} {
		started, err := client.RequestKasm(t.Context(), kasm.RequestKasmRequest{UserID: user.ID, ImageID: imageID})
		if err != nil {
			t.Fatalf("starting a session for %s: %v", user.Username, err)
		}
		sessions = append(sessions, started)
	}

	config := fmt.Sprintf(`
data "kasm_sessions" "all" {}

data "kasm_sessions" "alice" {
  user_id = %[1]q
}

data "kasm_sessions" "bob_on_image" {
  user_id  = %[2]q
  image_id = %[3]q
}

# Other tests start and end sessions meanwhile, so only a fact about these two is stable.
output "lists_both" {
  value = alltrue([
    for id in [%[4]q, %[5]q] : contains([for s in data.kasm_sessions.all.sessions : s.id], id)
  ])
}
`, acctest.DashedID(alice.ID), bob.ID, acctest.DashedID(imageID), sessions[0].KasmID, sessions[1].KasmID)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("lists_both", knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.kasm_sessions.alice", tfjsonpath.New("sessions"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":              knownvalue.StringExact(sessions[0].KasmID),
							"user_id":         knownvalue.StringExact(alice.ID),
							"username":        knownvalue.StringExact(alice.Username),
							"image_id":        knownvalue.StringExact(imageID),
							"image_name":      knownvalue.NotNull(),
							"status":          knownvalue.NotNull(),
							"share_id":        knownvalue.Null(),
							"start_date":      knownvalue.StringRegexp(rfc3339UTC),
							"expiration_date": knownvalue.StringRegexp(rfc3339UTC),
							// Null while an autoscaled session still waits for its agent.
							"hostname": anyValue{},
						})})),
					statecheck.ExpectKnownValue("data.kasm_sessions.bob_on_image", tfjsonpath.New("sessions"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":      knownvalue.StringExact(sessions[1].KasmID),
							"user_id": knownvalue.StringExact(bob.ID),
						})})),
				},
			},
		},
	})
}
