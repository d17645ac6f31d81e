package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ datasource.DataSource              = (*groupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*groupsDataSource)(nil)
)

const groupsObject = "Kasm Groups"

// allGroupsID is the data source id when no name filter is set.
const allGroupsID = "all"

// groupsDataSource lists Kasm groups.
type groupsDataSource struct {
	data *providerData
}

// groupsDataSourceModel maps the kasm_groups schema.
type groupsDataSourceModel struct {
	ID     types.String `tfsdk:"id"`
	Name   types.String `tfsdk:"name"`
	Groups []groupModel `tfsdk:"groups"`
}

// groupModel is one entry of the groups list.
type groupModel struct {
	ID          kasmtypes.IDValue `tfsdk:"id"`
	Name        types.String      `tfsdk:"name"`
	Description types.String      `tfsdk:"description"`
	Priority    types.Int64       `tfsdk:"priority"`
	IsSystem    types.Bool        `tfsdk:"is_system"`
}

// NewGroupsDataSource returns the kasm_groups data source.
func NewGroupsDataSource() datasource.DataSource {
	return &groupsDataSource{}
}

func (d *groupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_groups"
}

func (d *groupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Kasm groups, optionally only the one with a given name. Use it to refer to " +
			"groups Terraform does not manage, such as the system groups All Users and Administrators.\n\n" +
			"The API key needs the Groups View permission, and Groups View System to list the system groups.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`" + allGroupsID + "` without a name filter, otherwise the name filter.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list the group with exactly this name (case included). Without it, every " +
					"group the API key may see is listed.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "The groups, in the order Kasm lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: "The group id, 32 hexadecimal characters.",
							CustomType:          kasmtypes.IDType{},
							Computed:            true,
						},
						"name": schema.StringAttribute{
							MarkdownDescription: "The group name.",
							Computed:            true,
						},
						"description": schema.StringAttribute{
							MarkdownDescription: "The description, or null when the group has none.",
							Computed:            true,
						},
						"priority": schema.Int64Attribute{
							MarkdownDescription: "The group priority, from 1 to 4095; the lowest number wins.",
							Computed:            true,
						},
						"is_system": schema.BoolAttribute{
							MarkdownDescription: "Whether the group is a system group managed by Kasm (All Users, " +
								"Administrators).",
							Computed: true,
						},
					},
				},
			},
		},
	}
}

func (d *groupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(groupsObject, req.ProviderData, &resp.Diagnostics)
}

func (d *groupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config groupsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	groups, err := d.data.client.GetGroups(ctx)
	if err != nil {
		op := diagnostics.Operation{Verb: "Read", Object: groupsObject, Permissions: []string{"Groups View"}}
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}
	tflog.Debug(ctx, "Listed Kasm groups", map[string]any{"count": len(groups)})

	resp.Diagnostics.Append(resp.State.Set(ctx, groupsModelFromAPI(groups, config.Name))...)
}

// groupsModelFromAPI builds the data source model from Kasm's group list, keeping only the
// group named nameFilter when it is set.
func groupsModelFromAPI(groups []kasm.Group, nameFilter types.String) groupsDataSourceModel {
	model := groupsDataSourceModel{
		ID:     types.StringValue(allGroupsID),
		Name:   nameFilter,
		Groups: []groupModel{},
	}
	filtered := !nameFilter.IsNull() && !nameFilter.IsUnknown()
	if filtered {
		model.ID = nameFilter
	}
	for _, g := range groups {
		if filtered && g.Name != nameFilter.ValueString() {
			continue
		}
		model.Groups = append(model.Groups, groupModel{
			ID:          kasmtypes.NewIDValue(g.ID),
			Name:        types.StringValue(g.Name),
			Description: nullableString(g.Description),
			Priority:    types.Int64Value(int64(g.Priority)),
			IsSystem:    types.BoolValue(g.IsSystem),
		})
	}
	return model
}
