package provider

import (
	"context"
	"errors"
	"fmt"

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
	_ resource.Resource                = (*userAttributesResource)(nil)
	_ resource.ResourceWithConfigure   = (*userAttributesResource)(nil)
	_ resource.ResourceWithImportState = (*userAttributesResource)(nil)
)

const userAttributesObject = "Kasm User Attributes"

// Kasm's defaults for a new user's attributes, which destroy restores. default_image and
// auto_login_kasm default to null: no default image, and the group setting decides.
const (
	defaultShowTips           = false
	defaultToggleControlPanel = false
	defaultChatSFX            = true
	defaultTheme              = "Auto"
	defaultPreferredLanguage  = "Auto"
	defaultPreferredTimezone  = "Auto"
)

// userAttributesResource manages the preferences of an existing Kasm user.
type userAttributesResource struct {
	data *providerData
}

// userAttributesResourceModel maps the kasm_user_attributes schema.
type userAttributesResourceModel struct {
	ID                 kasmtypes.IDValue `tfsdk:"id"`
	UserID             kasmtypes.IDValue `tfsdk:"user_id"`
	DefaultImage       kasmtypes.IDValue `tfsdk:"default_image"`
	AutoLoginKasm      types.Bool        `tfsdk:"auto_login_kasm"`
	ShowTips           types.Bool        `tfsdk:"show_tips"`
	ToggleControlPanel types.Bool        `tfsdk:"toggle_control_panel"`
	ChatSFX            types.Bool        `tfsdk:"chat_sfx"`
	Theme              types.String      `tfsdk:"theme"`
	PreferredLanguage  types.String      `tfsdk:"preferred_language"`
	PreferredTimezone  types.String      `tfsdk:"preferred_timezone"`
	SSHPublicKey       types.String      `tfsdk:"ssh_public_key"`
}

// NewUserAttributesResource returns the kasm_user_attributes resource.
func NewUserAttributesResource() resource.Resource {
	return &userAttributesResource{}
}

func (r *userAttributesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_attributes"
}

func (r *userAttributesResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Every preference is Optional and Computed without UseStateForUnknown: a value set in the
	// configuration is enforced, so a change made outside Terraform shows up as a diff, while
	// a value left out follows the server and is never changed.
	enforced := " Set it to enforce a value; leave it out to keep whatever the server has."
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the attributes (preferences) of an existing Kasm user, such as the default " +
			"image, the theme and the language. Every Kasm user has attributes; this resource neither creates nor " +
			"deletes the user.\n\n" +
			"Attributes set in the configuration are enforced: a change made outside Terraform shows up as a " +
			"diff and is undone by the next apply. Attributes left out keep whatever value the server has, " +
			"and removing one from the configuration stops managing it without changing it.\n\n" +
			"Destroy puts every attribute back to Kasm's default (no default image, `auto_login_kasm` null, " +
			"`show_tips` false, `toggle_control_panel` false, `chat_sfx` true, and `Auto` for the theme, language " +
			"and time zone) except `ssh_public_key`: Kasm generated the user's original key pair and it cannot " +
			"be restored, so the last key stays. Destroying the attributes of a user who no longer exists " +
			"succeeds.\n\n" +
			"The API key needs the Users View and Users Modify permissions, and Users Modify Admin for " +
			"administrators.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user id, 32 hexadecimal characters.",
				CustomType:          kasmtypes.IDType{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The id of the user whose attributes these are. Changing it to another user " +
					"forces replacement.",
				CustomType:    kasmtypes.IDType{},
				Required:      true,
				PlanModifiers: []planmodifier.String{requiresReplaceIfDifferentID()},
			},
			"default_image": schema.StringAttribute{
				MarkdownDescription: "The id of the image Kasm launches when a session is requested without one. " +
					"Null means none, and the group setting applies." + enforced,
				CustomType: kasmtypes.IDType{},
				Optional:   true,
				Computed:   true,
			},
			"auto_login_kasm": schema.BoolAttribute{
				MarkdownDescription: "Whether the user is taken straight into a session on login. Null means " +
					"the group setting decides." + enforced,
				Optional: true,
				Computed: true,
			},
			"show_tips": schema.BoolAttribute{
				MarkdownDescription: "Whether the Kasm UI shows tips. Kasm's default is `false`." + enforced,
				Optional:            true,
				Computed:            true,
			},
			"toggle_control_panel": schema.BoolAttribute{
				MarkdownDescription: "Whether the session control panel starts open. Kasm's default is `false`." +
					enforced,
				Optional: true,
				Computed: true,
			},
			"chat_sfx": schema.BoolAttribute{
				MarkdownDescription: "Whether chat messages play a sound. Kasm's default is `true`." + enforced,
				Optional:            true,
				Computed:            true,
			},
			"theme": schema.StringAttribute{
				MarkdownDescription: "The UI theme, such as `Auto`, `Light` or `Dark`. Kasm's default is `Auto`." +
					enforced,
				Optional: true,
				Computed: true,
			},
			"preferred_language": schema.StringAttribute{
				MarkdownDescription: "The language of the user's sessions, such as `en-US`, or `Auto` (Kasm's " +
					"default) to follow the browser." + enforced,
				Optional: true,
				Computed: true,
			},
			"preferred_timezone": schema.StringAttribute{
				MarkdownDescription: "The time zone of the user's sessions, such as `Europe/Berlin`, or `Auto` " +
					"(Kasm's default) to follow the browser." + enforced,
				Optional: true,
				Computed: true,
			},
			"ssh_public_key": schema.StringAttribute{
				MarkdownDescription: "The user's SSH public key, which Kasm generates for every new user. Destroy " +
					"does not restore the generated key." + enforced,
				Optional: true,
				Computed: true,
			},
		},
	}
}

