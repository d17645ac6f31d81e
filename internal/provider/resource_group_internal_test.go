package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

func TestGroupModelFromAPI(t *testing.T) {
	group := kasm.Group{ID: "68d557ac4cac42cca9f31c7c853de0f3", Name: "Engineering", Priority: 10}

	got := groupModelFromAPI(group, types.BoolNull())
	want := groupResourceModel{
		ID:          kasmtypes.NewIDValue(group.ID),
		Name:        types.StringValue("Engineering"),
		Description: types.StringNull(),
		Priority:    types.Int64Value(10),
		IsSystem:    types.BoolValue(false),
		ForceDelete: types.BoolValue(false),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("without description and force_delete: got %+v, want %+v", got, want)
	}

	group.Description = "Builds things"
	got = groupModelFromAPI(group, types.BoolValue(true))
	if got.Description != types.StringValue("Builds things") || got.ForceDelete != types.BoolValue(true) {
		t.Errorf("with description and force_delete: got %+v", got)
	}
}

func TestGroupUpdateRequest(t *testing.T) {
	state := groupResourceModel{
		ID:          kasmtypes.NewIDValue("68d557ac4cac42cca9f31c7c853de0f3"),
		Name:        types.StringValue("Engineering"),
		Description: types.StringValue("Builds things"),
		Priority:    types.Int64Value(10),
		ForceDelete: types.BoolValue(false),
	}

	plan := state
	plan.ForceDelete = types.BoolValue(true)
	if _, changed := groupUpdateRequest(state, plan); changed {
		t.Error("a force_delete change alone must not call update_group")
	}

	plan = state
	plan.Description = types.StringNull()
	plan.Priority = types.Int64Value(20)
	got, changed := groupUpdateRequest(state, plan)
	priority := 20
	want := kasm.UpdateGroupRequest{GroupID: state.ID.ValueString(), Description: kasm.String(""), Priority: &priority}
	if !changed || !reflect.DeepEqual(got, want) {
		t.Errorf("removed description and new priority: got %+v (changed %t), want %+v", got, changed, want)
	}

	plan = state
	plan.Name = types.StringValue("Platform")
	got, changed = groupUpdateRequest(state, plan)
	if !changed || got.Name == nil || *got.Name != "Platform" || got.Description != nil || got.Priority != nil {
		t.Errorf("rename: got %+v (changed %t)", got, changed)
	}
}

func TestSystemGroupNameValidator(t *testing.T) {
	for name, wantError := range map[string]bool{
		"All Users": true, "Administrators": true, "all users": false, "Engineering": false,
	} {
		req := validator.StringRequest{Path: path.Root("name"), ConfigValue: types.StringValue(name)}
		var resp validator.StringResponse
		systemGroupNameValidator{}.ValidateString(t.Context(), req, &resp)
		if resp.Diagnostics.HasError() != wantError {
			t.Errorf("%q: error = %t, want %t (%v)", name, resp.Diagnostics.HasError(), wantError, resp.Diagnostics)
		}
	}
}

func TestGroupsModelFromAPI(t *testing.T) {
	groups := []kasm.Group{
		{ID: "68d557ac4cac42cca9f31c7c853de0f3", Name: "All Users", Description: "Everyone", Priority: 1000, IsSystem: true},
		{ID: "11111111111111111111111111111111", Name: "Engineering", Priority: 10},
		{ID: "22222222222222222222222222222222", Name: "engineering", Priority: 11},
	}

	all := groupsModelFromAPI(groups, types.StringNull())
	if all.ID.ValueString() != "all" || len(all.Groups) != 3 {
		t.Fatalf("unfiltered: id %q, %d groups", all.ID.ValueString(), len(all.Groups))
	}
	if got := all.Groups[0]; got.Description.ValueString() != "Everyone" || !got.IsSystem.ValueBool() {
		t.Errorf("All Users = %+v", got)
	}
	if got := all.Groups[1]; !got.Description.IsNull() || got.Priority.ValueInt64() != 10 {
		t.Errorf("Engineering = %+v", got)
	}

	named := groupsModelFromAPI(groups, types.StringValue("Engineering"))
	if named.ID.ValueString() != "Engineering" || len(named.Groups) != 1 ||
		named.Groups[0].ID.ValueString() != "11111111111111111111111111111111" {
		t.Errorf("filtered by an exact name: %+v", named)
	}

	if none := groupsModelFromAPI(groups, types.StringValue("Nobody")); none.Groups == nil || len(none.Groups) != 0 {
		t.Errorf("no match must give an empty list, not null: %+v", none.Groups)
	}
}

func TestGroupDeleteOfMissingGroupSucceeds(t *testing.T) {
	data, _ := groupsTestProviderData(t)
	groupsTestDelete(t, &groupResource{data: data}, groupResourceModel{
		ID:          kasmtypes.NewIDValue("0000000000000000000000000000abcd"),
		Name:        types.StringValue("Gone"),
		Priority:    types.Int64Value(10),
		IsSystem:    types.BoolValue(false),
		ForceDelete: types.BoolValue(false),
	})
}
