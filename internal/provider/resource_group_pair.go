package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// kasm_group_image and kasm_group_membership are both a link between a group and one other
// object (an image, a user) that Kasm can add, remove and look up but not change. groupPair
// holds what differs between them; groupPairResource is everything else, so the two cannot
// drift apart in how they import, read, replace or forget a link.

// groupPair describes one kind of link between a group and another object, the member.
type groupPair struct {
	// object is the Title Case name diagnostics use, for example "Kasm Group Image".
	object string
	// memberAttribute is the attribute holding the member's id, for example "image_id".
	memberAttribute string
	// importFormat and importExample show the import identifier.
	importFormat, importExample string
	// writePermissions are what adding and removing a link need; readPermissions what lookup needs.
	writePermissions, readPermissions []string

	// add, remove and exists call the API. exists reports false, without an error, when the
	// group or the member does not exist.
	add    func(ctx context.Context, client *kasm.Client, groupID, memberID string) error
	remove func(ctx context.Context, client *kasm.Client, groupID, memberID string) error
	exists func(ctx context.Context, client *kasm.Client, groupID, memberID string) (bool, error)
	// existingDetail explains a create refused because the link already exists.
	existingDetail func(groupID, memberID string) string
	// missingReferences lists how Kasm names the group and the member when one is missing.
	missingReferences func(groupID, memberID string) []missingReference

	// The log messages: after the answer to add was lost, after add, after remove, and when
	// Read finds the link gone.
	lostAnswerLog, addedLog, removedLog, goneLog string
}

// groupPairSchema is the schema of a pairwise group resource. link names what the id
// identifies ("assignment", "membership"); member is the member's kind ("image", "user").
func groupPairSchema(pair groupPair, description, link, member string) schema.Schema {
	return schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The " + link + " id, `" + pair.importFormat + "` with both ids as 32 " +
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
			pair.memberAttribute: schema.StringAttribute{
				MarkdownDescription: "The " + member + " id. Changing it to another " + member + " forces replacement.",
				CustomType:          kasmtypes.IDType{},
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceIfDifferentID()},
			},
		},
	}
}

// groupPairResource implements the lifecycle of a pairwise group resource. The resources embed
// it and add their own Metadata and Schema.
type groupPairResource struct {
	pair groupPair
	data *providerData
}

// groupPairIDs are the group and member ids as configured or stored, in either id form.
type groupPairIDs struct {
	group, member kasmtypes.IDValue
}

// normalized returns both ids as 32 hex characters.
func (ids groupPairIDs) normalized() (groupID, memberID string) {
	return ids.group.Normalized(), ids.member.Normalized()
}

// readIDs reads group_id and the member attribute from a plan or a state.
func (r *groupPairResource) readIDs(ctx context.Context, getAttribute func(context.Context, path.Path, any) diag.Diagnostics) (groupPairIDs, diag.Diagnostics) {
	var ids groupPairIDs
	diags := getAttribute(ctx, path.Root("group_id"), &ids.group)
	diags.Append(getAttribute(ctx, path.Root(r.pair.memberAttribute), &ids.member)...)
	return ids, diags
}

// setState stores the ids as given, and the id built from them.
func (r *groupPairResource) setState(ctx context.Context, state *tfsdk.State, ids groupPairIDs) diag.Diagnostics {
	groupID, memberID := ids.normalized()
	diags := state.SetAttribute(ctx, path.Root("id"), types.StringValue(compositeID(groupID, memberID)))
	diags.Append(state.SetAttribute(ctx, path.Root("group_id"), ids.group)...)
	diags.Append(state.SetAttribute(ctx, path.Root(r.pair.memberAttribute), ids.member)...)
	return diags
}

// logFields are the fields of every log line about the link.
func (r *groupPairResource) logFields(groupID, memberID string) map[string]any {
	return map[string]any{"group_id": groupID, r.pair.memberAttribute: memberID}
}

func (r *groupPairResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(r.pair.object, req.ProviderData, &resp.Diagnostics)
}

func (r *groupPairResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ids, diags := r.readIDs(ctx, req.Plan.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, memberID := ids.normalized()
	fields := r.logFields(groupID, memberID)
	op := diagnostics.Operation{Verb: "Create", Object: r.pair.object, Permissions: r.pair.writePermissions}

	err := r.pair.add(ctx, r.data.client, groupID, memberID)
	switch {
	case err == nil:
	case errors.Is(err, kasm.ErrAlreadyExists):
		resp.Diagnostics.Append(diagnostics.Failure(op, diagnostics.WithAPIError(r.pair.existingDetail(groupID, memberID), err)))
		return
	case errors.Is(err, kasm.ErrNotFound):
		resp.Diagnostics.Append(missingReferenceDiagnostic(op, err, r.pair.missingReferences(groupID, memberID)...))
		return
	case errors.Is(err, kasm.ErrOutcomeUnknown):
		// Adding a link is safe to repeat, so the client gave up only after several lost
		// answers; looking the link up says whether one of them took effect.
		tflog.Warn(ctx, r.pair.lostAnswerLog, fields)
		exists, checkErr := r.pair.exists(ctx, r.data.client, groupID, memberID)
		if checkErr != nil || !exists {
			resp.Diagnostics.Append(diagnostics.APIError(op, err))
			return
		}
	default:
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, r.pair.addedLog, fields)

	resp.Diagnostics.Append(r.setState(ctx, &resp.State, ids)...)
}

func (r *groupPairResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ids, diags := r.readIDs(ctx, req.State.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, memberID := ids.normalized()
	exists, err := r.pair.exists(ctx, r.data.client, groupID, memberID)
	if err != nil {
		op := diagnostics.Operation{Verb: "Read", Object: r.pair.object, Permissions: r.pair.readPermissions}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	if !exists {
		tflog.Info(ctx, r.pair.goneLog, r.logFields(groupID, memberID))
		resp.State.RemoveResource(ctx)
		return
	}

	resp.Diagnostics.Append(r.setState(ctx, &resp.State, ids)...)
}

// Update only runs when group_id or the member id is rewritten in its other form (dashed or
// hex): every real change replaces the resource, so there is nothing to send to Kasm.
func (r *groupPairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ids, diags := r.readIDs(ctx, req.Plan.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.setState(ctx, &resp.State, ids)...)
}

func (r *groupPairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ids, diags := r.readIDs(ctx, req.State.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	groupID, memberID := ids.normalized()
	err := r.pair.remove(ctx, r.data.client, groupID, memberID)
	// The link is gone already, or the group or the member is: either way the link is gone.
	if err != nil && !errors.Is(err, kasm.ErrNotFound) {
		op := diagnostics.Operation{Verb: "Delete", Object: r.pair.object, Permissions: r.pair.writePermissions}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, r.pair.removedLog, r.logFields(groupID, memberID))
}

// ImportState takes "<group_id>/<member id>"; either id may be dashed.
func (r *groupPairResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	groupID, memberID, ok := parseCompositeID(req.ID)
	if !ok {
		resp.Diagnostics.Append(diagnostics.InvalidImportID(r.pair.object, r.pair.importFormat, r.pair.importExample, req.ID))
		return
	}
	resp.Diagnostics.Append(r.setState(ctx, &resp.State, groupPairIDs{
		group:  kasmtypes.NewIDValue(groupID),
		member: kasmtypes.NewIDValue(memberID),
	})...)
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
