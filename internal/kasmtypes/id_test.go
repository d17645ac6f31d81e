package kasmtypes_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

const (
	hexID    = "68d557ac4cac42cca9f31c7c853de0f3"
	dashedID = "68D557AC-4CAC-42CC-A9F3-1C7C853DE0F3"
	otherID  = "31aa063c670648589533d3c42092d02a"
)

func TestIDSemanticEquality(t *testing.T) {
	tests := []struct {
		name     string
		old, new kasmtypes.IDValue
		want     bool
	}{
		{"same hex", kasmtypes.NewIDValue(hexID), kasmtypes.NewIDValue(hexID), true},
		{"dashed upper case against hex", kasmtypes.NewIDValue(dashedID), kasmtypes.NewIDValue(hexID), true},
		{"hex against dashed", kasmtypes.NewIDValue(hexID), kasmtypes.NewIDValue(dashedID), true},
		{"different ids", kasmtypes.NewIDValue(hexID), kasmtypes.NewIDValue(otherID), false},
		{"non-uuid strings compare exactly", kasmtypes.NewIDValue("abc"), kasmtypes.NewIDValue("ABC"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := tt.old.StringSemanticEquals(t.Context(), tt.new)
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got != tt.want {
				t.Errorf("StringSemanticEquals(%q, %q) = %v, want %v", tt.old.ValueString(), tt.new.ValueString(), got, tt.want)
			}
		})
	}
}

func TestIDValidateAttribute(t *testing.T) {
	tests := []struct {
		name    string
		value   kasmtypes.IDValue
		wantErr bool
	}{
		{"hex", kasmtypes.NewIDValue(hexID), false},
		{"dashed", kasmtypes.NewIDValue(dashedID), false},
		{"null", kasmtypes.NewIDNull(), false},
		{"unknown", kasmtypes.NewIDUnknown(), false},
		{"too short", kasmtypes.NewIDValue("68d557ac"), true},
		{"not hex", kasmtypes.NewIDValue("zzd557ac4cac42cca9f31c7c853de0f3"), true},
		{"username", kasmtypes.NewIDValue("admin@kasm.local"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp xattr.ValidateAttributeResponse
			tt.value.ValidateAttribute(t.Context(), xattr.ValidateAttributeRequest{Path: path.Root("user_id")}, &resp)
			if resp.Diagnostics.HasError() != tt.wantErr {
				t.Fatalf("diagnostics = %v, want error %v", resp.Diagnostics, tt.wantErr)
			}
			if tt.wantErr {
				detail := resp.Diagnostics.Errors()[0].Detail()
				if want := "user_id must be a Kasm id"; !strings.Contains(detail, want) {
					t.Errorf("detail %q does not name the attribute (%q)", detail, want)
				}
			}
		})
	}
}

func TestIDTypeRoundTrip(t *testing.T) {
	value, err := kasmtypes.IDType{}.ValueFromTerraform(t.Context(), tftypes.NewValue(tftypes.String, dashedID))
	if err != nil {
		t.Fatal(err)
	}
	id, ok := value.(kasmtypes.IDValue)
	if !ok {
		t.Fatalf("ValueFromTerraform returned %T, want IDValue", value)
	}
	if id.ValueString() != dashedID {
		t.Errorf("value changed in transit: %q", id.ValueString())
	}
	if id.Normalized() != hexID {
		t.Errorf("Normalized() = %q, want %q", id.Normalized(), hexID)
	}
	if !(kasmtypes.IDType{}).Equal(id.Type(t.Context())) {
		t.Error("IDValue.Type is not IDType")
	}
}

func TestNormalizeKeepsNonIDs(t *testing.T) {
	if got := kasmtypes.Normalize("bob@example.com"); got != "bob@example.com" {
		t.Errorf("Normalize changed a non-id: %q", got)
	}
	if !kasmtypes.SameID(dashedID, hexID) {
		t.Error("SameID does not match the dashed and hex forms")
	}
}
