package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ ephemeral.EphemeralResource              = (*sessionJoinEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*sessionJoinEphemeralResource)(nil)
)

// sessionJoinPermissions are the API key permissions join_kasm needs: User for the call
// itself, Users Auth Session because it acts for the viewer named by user_id.
var sessionJoinPermissions = []string{"User", "Users Auth Session"}

// sessionJoinEphemeralResource issues a view-only link to a shared session.
type sessionJoinEphemeralResource struct {
	data *providerData
}

// sessionJoinModel maps the kasm_session_join ephemeral resource.
type sessionJoinModel struct {
	ShareID      types.String      `tfsdk:"share_id"`
	UserID       kasmtypes.IDValue `tfsdk:"user_id"`
	KasmID       kasmtypes.IDValue `tfsdk:"kasm_id"`
	Username     types.String      `tfsdk:"username"`
	KasmURL      types.String      `tfsdk:"kasm_url"`
	JoinURL      types.String      `tfsdk:"join_url"`
	SessionToken types.String      `tfsdk:"session_token"`
}

// NewSessionJoinEphemeralResource returns the kasm_session_join ephemeral resource.
func NewSessionJoinEphemeralResource() ephemeral.EphemeralResource {
	return &sessionJoinEphemeralResource{}
}

func (e *sessionJoinEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_session_join"
}

func (e *sessionJoinEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues a view-only link to a shared Kasm session for a viewer (Kasm's `join_kasm`), " +
			"without storing it in plan or state. The session must have been started with sharing enabled " +
			"and must be running, and the owner's group settings must allow sharing. Terraform opens it on every " +
			"plan and apply, and each opening mints a new session token for the viewer. Pass the link through " +
			"`provider::kasm::session_url` to hide the control panel, tips or chat. Requires Terraform 1.10 or " +
			"later. The API key needs the User and Users Auth Session permissions.",
		Attributes: map[string]schema.Attribute{
			"share_id": schema.StringAttribute{
				MarkdownDescription: "The share id of the session (8 hexadecimal characters), which Kasm returns " +
					"when a session is started with sharing enabled.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The id of the user who views the session. It is required: Kasm would " +
					"otherwise create a new anonymous user at every plan and apply.",
				CustomType: kasmtypes.IDType{},
				Required:   true,
			},
			"kasm_id": schema.StringAttribute{
				MarkdownDescription: "The id of the shared session.",
				CustomType:          kasmtypes.IDType{},
				Computed:            true,
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The viewer's username.",
				Computed:            true,
			},
			"kasm_url": schema.StringAttribute{
				MarkdownDescription: "The link as Kasm returns it, a path to append to the Kasm web root: " +
					"`/#/connect/join/<share id>/<user id>/<session token>`.",
				Computed:  true,
				Sensitive: true,
			},
			"join_url": schema.StringAttribute{
				MarkdownDescription: "The absolute link: the provider's `base_url` followed by `kasm_url`. Anyone " +
					"who opens it watches the session as the viewer.",
				Computed:  true,
				Sensitive: true,
			},
			"session_token": schema.StringAttribute{
				MarkdownDescription: "The viewer's new session token, which the link embeds.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (e *sessionJoinEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = configuredData("Kasm Session Join Ephemeral Resource", req.ProviderData, &resp.Diagnostics)
}

func (e *sessionJoinEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config sessionJoinModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	op := diagnostics.Operation{Verb: "Open", Object: "Kasm Session Join", Permissions: sessionJoinPermissions}
	joined, err := e.data.client.JoinKasm(ctx, config.ShareID.ValueString(), config.UserID.Normalized())
	if err != nil {
		// The only answer the client classifies as not found here is "Invalid user_id": an unknown
		// share id, sharing turned off or a session that is not running come back with Kasm's own
		// message, which says which it is.
		if errors.Is(err, kasm.ErrNotFound) {
			resp.Diagnostics.Append(diagnostics.AttributeAPIError(path.Root("user_id"), op, err))
		} else {
			resp.Diagnostics.Append(diagnostics.APIError(op, err))
		}
		return
	}

	result := sessionJoinModelFromAPI(config, joined, e.data.absoluteURL)
	tflog.Debug(ctx, "Joined shared Kasm session", map[string]any{
		"kasm_id": result.KasmID.ValueString(),
		"user_id": config.UserID.Normalized(),
	})
	resp.Diagnostics.Append(resp.Result.Set(ctx, &result)...)
}

// sessionJoinModelFromAPI fills the computed attributes from join_kasm's answer, keeping the
// configured share_id and user_id as written. absoluteURL turns Kasm's path into a link under
// the web root. Members the answer lacks are null rather than empty, so that a link is never
// built from the base URL alone.
func sessionJoinModelFromAPI(config sessionJoinModel, joined *kasm.JoinKasmResponse, absoluteURL func(string) string) sessionJoinModel {
	result := config
	result.KasmID = kasmtypes.NewIDNull()
	if joined.Kasm != nil && joined.Kasm.ID != "" {
		result.KasmID = kasmtypes.NewIDValue(joined.Kasm.ID)
	}
	result.Username = types.StringValue(joined.Username)
	result.KasmURL = types.StringNull()
	result.JoinURL = types.StringNull()
	if joined.KasmURL != "" {
		result.KasmURL = types.StringValue(joined.KasmURL)
		result.JoinURL = types.StringValue(absoluteURL(joined.KasmURL))
	}
	result.SessionToken = types.StringNull()
	if joined.SessionToken != "" {
		result.SessionToken = types.StringValue(joined.SessionToken)
	}
	return result
}
