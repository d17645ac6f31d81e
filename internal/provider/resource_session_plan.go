package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// A session cannot be changed once it runs, so its inputs force a replacement. Two kinds of
// input need more care than the framework's RequiresReplace gives:
//
//   - Inputs Kasm never reports back (launch_url, environment) are null after an import. A
//     configuration that sets them must then only record the value, not replace a session that
//     was started with it; so a replacement is only due when the prior value was known.
//   - Id inputs (user_id, image_id) may be written dashed or as hex; the same UUID in the other
//     form is no change. requiresReplaceIfDifferentID handles those, as for every id.

const replaceIfPriorDiffersDescription = "Changing the value replaces the session, unless the prior value is " +
	"null (after an import Kasm cannot report it): then the value is only recorded."

// replaceIfPriorStringDiffers requires a replacement when a known prior string changes.
func replaceIfPriorStringDiffers() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull()
		},
		replaceIfPriorDiffersDescription, replaceIfPriorDiffersDescription,
	)
}

// replaceIfPriorMapDiffers requires a replacement when a known prior map changes.
func replaceIfPriorMapDiffers() planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull()
		},
		replaceIfPriorDiffersDescription, replaceIfPriorDiffersDescription,
	)
}
