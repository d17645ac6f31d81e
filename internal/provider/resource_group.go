package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ resource.Resource                = (*groupResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupResource)(nil)
	_ resource.ResourceWithImportState = (*groupResource)(nil)
)

const groupObject = "Kasm Group"

// Group priorities Kasm accepts; a lower number takes precedence.
const (
	minGroupPriority = 1
	maxGroupPriority = 4095
)

// systemGroupNames are the groups every Kasm install creates and manages itself. Kasm refuses
// to delete them, and their membership is partly automatic (every user is in All Users).
var systemGroupNames = []string{"All Users", "Administrators"}

// createGroupAttempts bounds how often Create sends create_group: a second request is sent
// only after a lost answer and a listing that proves the first one created nothing.
const createGroupAttempts = 2

// groupResource manages a Kasm group.
type groupResource struct {
	data *providerData
}

// groupResourceModel maps the kasm_group schema.
type groupResourceModel struct {
	ID          kasmtypes.IDValue `tfsdk:"id"`
	Name        types.String      `tfsdk:"name"`
	Description types.String      `tfsdk:"description"`
	Priority    types.Int64       `tfsdk:"priority"`
	IsSystem    types.Bool        `tfsdk:"is_system"`
	ForceDelete types.Bool        `tfsdk:"force_delete"`
}

// NewGroupResource returns the kasm_group resource.
func NewGroupResource() resource.Resource {
	return &groupResource{}
}

func (r *groupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (r *groupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a Kasm group: its name, description and priority. Users join it with " +
			"`kasm_group_membership`, and `kasm_group_image` lets its members launch an image.\n\n" +
			"The system groups All Users and Administrators are created and managed by Kasm; this resource " +
			"cannot create, import or destroy them. Refer to them through the `kasm_groups` data source.\n\n" +
			"The API key needs the Groups View, Groups Create, Groups Modify and Groups Delete permissions, and " +
			"Groups View System to tell the system groups apart when importing or creating a group.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The group id, 32 hexadecimal characters.",
				CustomType:          kasmtypes.IDType{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The group name, unique on the Kasm server. It cannot be the name of a system " +
					"group (`All Users`, `Administrators`).",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					systemGroupNameValidator{},
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A free-form description; it cannot be empty, leave it out instead. Removing it " +
					"clears the description on the server.",
				Optional: true,
				Validators: []validator.String{
					// Kasm stores "" and null alike, so "" would never read back as written.
					stringvalidator.LengthAtLeast(1),
				},
			},
			"priority": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The group priority, from %d to %d. When a user's groups set the same "+
					"setting differently, the group with the lowest number wins.", minGroupPriority, maxGroupPriority),
				Required:   true,
				Validators: []validator.Int64{int64validator.Between(minGroupPriority, maxGroupPriority)},
			},
			"is_system": schema.BoolAttribute{
				MarkdownDescription: "Whether Kasm marks the group as a system group. Always `false` for groups " +
					"this resource creates.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"force_delete": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying the group also removes its remaining members from it. With " +
					"`false`, destroying a group that still has users fails. Only Terraform uses this setting; " +
					"changing it does not touch the server. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *groupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(groupObject, req.ProviderData, &resp.Diagnostics)
}

func (r *groupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	group, diags := r.createGroup(ctx, kasm.CreateGroupRequest{
		Name:        plan.Name.ValueString(),
		Priority:    int(plan.Priority.ValueInt64()),
		Description: plan.Description.ValueString(),
	})
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "Created Kasm group", map[string]any{"group_id": group.ID, "name": group.Name})

	resp.Diagnostics.Append(resp.State.Set(ctx, groupModelFromAPI(*group, plan.ForceDelete))...)
}

// createGroup sends create_group and reconciles a lost answer by looking the group up by name: a
// group found with the requested settings is the one this request created, and a group not
// found at all means the request never took effect, so it is sent once more. Kasm refuses a
// second group with the same name, so the repetition cannot duplicate one.
func (r *groupResource) createGroup(ctx context.Context, createReq kasm.CreateGroupRequest) (*kasm.Group, diag.Diagnostics) {
	var diags diag.Diagnostics
	op := diagnostics.Operation{Verb: "Create", Object: groupObject, Permissions: []string{"Groups Create"}}
	fields := map[string]any{"name": createReq.Name}

	for attempt := 1; ; attempt++ {
		group, err := r.data.client.CreateGroup(ctx, createReq)
		switch {
		case err == nil:
			return group, diags
		case errors.Is(err, kasm.ErrAlreadyExists):
			diags.Append(r.existingGroupDiagnostic(ctx, op, createReq.Name, err))
			return nil, diags
		case !errors.Is(err, kasm.ErrOutcomeUnknown):
			diags.Append(diagnostics.APIError(op, err))
			return nil, diags
		}

		tflog.Warn(ctx, "The answer to create_group was lost; looking the group up by name", fields)
		groups, listErr := r.data.client.GetGroups(ctx)
		if listErr != nil {
			diags.Append(diagnostics.Failure(op, diagnostics.WithAPIError(fmt.Sprintf("The answer to the request creating the "+
				"group %q was lost, and the groups could not be listed to find out whether it was created. A group "+
				"with this name may now exist on the Kasm server: if it does, import it; otherwise apply again.",
				createReq.Name), listErr)))
			return nil, diags
		}
		found := findGroupByName(groups, createReq.Name)
		if found != nil {
			if found.Priority != createReq.Priority || found.Description != createReq.Description || found.IsSystem {
				diags.Append(diagnostics.AttributeFailure(path.Root("name"), op, fmt.Sprintf("The answer to the "+
					"request creating the group %q was lost. A group with this name exists (id %s), but with other "+
					"settings than requested, so it was not created by this request. Import it or choose another name.",
					createReq.Name, found.ID)))
				return nil, diags
			}
			tflog.Info(ctx, "Found the group the lost create_group request created", map[string]any{
				"name": createReq.Name, "group_id": found.ID,
			})
			return found, diags
		}
		if attempt >= createGroupAttempts {
			diags.Append(diagnostics.Failure(op, diagnostics.WithAPIError(fmt.Sprintf("The answers to %d requests creating the "+
				"group %q were lost, and no group with this name exists, so none was created. Check the network path "+
				"to the Kasm server and apply again.", attempt, createReq.Name), err)))
			return nil, diags
		}
		tflog.Info(ctx, "The lost create_group request created no group; sending it again", fields)
	}
}

