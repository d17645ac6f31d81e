package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ resource.Resource                = (*userResource)(nil)
	_ resource.ResourceWithConfigure   = (*userResource)(nil)
	_ resource.ResourceWithImportState = (*userResource)(nil)
)

// userObject names the resource in diagnostics.
const userObject = "Kasm User"

// maxUserFieldLength is where Kasm cuts first_name, last_name, phone and organization.
const maxUserFieldLength = 64

// Operations of the kasm_user resource, each with the API key permission its calls need.
var (
	userLookupOp = diagnostics.Operation{Verb: "Create", Object: userObject, Permissions: []string{"Users View"}}
	userCreateOp = diagnostics.Operation{Verb: "Create", Object: userObject, Permissions: []string{"Users Create"}}
	userReadOp   = diagnostics.Operation{Verb: "Read", Object: userObject, Permissions: []string{"Users View"}}
	userUpdateOp = diagnostics.Operation{Verb: "Update", Object: userObject, Permissions: []string{"Users Modify"}}
	userRenameOp = diagnostics.Operation{Verb: "Update", Object: userObject, Permissions: []string{"Users View"}}
	userDeleteOp = diagnostics.Operation{Verb: "Delete", Object: userObject, Permissions: []string{"Users Delete"}}
	userForceOp  = diagnostics.Operation{
		Verb: "Delete", Object: userObject, Permissions: []string{"Users Delete", "Sessions Delete"},
	}
	userImportOp = diagnostics.Operation{Verb: "Import", Object: userObject, Permissions: []string{"Users View"}}
)

// userResource manages one Kasm user.
type userResource struct {
	data *providerData
}

// NewUserResource returns the kasm_user resource.
func NewUserResource() resource.Resource {
	return &userResource{}
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a Kasm Workspaces user. Kasm puts every new user in the All Users group " +
			"(and in groups that add new local users automatically); `group_ids` shows the user's groups, whose " +
			"memberships are managed separately.\n\n" +
			"Kasm stores usernames stripped and in lower case, and strips and cuts `first_name`, `last_name`, " +
			"`phone` and `organization` at 64 characters. The provider rejects any other spelling at plan time " +
			"instead of showing a difference on every plan.\n\n" +
			"Creating a user whose username already exists fails rather than taking the existing user over; " +
			"import it instead.\n\n" +
			"The API key needs the Users View, Users Create, Users Modify and Users Delete permissions, and " +
			"Sessions Delete for `force_delete`. With Groups View as well, refreshing many users is served by a " +
			"few listing calls instead of one call per user.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user's id: 32 lower-case hexadecimal characters.",
				CustomType:          kasmtypes.IDType{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The name the user logs in with, often an email address. Kasm stores usernames " +
					"stripped and lower-cased, so the value must be lower case without leading or trailing spaces " +
					"(wrap values from elsewhere in `lower()`); any other spelling is rejected at plan time. At most " +
					"255 characters. Changing it renames the user in place.",
				Required:   true,
				Validators: []validator.String{usernameValidator{}},
			},
			"first_name":   userNameField("The user's first name."),
			"last_name":    userNameField("The user's last name."),
			"phone":        userNameField("The user's phone number."),
			"organization": userNameField("The user's organization."),
			"notes": schema.StringAttribute{
				MarkdownDescription: "Free-form notes about the user. Must not be empty; removing it from the " +
					"configuration clears it in Kasm.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"locked": schema.BoolAttribute{
				MarkdownDescription: "Whether the user is locked out. Kasm also locks users after repeated failed " +
					"logins; setting `false` unlocks them and resets the count. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the user is disabled and cannot log in. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"realm": schema.StringAttribute{
				MarkdownDescription: "The authentication realm the user belongs to; `local` for users created " +
					"through the API.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_ids": schema.SetAttribute{
				MarkdownDescription: "The ids of the groups the user is in, All Users included. Read-only: the " +
					"value is refreshed on every plan, and group memberships are managed separately.",
				ElementType:   kasmtypes.IDType{},
				Computed:      true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "The user's password, stored in the Terraform state (marked sensitive); prefer " +
					"`password_wo`, which is never stored. Changing it sets the new password in place; Kasm checks a " +
					"changed password against its password policy and signs the user out of existing logins. Kasm cannot " +
					"report passwords, so a password changed outside Terraform is not detected, and an imported " +
					"user's password is set on the first apply that has one. Without `password` and `password_wo` " +
					"Kasm sets a random password. Conflicts with `password_wo`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("password_wo")),
				},
			},
			"password_wo": schema.StringAttribute{
				MarkdownDescription: "The user's password, write-only: sent to Kasm but never stored in the plan or " +
					"the state (Terraform 1.11 or later). It is sent when the user is created and whenever " +
					"`password_wo_version` changes. Requires `password_wo_version`; conflicts with `password`.",
				Optional:  true,
				WriteOnly: true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("password")),
					stringvalidator.AlsoRequires(path.MatchRoot("password_wo_version")),
				},
			},
			"password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "A number that stands for the current `password_wo`. Change it (for example " +
					"increment it) to send the value of `password_wo` to Kasm as the new password. The password is " +
					"changed in place; Kasm checks it against its password policy and signs the user out of existing " +
					"logins. Requires `password_wo`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))},
			},
			"force_delete": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying the user also ends the user's Kasm sessions. When `false`, " +
					"destroying a user who has sessions fails. The value must be applied (saved in the state) " +
					"before the destroy that needs it. Needs the Sessions Delete permission. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

