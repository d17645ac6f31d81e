package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ datasource.DataSource              = (*loginURLDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*loginURLDataSource)(nil)
)

// loginURLPermissions are the API key permissions get_login needs.
var loginURLPermissions = []string{"Users Auth Session"}

// Descriptions shared by the kasm_login_url data source and ephemeral resource, which have the
// same attributes.
const (
	loginURLUserIDDescription = "The id of the user the link logs in (32 hexadecimal characters, or the dashed " +
		"UUID form)."
	loginURLURLDescription = "The absolute login link, " +
		"`https://<host>/#/connect/login/dash/<user id>/<session token>`. Opening it logs the user in without a " +
		"password, so treat it as a secret. Kasm always uses `https` and takes the host (and port) from the " +
		"request it answers, which is the host of the provider's `base_url`; behind a proxy that rewrites the " +
		"`Host` header it is the host the proxy sends, and a path in `base_url` is not part of the link."
	loginURLLifetimeDescription = "The link embeds an ordinary Kasm session token: it stays valid for the " +
		"server's session lifetime, or until the user is logged out or changes password."
)

// loginURLDataSource issues a passwordless login link for a user.
type loginURLDataSource struct {
	data *providerData
}

// loginURLModel maps the kasm_login_url data source and ephemeral resource.
type loginURLModel struct {
	UserID kasmtypes.IDValue `tfsdk:"user_id"`
	URL    types.String      `tfsdk:"url"`
}

// NewLoginURLDataSource returns the kasm_login_url data source.
func NewLoginURLDataSource() datasource.DataSource {
	return &loginURLDataSource{}
}

func (d *loginURLDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_login_url"
}

func (d *loginURLDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues a link that logs a user in to Kasm without a password (Kasm's `get_login`). " +
			"Every read mints a new link, so every plan and refresh issues another one and the value always " +
			"shows as changed, and the link is stored (as a sensitive value) in the state. " +
			"Prefer the `kasm_login_url` ephemeral resource (Terraform 1.10 or later), which keeps the link out of " +
			"plan and state. " + loginURLLifetimeDescription + " The API key needs the Users Auth Session permission.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				MarkdownDescription: loginURLUserIDDescription,
				CustomType:          kasmtypes.IDType{},
				Required:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: loginURLURLDescription,
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (d *loginURLDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData("Kasm Login URL Data Source", req.ProviderData, &resp.Diagnostics)
}

func (d *loginURLDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	model, diags := issueLoginURL(ctx, d.data.client, req.Config, "Read")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

// issueLoginURL asks Kasm for a login link for the user the configuration names, for the
// data source (verb "Read") and the ephemeral resource (verb "Open"), and returns the model to
// store. An unknown user is reported on the user_id attribute.
func issueLoginURL(ctx context.Context, client *kasm.Client, config tfsdk.Config, verb string) (*loginURLModel, diag.Diagnostics) {
	var model loginURLModel
	diags := config.Get(ctx, &model)
	if diags.HasError() {
		return nil, diags
	}

	op := diagnostics.Operation{Verb: verb, Object: "Kasm Login URL", Permissions: loginURLPermissions}
	loginURL, err := client.GetLogin(ctx, model.UserID.Normalized())
	if err != nil {
		if errors.Is(err, kasm.ErrNotFound) {
			diags.Append(diagnostics.AttributeAPIError(path.Root("user_id"), op, err))
		} else {
			diags.Append(diagnostics.APIError(op, err))
		}
		return nil, diags
	}
	tflog.Debug(ctx, "Issued Kasm login URL", map[string]any{"user_id": model.UserID.Normalized()})

	model.URL = types.StringValue(loginURL)
	return &model, diags
}