// existingGroupDiagnostic explains a create refused because the name is taken, with the id to
// import when the API key can see the group.
func (r *groupResource) existingGroupDiagnostic(ctx context.Context, op diagnostics.Operation, name string, err error) diag.Diagnostic {
	groups, listErr := r.data.client.GetGroups(ctx)
	if listErr != nil {
		tflog.Debug(ctx, "Could not list groups to name the existing group", map[string]any{"error": listErr.Error()})
	}
	existing := findGroupByName(groups, name)
	switch {
	case existing != nil && existing.IsSystem:
		return diagnostics.AttributeFailure(path.Root("name"), op, systemGroupDetail(name))
	case existing != nil:
		return diagnostics.AttributeFailure(path.Root("name"), op, fmt.Sprintf("A Kasm group named %q already exists "+
			"(id %s). kasm_group does not take over existing groups. To manage it with Terraform, import it:\n\n"+
			"    terraform import <resource address> %s\n\nor choose another name.", name, existing.ID, existing.ID))
	default:
		return diagnostics.AttributeFailure(path.Root("name"), op, diagnostics.WithAPIError(fmt.Sprintf("A Kasm group named %q "+
			"already exists. kasm_group does not take over existing groups. To manage it with Terraform, import it "+
			"by name:\n\n    terraform import <resource address> %q\n\nor choose another name.", name, name), err))
	}
}