func (r *userAttributesResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(userAttributesObject, req.ProviderData, &resp.Diagnostics)
}

func (r *userAttributesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var config, plan userAttributesResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	op := diagnostics.Operation{Verb: "Create", Object: userAttributesObject, Permissions: []string{"Users Modify", "Users View"}}
	model, diags := r.apply(ctx, op, plan.UserID, config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

func (r *userAttributesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var config, plan userAttributesResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	op := diagnostics.Operation{Verb: "Update", Object: userAttributesObject, Permissions: []string{"Users Modify", "Users View"}}
	model, diags := r.apply(ctx, op, plan.UserID, config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

// apply writes the attributes set in the configuration and reads every attribute back, so
// that the ones left out take the server's values.
func (r *userAttributesResource) apply(ctx context.Context, op diagnostics.Operation, userID kasmtypes.IDValue,
	config userAttributesResourceModel,
) (userAttributesResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	updateReq := userAttributesUpdateRequest(userID.Normalized(), config)
	if err := r.data.client.UpdateUserAttributes(ctx, updateReq); err != nil {
		if errors.Is(err, kasm.ErrNotFound) {
			diags.Append(diagnostics.AttributeFailure(path.Root("user_id"), op, diagnostics.WithAPIError(fmt.Sprintf(
				"No Kasm user has the id %s.", userID.Normalized()), err)))
			return userAttributesResourceModel{}, diags
		}
		diags.Append(diagnostics.APIError(op, err))
		return userAttributesResourceModel{}, diags
	}
	tflog.Info(ctx, "Updated Kasm user attributes", map[string]any{"user_id": userID.Normalized()})

	attrs, err := r.data.client.GetAttributes(ctx, userID.Normalized())
	if err != nil {
		diags.Append(diagnostics.APIError(op, err))
		return userAttributesResourceModel{}, diags
	}
	return userAttributesModelFromAPI(*attrs, userID), diags
}

func (r *userAttributesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userAttributesResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	attrs, err := r.data.client.GetAttributes(ctx, state.UserID.Normalized())
	if errors.Is(err, kasm.ErrNotFound) {
		tflog.Info(ctx, "Kasm user no longer exists, removing its attributes from state", map[string]any{
			"user_id": state.UserID.Normalized(),
		})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		op := diagnostics.Operation{Verb: "Read", Object: userAttributesObject, Permissions: []string{"Users View"}}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, userAttributesModelFromAPI(*attrs, state.UserID))...)
}

// Delete puts the attributes back to Kasm's defaults; the user itself stays.
func (r *userAttributesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userAttributesResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	err := r.data.client.UpdateUserAttributes(ctx, userAttributesResetRequest(state.UserID.Normalized()))
	// A user who is gone took the attributes along.
	if err != nil && !errors.Is(err, kasm.ErrNotFound) {
		op := diagnostics.Operation{Verb: "Delete", Object: userAttributesObject, Permissions: []string{"Users Modify"}}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Info(ctx, "Reset Kasm user attributes to the defaults", map[string]any{"user_id": state.UserID.Normalized()})
}

// ImportState takes the user id, in either form.
func (r *userAttributesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	userID, err := kasm.NormalizeID(req.ID)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.InvalidImportID(userAttributesObject, "<user_id>",
			"57e8fc1afa864ff4947460d9831f42d5", req.ID))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), kasmtypes.NewIDValue(userID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), kasmtypes.NewIDValue(userID))...)
}