// userNameField is the schema of first_name, last_name, phone and organization, which Kasm
// strips on create and cuts at 64 characters.
func userNameField(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: what + " At most 64 characters, without leading or trailing spaces (Kasm would cut " +
			"or strip anything else). Must not be empty; removing it from the configuration clears it in Kasm.",
		Optional: true,
		Validators: []validator.String{
			stringvalidator.UTF8LengthBetween(1, maxUserFieldLength),
			noSurroundingSpaceValidator{},
		},
	}
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(userObject, req.ProviderData, &resp.Diagnostics)
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	password, diags := initialPassword(ctx, req.Config, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Looking the username up first is what makes a lost create_user answer safe to
	// reconcile: a user found afterwards can only be the one this request created.
	username := plan.Username.ValueString()
	existing, err := r.data.client.GetUser(ctx, kasm.UserRef{Username: username})
	switch {
	case err == nil:
		resp.Diagnostics.Append(userExistsDiagnostic(username, existing.ID))
		return
	case !errors.Is(err, kasm.ErrNotFound):
		resp.Diagnostics.Append(diagnostics.APIError(userLookupOp, err))
		return
	}

	r.data.users.invalidate()
	user, err := r.data.client.CreateUser(ctx, createUserRequest(plan, password))
	switch {
	case errors.Is(err, kasm.ErrAlreadyExists):
		resp.Diagnostics.Append(userExistsDiagnostic(username, ""))
		return
	case errors.Is(err, kasm.ErrOutcomeUnknown):
		var failure diag.Diagnostic
		user, failure = r.findCreatedUser(ctx, username, err)
		if failure != nil {
			resp.Diagnostics.Append(failure)
			return
		}
	case err != nil:
		resp.Diagnostics.Append(diagnostics.APIError(userCreateOp, err))
		return
	}

	resp.Diagnostics.Append(plan.setFromAPI(user)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "Created Kasm user", map[string]any{"user_id": user.ID, "username": user.Username})
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// findCreatedUser looks for the user a create_user request made when its answer was lost.
// The username was free just before the request, so a user found now is ours to adopt.
func (r *userResource) findCreatedUser(ctx context.Context, username string, createErr error) (*kasm.User, diag.Diagnostic) {
	user, err := r.data.client.GetUser(ctx, kasm.UserRef{Username: username})
	switch {
	case err == nil:
		tflog.Warn(ctx, "The answer to create_user was lost, but the user exists: adopting it", map[string]any{
			"user_id": user.ID, "username": user.Username,
		})
		return user, nil
	case errors.Is(err, kasm.ErrNotFound):
		return nil, diagnostics.Failure(userCreateOp, diagnostics.WithAPIError(fmt.Sprintf("The answer to the "+
			"create_user request was lost, and no user named %q exists on the Kasm server, so the user was not "+
			"created and nothing needs cleaning up. Apply again to retry.", username), createErr))
	default:
		return nil, diagnostics.APIError(userCreateOp,
			fmt.Errorf("%w (looking the user up afterwards failed too: %w)", createErr, err))
	}
}

// userExistsDiagnostic refuses to adopt an existing user and says how to import it.
func userExistsDiagnostic(username, id string) diag.Diagnostic {
	which := fmt.Sprintf("A Kasm user named %q already exists", username)
	if id != "" {
		which += fmt.Sprintf(" (id %s)", id)
	}
	return diagnostics.AttributeFailure(path.Root("username"), userCreateOp, which+". The provider does not "+
		"take over existing users silently, because destroying the resource would then delete a user that "+
		"Terraform did not create. To manage this user with Terraform, import it:\n\n"+
		"  terraform import kasm_user.<name> "+username+"\n\nor choose another username.")
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.Normalized()
	user, err := r.data.users.user(ctx, id)
	if errors.Is(err, kasm.ErrNotFound) {
		tflog.Info(ctx, "Kasm user no longer exists, removing from state", map[string]any{"user_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(userReadOp, err))
		return
	}

	resp.Diagnostics.Append(state.setFromAPI(user)...)
	if state.ForceDelete.IsNull() {
		// Imported resources start without the provider-only setting.
		state.ForceDelete = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	password, diags := changedPassword(ctx, req.Config, plan, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if password == "" && !userFieldsDiffer(plan, state) {
		// Only provider-side settings (force_delete) changed: nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}

	id := state.ID.Normalized()
	username := plan.Username.ValueString()
	if username != state.Username.ValueString() {
		// Kasm answers a rename onto a taken username with an unexplained server error.
		other, err := r.data.client.GetUser(ctx, kasm.UserRef{Username: username})
		switch {
		case err == nil && other.ID != id:
			resp.Diagnostics.Append(diagnostics.AttributeFailure(path.Root("username"), userUpdateOp,
				fmt.Sprintf("Another Kasm user (id %s) already has the username %q. Choose a username that is free.",
					other.ID, username)))
			return
		case err != nil && !errors.Is(err, kasm.ErrNotFound):
			resp.Diagnostics.Append(diagnostics.APIError(userRenameOp, err))
			return
		}
	}

	r.data.users.invalidate()
	user, err := r.data.client.UpdateUser(ctx, updateUserRequest(id, plan, password))
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(userUpdateOp, err))
		return
	}
	if user.Locked != plan.Locked.ValueBool() {
		// Kasm unlocks a user whose password changes; lock them again as planned.
		user, err = r.data.client.UpdateUser(ctx, updateUserRequest(id, plan, ""))
		if err != nil {
			resp.Diagnostics.Append(diagnostics.APIError(userUpdateOp, err))
			return
		}
	}

	// group_ids and realm keep their planned (prior) values: they are refreshed by Read, and a
	// membership changed by another resource during this apply must not make the result
	// differ from the plan.
	groupIDs, realm := plan.GroupIDs, plan.Realm
	resp.Diagnostics.Append(plan.setFromAPI(user)...)
	if !groupIDs.IsUnknown() {
		plan.GroupIDs = groupIDs
	}
	if !realm.IsUnknown() {
		plan.Realm = realm
	}
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "Updated Kasm user", map[string]any{
		"user_id": id, "username": user.Username, "password_changed": password != "",
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// userFieldsDiffer reports whether any attribute that Kasm stores differs between plan and
// state.
func userFieldsDiffer(plan, state userResourceModel) bool {
	return !plan.Username.Equal(state.Username) ||
		!plan.FirstName.Equal(state.FirstName) ||
		!plan.LastName.Equal(state.LastName) ||
		!plan.Phone.Equal(state.Phone) ||
		!plan.Organization.Equal(state.Organization) ||
		!plan.Notes.Equal(state.Notes) ||
		!plan.Locked.Equal(state.Locked) ||
		!plan.Disabled.Equal(state.Disabled)
}

// initialPassword returns the password to create the user with: password, or password_wo
// (which only the configuration holds), or "" for a random one.
func initialPassword(ctx context.Context, config tfsdk.Config, plan userResourceModel) (string, diag.Diagnostics) {
	if !plan.Password.IsNull() {
		return plan.Password.ValueString(), nil
	}
	return writeOnlyPassword(ctx, config)
}

// changedPassword returns the password to send with an update, or "" when none changed: a
// changed password, or password_wo when password_wo_version changed.
func changedPassword(ctx context.Context, config tfsdk.Config, plan, state userResourceModel) (string, diag.Diagnostics) {
	if !plan.Password.IsNull() && !plan.Password.Equal(state.Password) {
		return plan.Password.ValueString(), nil
	}
	if !plan.PasswordWOVersion.IsNull() && !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
		return writeOnlyPassword(ctx, config)
	}
	return "", nil
}

// writeOnlyPassword reads password_wo from the configuration; write-only values are never in
// the plan.
func writeOnlyPassword(ctx context.Context, config tfsdk.Config) (string, diag.Diagnostics) {
	var password types.String
	diags := config.GetAttribute(ctx, path.Root("password_wo"), &password)
	return password.ValueString(), diags
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.Normalized()
	force := state.ForceDelete.ValueBool()
	r.data.users.invalidate()
	err := r.data.client.DeleteUser(ctx, id, force)
	switch {
	case errors.Is(err, kasm.ErrNotFound):
		tflog.Info(ctx, "Kasm user was already deleted", map[string]any{"user_id": id})
	case errors.Is(err, kasm.ErrConflict):
		resp.Diagnostics.Append(diagnostics.Failure(userDeleteOp, diagnostics.WithAPIError("Kasm refused to delete the user because the "+
			"user still has Kasm sessions, and force_delete is false. Either set force_delete = true on the "+
			"resource and apply it, so that destroying the user ends the sessions too, or end the user's "+
			"sessions; then destroy again.", err)))
	case err != nil && force:
		resp.Diagnostics.Append(diagnostics.APIError(userForceOp, err))
	case err != nil:
		resp.Diagnostics.Append(diagnostics.APIError(userDeleteOp, err))
	default:
		tflog.Info(ctx, "Deleted Kasm user", map[string]any{"user_id": id, "force": force})
	}
}

// ImportState accepts a user id (32 hex characters or the dashed UUID form) or a username;
// anything shaped like a UUID is taken as an id.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	raw := strings.TrimSpace(req.ID)
	if raw == "" {
		resp.Diagnostics.Append(diagnostics.InvalidImportID(userObject, "<user id> or <username>",
			"68d557ac4cac42cca9f31c7c853de0f3", req.ID))
		return
	}

	id, err := kasm.NormalizeID(raw)
	if err != nil {
		user, lookupErr := r.data.client.GetUser(ctx, kasm.UserRef{Username: raw})
		switch {
		case errors.Is(lookupErr, kasm.ErrNotFound):
			resp.Diagnostics.Append(diagnostics.Failure(userImportOp, fmt.Sprintf("No Kasm user has the username "+
				"%q. The import identifier is a user id (32 hexadecimal characters, or the dashed UUID form) or "+
				"the username of an existing user.", raw)))
			return
		case lookupErr != nil:
			resp.Diagnostics.Append(diagnostics.APIError(userImportOp, lookupErr))
			return
		}
		id = user.ID
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), kasmtypes.NewIDValue(id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_delete"), types.BoolValue(false))...)
}
