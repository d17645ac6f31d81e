package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

const allUsersID = "68d557ac4cac42cca9f31c7c853de0f3"

func TestUserResourceModelSetFromAPI(t *testing.T) {
	m := userResourceModel{
		Password:          types.StringValue("kept"),
		PasswordWOVersion: types.Int64Value(3),
		ForceDelete:       types.BoolValue(true),
	}
	diags := m.setFromAPI(&kasm.User{
		ID:        "0123456789abcdef0123456789abcdef",
		Username:  "ada@example.com",
		FirstName: "Ada",
		Phone:     "",
		Locked:    true,
		Realm:     "local",
		Groups:    []kasm.GroupRef{{ID: allUsersID}, {ID: allUsersID}, {ID: ""}},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.ValueString() != "0123456789abcdef0123456789abcdef" || m.Username.ValueString() != "ada@example.com" ||
		m.FirstName.ValueString() != "Ada" || !m.Locked.ValueBool() || m.Disabled.ValueBool() ||
		m.Realm.ValueString() != "local" {
		t.Errorf("unexpected model %+v", m)
	}
	for name, v := range map[string]types.String{"last_name": m.LastName, "phone": m.Phone, "organization": m.Organization, "notes": m.Notes} {
		if !v.IsNull() {
			t.Errorf("%s = %v, want null for an empty Kasm value", name, v)
		}
	}
	if len(m.GroupIDs.Elements()) != 1 || !m.GroupIDs.Elements()[0].Equal(kasmtypes.NewIDValue(allUsersID)) {
		t.Errorf("group_ids %v, want All Users once", m.GroupIDs)
	}
	if m.Password.ValueString() != "kept" || m.PasswordWOVersion.ValueInt64() != 3 || !m.ForceDelete.ValueBool() {
		t.Errorf("provider-only attributes changed: %+v", m)
	}
}

func TestUpdateUserRequestClearsRemovedFields(t *testing.T) {
	plan := userResourceModel{
		Username:  types.StringValue("ada@example.com"),
		FirstName: types.StringValue("Ada"),
		LastName:  types.StringNull(),
		Locked:    types.BoolValue(false),
		Disabled:  types.BoolValue(true),
	}
	req := updateUserRequest("0123456789abcdef0123456789abcdef", plan, "")
	if req.Username != "ada@example.com" || req.UserID != "0123456789abcdef0123456789abcdef" {
		t.Errorf("update must always carry the id and username: %+v", req)
	}
	for name, v := range map[string]*string{
		"first_name": req.FirstName, "last_name": req.LastName, "phone": req.Phone,
		"organization": req.Organization, "notes": req.Notes,
	} {
		if v == nil {
			t.Fatalf("%s is not sent: Kasm would keep the old value", name)
		}
	}
	if *req.FirstName != "Ada" || *req.LastName != "" || *req.Notes != "" {
		t.Errorf("fields %q %q %q", *req.FirstName, *req.LastName, *req.Notes)
	}
	if req.Locked == nil || *req.Locked || req.Disabled == nil || !*req.Disabled || req.Password != "" {
		t.Errorf("unexpected request %+v", req)
	}
	if with := updateUserRequest("x", plan, "s3cret"); with.Password != "s3cret" {
		t.Errorf("password not sent")
	}
}

func TestCreateUserRequest(t *testing.T) {
	req := createUserRequest(userResourceModel{
		Username:     types.StringValue("ada@example.com"),
		Organization: types.StringValue("Engines"),
		Notes:        types.StringNull(),
		Locked:       types.BoolValue(true),
		Disabled:     types.BoolValue(false),
	}, "pw")
	if req.Username != "ada@example.com" || req.Organization != "Engines" || req.Notes != "" || !req.Locked ||
		req.Password != "pw" {
		t.Errorf("unexpected request %+v", req)
	}
}

func TestUserDataModelFromAPI(t *testing.T) {
	created := time.Date(2026, 3, 4, 5, 6, 7, 891000, time.UTC)
	u := &kasm.User{
		ID: "0123456789abcdef0123456789abcdef", Username: "ada@example.com", Created: &created,
		Groups: []kasm.GroupRef{{ID: allUsersID}},
	}
	m, diags := userDataModelFromAPI(u, true)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.Created.ValueString() != "2026-03-04T05:06:07Z" || !m.LastSession.IsNull() || len(m.GroupIDs.Elements()) != 1 {
		t.Errorf("unexpected model %+v", m)
	}
	object, diags := m.objectValue()
	if diags.HasError() || len(object.Attributes()) != len(userDataAttrTypes) {
		t.Fatalf("object %v: %v", object, diags)
	}

	// A listing without groups (API key without Groups View) leaves group_ids unknown to the
	// provider: null, not an empty set that would claim the user is in no group.
	m, _ = userDataModelFromAPI(&kasm.User{ID: u.ID}, false)
	if !m.GroupIDs.IsNull() {
		t.Errorf("group_ids %v, want null", m.GroupIDs)
	}
}

func TestUsersFilter(t *testing.T) {
	org := "Engines"
	yes := true
	users := []kasm.User{
		{ID: "1", Username: "ada@example.com", Organization: "Engines", Locked: true, Groups: []kasm.GroupRef{{ID: allUsersID}}},
		{ID: "2", Username: "bob@example.com", Organization: "Engines"},
		{ID: "3", Username: "adam@example.com", Organization: "engines", Disabled: true},
	}
	cases := map[string]struct {
		filter usersFilter
		want   []string
	}{
		"none":                {usersFilter{}, []string{"1", "2", "3"}},
		"organization exact":  {usersFilter{organization: &org}, []string{"1", "2"}},
		"locked":              {usersFilter{locked: &yes}, []string{"1"}},
		"disabled":            {usersFilter{disabled: &yes}, []string{"3"}},
		"prefix":              {usersFilter{usernamePrefix: "ada"}, []string{"1", "3"}},
		"group":               {usersFilter{groupID: allUsersID}, []string{"1"}},
		"all filters combine": {usersFilter{organization: &org, usernamePrefix: "ad"}, []string{"1"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for i := range users {
				if tc.filter.matches(&users[i]) {
					got = append(got, users[i].ID)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("matched %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUsersDataSourceStableID(t *testing.T) {
	base := usersDataSourceModel{
		Organization:   types.StringValue("Engines"),
		GroupID:        kasmtypes.NewIDValue(allUsersID),
		UsernamePrefix: types.StringValue("Ada"),
	}
	same := base
	same.GroupID = kasmtypes.NewIDValue("68d557ac-4cac-42cc-a9f3-1c7c853de0f3")
	same.UsernamePrefix = types.StringValue("ada")
	if base.stableID() != same.stableID() {
		t.Errorf("equivalent filters gave different ids")
	}
	other := base
	other.Locked = types.BoolValue(false)
	if base.stableID() == other.stableID() {
		t.Errorf("different filters gave the same id")
	}
	if empty := (usersDataSourceModel{}).stableID(); !strings.HasPrefix(empty, "users-") || empty == base.stableID() {
		t.Errorf("unexpected id %q", empty)
	}
}

func TestUsernameValidator(t *testing.T) {
	cases := map[string]struct {
		value types.String
		err   string
	}{
		"lower case":       {types.StringValue("ada@example.com"), ""},
		"null":             {types.StringNull(), ""},
		"unknown":          {types.StringUnknown(), ""},
		"capitals":         {types.StringValue("Ada@Example.com"), `Write "ada@example.com" instead`},
		"spaces":           {types.StringValue(" ada@example.com "), `lower("ada@example.com")`},
		"empty":            {types.StringValue("  "), "must not be empty"},
		"too long":         {types.StringValue(strings.Repeat("a", 256)), "at most 255 characters"},
		"long but allowed": {types.StringValue(strings.Repeat("é", 255)), ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := &validator.StringResponse{}
			usernameValidator{}.ValidateString(t.Context(),
				validator.StringRequest{Path: path.Root("username"), ConfigValue: tc.value}, resp)
			checkValidation(t, resp, tc.err)
		})
	}
}

func TestNoSurroundingSpaceValidator(t *testing.T) {
	cases := map[string]struct {
		value types.String
		err   string
	}{
		"plain":        {types.StringValue("Ada Lovelace"), ""},
		"leading":      {types.StringValue(" Ada"), `Write "Ada" instead`},
		"trailing tab": {types.StringValue("Ada\t"), "must not start or end with white space"},
		"null":         {types.StringNull(), ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := &validator.StringResponse{}
			noSurroundingSpaceValidator{}.ValidateString(t.Context(),
				validator.StringRequest{Path: path.Root("first_name"), ConfigValue: tc.value}, resp)
			checkValidation(t, resp, tc.err)
		})
	}
}

func checkValidation(t *testing.T, resp *validator.StringResponse, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if resp.Diagnostics.HasError() {
			t.Fatalf("unexpected error: %v", resp.Diagnostics)
		}
		return
	}
	if !resp.Diagnostics.HasError() {
		t.Fatalf("no error, want one containing %q", wantErr)
	}
	if detail := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(detail, wantErr) {
		t.Fatalf("error %q does not contain %q", detail, wantErr)
	}
}
