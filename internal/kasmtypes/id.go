// Package kasmtypes holds the provider's custom Terraform value types.
package kasmtypes

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// Kasm emits the same UUID as 32 hex characters on some endpoints and in the dashed 36
// character form on others, and accepts both. IDType lets practitioners write either form:
// values compare equal when they name the same UUID, so a dashed id in configuration never
// shows a diff against the hex form the API reads back, and never forces a replacement.

var (
	_ basetypes.StringTypable                    = IDType{}
	_ basetypes.StringValuableWithSemanticEquals = IDValue{}
	_ xattr.ValidateableAttribute                = IDValue{}
)

// IDType is the attribute type of every Kasm identifier.
type IDType struct {
	basetypes.StringType
}

// Equal reports whether o is also an IDType.
func (t IDType) Equal(o attr.Type) bool {
	other, ok := o.(IDType)
	if !ok {
		return false
	}
	return t.StringType.Equal(other.StringType)
}

// String names the type in framework error messages.
func (t IDType) String() string {
	return "kasmtypes.IDType"
}

// ValueFromString wraps a framework string value.
func (t IDType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return IDValue{StringValue: in}, nil
}

// ValueFromTerraform converts a Terraform value into an IDValue.
func (t IDType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	value, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	stringValue, ok := value.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", value)
	}
	return IDValue{StringValue: stringValue}, nil
}

// ValueType returns the value type of IDType.
func (t IDType) ValueType(_ context.Context) attr.Value {
	return IDValue{}
}

// IDValue is a Kasm identifier: a UUID in either of the forms Kasm uses.
type IDValue struct {
	basetypes.StringValue
}

// NewIDValue returns a known IDValue.
func NewIDValue(id string) IDValue {
	return IDValue{StringValue: basetypes.NewStringValue(id)}
}

// NewIDNull returns a null IDValue.
func NewIDNull() IDValue {
	return IDValue{StringValue: basetypes.NewStringNull()}
}

// NewIDUnknown returns an unknown IDValue.
func NewIDUnknown() IDValue {
	return IDValue{StringValue: basetypes.NewStringUnknown()}
}

// NewIDPointerValue returns a null IDValue for nil and a known one otherwise.
func NewIDPointerValue(id *string) IDValue {
	return IDValue{StringValue: basetypes.NewStringPointerValue(id)}
}

// Equal compares exact values; semantic comparison is StringSemanticEquals.
func (v IDValue) Equal(o attr.Value) bool {
	other, ok := o.(IDValue)
	if !ok {
		return false
	}
	return v.StringValue.Equal(other.StringValue)
}

// Type returns IDType.
func (v IDValue) Type(_ context.Context) attr.Type {
	return IDType{}
}

// StringSemanticEquals reports whether both values name the same UUID.
func (v IDValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	newValue, ok := newValuable.(IDValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected an IDValue to compare with, got %T. This is a bug in the provider; please report it.", newValuable))
		return false, diags
	}
	return SameID(v.ValueString(), newValue.ValueString()), diags
}

// ValidateAttribute rejects strings that are not UUIDs at validate time, naming the attribute.
func (v IDValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if !kasm.IsID(v.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kasm Identifier",
			fmt.Sprintf("%s must be a Kasm id: 32 hexadecimal characters such as "+
				"\"68d557ac4cac42cca9f31c7c853de0f3\", or the dashed UUID form. Got %q.", req.Path, v.ValueString()))
	}
}

// Normalized returns the 32 lower-case hex form of the id, or the value as it is when it is
// not a UUID (validation reports that case).
func (v IDValue) Normalized() string {
	return Normalize(v.ValueString())
}

// Normalize returns the 32 lower-case hex form of id, or id itself when it is not a UUID.
func Normalize(id string) string {
	normalized, err := kasm.NormalizeID(id)
	if err != nil {
		return id
	}
	return normalized
}

// SameID reports whether a and b name the same UUID in any of Kasm's forms.
func SameID(a, b string) bool {
	return Normalize(a) == Normalize(b)
}
