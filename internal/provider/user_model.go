package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// This file holds the pure conversions between the client's kasm.User and the Terraform models
// of the kasm_user resource and the kasm_user and kasm_users data sources.

// userResourceModel maps the kasm_user resource.
type userResourceModel struct {
	ID                kasmtypes.IDValue `tfsdk:"id"`
	Username          types.String      `tfsdk:"username"`
	FirstName         types.String      `tfsdk:"first_name"`
	LastName          types.String      `tfsdk:"last_name"`
	Phone             types.String      `tfsdk:"phone"`
	Organization      types.String      `tfsdk:"organization"`
	Notes             types.String      `tfsdk:"notes"`
	Locked            types.Bool        `tfsdk:"locked"`
	Disabled          types.Bool        `tfsdk:"disabled"`
	Realm             types.String      `tfsdk:"realm"`
	GroupIDs          types.Set         `tfsdk:"group_ids"`
	Password          types.String      `tfsdk:"password"`
	PasswordWO        types.String      `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64       `tfsdk:"password_wo_version"`
	ForceDelete       types.Bool        `tfsdk:"force_delete"`
}

// setFromAPI copies what Kasm stores about the user into the model. Password, write-only and
// provider-only attributes are left alone: Kasm cannot report them.
func (m *userResourceModel) setFromAPI(u *kasm.User) diag.Diagnostics {
	groupIDs, diags := groupIDsValue(u.Groups)
	m.ID = kasmtypes.NewIDValue(u.ID)
	m.Username = types.StringValue(u.Username)
	m.FirstName = nullableString(u.FirstName)
	m.LastName = nullableString(u.LastName)
	m.Phone = nullableString(u.Phone)
	m.Organization = nullableString(u.Organization)
	m.Notes = nullableString(u.Notes)
	m.Locked = types.BoolValue(u.Locked)
	m.Disabled = types.BoolValue(u.Disabled)
	m.Realm = nullableString(u.Realm)
	m.GroupIDs = groupIDs
	return diags
}

// createUserRequest builds create_user's target_user from the planned model. password is the
// value of password or password_wo, or "" to let Kasm pick a random one.
func createUserRequest(plan userResourceModel, password string) kasm.CreateUserRequest {
	return kasm.CreateUserRequest{
		Username:     plan.Username.ValueString(),
		Password:     password,
		FirstName:    plan.FirstName.ValueString(),
		LastName:     plan.LastName.ValueString(),
		Phone:        plan.Phone.ValueString(),
		Organization: plan.Organization.ValueString(),
		Notes:        plan.Notes.ValueString(),
		Locked:       plan.Locked.ValueBool(),
		Disabled:     plan.Disabled.ValueBool(),
	}
}

// updateUserRequest builds update_user's target_user from the planned model. Every managed
// field is sent: Kasm ignores a missing or null field, so an attribute removed from the
// configuration is sent as "" to clear it (and "" reads back as null). The username goes in
// every request because Kasm refuses an update without it.
func updateUserRequest(id string, plan userResourceModel, password string) kasm.UpdateUserRequest {
	return kasm.UpdateUserRequest{
		UserID:       id,
		Username:     plan.Username.ValueString(),
		Password:     password,
		FirstName:    kasm.String(plan.FirstName.ValueString()),
		LastName:     kasm.String(plan.LastName.ValueString()),
		Phone:        kasm.String(plan.Phone.ValueString()),
		Organization: kasm.String(plan.Organization.ValueString()),
		Notes:        kasm.String(plan.Notes.ValueString()),
		Locked:       kasm.Bool(plan.Locked.ValueBool()),
		Disabled:     kasm.Bool(plan.Disabled.ValueBool()),
	}
}

// userDataModel is one user as the kasm_user data source shows it and as each element of the
// kasm_users data source's users list.
type userDataModel struct {
	ID           kasmtypes.IDValue `tfsdk:"id"`
	Username     types.String      `tfsdk:"username"`
	FirstName    types.String      `tfsdk:"first_name"`
	LastName     types.String      `tfsdk:"last_name"`
	Phone        types.String      `tfsdk:"phone"`
	Organization types.String      `tfsdk:"organization"`
	Notes        types.String      `tfsdk:"notes"`
	Locked       types.Bool        `tfsdk:"locked"`
	Disabled     types.Bool        `tfsdk:"disabled"`
	Realm        types.String      `tfsdk:"realm"`
	Created      types.String      `tfsdk:"created"`
	LastSession  types.String      `tfsdk:"last_session"`
	GroupIDs     types.Set         `tfsdk:"group_ids"`
}

// userDataAttrTypes are the attribute types of userDataModel, for building list elements.
var userDataAttrTypes = map[string]attr.Type{
	"id":           kasmtypes.IDType{},
	"username":     types.StringType,
	"first_name":   types.StringType,
	"last_name":    types.StringType,
	"phone":        types.StringType,
	"organization": types.StringType,
	"notes":        types.StringType,
	"locked":       types.BoolType,
	"disabled":     types.BoolType,
	"realm":        types.StringType,
	"created":      types.StringType,
	"last_session": types.StringType,
	"group_ids":    types.SetType{ElemType: kasmtypes.IDType{}},
}

// userDataModelFromAPI converts a user for the data sources. groupsKnown is false when the
// groups came from a get_users answer for an API key without Groups View, which lists every
// user without groups; group_ids is then null rather than a misleading empty set.
func userDataModelFromAPI(u *kasm.User, groupsKnown bool) (userDataModel, diag.Diagnostics) {
	groupIDs := types.SetNull(kasmtypes.IDType{})
	var diags diag.Diagnostics
	if groupsKnown {
		groupIDs, diags = groupIDsValue(u.Groups)
	}
	return userDataModel{
		ID:           kasmtypes.NewIDValue(u.ID),
		Username:     types.StringValue(u.Username),
		FirstName:    nullableString(u.FirstName),
		LastName:     nullableString(u.LastName),
		Phone:        nullableString(u.Phone),
		Organization: nullableString(u.Organization),
		Notes:        nullableString(u.Notes),
		Locked:       types.BoolValue(u.Locked),
		Disabled:     types.BoolValue(u.Disabled),
		Realm:        nullableString(u.Realm),
		Created:      rfc3339(u.Created),
		LastSession:  rfc3339(u.LastSession),
		GroupIDs:     groupIDs,
	}, diags
}

// objectValue converts the model into an element of the kasm_users list. Building the object
// directly avoids reflection, which matters for listings of tens of thousands of users.
func (m userDataModel) objectValue() (types.Object, diag.Diagnostics) {
	return types.ObjectValue(userDataAttrTypes, map[string]attr.Value{
		"id":           m.ID,
		"username":     m.Username,
		"first_name":   m.FirstName,
		"last_name":    m.LastName,
		"phone":        m.Phone,
		"organization": m.Organization,
		"notes":        m.Notes,
		"locked":       m.Locked,
		"disabled":     m.Disabled,
		"realm":        m.Realm,
		"created":      m.Created,
		"last_session": m.LastSession,
		"group_ids":    m.GroupIDs,
	})
}

// groupIDsValue converts a user's groups into a set of ids, dropping repeats (a set cannot
// hold them).
func groupIDsValue(groups []kasm.GroupRef) (types.Set, diag.Diagnostics) {
	elements := make([]attr.Value, 0, len(groups))
	seen := make(map[string]bool, len(groups))
	for _, g := range groups {
		if g.ID == "" || seen[g.ID] {
			continue
		}
		seen[g.ID] = true
		elements = append(elements, kasmtypes.NewIDValue(g.ID))
	}
	return types.SetValue(kasmtypes.IDType{}, elements)
}