func (r *groupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groups, err := r.data.client.GetGroups(ctx)
	if err != nil {
		op := diagnostics.Operation{Verb: "Read", Object: groupObject, Permissions: []string{"Groups View"}}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	group := findGroupByID(groups, state.ID.ValueString())
	if group == nil {
		tflog.Info(ctx, "Kasm group no longer exists, removing from state", map[string]any{"group_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, groupModelFromAPI(*group, state.ForceDelete))...)
}

func (r *groupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	updateReq, changed := groupUpdateRequest(state, plan)
	if !changed {
		// Only force_delete changed, which lives in Terraform alone.
		plan.ID = state.ID
		plan.IsSystem = state.IsSystem
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}

	group, err := r.data.client.UpdateGroup(ctx, updateReq)
	if err != nil {
		op := diagnostics.Operation{Verb: "Update", Object: groupObject, Permissions: []string{"Groups Modify"}}
		if errors.Is(err, kasm.ErrAlreadyExists) {
			resp.Diagnostics.Append(diagnostics.AttributeFailure(path.Root("name"), op, diagnostics.WithAPIError(fmt.Sprintf(
				"Another Kasm group is already named %q. Group names are unique; choose another name.",
				plan.Name.ValueString()), err)))
			return
		}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, "Updated Kasm group", map[string]any{"group_id": group.ID})

	resp.Diagnostics.Append(resp.State.Set(ctx, groupModelFromAPI(*group, plan.ForceDelete))...)
}

// groupUpdateRequest builds the update_group request for the settings that differ between
// state and plan; changed is false when none does.
func groupUpdateRequest(state, plan groupResourceModel) (updateReq kasm.UpdateGroupRequest, changed bool) {
	updateReq.GroupID = state.ID.ValueString()
	if !plan.Name.Equal(state.Name) {
		updateReq.Name = kasm.String(plan.Name.ValueString())
		changed = true
	}
	if !plan.Description.Equal(state.Description) {
		// A removed description is sent as "", because Kasm leaves a field it gets as null alone.
		updateReq.Description = kasm.String(plan.Description.ValueString())
		changed = true
	}
	if !plan.Priority.Equal(state.Priority) {
		priority := int(plan.Priority.ValueInt64())
		updateReq.Priority = &priority
		changed = true
	}
	return updateReq, changed
}

func (r *groupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	err := r.data.client.DeleteGroup(ctx, state.ID.ValueString(), state.ForceDelete.ValueBool())
	if err == nil || errors.Is(err, kasm.ErrNotFound) {
		tflog.Info(ctx, "Deleted Kasm group", map[string]any{"group_id": state.ID.ValueString()})
		return
	}

	op := diagnostics.Operation{Verb: "Delete", Object: groupObject, Permissions: []string{"Groups Delete"}}
	var apiErr *kasm.APIError
	switch {
	case errors.As(err, &apiErr) && isProtectedGroupAnswer(apiErr):
		resp.Diagnostics.Append(diagnostics.Failure(op, diagnostics.WithAPIError(systemGroupDetail(state.Name.ValueString())+
			" To stop managing it without deleting it, remove it from the state with terraform state rm "+
			"(or a removed block).", err)))
	case errors.Is(err, kasm.ErrConflict):
		resp.Diagnostics.Append(diagnostics.Failure(op, diagnostics.WithAPIError(fmt.Sprintf("The group %q still has users, and "+
			"force_delete is false, so Kasm refused to delete it. Remove the users from the group first, or set "+
			"force_delete = true and apply before destroying, to delete the group together with its memberships.",
			state.Name.ValueString()), err)))
	default:
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
	}
}

// isProtectedGroupAnswer reports whether delete_group refused because Kasm protects the group.
func isProtectedGroupAnswer(err *kasm.APIError) bool {
	return strings.Contains(strings.ToLower(err.Message), "protected group")
}

// ImportState accepts a group id (either form) or a group name.
func (r *groupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	op := diagnostics.Operation{Verb: "Import", Object: groupObject, Permissions: []string{"Groups View"}}
	ref := strings.TrimSpace(req.ID)
	if ref == "" {
		resp.Diagnostics.Append(diagnostics.InvalidImportID(groupObject, "<group_id> or <group name>",
			"68d557ac4cac42cca9f31c7c853de0f3", req.ID))
		return
	}

	groups, err := r.data.client.GetGroups(ctx)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	var group *kasm.Group
	if kasm.IsID(ref) {
		group = findGroupByID(groups, ref)
	}
	if group == nil {
		group = findGroupByName(groups, ref)
	}
	switch {
	case group == nil:
		resp.Diagnostics.Append(diagnostics.Failure(op, fmt.Sprintf("No Kasm group has the id or name %q. Names are "+
			"compared exactly, including case. Groups the API key may not see are not found either: system groups "+
			"are listed only with the Groups View System permission.", ref)))
		return
	case group.IsSystem:
		resp.Diagnostics.Append(diagnostics.Failure(op, systemGroupDetail(group.Name)))
		return
	}
	tflog.Debug(ctx, "Importing Kasm group", map[string]any{"group_id": group.ID, "name": group.Name})

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), kasmtypes.NewIDValue(group.ID))...)
}

// groupModelFromAPI converts a Kasm group to the resource model. forceDelete is carried over
// from the plan or state because Kasm does not store it; null (after an import) means false.
func groupModelFromAPI(group kasm.Group, forceDelete types.Bool) groupResourceModel {
	if forceDelete.IsNull() || forceDelete.IsUnknown() {
		forceDelete = types.BoolValue(false)
	}
	return groupResourceModel{
		ID:          kasmtypes.NewIDValue(group.ID),
		Name:        types.StringValue(group.Name),
		Description: nullableString(group.Description),
		Priority:    types.Int64Value(int64(group.Priority)),
		IsSystem:    types.BoolValue(group.IsSystem),
		ForceDelete: forceDelete,
	}
}

// findGroupByID returns the group with the given id (either form), or nil.
func findGroupByID(groups []kasm.Group, id string) *kasm.Group {
	i := slices.IndexFunc(groups, func(g kasm.Group) bool { return kasmtypes.SameID(g.ID, id) })
	if i < 0 {
		return nil
	}
	return &groups[i]
}

// findGroupByName returns the group with exactly this name, or nil.
func findGroupByName(groups []kasm.Group, name string) *kasm.Group {
	i := slices.IndexFunc(groups, func(g kasm.Group) bool { return g.Name == name })
	if i < 0 {
		return nil
	}
	return &groups[i]
}

// systemGroupDetail explains why a system group cannot be managed by kasm_group.
func systemGroupDetail(name string) string {
	return fmt.Sprintf("%q is a system group, created and managed by Kasm itself; kasm_group cannot create, "+
		"import or destroy it. Refer to it through the kasm_groups data source, and manage who belongs to it "+
		"with kasm_group_membership.", name)
}

// systemGroupNameValidator rejects the names of Kasm's system groups at plan time.
type systemGroupNameValidator struct{}

var _ validator.String = systemGroupNameValidator{}

func (v systemGroupNameValidator) Description(_ context.Context) string {
	return "must not be the name of a Kasm system group (" + strings.Join(systemGroupNames, ", ") + ")"
}

func (v systemGroupNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v systemGroupNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	if slices.Contains(systemGroupNames, name) {
		op := diagnostics.Operation{Verb: "Manage", Object: groupObject}
		resp.Diagnostics.Append(diagnostics.AttributeFailure(req.Path, op, systemGroupDetail(name)))
	}
}
