package provider_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// Helpers for the tests of the image, login link, session join and session_url entities.

// anyUUIDPattern matches a UUID in the dashed or the 32 hex character form.
const anyUUIDPattern = `[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}`

// stateIDPattern matches an id as the provider writes it to state.
var stateIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// nonEmptyPattern matches any string that is not empty or blank.
var nonEmptyPattern = regexp.MustCompile(`\S`)

// skipUnlessTFAcc skips a test that prepares objects through the API before resource.Test
// runs: resource.Test would skip without TF_ACC, but only after the objects were created.
func skipUnlessTFAcc(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test skipped unless %s is set", resource.EnvTfAcc)
	}
}

// wrappingTolerantPattern matches phrase in Terraform's error output, which wraps long lines, so any run
// of whitespace between two words matches.
func wrappingTolerantPattern(phrase string) *regexp.Regexp {
	return regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(phrase)), `\s+`))
}

// createRandomKasmUser creates a user with a random name through the API and deletes it (with its
// sessions) when the test ends.
func createRandomKasmUser(t *testing.T, client *kasm.Client, prefix string) *kasm.User {
	t.Helper()
	user, err := client.CreateUser(t.Context(), kasm.CreateUserRequest{
		Username: acctest.RandomName(prefix) + "@example.com",
	})
	if err != nil {
		t.Fatalf("creating a test user: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is cancelled before cleanups run; keep its values, drop the cancellation.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), time.Minute)
		defer cancel()
		if err := client.DeleteUser(ctx, user.ID, true); err != nil && !errors.Is(err, kasm.ErrNotFound) {
			t.Errorf("deleting test user %s: %v", user.ID, err)
		}
	})
	return user
}

// startRunningSharedSession starts a session with sharing enabled for the owner, waits until it
// runs, and destroys it when the test ends. It returns the session id and share id.
func startRunningSharedSession(t *testing.T, client *kasm.Client, ownerID, imageID string) (kasmID, shareID string) {
	t.Helper()
	started, err := client.RequestKasm(t.Context(), kasm.RequestKasmRequest{
		UserID:        ownerID,
		ImageID:       imageID,
		EnableSharing: true,
	})
	if err != nil {
		t.Fatalf("requesting a shared session: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), time.Minute)
		defer cancel()
		if err := client.DestroyKasm(ctx, started.KasmID, ownerID); err != nil && !errors.Is(err, kasm.ErrNotFound) {
			t.Errorf("destroying test session %s: %v", started.KasmID, err)
		}
	})
	if started.ShareID == "" {
		t.Fatalf("request_kasm enabled sharing but returned no share id")
	}
	waitUntilSessionRuns(t, client, started.KasmID, ownerID)
	return started.KasmID, started.ShareID
}

// waitUntilSessionRuns polls the session's status until it runs. The shared simulator walks
// a new session through its start-up states in about a second; a real server takes longer.
func waitUntilSessionRuns(t *testing.T, client *kasm.Client, kasmID, ownerID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		status, err := client.GetKasmStatus(ctx, kasmID, ownerID, true)
		if err != nil {
			t.Fatalf("reading the status of session %s: %v", kasmID, err)
		}
		if status.OperationalStatus == "running" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("session %s did not start running (last state %q): %v", kasmID, status.OperationalStatus, ctx.Err())
		case <-ticker.C:
		}
	}
}

// pickLaunchableImageID returns an image the test user may start a session of: the seeded Chrome
// image on the simulator, the first enabled and available container image on a real server
// (which must be assigned to All Users for the test to pass).
func pickLaunchableImageID(t *testing.T, client *kasm.Client) string {
	t.Helper()
	if !acctest.IsRealServer(t) {
		return kasmsim.ImageChromeID
	}
	images, err := client.GetImages(t.Context())
	if err != nil {
		t.Fatalf("listing images: %v", err)
	}
	for _, image := range images {
		if image.Enabled && image.Available && image.ImageType == "Container" {
			return image.ID
		}
	}
	t.Skip("the Kasm server has no enabled and available container image to start a session of")
	return ""
}

// startPrivateSimulator starts a simulator of the test's own, for tests that change what every
// reader of the shared simulator would see (images, sharing settings). It returns the
// simulator, a client of it and a provider block that points the provider at it.
func startPrivateSimulator(t *testing.T) (*kasmsim.Server, *kasm.Client, string) {
	t.Helper()
	sim := kasmsim.New(kasmsim.Options{})
	server := httptest.NewServer(sim)
	t.Cleanup(server.Close)
	key, secret := sim.AdminKey()
	client, err := kasm.NewClient(kasm.Config{BaseURL: server.URL, APIKey: key, APIKeySecret: secret})
	if err != nil {
		t.Fatalf("creating a client of the private simulator: %v", err)
	}
	return sim, client, explicitKasmProviderBlock(server.URL, key, secret)
}

// explicitKasmProviderBlock is an explicit provider configuration, for tests that must not use the
// credentials the harness puts in the environment.
func explicitKasmProviderBlock(baseURL, key, secret string) string {
	return fmt.Sprintf(`
provider "kasm" {
  base_url       = %[1]q
  api_key        = %[2]q
  api_key_secret = %[3]q
}
`, baseURL, key, secret)
}

// factoriesWithEchoProvider adds the echo provider, which copies an ephemeral value into the
// state of its echo resource so that a test can look at it.
func factoriesWithEchoProvider() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"echo": echoprovider.NewProviderServer(),
	}
	for name, factory := range acctest.ProtoV6ProviderFactories {
		factories[name] = factory
	}
	return factories
}

// expectNoStateResourceOfType fails when the state holds any resource or data source of the given
// types, anywhere in the module tree: ephemeral resources must never reach it.
func expectNoStateResourceOfType(types ...string) statecheck.StateCheck {
	return noResourceOfTypeCheck{types: types}
}

type noResourceOfTypeCheck struct {
	types []string
}

func (c noResourceOfTypeCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		return
	}
	var found []string
	var walk func(module *tfjson.StateModule)
	walk = func(module *tfjson.StateModule) {
		if module == nil {
			return
		}
		for _, res := range module.Resources {
			for _, forbidden := range c.types {
				if res.Type == forbidden {
					found = append(found, res.Address)
				}
			}
		}
		for _, child := range module.ChildModules {
			walk(child)
		}
	}
	walk(req.State.Values.RootModule)
	if len(found) > 0 {
		resp.Error = fmt.Errorf("the state holds %s, which must never be stored", strings.Join(found, ", "))
	}
}
