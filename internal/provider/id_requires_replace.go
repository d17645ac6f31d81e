package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// requiresReplaceIfDifferentID forces a replacement when an id attribute names a different
// object, or one not known until apply. Rewriting the same id in its other form (dashed or 32
// hex characters) is not a different object, so it stays an in-place change that touches
// nothing on the server. A null prior value (an input Kasm does not report, first read after an
// import) or a null plan (an optional id left out) is only recorded, never a replacement.
func requiresReplaceIfDifferentID() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull() &&
				(req.PlanValue.IsUnknown() || !kasmtypes.SameID(req.StateValue.ValueString(), req.PlanValue.ValueString()))
		},
		"Changing this to a different id forces replacement; the same id written in its other form does not.",
		"Changing this to a different id forces replacement; the same id written in its other form "+
			"(dashed or 32 hexadecimal characters) does not.",
	)
}

// compositeIDSeparator joins the two ids of a pairwise resource such as a group membership.
const compositeIDSeparator = "/"

// compositeID builds "<first>/<second>" from two ids, each in the 32 hex form.
func compositeID(first, second string) string {
	return kasmtypes.Normalize(first) + compositeIDSeparator + kasmtypes.Normalize(second)
}

// parseCompositeID splits "<first>/<second>" into two ids in the 32 hex form. Either part may
// be dashed. ok is false unless there are exactly two parts and both are Kasm ids.
func parseCompositeID(raw string) (first, second string, ok bool) {
	parts := strings.Split(strings.TrimSpace(raw), compositeIDSeparator)
	if len(parts) != 2 {
		return "", "", false
	}
	first, err := kasm.NormalizeID(strings.TrimSpace(parts[0]))
	if err != nil {
		return "", "", false
	}
	second, err = kasm.NormalizeID(strings.TrimSpace(parts[1]))
	if err != nil {
		return "", "", false
	}
	return first, second, true
}
