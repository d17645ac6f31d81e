package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ resource.Resource                = (*groupMembershipResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupMembershipResource)(nil)
	_ resource.ResourceWithImportState = (*groupMembershipResource)(nil)
)

const groupMembershipObject = "Kasm Group Membership"

// allUsersGroupID is the id of the All Users group, the same on every Kasm install.
const allUsersGroupID = "68d557ac4cac42cca9f31c7c853de0f3"

// groupMembershipPair is one user's membership in one group.
var groupMembershipPair = groupPair{
	object:           groupMembershipObject,
	memberAttribute:  "user_id",
	importFormat:     "<group_id>/<user_id>",
	importExample:    allUsersGroupID + "/57e8fc1afa864ff4947460d9831f42d5",
	writePermissions: []string{"Groups Modify", "Groups Modify System for All Users and Administrators"},
	readPermissions:  []string{"Users View"},
	add: func(ctx context.Context, client *kasm.Client, groupID, userID string) error {
		return client.AddUserGroup(ctx, userID, groupID)
	},
	remove: func(ctx context.Context, client *kasm.Client, groupID, userID string) error {
		return client.RemoveUserGroup(ctx, userID, groupID)
	},
	exists:         isGroupMember,
	existingDetail: existingMembershipDetail,
	missingReferences: func(groupID, userID string) []missingReference {
		return []missingReference{
			{attribute: "user_id", answerPrefix: "invalid user id", object: "user", id: userID},
			{attribute: "group_id", answerPrefix: "invalid group id", object: "group", id: groupID},
		}
	},
	lostAnswerLog: "The answer to add_user_group was lost; checking the user's groups",
	addedLog:      "Added Kasm user to group",
	removedLog:    "Removed Kasm user from group",
	goneLog:       "Kasm group membership no longer exists, removing from state",
}

// groupMembershipResource manages one user's membership in one group.
type groupMembershipResource struct {
	groupPairResource
}

// NewGroupMembershipResource returns the kasm_group_membership resource.
func NewGroupMembershipResource() resource.Resource {
	return &groupMembershipResource{groupPairResource{pair: groupMembershipPair}}
}

func (r *groupMembershipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_membership"
}

func (r *groupMembershipResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = groupPairSchema(r.pair, "Makes one Kasm user a member of one Kasm group.\n\n"+
		"The resource is pairwise and not authoritative: it manages the one membership it names and never "+
		"touches the group's other members or the user's other groups. Kasm adds every user to the All Users "+
		"group itself, so that membership exists as soon as the user does; creating it here fails with a "+
		"message saying so (import it instead if Terraform should remove it on destroy).\n\n"+
		"A membership removed outside Terraform, or whose user or group was deleted, disappears from the "+
		"state and is created again by the next apply.\n\n"+
		"The API key needs the Groups Modify and Users View permissions, and Groups Modify System for the "+
		"All Users and Administrators groups.",
		"membership", "user")
}

// existingMembershipDetail explains a create refused because the membership already exists.
func existingMembershipDetail(groupID, userID string) string {
	detail := fmt.Sprintf("The user %s is already a member of the group %s. kasm_group_membership manages one "+
		"membership and does not take over existing ones.", userID, groupID)
	if groupID == allUsersGroupID {
		detail += " Kasm adds every user to the All Users group itself, so this membership exists as soon as " +
			"the user does."
	}
	return detail + fmt.Sprintf(" To manage it with Terraform (and remove it on destroy), import it:\n\n"+
		"    terraform import <resource address> %s", compositeID(groupID, userID))
}

// isGroupMember reports whether the user belongs to the group; a user who does not exist
// belongs to none.
func isGroupMember(ctx context.Context, client *kasm.Client, groupID, userID string) (bool, error) {
	user, err := client.GetUser(ctx, kasm.UserRef{ID: userID})
	if errors.Is(err, kasm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(user.Groups, func(g kasm.GroupRef) bool { return kasmtypes.SameID(g.ID, groupID) }), nil
}
