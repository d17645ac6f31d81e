package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

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
	_ resource.Resource                = (*groupImageResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupImageResource)(nil)
	_ resource.ResourceWithImportState = (*groupImageResource)(nil)
)

const groupImageObject = "Kasm Group Image"

// groupImageImportFormat is the import identifier of kasm_group_image.
const groupImageImportFormat = "<group_id>/<image_id>"

// groupImagePermissions are the API key permissions assigning or withdrawing an image needs.
var groupImagePermissions = []string{"Groups Modify", "Groups Modify System for All Users and Administrators"}

// groupImageResource manages the assignment of one image to one group.
type groupImageResource struct {
	data *providerData
}

// groupImageResourceModel maps the kasm_group_image schema.
type groupImageResourceModel struct {
	ID      types.String      `tfsdk:"id"`
	GroupID kasmtypes.IDValue `tfsdk:"group_id"`
	ImageID kasmtypes.IDValue `tfsdk:"image_id"`
}

// NewGroupImageResource returns the kasm_group_image resource.
func NewGroupImageResource() resource.Resource {
	return &groupImageResource{}
}

func (r *groupImageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_image"
}

func (r *groupImageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns one workspace image to one Kasm group, which lets the group's members launch " +
			"it: Kasm starts a session for a user only with an image assigned to one of the user's groups.\n\n" +
			"The resource is pairwise and not authoritative: it manages the one assignment it names and never " +
			"touches the group's other images. An assignment removed outside Terraform, or whose group or image " +
			"was deleted, disappears from the state and is created again by the next apply.\n\n" +
			"The API key needs the Groups View, Groups Modify and Images View permissions, and Groups Modify " +
			"System for the All Users and Administrators groups.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The assignment id, `" + groupImageImportFormat + "` with both ids as 32 " +
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
			"image_id": schema.StringAttribute{
				MarkdownDescription: "The image id. Changing it to another image forces replacement.",
				CustomType:          kasmtypes.IDType{},
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceIfDifferentID()},
			},
		},
	}
}

func (r *groupImageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(groupImageObject, req.ProviderData, &resp.Diagnostics)
}

func (r *groupImageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupImageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, imageID := plan.GroupID.Normalized(), plan.ImageID.Normalized()
	fields := map[string]any{"group_id": groupID, "image_id": imageID}
	op := diagnostics.Operation{Verb: "Create", Object: groupImageObject, Permissions: groupImagePermissions}

	err := r.data.client.AddImagesGroup(ctx, groupID, imageID)
	switch {
	case err == nil:
	case errors.Is(err, kasm.ErrAlreadyExists):
		resp.Diagnostics.Append(diagnostics.Failure(op, diagnostics.WithAPIError(fmt.Sprintf("The image %s is already assigned "+
			"to the group %s. kasm_group_image manages one assignment and does not take over existing ones. To "+
			"manage it with Terraform (and withdraw it on destroy), import it:\n\n"+
			"    terraform import <resource address> %s", imageID, groupID, compositeID(groupID, imageID)), err)))
		return
	case errors.Is(err, kasm.ErrNotFound):
		resp.Diagnostics.Append(missingReferenceDiagnostic(op, err,
			missingReference{attribute: "group_id", answerPrefix: "group ", object: "group", id: groupID},
			missingReference{attribute: "image_id", answerPrefix: "image ", object: "image", id: imageID},
		))
		return
	case errors.Is(err, kasm.ErrOutcomeUnknown):
		// add_images_group is safe to repeat, so the client gave up only after several lost
		// answers; the group's image list says whether one of them took effect.
		tflog.Warn(ctx, "The answer to add_images_group was lost; checking the group's images", fields)
		assigned, checkErr := r.isAssigned(ctx, groupID, imageID)
		if checkErr != nil || !assigned {
			resp.Diagnostics.Append(diagnostics.APIError(op, err))
			return
		}
	default:
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, "Assigned Kasm image to group", fields)

	plan.ID = types.StringValue(compositeID(groupID, imageID))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// isAssigned reports whether the image is assigned to the group; a group that does not exist
// has no images, and an image that does not exist is assigned nowhere.
func (r *groupImageResource) isAssigned(ctx context.Context, groupID, imageID string) (bool, error) {
	images, err := r.data.client.GetImagesGroup(ctx, groupID)
	if errors.Is(err, kasm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(images, func(gi kasm.GroupImage) bool { return kasmtypes.SameID(gi.ImageID, imageID) }), nil
}

func (r *groupImageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupImageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, imageID := state.GroupID.Normalized(), state.ImageID.Normalized()
	assigned, err := r.isAssigned(ctx, groupID, imageID)
	if err != nil {
		op := diagnostics.Operation{Verb: "Read", Object: groupImageObject,
			Permissions: []string{"Groups View", "Groups View System for All Users and Administrators"}}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	if !assigned {
		tflog.Info(ctx, "Kasm group image assignment no longer exists, removing from state", map[string]any{
			"group_id": groupID, "image_id": imageID,
		})
		resp.State.RemoveResource(ctx)
		return
	}

	state.ID = types.StringValue(compositeID(groupID, imageID))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only runs when group_id or image_id is rewritten in its other form (dashed or hex):
// every real change replaces the resource, so there is nothing to send to Kasm.
func (r *groupImageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan groupImageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	plan.ID = types.StringValue(compositeID(plan.GroupID.ValueString(), plan.ImageID.ValueString()))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *groupImageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupImageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, imageID := state.GroupID.Normalized(), state.ImageID.Normalized()
	err := r.data.client.RemoveImagesGroup(ctx, groupID, imageID)
	// Not assigned any more, or the group or the image is gone: the assignment is gone too.
	if err != nil && !errors.Is(err, kasm.ErrNotFound) {
		op := diagnostics.Operation{Verb: "Delete", Object: groupImageObject, Permissions: groupImagePermissions}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, "Withdrew Kasm image from group", map[string]any{"group_id": groupID, "image_id": imageID})
}

// ImportState takes "<group_id>/<image_id>"; either id may be dashed.
func (r *groupImageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	groupID, imageID, ok := parseCompositeID(req.ID)
	if !ok {
		resp.Diagnostics.Append(diagnostics.InvalidImportID(groupImageObject, groupImageImportFormat,
			allUsersGroupID+"/b2609fbf72954b20a56c1fe502aa2c41", req.ID))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), compositeID(groupID, imageID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), kasmtypes.NewIDValue(groupID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), kasmtypes.NewIDValue(imageID))...)
}
