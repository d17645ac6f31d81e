package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestParseCompositeID(t *testing.T) {
	const (
		group       = "68d557ac4cac42cca9f31c7c853de0f3"
		groupDashed = "68D557AC-4CAC-42CC-A9F3-1C7C853DE0F3"
		user        = "57e8fc1afa864ff4947460d9831f42d5"
		userDashed  = "57e8fc1a-fa86-4ff4-9474-60d9831f42d5"
	)
	tests := []struct {
		raw           string
		first, second string
		ok            bool
	}{
		{raw: group + "/" + user, first: group, second: user, ok: true},
		{raw: groupDashed + "/" + userDashed, first: group, second: user, ok: true},
		{raw: " " + group + " / " + user + " ", first: group, second: user, ok: true},
		{raw: group},
		{raw: group + "/"},
		{raw: "/" + user},
		{raw: group + "/" + user + "/" + user},
		{raw: group + ":" + user},
		{raw: "All Users/" + user},
		{raw: ""},
	}
	for _, tt := range tests {
		first, second, ok := parseCompositeID(tt.raw)
		if first != tt.first || second != tt.second || ok != tt.ok {
			t.Errorf("parseCompositeID(%q) = %q, %q, %t; want %q, %q, %t",
				tt.raw, first, second, ok, tt.first, tt.second, tt.ok)
		}
	}

	if got := compositeID(groupDashed, userDashed); got != group+"/"+user {
		t.Errorf("compositeID = %q", got)
	}
}

func TestRequiresReplaceIfDifferentID(t *testing.T) {
	const (
		id       = "57e8fc1afa864ff4947460d9831f42d5"
		idDashed = "57e8fc1a-fa86-4ff4-9474-60d9831f42d5"
		other    = "68d557ac4cac42cca9f31c7c853de0f3"
	)
	present := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, map[string]tftypes.Value{})
	absent := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, nil)
	tests := []struct {
		name        string
		state, plan types.String
		stateRaw    tftypes.Value
		want        bool
	}{
		{name: "same form", state: types.StringValue(id), plan: types.StringValue(id), stateRaw: present},
		{name: "other form", state: types.StringValue(id), plan: types.StringValue(idDashed), stateRaw: present},
		{name: "other id", state: types.StringValue(id), plan: types.StringValue(other), stateRaw: present, want: true},
		{name: "unknown", state: types.StringValue(id), plan: types.StringUnknown(), stateRaw: present, want: true},
		{name: "create", state: types.StringNull(), plan: types.StringValue(id), stateRaw: absent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.StringRequest{
				State:      tfsdk.State{Raw: tt.stateRaw},
				Plan:       tfsdk.Plan{Raw: present},
				StateValue: tt.state,
				PlanValue:  tt.plan,
			}
			var resp planmodifier.StringResponse
			requiresReplaceIfDifferentID().PlanModifyString(t.Context(), req, &resp)
			if resp.RequiresReplace != tt.want {
				t.Errorf("RequiresReplace = %t, want %t", resp.RequiresReplace, tt.want)
			}
		})
	}
}
