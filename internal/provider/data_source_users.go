package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ datasource.DataSource              = (*usersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)
)

var usersReadOp = diagnostics.Operation{Verb: "Read", Object: "Kasm Users", Permissions: []string{"Users View"}}

// usersListPageSize is the get_users page size of the listing: large pages keep an estate of
// tens of thousands of users to a few dozen calls.
const usersListPageSize = 500

// usersDataSource lists every Kasm user, with optional filters.
type usersDataSource struct {
	data *providerData
}

// usersDataSourceModel maps the kasm_users data source.
type usersDataSourceModel struct {
	ID               types.String      `tfsdk:"id"`
	Organization     types.String      `tfsdk:"organization"`
	Locked           types.Bool        `tfsdk:"locked"`
	Disabled         types.Bool        `tfsdk:"disabled"`
	GroupID          kasmtypes.IDValue `tfsdk:"group_id"`
	UsernamePrefix   types.String      `tfsdk:"username_prefix"`
	IncludeAnonymous types.Bool        `tfsdk:"include_anonymous"`
	Users            types.List        `tfsdk:"users"`
}

// usersFilter is the parsed set of filters of the kasm_users data source; nil fields do not
// filter.
type usersFilter struct {
	organization   *string
	locked         *bool
	disabled       *bool
	groupID        string
	usernamePrefix string
}

// NewUsersDataSource returns the kasm_users data source.
func NewUsersDataSource() datasource.DataSource {
	return &usersDataSource{}
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Kasm Workspaces users: every page of the listing, however many users there are, " +
			"optionally narrowed by the filters below (all given filters must match). Anonymous users, which Kasm " +
			"creates for sessions requested without a user, are left out unless `include_anonymous` is `true`. " +
			"The API key needs the Users View permission, and Groups View for `group_ids` and the `group_id` filter.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "An identifier derived from the filters, the same on every read with the same " +
					"filters.",
				Computed: true,
			},
			"organization": schema.StringAttribute{
				MarkdownDescription: "Only users whose organization is exactly this value.",
				Optional:            true,
			},
			"locked": schema.BoolAttribute{
				MarkdownDescription: "Only users that are locked (`true`) or not locked (`false`).",
				Optional:            true,
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: "Only users that are disabled (`true`) or not disabled (`false`).",
				Optional:            true,
			},
			"group_id": schema.StringAttribute{
				MarkdownDescription: "Only members of the group with this id (32 hexadecimal characters or the dashed " +
					"UUID form). Needs the Groups View permission.",
				CustomType: kasmtypes.IDType{},
				Optional:   true,
			},
			"username_prefix": schema.StringAttribute{
				MarkdownDescription: "Only users whose username starts with this value, compared without regard to " +
					"case.",
				Optional: true,
			},
			"include_anonymous": schema.BoolAttribute{
				MarkdownDescription: "Whether to list anonymous users as well. Defaults to `false`.",
				Optional:            true,
			},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The users that match, in the order Kasm lists them. " +
					"`group_ids` is null when the API key lacks the Groups View permission, because Kasm then " +
					"lists users without their groups.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: userDataAttributes()},
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData("Kasm Users Data Source", req.ProviderData, &resp.Diagnostics)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config usersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	filter := config.filter()
	users, err := d.data.client.GetUsers(ctx, kasm.GetUsersOptions{
		PageSize:  usersListPageSize,
		Anonymous: config.IncludeAnonymous.ValueBool(),
	})
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(usersReadOp, err))
		return
	}

	groupsKnown := anyUserHasGroups(users)
	if filter.groupID != "" && !groupsKnown && len(users) > 0 {
		resp.Diagnostics.Append(diagnostics.AttributeFailure(path.Root("group_id"), usersReadOp,
			"Kasm listed the users without their groups, which it does when the API key lacks the Groups View "+
				"permission, so the group_id filter cannot be applied. Grant the key Groups View, or remove the "+
				"group_id filter."))
		return
	}

	list, diags := usersListValue(users, filter, groupsKnown)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.Users = list
	config.ID = types.StringValue(config.stableID())
	tflog.Debug(ctx, "Listed Kasm users", map[string]any{
		"listed": len(users), "matched": len(list.Elements()), "groups_known": groupsKnown,
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}

// filter parses the configured filters.
func (m usersDataSourceModel) filter() usersFilter {
	f := usersFilter{
		organization:   m.Organization.ValueStringPointer(),
		locked:         m.Locked.ValueBoolPointer(),
		disabled:       m.Disabled.ValueBoolPointer(),
		usernamePrefix: strings.ToLower(m.UsernamePrefix.ValueString()),
	}
	if !m.GroupID.IsNull() {
		f.groupID = m.GroupID.Normalized()
	}
	return f
}

// stableID derives the data source id from the filters, so that it is the same on every read
// with the same configuration.
func (m usersDataSourceModel) stableID() string {
	parts := []string{
		"organization=" + optionalText(m.Organization.ValueStringPointer()),
		"locked=" + optionalBool(m.Locked.ValueBoolPointer()),
		"disabled=" + optionalBool(m.Disabled.ValueBoolPointer()),
		"group_id=" + kasmtypes.Normalize(m.GroupID.ValueString()),
		"username_prefix=" + strings.ToLower(m.UsernamePrefix.ValueString()),
		"include_anonymous=" + strconv.FormatBool(m.IncludeAnonymous.ValueBool()),
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return "users-" + hex.EncodeToString(sum[:8])
}

func optionalText(s *string) string {
	if s == nil {
		return "-"
	}
	return strconv.Quote(*s)
}

func optionalBool(b *bool) string {
	if b == nil {
		return "-"
	}
	return strconv.FormatBool(*b)
}

// matches reports whether a user passes every filter.
func (f usersFilter) matches(u *kasm.User) bool {
	switch {
	case f.organization != nil && u.Organization != *f.organization:
		return false
	case f.locked != nil && u.Locked != *f.locked:
		return false
	case f.disabled != nil && u.Disabled != *f.disabled:
		return false
	case f.usernamePrefix != "" && !strings.HasPrefix(strings.ToLower(u.Username), f.usernamePrefix):
		return false
	case f.groupID != "" && !userInGroup(u, f.groupID):
		return false
	}
	return true
}

func userInGroup(u *kasm.User, groupID string) bool {
	for _, g := range u.Groups {
		if g.ID == groupID {
			return true
		}
	}
	return false
}

// anyUserHasGroups reports whether the listing carries groups at all. Every user is at least in
// All Users, so a listing without any group means the API key cannot see them.
func anyUserHasGroups(users []kasm.User) bool {
	for i := range users {
		if len(users[i].Groups) > 0 {
			return true
		}
	}
	return false
}

// usersListValue converts the users that pass the filter into the users list.
func usersListValue(users []kasm.User, filter usersFilter, groupsKnown bool) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	elementType := types.ObjectType{AttrTypes: userDataAttrTypes}
	elements := make([]attr.Value, 0, len(users))
	for i := range users {
		u := &users[i]
		if !filter.matches(u) {
			continue
		}
		model, modelDiags := userDataModelFromAPI(u, groupsKnown)
		diags.Append(modelDiags...)
		object, objectDiags := model.objectValue()
		diags.Append(objectDiags...)
		if diags.HasError() {
			return types.ListNull(elementType), diags
		}
		elements = append(elements, object)
	}
	list, listDiags := types.ListValue(elementType, elements)
	diags.Append(listDiags...)
	if diags.HasError() {
		return types.ListNull(elementType), diags
	}
	return list, diags
}
