package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// Helpers shared by the group, membership, group image and user attributes tests. Objects
// the configuration under test does not own (users, groups made to collide, images) are
// created through the API and removed when the test ends, so the tests also run unchanged
// against a real Kasm server.

// hexIDPattern matches an id as the provider writes computed ids to state.
const hexIDPattern = `^[0-9a-f]{32}$`

// testAccAPIUser creates a Kasm user through the API and deletes it when the test ends.
func testAccAPIUser(t *testing.T) kasm.User {
	t.Helper()
	client := acctest.Client(t)
	user, err := client.CreateUser(t.Context(), kasm.CreateUserRequest{
		Username: acctest.RandomName("tf-acc-user") + "@example.com",
	})
	if err != nil {
		t.Fatalf("creating a test user: %v", err)
	}
	t.Cleanup(func() {
		// The test's context ends before cleanups run.
		err := client.DeleteUser(context.WithoutCancel(t.Context()), user.ID, true)
		if err != nil && !errors.Is(err, kasm.ErrNotFound) {
			t.Errorf("deleting test user %s: %v", user.ID, err)
		}
	})
	return *user
}

// testAccAPIGroup creates a Kasm group through the API and deletes it when the test ends.
func testAccAPIGroup(t *testing.T, name string) kasm.Group {
	t.Helper()
	client := acctest.Client(t)
	group, err := client.CreateGroup(t.Context(), kasm.CreateGroupRequest{Name: name, Priority: 500})
	if err != nil {
		t.Fatalf("creating test group %q: %v", name, err)
	}
	t.Cleanup(func() {
		err := client.DeleteGroup(context.WithoutCancel(t.Context()), group.ID, true)
		if err != nil && !errors.Is(err, kasm.ErrNotFound) {
			t.Errorf("deleting test group %s: %v", group.ID, err)
		}
	})
	return *group
}

// testAccImageIDs returns the ids of n enabled images on the server under test, and skips the
// test when the server has fewer.
func testAccImageIDs(t *testing.T, n int) []string {
	t.Helper()
	images, err := acctest.Client(t).GetImages(t.Context())
	if err != nil {
		t.Fatalf("listing images: %v", err)
	}
	var ids []string
	for _, img := range images {
		if img.Enabled && len(ids) < n {
			ids = append(ids, img.ID)
		}
	}
	if len(ids) < n {
		t.Skipf("the Kasm server has %d enabled images; the test needs %d", len(ids), n)
	}
	return ids
}

// testAccGroupByName looks a group up through the API; a missing group matches kasm.ErrNotFound.
func testAccGroupByName(ctx context.Context, client *kasm.Client, name string) (*kasm.Group, error) {
	groups, err := client.GetGroups(ctx)
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if groups[i].Name == name {
			return &groups[i], nil
		}
	}
	return nil, fmt.Errorf("group named %q: %w", name, kasm.ErrNotFound)
}

// testAccGroupByID looks a group up through the API; a missing group matches kasm.ErrNotFound.
func testAccGroupByID(ctx context.Context, client *kasm.Client, id string) (*kasm.Group, error) {
	groups, err := client.GetGroups(ctx)
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if groups[i].ID == id {
			return &groups[i], nil
		}
	}
	return nil, fmt.Errorf("group %s: %w", id, kasm.ErrNotFound)
}

// testAccRestrictedProvider creates a simulator API key with only the given permissions and
// returns a provider block that uses it.
func testAccRestrictedProvider(t *testing.T, perms ...kasmsim.Permission) string {
	t.Helper()
	sim := acctest.Simulator(t)
	key, secret := sim.CreateAPIKey(kasmsim.APIKeySpec{Name: acctest.RandomName("tf-acc-restricted"), Permissions: perms})
	return fmt.Sprintf(`
provider "kasm" {
  base_url       = %[1]q
  api_key        = %[2]q
  api_key_secret = %[3]q
}
`, os.Getenv(acctest.EnvBaseURL), key, secret)
}

// wrapped turns text into a regular expression that also matches it when Terraform wraps the
// diagnostic across lines.
func wrapped(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// checkThroughAPI is a state check that hands the attribute values of the resource at address
// to fn, which compares them with what the Kasm API reports.
func checkThroughAPI(address string, fn func(ctx context.Context, attrs map[string]any) error) statecheck.StateCheck {
	return apiStateCheck{address: address, check: fn}
}

type apiStateCheck struct {
	address string
	check   func(ctx context.Context, attrs map[string]any) error
}

func (c apiStateCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := resourceAttributes(req.State, c.address)
	if err == nil {
		err = c.check(ctx, attrs)
	}
	if err != nil {
		resp.Error = fmt.Errorf("%s: %w", c.address, err)
	}
}

// resourceAttributes returns the attribute values of the resource at address in state.
func resourceAttributes(state *tfjson.State, address string) (map[string]any, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, errors.New("state is empty")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues, nil
		}
	}
	return nil, errors.New("not in state")
}

// stringAttr returns a string attribute, or "" when it is null or not a string.
func stringAttr(attrs map[string]any, name string) string {
	s, _ := attrs[name].(string)
	return s
}

// resourcesOfType returns the attributes of every resource of the given type in a state
// handed to CheckDestroy.
func resourcesOfType(state *terraform.State, resourceType string) []map[string]string {
	var out []map[string]string
	for _, rs := range state.RootModule().Resources {
		if rs.Type == resourceType && rs.Primary != nil {
			out = append(out, rs.Primary.Attributes)
		}
	}
	return out
}
