package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ datasource.DataSource                     = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userDataSource)(nil)
)

var userDataSourceReadOp = diagnostics.Operation{Verb: "Read", Object: userObject, Permissions: []string{"Users View"}}

// userDataSource looks up one Kasm user by id or by username.
type userDataSource struct {
	data *providerData
}

// NewUserDataSource returns the kasm_user data source.
func NewUserDataSource() datasource.DataSource {
	return &userDataSource{}
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := userDataAttributes()
	attributes["id"] = schema.StringAttribute{
		MarkdownDescription: "The id of the user to look up: 32 hexadecimal characters or the dashed UUID form. " +
			"Exactly one of `id` and `username` must be set.",
		CustomType: kasmtypes.IDType{},
		Optional:   true,
		Computed:   true,
	}
	attributes["username"] = schema.StringAttribute{
		MarkdownDescription: "The username of the user to look up, in lower case as Kasm stores it. Exactly one of " +
			"`id` and `username` must be set.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{usernameValidator{}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Kasm Workspaces user, by id or by username. Reading a user that does not " +
			"exist is an error. The API key needs the Users View permission.",
		Attributes: attributes,
	}
}

// userDataAttributes are the computed attributes of one user, shared by the kasm_user data
// source and the elements of the kasm_users list.
func userDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The user's id: 32 lower-case hexadecimal characters.",
			CustomType:          kasmtypes.IDType{},
			Computed:            true,
		},
		"username": schema.StringAttribute{
			MarkdownDescription: "The name the user logs in with, in lower case.",
			Computed:            true,
		},
		"first_name": schema.StringAttribute{
			MarkdownDescription: "The user's first name, or null when not set.",
			Computed:            true,
		},
		"last_name": schema.StringAttribute{
			MarkdownDescription: "The user's last name, or null when not set.",
			Computed:            true,
		},
		"phone": schema.StringAttribute{
			MarkdownDescription: "The user's phone number, or null when not set.",
			Computed:            true,
		},
		"organization": schema.StringAttribute{
			MarkdownDescription: "The user's organization, or null when not set.",
			Computed:            true,
		},
		"notes": schema.StringAttribute{
			MarkdownDescription: "Notes about the user, or null when not set.",
			Computed:            true,
		},
		"locked": schema.BoolAttribute{
			MarkdownDescription: "Whether the user is locked out.",
			Computed:            true,
		},
		"disabled": schema.BoolAttribute{
			MarkdownDescription: "Whether the user is disabled.",
			Computed:            true,
		},
		"realm": schema.StringAttribute{
			MarkdownDescription: "The authentication realm, such as `local`, `ldap`, `saml` or `oidc`.",
			Computed:            true,
		},
		"created": schema.StringAttribute{
			MarkdownDescription: "When the user was created, as an RFC 3339 timestamp in UTC.",
			Computed:            true,
		},
		"last_session": schema.StringAttribute{
			MarkdownDescription: "When the user last started a session, as an RFC 3339 timestamp in UTC, or null " +
				"when the user never has.",
			Computed: true,
		},
		"group_ids": schema.SetAttribute{
			MarkdownDescription: "The ids of the groups the user is in, All Users included.",
			ElementType:         kasmtypes.IDType{},
			Computed:            true,
		},
	}
}

func (d *userDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("username")),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(userObject+" Data Source", req.ProviderData, &resp.Diagnostics)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config userDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	ref := kasm.UserRef{Username: config.Username.ValueString()}
	which := fmt.Sprintf("username %q", ref.Username)
	if !config.ID.IsNull() {
		ref = kasm.UserRef{ID: config.ID.Normalized()}
		which = "id " + ref.ID
	}
	user, err := d.data.client.GetUser(ctx, ref)
	if errors.Is(err, kasm.ErrNotFound) {
		resp.Diagnostics.Append(diagnostics.Failure(userDataSourceReadOp, fmt.Sprintf("No Kasm user has the %s. "+
			"Check the value, and that the user was not deleted.", which)))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(userDataSourceReadOp, err))
		return
	}

	model, diags := userDataModelFromAPI(user, true)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.ID.IsNull() {
		// Keep the id as configured (dashed or not); both name the same user.
		model.ID = config.ID
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}
