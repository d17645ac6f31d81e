package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// The conversions every model shares for the ways Kasm says "none": the client turns a null
// or empty member into "" and a missing date into nil, and the provider writes null for both.

// nullableString maps Kasm's empty or null strings to null: Kasm cannot clear a field to null,
// so the provider writes "" and both mean "not set".
func nullableString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// nullableID maps the "" the client returns for a missing id to a null id.
func nullableID(id string) kasmtypes.IDValue {
	if id == "" {
		return kasmtypes.NewIDNull()
	}
	return kasmtypes.NewIDValue(id)
}

// rfc3339 formats a Kasm date (UTC) as RFC 3339, or null when Kasm has none.
func rfc3339(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
