package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// A session cannot be changed once it runs, so its inputs force a replacement. Two kinds of
// input need more care than the framework's RequiresReplace gives:
//
//   - Inputs Kasm never reports back (launch_url, environment) are null after an import. A
//     configuration that sets them must then only record the value, not replace a session that
//     was started with it; so a replacement is only due when the prior value was known.
//   - Id inputs (user_id, image_id) may be written dashed or as hex; the same UUID in the other
//     form is no change.

var (
	_ planmodifier.String = replaceIfPriorStringDiffers{}
	_ planmodifier.Map    = replaceIfPriorMapDiffers{}
	_ planmodifier.String = replaceIfPriorIDDiffers{}
)

const replaceIfPriorDiffersDescription = "Changing the value replaces the session, unless the prior value is " +
	"null (after an import Kasm cannot report it): then the value is only recorded."

// replaceIfPriorStringDiffers requires a replacement when a known prior string changes.
type replaceIfPriorStringDiffers struct{}

func (m replaceIfPriorStringDiffers) Description(_ context.Context) string {
	return replaceIfPriorDiffersDescription
}

func (m replaceIfPriorStringDiffers) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m replaceIfPriorStringDiffers) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() {
		return
	}
	if !req.PlanValue.Equal(req.StateValue) {
		resp.RequiresReplace = true
	}
}

// replaceIfPriorMapDiffers requires a replacement when a known prior map changes.
type replaceIfPriorMapDiffers struct{}

func (m replaceIfPriorMapDiffers) Description(_ context.Context) string {
	return replaceIfPriorDiffersDescription
}

func (m replaceIfPriorMapDiffers) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m replaceIfPriorMapDiffers) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() {
		return
	}
	if !req.PlanValue.Equal(req.StateValue) {
		resp.RequiresReplace = true
	}
}

// replaceIfPriorIDDiffers requires a replacement when a known prior id changes to a different
// UUID or to a value not known until apply. It follows UseStateForUnknown on optional and
// computed ids, so an id left out of the configuration keeps the value Kasm chose.
type replaceIfPriorIDDiffers struct{}

func (m replaceIfPriorIDDiffers) Description(_ context.Context) string {
	return "Changing the value to a different id replaces the session; the same id in dashed or hex form is no change."
}

func (m replaceIfPriorIDDiffers) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m replaceIfPriorIDDiffers) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() || req.PlanValue.IsNull() {
		return
	}
	if req.PlanValue.IsUnknown() || !kasmtypes.SameID(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.RequiresReplace = true
	}
}
