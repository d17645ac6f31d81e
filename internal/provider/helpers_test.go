package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// Helpers every acceptance test of the package shares. Objects the configuration under test
// does not own (users, groups made to collide, sessions to join) are created through the API
// and removed when the test ends, so the tests also run unchanged against a real Kasm server;
// the fixtures that do not depend on this package live in internal/acctest.

// anyUUIDPattern matches a UUID in the dashed or the 32 hex character form.
const anyUUIDPattern = `[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}`

// stateIDPattern matches an id as the provider writes it to state.
var stateIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// nonEmptyPattern matches any string that is not empty or blank.
var nonEmptyPattern = regexp.MustCompile(`\S`)

// cleanupTimeout bounds each API call a test makes to remove what it created.
const cleanupTimeout = time.Minute

// testAccAPIGroup creates a Kasm group through the API and deletes it when the test ends.
func testAccAPIGroup(t *testing.T, name string, priority int) kasm.Group {
	t.Helper()
	client := acctest.Client(t)
	group, err := client.CreateGroup(t.Context(), kasm.CreateGroupRequest{Name: name, Priority: priority})
	if err != nil {
		t.Fatalf("creating test group %q: %v", name, err)
	}
	t.Cleanup(func() {
		// t.Context is cancelled before cleanups run; keep its values, drop the cancellation.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), cleanupTimeout)
		defer cancel()
		if err := client.DeleteGroup(ctx, group.ID, true); err != nil && !errors.Is(err, kasm.ErrNotFound) {
			t.Errorf("deleting test group %s: %v", group.ID, err)
		}
	})
	return *group
}

// testAccGroupByName looks a group up through the API; a missing group matches kasm.ErrNotFound.
func testAccGroupByName(ctx context.Context, client *kasm.Client, name string) (*kasm.Group, error) {
	return findGroup(ctx, client, fmt.Sprintf("group named %q", name), func(g kasm.Group) bool { return g.Name == name })
}

// testAccGroupByID looks a group up through the API; a missing group matches kasm.ErrNotFound.
func testAccGroupByID(ctx context.Context, client *kasm.Client, id string) (*kasm.Group, error) {
	return findGroup(ctx, client, "group "+id, func(g kasm.Group) bool { return g.ID == id })
}

// findGroup returns the first group the server lists that matches, or an error naming what
// was looked for that matches kasm.ErrNotFound.
func findGroup(ctx context.Context, client *kasm.Client, what string, match func(kasm.Group) bool) (*kasm.Group, error) {
	groups, err := client.GetGroups(ctx)
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if match(groups[i]) {
			return &groups[i], nil
		}
	}
	return nil, fmt.Errorf("%s: %w", what, kasm.ErrNotFound)
}

// kasmNormalize writes an id as 32 hex characters, failing loudly on a malformed one.
func kasmNormalize(id string) string {
	normalized, err := kasm.NormalizeID(id)
	if err != nil {
		panic(fmt.Sprintf("malformed id %q in a test", id))
	}
	return normalized
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
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), cleanupTimeout)
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

// resourceAttributes returns the attribute values of the root module resource at address.
func resourceAttributes(state *tfjson.State, address string) (map[string]any, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, errors.New("state is empty")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s is not in the state", address)
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

// checkThroughAPI is a state check that hands the attribute values of the resource at address
// to fn, which compares them with what the Kasm API (or the simulator) reports.
func checkThroughAPI(address string, fn func(ctx context.Context, attrs map[string]any) error) statecheck.StateCheck {
	return apiStateCheck{address: address, check: fn}
}

type apiStateCheck struct {
	address string
	check   func(ctx context.Context, attrs map[string]any) error
}

func (c apiStateCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := resourceAttributes(req.State, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	if err := c.check(ctx, attrs); err != nil {
		resp.Error = fmt.Errorf("%s: %w", c.address, err)
	}
}

// stateCheckFunc adapts a function of the whole state to statecheck.StateCheck.
type stateCheckFunc func(*tfjson.State) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
}

// planCheckFunc adapts a function of the plan to plancheck.PlanCheck.
type planCheckFunc func(*tfjson.Plan) error

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

// expectNoStateResourceOfType fails when the state holds any resource or data source of the given
// types, anywhere in the module tree: ephemeral resources must never reach it.
func expectNoStateResourceOfType(types ...string) statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error {
		if state == nil || state.Values == nil {
			return nil
		}
		var found []string
		var walk func(module *tfjson.StateModule)
		walk = func(module *tfjson.StateModule) {
			if module == nil {
				return
			}
			for _, res := range module.Resources {
				for _, forbidden := range types {
					if res.Type == forbidden {
						found = append(found, res.Address)
					}
				}
			}
			for _, child := range module.ChildModules {
				walk(child)
			}
		}
		walk(state.Values.RootModule)
		if len(found) > 0 {
			return fmt.Errorf("the state holds %s, which must never be stored", strings.Join(found, ", "))
		}
		return nil
	})
}
