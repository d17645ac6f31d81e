package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ datasource.DataSource              = (*sessionsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*sessionsDataSource)(nil)
)

const sessionsObject = "Kasm Sessions"

var sessionsReadOp = diagnostics.Operation{Verb: "Read", Object: sessionsObject, Permissions: []string{"Sessions View"}}

// sessionsDataSource lists live sessions.
type sessionsDataSource struct {
	data *providerData
}

// sessionsDataSourceModel maps the kasm_sessions schema.
type sessionsDataSourceModel struct {
	UserID   kasmtypes.IDValue        `tfsdk:"user_id"`
	ImageID  kasmtypes.IDValue        `tfsdk:"image_id"`
	Sessions []sessionsDataSourceItem `tfsdk:"sessions"`
}

// sessionsDataSourceItem is one listed session. It deliberately carries no token or link:
// those would let anyone reading the state act as the session's user.
type sessionsDataSourceItem struct {
	ID             kasmtypes.IDValue `tfsdk:"id"`
	UserID         kasmtypes.IDValue `tfsdk:"user_id"`
	Username       types.String      `tfsdk:"username"`
	ImageID        kasmtypes.IDValue `tfsdk:"image_id"`
	ImageName      types.String      `tfsdk:"image_name"`
	Status         types.String      `tfsdk:"status"`
	ShareID        types.String      `tfsdk:"share_id"`
	StartDate      types.String      `tfsdk:"start_date"`
	ExpirationDate types.String      `tfsdk:"expiration_date"`
	Hostname       types.String      `tfsdk:"hostname"`
}

// NewSessionsDataSource returns the kasm_sessions data source.
func NewSessionsDataSource() datasource.DataSource {
	return &sessionsDataSource{}
}

func (d *sessionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sessions"
}

func (d *sessionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the live Kasm sessions of all users, anonymous ones included, optionally only those " +
			"of one user or one image. It reports no session tokens or connection links. The API key needs the " +
			"Sessions View permission.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				MarkdownDescription: "Only list the sessions of this user (hex or dashed UUID form).",
				CustomType:          kasmtypes.IDType{},
				Optional:            true,
			},
			"image_id": schema.StringAttribute{
				MarkdownDescription: "Only list the sessions of this image (hex or dashed UUID form).",
				CustomType:          kasmtypes.IDType{},
				Optional:            true,
			},
			"sessions": schema.ListNestedAttribute{
				MarkdownDescription: "The sessions, in the order Kasm lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: "The Kasm id of the session (`kasm_id`).",
							CustomType:          kasmtypes.IDType{},
							Computed:            true,
						},
						"user_id": schema.StringAttribute{
							MarkdownDescription: "The id of the session's user.",
							CustomType:          kasmtypes.IDType{},
							Computed:            true,
						},
						"username": schema.StringAttribute{
							MarkdownDescription: "The username of the session's user.",
							Computed:            true,
						},
						"image_id": schema.StringAttribute{
							MarkdownDescription: "The id of the session's image.",
							CustomType:          kasmtypes.IDType{},
							Computed:            true,
						},
						"image_name": schema.StringAttribute{
							MarkdownDescription: "The friendly name of the session's image, for example `Kasm Chrome`.",
							Computed:            true,
						},
						"status": schema.StringAttribute{
							MarkdownDescription: "The operational status, such as `starting`, `running`, `stopped` or `deleting`.",
							Computed:            true,
						},
						"share_id": schema.StringAttribute{
							MarkdownDescription: "The id others use to join the session when sharing is enabled; null otherwise.",
							Computed:            true,
						},
						"start_date": schema.StringAttribute{
							MarkdownDescription: "When the session started, in RFC 3339 format (UTC).",
							Computed:            true,
						},
						"expiration_date": schema.StringAttribute{
							MarkdownDescription: "When Kasm deletes the session unless it receives a keepalive first, " +
								"in RFC 3339 format (UTC).",
							Computed: true,
						},
						"hostname": schema.StringAttribute{
							MarkdownDescription: "The host name of the agent running the session; null while the " +
								"session waits for resources.",
							Computed: true,
						},
					},
				},
			},
		},
	}
}

func (d *sessionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(sessionsObject, req.ProviderData, &resp.Diagnostics)
}

func (d *sessionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config sessionsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	kasms, err := d.data.client.GetKasms(ctx)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(sessionsReadOp, err))
		return
	}
	userID, imageID := "", ""
	if !config.UserID.IsNull() {
		userID = config.UserID.Normalized()
	}
	if !config.ImageID.IsNull() {
		imageID = config.ImageID.Normalized()
	}
	config.Sessions = sessionsDataSourceItems(kasms, userID, imageID)
	tflog.Debug(ctx, "Listed Kasm sessions", map[string]any{"count": len(config.Sessions)})
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// sessionsDataSourceItems converts the sessions that pass the filters; an empty filter
// passes every session.
func sessionsDataSourceItems(kasms []kasm.Kasm, userID, imageID string) []sessionsDataSourceItem {
	items := make([]sessionsDataSourceItem, 0, len(kasms))
	for _, k := range kasms {
		if userID != "" && k.UserID != userID || imageID != "" && k.ImageID != imageID {
			continue
		}
		hostname := k.Hostname
		if hostname == "" {
			hostname = k.Server.Hostname
		}
		items = append(items, sessionsDataSourceItem{
			ID:             kasmtypes.NewIDValue(k.ID),
			UserID:         nullableID(k.UserID),
			Username:       nullableString(k.User.Username),
			ImageID:        nullableID(k.ImageID),
			ImageName:      nullableString(sessionImageName(k.Image)),
			Status:         types.StringValue(k.OperationalStatus),
			ShareID:        nullableString(k.ShareID),
			StartDate:      rfc3339(k.StartDate),
			ExpirationDate: rfc3339(k.ExpirationDate),
			Hostname:       nullableString(hostname),
		})
	}
	return items
}
