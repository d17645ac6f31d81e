package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// maxUsernameLength is the length of Kasm's username column, in characters.
const maxUsernameLength = 255

var (
	_ validator.String = usernameValidator{}
	_ validator.String = noSurroundingSpaceValidator{}
)

// usernameValidator accepts only usernames written the way Kasm stores them. Kasm strips and
// lower-cases usernames on create and update, so any other spelling would read back different
// from the configuration and show a difference on every plan; rejecting it at plan time, with
// the spelling to use instead, is kinder than a perpetual diff.
type usernameValidator struct{}

func (v usernameValidator) Description(_ context.Context) string {
	return "must be lower case, without leading or trailing spaces, and at most 255 characters long"
}

func (v usernameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v usernameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	username := req.ConfigValue.ValueString()
	canonical := strings.ToLower(strings.TrimSpace(username))
	switch {
	case canonical == "":
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kasm Username",
			fmt.Sprintf("%s must not be empty.", req.Path))
	case canonical != username:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kasm Username",
			fmt.Sprintf("%s must be lower case without leading or trailing spaces, because Kasm stores usernames "+
				"stripped and lower-cased: %q would be saved as %q and show a difference on every plan. "+
				"Write %q instead, or wrap a value that comes from elsewhere in lower() and trimspace(), "+
				"for example lower(%q).", req.Path, username, canonical, canonical, strings.TrimSpace(username)))
	case utf8.RuneCountInString(username) > maxUsernameLength:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kasm Username",
			fmt.Sprintf("%s must be at most %d characters long, got %d.", req.Path, maxUsernameLength,
				utf8.RuneCountInString(username)))
	}
}

// noSurroundingSpaceValidator rejects strings with leading or trailing white space, which Kasm
// strips from some user fields; the configuration would otherwise never match what is stored.
type noSurroundingSpaceValidator struct{}

func (v noSurroundingSpaceValidator) Description(_ context.Context) string {
	return "must not start or end with white space"
}

func (v noSurroundingSpaceValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v noSurroundingSpaceValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if trimmed := strings.TrimFunc(value, unicode.IsSpace); trimmed != value {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kasm User Field",
			fmt.Sprintf("%s must not start or end with white space, because Kasm strips it and the stored value "+
				"would never match the configuration. Write %q instead.", req.Path, trimmed))
	}
}
