package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ ephemeral.EphemeralResource              = (*loginURLEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*loginURLEphemeralResource)(nil)
)

// loginURLEphemeralResource issues a passwordless login link that never reaches plan or state.
type loginURLEphemeralResource struct {
	data *providerData
}

// NewLoginURLEphemeralResource returns the kasm_login_url ephemeral resource.
func NewLoginURLEphemeralResource() ephemeral.EphemeralResource {
	return &loginURLEphemeralResource{}
}

func (e *loginURLEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_login_url"
}

func (e *loginURLEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues a link that logs a user in to Kasm without a password (Kasm's `get_login`), " +
			"without storing it in plan or state. Use it where an ephemeral value is accepted: a provider " +
			"configuration, a write-only argument, or another ephemeral resource. Terraform opens it on every " +
			"plan and apply, and each opening mints a new link. " + loginURLLifetimeDescription +
			" Requires Terraform 1.10 or later. The API key needs the Users Auth Session permission.",
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

func (e *loginURLEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = configuredData("Kasm Login URL Ephemeral Resource", req.ProviderData, &resp.Diagnostics)
}

func (e *loginURLEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	model, diags := issueLoginURL(ctx, e.data.client, req.Config, "Open")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, model)...)
}