// userAttributesUpdateRequest sends exactly the attributes set in the configuration: values
// that are null or unknown there are left out, so Kasm keeps what it has.
func userAttributesUpdateRequest(userID string, config userAttributesResourceModel) kasm.UpdateUserAttributesRequest {
	return kasm.UpdateUserAttributesRequest{
		UserID:             userID,
		DefaultImage:       configuredString(config.DefaultImage.StringValue, kasmtypes.Normalize),
		AutoLoginKasm:      configuredBool(config.AutoLoginKasm),
		ShowTips:           configuredBool(config.ShowTips),
		ToggleControlPanel: configuredBool(config.ToggleControlPanel),
		ChatSFX:            configuredBool(config.ChatSFX),
		Theme:              configuredString(config.Theme, nil),
		PreferredLanguage:  configuredString(config.PreferredLanguage, nil),
		PreferredTimezone:  configuredString(config.PreferredTimezone, nil),
		SSHPublicKey:       configuredString(config.SSHPublicKey, nil),
	}
}

// userAttributesResetRequest restores Kasm's defaults for every attribute but the SSH key.
func userAttributesResetRequest(userID string) kasm.UpdateUserAttributesRequest {
	return kasm.UpdateUserAttributesRequest{
		UserID:             userID,
		DefaultImage:       kasm.String(""), // Sent as null: no default image.
		ClearAutoLoginKasm: true,
		ShowTips:           kasm.Bool(defaultShowTips),
		ToggleControlPanel: kasm.Bool(defaultToggleControlPanel),
		ChatSFX:            kasm.Bool(defaultChatSFX),
		Theme:              kasm.String(defaultTheme),
		PreferredLanguage:  kasm.String(defaultPreferredLanguage),
		PreferredTimezone:  kasm.String(defaultPreferredTimezone),
	}
}

// userAttributesModelFromAPI converts Kasm's attributes to the resource model. userID keeps
// the form the configuration uses; the computed id is always 32 hex characters.
func userAttributesModelFromAPI(attrs kasm.UserAttributes, userID kasmtypes.IDValue) userAttributesResourceModel {
	defaultImage := kasmtypes.NewIDNull()
	if attrs.DefaultImage != "" {
		defaultImage = kasmtypes.NewIDValue(attrs.DefaultImage)
	}
	return userAttributesResourceModel{
		ID:                 kasmtypes.NewIDValue(userID.Normalized()),
		UserID:             userID,
		DefaultImage:       defaultImage,
		AutoLoginKasm:      types.BoolPointerValue(attrs.AutoLoginKasm),
		ShowTips:           types.BoolValue(attrs.ShowTips),
		ToggleControlPanel: types.BoolValue(attrs.ToggleControlPanel),
		ChatSFX:            types.BoolValue(attrs.ChatSFX),
		Theme:              types.StringValue(attrs.Theme),
		PreferredLanguage:  types.StringValue(attrs.PreferredLanguage),
		PreferredTimezone:  types.StringValue(attrs.PreferredTimezone),
		SSHPublicKey:       types.StringValue(attrs.SSHPublicKey),
	}
}

// configuredBool returns the value set in the configuration, or nil when it is not set.
func configuredBool(value types.Bool) *bool {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	return kasm.Bool(value.ValueBool())
}

// configuredString returns the value set in the configuration, passed through normalize when
// given, or nil when it is not set.
func configuredString(value types.String, normalize func(string) string) *string {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	s := value.ValueString()
	if normalize != nil {
		s = normalize(s)
	}
	return kasm.String(s)
}
