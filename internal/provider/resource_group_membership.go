package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
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

// membershipImportFormat is the import identifier of kasm_group_membership.
const membershipImportFormat = "<group_id>/<user_id>"

// groupMembershipPermissions are the API key permissions adding or removing a member needs.
var groupMembershipPermissions = []string{"Groups Modify", "Groups Modify System for All Users and Administrators"}

// groupMembershipResource manages one user's membership in one group.
type groupMembershipResource struct {
	data *providerData
}

// groupMembershipResourceModel maps the kasm_group_membership schema.
type groupMembershipResourceModel struct {
	ID      types.String      `tfsdk:"id"`
	GroupID kasmtypes.IDValue `tfsdk:"group_id"`
	UserID  kasmtypes.IDValue `tfsdk:"user_id"`
}

// NewGroupMembershipResource returns the kasm_group_membership resource.
func NewGroupMembershipResource() resource.Resource {
	return &groupMembershipResource{}
}

func (r *groupMembershipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_membership"
}

func (r *groupMembershipResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes one Kasm user a member of one Kasm group.\n\n" +
			"The resource is pairwise and not authoritative: it manages the one membership it names and never " +
			"touches the group's other members or the user's other groups. Kasm adds every user to the All Users " +
			"group itself, so that membership exists as soon as the user does; creating it here fails with a " +
			"message saying so (import it instead if Terraform should remove it on destroy).\n\n" +
			"A membership removed outside Terraform, or whose user or group was deleted, disappears from the " +
			"state and is created again by the next apply.\n\n" +
			"The API key needs the Groups Modify and Users View permissions, and Groups Modify System for the " +
			"All Users and Administrators groups.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The membership id, `" + membershipImportFormat + "` with both ids as 32 " +
					"hexadecimal characters.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_id": schema.StringAttribute{
				MarkdownDescription: "The group id. Changing it to another group forces replacement.",
				CustomType:          kasmtypes.IDType{},
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceIfDifferentID()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user id. Changing it to another user forces replacement.",
				CustomType:          kasmtypes.IDType{},
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceIfDifferentID()},
			},
		},
	}
}

func (r *groupMembershipResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(groupMembershipObject, req.ProviderData, &resp.Diagnostics)
}

func (r *groupMembershipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupMembershipResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, userID := plan.GroupID.Normalized(), plan.UserID.Normalized()
	fields := map[string]any{"group_id": groupID, "user_id": userID}
	op := diagnostics.Operation{Verb: "Create", Object: groupMembershipObject, Permissions: groupMembershipPermissions}

	err := r.data.client.AddUserGroup(ctx, userID, groupID)
	switch {
	case err == nil:
	case errors.Is(err, kasm.ErrAlreadyExists):
		resp.Diagnostics.Append(diagnostics.Failure(op, diagnostics.WithAPIError(existingMembershipDetail(groupID, userID), err)))
		return
	case errors.Is(err, kasm.ErrNotFound):
		resp.Diagnostics.Append(missingReferenceDiagnostic(op, err,
			missingReference{attribute: "user_id", answerPrefix: "invalid user id", object: "user", id: userID},
			missingReference{attribute: "group_id", answerPrefix: "invalid group id", object: "group", id: groupID},
		))
		return
	case errors.Is(err, kasm.ErrOutcomeUnknown):
		// add_user_group is safe to repeat, so the client gave up only after several lost answers;
		// the user's group list says whether one of them took effect.
		tflog.Warn(ctx, "The answer to add_user_group was lost; checking the user's groups", fields)
		member, checkErr := r.isMember(ctx, groupID, userID)
		if checkErr != nil || !member {
			resp.Diagnostics.Append(diagnostics.APIError(op, err))
			return
		}
	default:
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, "Added Kasm user to group", fields)

	plan.ID = types.StringValue(compositeID(groupID, userID))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// missingReference is an object a pairwise resource refers to, and how Kasm says it is missing.
type missingReference struct {
	attribute string
	// answerPrefix starts Kasm's error_message, in lower case, when this object is missing.
	answerPrefix string
	object       string
	id           string
}

// missingReferenceDiagnostic reports that one of the objects a pairwise resource refers to
// does not exist, on the attribute that names it when Kasm's answer says which one.
func missingReferenceDiagnostic(op diagnostics.Operation, err error, refs ...missingReference) diag.Diagnostic {
	var apiErr *kasm.APIError
	if errors.As(err, &apiErr) {
		answer := strings.ToLower(apiErr.Message)
		for _, ref := range refs {
			if strings.HasPrefix(answer, ref.answerPrefix) {
				return diagnostics.AttributeFailure(path.Root(ref.attribute), op, diagnostics.WithAPIError(fmt.Sprintf(
					"No Kasm %s has the id %s.", ref.object, ref.id), err))
			}
		}
	}
	names := make([]string, 0, len(refs))
	for _, ref := range refs {
		names = append(names, "the "+ref.object+" "+ref.id)
	}
	return diagnostics.Failure(op, diagnostics.WithAPIError(fmt.Sprintf("%s does not exist on the Kasm server.",
		strings.Join(names, " or ")), err))
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

// isMember reports whether the user belongs to the group; a user who does not exist belongs
// to none.
func (r *groupMembershipResource) isMember(ctx context.Context, groupID, userID string) (bool, error) {
	user, err := r.data.client.GetUser(ctx, kasm.UserRef{ID: userID})
	if errors.Is(err, kasm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(user.Groups, func(g kasm.GroupRef) bool { return kasmtypes.SameID(g.ID, groupID) }), nil
}

func (r *groupMembershipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupMembershipResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, userID := state.GroupID.Normalized(), state.UserID.Normalized()
	member, err := r.isMember(ctx, groupID, userID)
	if err != nil {
		op := diagnostics.Operation{Verb: "Read", Object: groupMembershipObject, Permissions: []string{"Users View"}}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	if !member {
		tflog.Info(ctx, "Kasm group membership no longer exists, removing from state", map[string]any{
			"group_id": groupID, "user_id": userID,
		})
		resp.State.RemoveResource(ctx)
		return
	}

	state.ID = types.StringValue(compositeID(groupID, userID))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only runs when group_id or user_id is rewritten in its other form (dashed or hex):
// every real change replaces the resource, so there is nothing to send to Kasm.
func (r *groupMembershipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan groupMembershipResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	plan.ID = types.StringValue(compositeID(plan.GroupID.ValueString(), plan.UserID.ValueString()))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *groupMembershipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupMembershipResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, userID := state.GroupID.Normalized(), state.UserID.Normalized()
	err := r.data.client.RemoveUserGroup(ctx, userID, groupID)
	// Not a member any more, or the user or the group is gone: the membership is gone too.
	if err != nil && !errors.Is(err, kasm.ErrNotFound) {
		op := diagnostics.Operation{Verb: "Delete", Object: groupMembershipObject, Permissions: groupMembershipPermissions}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, "Removed Kasm user from group", map[string]any{"group_id": groupID, "user_id": userID})
}

// ImportState takes "<group_id>/<user_id>"; either id may be dashed.
func (r *groupMembershipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	groupID, userID, ok := parseCompositeID(req.ID)
	if !ok {
		resp.Diagnostics.Append(diagnostics.InvalidImportID(groupMembershipObject, membershipImportFormat,
			allUsersGroupID+"/57e8fc1afa864ff4947460d9831f42d5", req.ID))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), compositeID(groupID, userID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), kasmtypes.NewIDValue(groupID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), kasmtypes.NewIDValue(userID))...)
}
