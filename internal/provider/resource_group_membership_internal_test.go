package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// groupMembershipTestModel is the kasm_group_membership state, for building test states.
type groupMembershipTestModel struct {
	ID      types.String      `tfsdk:"id"`
	GroupID kasmtypes.IDValue `tfsdk:"group_id"`
	UserID  kasmtypes.IDValue `tfsdk:"user_id"`
}

// TestGroupMembershipDeleteIsIdempotent removes memberships that are already gone, in every
// way they can go: removed, user deleted, group deleted.
func TestGroupMembershipDeleteIsIdempotent(t *testing.T) {
	data, sim := groupsTestProviderData(t)
	r := &groupMembershipResource{groupPairResource{pair: groupMembershipPair, data: data}}
	user, found := sim.UserByName(kasmsim.DefaultUsername)
	if !found {
		t.Fatal("the simulator has no default user")
	}
	const unknownID = "0000000000000000000000000000abcd"

	for name, ids := range map[string][2]string{
		"not a member": {kasmsim.AdministratorsGroupID, user.ID},
		"user gone":    {kasmsim.AllUsersGroupID, unknownID},
		"group gone":   {unknownID, user.ID},
	} {
		t.Run(name, func(t *testing.T) {
			groupsTestDelete(t, r, groupMembershipTestModel{
				ID:      types.StringValue(compositeID(ids[0], ids[1])),
				GroupID: kasmtypes.NewIDValue(ids[0]),
				UserID:  kasmtypes.NewIDValue(ids[1]),
			})
		})
	}

	// A membership that exists is really removed.
	groupsTestDelete(t, r, groupMembershipTestModel{
		ID:      types.StringValue(compositeID(kasmsim.AllUsersGroupID, user.ID)),
		GroupID: kasmtypes.NewIDValue(kasmsim.AllUsersGroupID),
		UserID:  kasmtypes.NewIDValue(dashed(user.ID)),
	})
	if after, _ := sim.User(user.ID); len(after.Groups) != 0 {
		t.Errorf("the user is still in %v", after.Groups)
	}
}

func TestMissingReferenceDiagnostic(t *testing.T) {
	op := diagnostics.Operation{Verb: "Create", Object: groupMembershipObject}
	refs := []missingReference{
		{attribute: "user_id", answerPrefix: "invalid user id", object: "user", id: "u1"},
		{attribute: "group_id", answerPrefix: "invalid group id", object: "group", id: "g1"},
	}
	tests := []struct {
		message    string
		wantPath   path.Path
		wantDetail string
	}{
		{message: "Invalid User ID (u1)", wantPath: path.Root("user_id"), wantDetail: "No Kasm user has the id u1."},
		{message: "Invalid Group ID (g1)", wantPath: path.Root("group_id"), wantDetail: "No Kasm group has the id g1."},
		{message: "Something else", wantDetail: "the user u1 or the group g1 does not exist"},
	}
	for _, tt := range tests {
		err := &kasm.APIError{Endpoint: "add_user_group", StatusCode: 400, Message: tt.message}
		d := missingReferenceDiagnostic(op, err, refs...)
		var gotPath path.Path
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			gotPath = withPath.Path()
		}
		if !gotPath.Equal(tt.wantPath) || !strings.Contains(d.Detail(), tt.wantDetail) ||
			!strings.Contains(d.Detail(), tt.message) {
			t.Errorf("%q: path %v, detail %q", tt.message, gotPath, d.Detail())
		}
	}
}

func TestExistingMembershipDetail(t *testing.T) {
	const user = "57e8fc1afa864ff4947460d9831f42d5"
	allUsers := existingMembershipDetail(allUsersGroupID, user)
	if !strings.Contains(allUsers, "Kasm adds every user to the All Users group itself") ||
		!strings.Contains(allUsers, "terraform import <resource address> "+allUsersGroupID+"/"+user) {
		t.Errorf("All Users detail = %q", allUsers)
	}
	other := existingMembershipDetail("11111111111111111111111111111111", user)
	if strings.Contains(other, "All Users") {
		t.Errorf("detail for another group mentions All Users: %q", other)
	}
}

// dashed writes a 32 hex character id in the dashed form.
func dashed(id string) string {
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}
