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
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

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

// testAccGroupLink describes, for the tests, one of the resources that link a group with one
// other object, the member: kasm_group_image and kasm_group_membership. Both are built on the
// same provider code, so they share their configurations, API checks and the steps that test
// that code the same way.
type testAccGroupLink struct {
	// resourceType is the resource's type, for example "kasm_group_image".
	resourceType string
	// memberAttribute is the attribute holding the member's id, for example "image_id".
	memberAttribute string
	// member names the member's kind in failures, for example "image".
	member string
	// linkedTo says how a linked member relates to its group, for example "assigned to".
	linkedTo string
	// groupPriority is the priority of the group config creates.
	groupPriority int
	// isLinked asks the API whether the member is linked to the group; a missing group or
	// member is not linked.
	isLinked func(ctx context.Context, client *kasm.Client, groupID, memberID string) (bool, error)
}

// address is the address of the link in the configurations the helpers render.
func (l testAccGroupLink) address() string {
	return l.resourceType + ".test"
}

// config renders a kasm_group and the link of memberID to it.
func (l testAccGroupLink) config(groupName, memberID string) string {
	return testAccGroupConfig(groupName, l.groupPriority) + l.block("kasm_group.test.id", fmt.Sprintf("%q", memberID))
}

// literalConfig renders the link between an existing group and an existing member.
func (l testAccGroupLink) literalConfig(groupID, memberID string) string {
	return l.block(fmt.Sprintf("%q", groupID), fmt.Sprintf("%q", memberID))
}

// block renders the link resource with the given HCL expressions for its two ids.
func (l testAccGroupLink) block(groupID, memberID string) string {
	return fmt.Sprintf(`
resource %q "test" {
  %-8s = %s
  %-8s = %s
}
`, l.resourceType, "group_id", groupID, l.memberAttribute, memberID)
}

// checkDestroy accepts only links the API no longer shows, and groups it no longer lists.
func (l testAccGroupLink) checkDestroy(t *testing.T) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		for _, attrs := range resourcesOfType(state, l.resourceType) {
			groupID, memberID := attrs["group_id"], attrs[l.memberAttribute]
			linked, err := l.isLinked(t.Context(), acctest.Client(t), groupID, memberID)
			if err != nil {
				return err
			}
			if linked {
				return fmt.Errorf("%s %s is still %s group %s", l.member, memberID, l.linkedTo, groupID)
			}
		}
		return testAccCheckGroupDestroy(t)(state)
	}
}

// checkInKasm checks the link in state against the API, and its composite id.
func (l testAccGroupLink) checkInKasm(t *testing.T) statecheck.StateCheck {
	return checkThroughAPI(l.address(), func(ctx context.Context, attrs map[string]any) error {
		groupID, memberID := stringAttr(attrs, "group_id"), stringAttr(attrs, l.memberAttribute)
		if want := kasmNormalize(groupID) + "/" + kasmNormalize(memberID); stringAttr(attrs, "id") != want {
			return fmt.Errorf("id = %q, want %q", stringAttr(attrs, "id"), want)
		}
		linked, err := l.isLinked(ctx, acctest.Client(t), groupID, memberID)
		if err != nil {
			return err
		}
		if !linked {
			return fmt.Errorf("Kasm does not list %s %s in group %s", l.member, memberID, groupID)
		}
		return nil
	})
}

// checkNotLinked checks through the API that memberID is not linked to the group in state.
func (l testAccGroupLink) checkNotLinked(t *testing.T, memberID string) statecheck.StateCheck {
	return checkThroughAPI(l.address(), func(ctx context.Context, attrs map[string]any) error {
		linked, err := l.isLinked(ctx, acctest.Client(t), stringAttr(attrs, "group_id"), memberID)
		if err != nil {
			return err
		}
		if linked {
			return fmt.Errorf("the replaced %s %s is still %s the group", l.member, memberID, l.linkedTo)
		}
		return nil
	})
}

// basicSteps create the link of first to a new group, import it with both id forms, write
// first's id dashed (an in-place update that keeps the id) and then link second instead.
func (l testAccGroupLink) basicSteps(t *testing.T, groupName, first, second string) []resource.TestStep {
	address := l.address()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	return []resource.TestStep{
		{
			Config: l.config(groupName, first),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New(l.memberAttribute), knownvalue.StringExact(first)),
				statecheck.CompareValuePairs(address, tfjsonpath.New("group_id"),
					testAccGroupAddress, tfjsonpath.New("id"), compare.ValuesSame()),
				l.checkInKasm(t),
				sameID.AddStateValue(address, tfjsonpath.New("id")),
			},
		},
		{
			ResourceName:      address,
			ImportState:       true,
			ImportStateVerify: true,
		},
		{
			ResourceName: address,
			ImportState:  true,
			ImportStateIdFunc: func(state *terraform.State) (string, error) {
				groupID := state.RootModule().Resources[testAccGroupAddress].Primary.ID
				return acctest.DashedID(groupID) + "/" + acctest.DashedID(first), nil
			},
			ImportStateVerify: true,
		},
		{
			// The same member written dashed is not a different link.
			Config: l.config(groupName, acctest.DashedID(first)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				l.checkInKasm(t),
				sameID.AddStateValue(address, tfjsonpath.New("id")),
			},
		},
		{
			Config: l.config(groupName, second),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				l.checkInKasm(t),
				l.checkNotLinked(t, first),
			},
		},
	}
}

// driftSteps create the link of memberID to a new group, undo the link outside Terraform with
// unlink (the plan creates it again), then delete the group outside Terraform (the plan
// creates both again).
func (l testAccGroupLink) driftSteps(t *testing.T, groupName, memberID string,
	unlink func(ctx context.Context, client *kasm.Client, groupID string) error,
) []resource.TestStep {
	config := l.config(groupName, memberID)
	groupID := func() string {
		group, err := testAccGroupByName(t.Context(), acctest.Client(t), groupName)
		if err != nil {
			t.Fatalf("finding the group: %v", err)
		}
		return group.ID
	}
	return []resource.TestStep{
		{
			Config: config,
		},
		{
			PreConfig: func() {
				if err := unlink(t.Context(), acctest.Client(t), groupID()); err != nil {
					t.Fatalf("undoing the link outside Terraform: %v", err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(l.address(), plancheck.ResourceActionCreate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{l.checkInKasm(t)},
		},
		{
			PreConfig: func() {
				if err := acctest.Client(t).DeleteGroup(t.Context(), groupID(), true); err != nil {
					t.Fatalf("deleting the group: %v", err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccGroupAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(l.address(), plancheck.ResourceActionCreate),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{l.checkInKasm(t)},
		},
	}
}

// testAccUnknownID is a well-formed id no Kasm object has.
const testAccUnknownID = "0000000000000000000000000000abcd"

// unknownMemberStep links an unknown member to groupID: the create fails on the member's attribute.
func (l testAccGroupLink) unknownMemberStep(groupID string) resource.TestStep {
	return resource.TestStep{
		Config:      l.literalConfig(groupID, testAccUnknownID),
		ExpectError: acctest.ExpectErrorText(l.memberAttribute, "No Kasm "+l.member+" has the id "+testAccUnknownID+"."),
	}
}

// unknownGroupStep links memberID to an unknown group: the create fails on group_id.
func (l testAccGroupLink) unknownGroupStep(memberID string) resource.TestStep {
	return resource.TestStep{
		Config:      l.literalConfig(testAccUnknownID, memberID),
		ExpectError: acctest.ExpectErrorText("group_id", "No Kasm group has the id "+testAccUnknownID+"."),
	}
}
